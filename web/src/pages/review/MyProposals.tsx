// The agent's own proposals, newest first, with what the supervisors and the build made of each.

import type { Proposal } from "../../lib/improve";
import { when } from "../../lib/reports";

export function MyProposals({ proposals, error }: { proposals: Proposal[] | null; error: string | null }) {
  const newest = [...(proposals ?? [])].reverse();
  return (
    <section className="st-card im-mine" aria-label="My proposals" data-testid="my-proposals">
      <h2 className="st-section-title">
        My proposals <span className="st-count">{newest.length}</span>
      </h2>
      {error && <p className="st-error st-small">Could not load them: {error}</p>}
      {proposals !== null && newest.length === 0 && <p className="st-muted st-small">None yet.</p>}
      <ul className="im-mine-list">
        {newest.map((p) => (
          <li key={p.id} data-testid="my-proposal" data-proposal-id={p.id} data-status={p.status}>
            <q>{p.text}</q>
            <span className="st-small">
              {" "}
              → <strong>{p.intent}</strong>
              {p.new_intent && <span className="st-muted"> (new)</span>}
            </span>
            <div className="st-small st-muted">
              <span className={`im-status im-status-${p.status}`} data-testid="my-proposal-status">
                {p.status}
              </span>
              {p.version !== null && ` in v${p.version}`}
              {p.decided_by && ` · by ${p.decided_by}`} · {when(p.decided_at ?? p.proposed_at)}
            </div>
            {p.note && <div className="st-small im-note">{p.note}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}
