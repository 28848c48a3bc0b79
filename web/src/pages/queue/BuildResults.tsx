// What the last decision did: each proposal's fate, and per bot the version built (published, refused by the gate, unchanged or failed) with the gate's report.

import { GateReportView } from "../../components/GateReportView";
import type { Decided } from "../../lib/improve";
import { describeBuild, outcomeOf } from "../../lib/queue";

export function BuildResults({ result, onDismiss }: { result: Decided; onDismiss: () => void }) {
  const textOf = (id: string) => result.proposals.find((p) => p.id === id)?.text ?? id;
  return (
    <section className="st-card im-result" aria-label="What the decision did" data-testid="decision-result" role="status">
      <div className="im-result-head">
        <h2 className="st-section-title">Decided {result.proposals.length}</h2>
        <button type="button" className="st-link st-small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      <ul className="im-decided">
        {result.proposals.map((p) => {
          const { status, reason } = outcomeOf(p, result.builds);
          return (
            <li key={p.id} className="st-small" data-testid="decided-proposal" data-proposal-id={p.id} data-status={status}>
              <span className={`im-status im-status-${status}`}>{status}</span> <q>{p.text}</q> → <strong>{p.intent}</strong>
              {reason && <span className="st-muted"> — {reason}</span>}
            </li>
          );
        })}
      </ul>
      {result.builds.map((b) => (
        <div key={b.bot} className={`im-build im-build-${b.outcome}`} data-testid="build" data-bot={b.bot} data-outcome={b.outcome} data-version={b.version ?? undefined}>
          <p data-testid="build-summary">
            <span className={`st-badge im-outcome-${b.outcome}`}>{b.outcome.replaceAll("_", " ")}</span> {describeBuild(b)}
          </p>
          {b.refused.length > 0 && (
            <ul className="st-small">
              {b.refused.map((r) => (
                <li key={r.id} data-testid="build-refused" data-proposal-id={r.id}>
                  Left out <q>{textOf(r.id)}</q>: {r.reason}
                </li>
              ))}
            </ul>
          )}
          {b.report && <GateReportView report={b.report} />}
          {b.version !== null && (
            <a className="st-small" href="/history">
              See v{b.version} in the bot's history
            </a>
          )}
        </div>
      ))}
    </section>
  );
}
