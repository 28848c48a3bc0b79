// Pending proposals grouped by target intent, edited in place and decided in bulk (all or none); then what each bot's build did, and candidate new intents beside.

import { useState } from "react";
import type { StaffSession } from "../../components/StaffGate";
import { useLoad } from "../../components/useLoad";
import type { Decided, Proposal } from "../../lib/improve";
import { type Draft, approvalProblem, decisionOf, draftOf, groupByTarget } from "../../lib/queue";
import { BuildResults } from "./BuildResults";
import { Clusters } from "./Clusters";
import { TargetGroupCard } from "./TargetGroupCard";

/** Most pending proposals listed (the oldest: they have waited longest). */
const PENDING_LIMIT = 1000;

type Verdict = "approve" | "reject";

export function QueuePage({ session }: { session: StaffSession }) {
  const { api } = session;
  const pending = useLoad(() => api.listProposals({ status: "pending", limit: PENDING_LIMIT }), "pending");
  const bots = useLoad(() => api.listBots(), "bots");
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [deciding, setDeciding] = useState<Verdict | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [result, setResult] = useState<Decided | null>(null);

  const proposals = pending.data ?? [];
  const intentsOf = (bot: string) => bots.data?.find((b) => b.name === bot)?.intents ?? [];
  const draft = (p: Proposal) => drafts[p.id] ?? draftOf(p);
  const chosen = proposals.filter((p) => selected.has(p.id));
  const blocked = chosen
    .map((p) => ({ p, why: approvalProblem(draft(p), intentsOf(p.bot)) }))
    .filter((b): b is { p: Proposal; why: string } => b.why !== null);

  const edit = (p: Proposal, change: Partial<Draft>) => setDrafts((all) => ({ ...all, [p.id]: { ...(all[p.id] ?? draftOf(p)), ...change } }));
  const select = (ids: string[], on: boolean) =>
    setSelected((was) => {
      const next = new Set(was);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });

  const decide = async (verdict: Verdict) => {
    if (chosen.length === 0 || deciding || (verdict === "approve" && blocked.length > 0)) return;
    setDeciding(verdict);
    setFailure(null);
    try {
      const decided = await api.decide(chosen.map((p) => decisionOf(p, draft(p), verdict)));
      setResult(decided);
      setSelected(new Set());
      setDrafts((all) => Object.fromEntries(Object.entries(all).filter(([id]) => !decided.proposals.some((p) => p.id === id))));
    } catch (err) {
      setFailure(`Nothing was decided: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setDeciding(null);
      await pending.reload();
    }
  };

  const groups = groupByTarget(proposals);
  return (
    <main className="st-main im-main im-queue">
      <div className="im-column">
        <section className="st-card im-bulk" aria-label="Decide">
          <div className="im-bulk-row">
            <h2 className="st-section-title">
              Pending <span className="st-count" data-testid="pending-count">{proposals.length}</span>
            </h2>
            <span className="st-small st-muted" data-testid="selected-count">
              {chosen.length} selected
            </span>
            <button type="button" className="st-button" data-testid="approve" disabled={chosen.length === 0 || blocked.length > 0 || deciding !== null} onClick={() => void decide("approve")}>
              {deciding === "approve" ? "Approving and building…" : "Approve"}
            </button>
            <button type="button" className="st-button st-quiet" data-testid="reject" disabled={chosen.length === 0 || deciding !== null} onClick={() => void decide("reject")}>
              {deciding === "reject" ? "Rejecting…" : "Reject"}
            </button>
          </div>
          <p className="st-muted st-small">Approving builds, tests and publishes a new version of each bot at once; a batch is decided all or none.</p>
          {blocked.length > 0 && (
            <div className="st-warn st-small" data-testid="approve-blocked">
              Cannot approve yet:
              <ul>
                {blocked.map(({ p, why }) => (
                  <li key={p.id}>
                    <q>{draft(p).text}</q> — {why}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {failure && (
            <p className="st-error st-small" role="alert" data-testid="decide-error">
              {failure}
            </p>
          )}
        </section>
        {result && <BuildResults result={result} onDismiss={() => setResult(null)} />}
        {pending.error && (
          <p className="st-notice st-small" role="alert" data-testid="load-error">
            Could not load the queue: {pending.error}
          </p>
        )}
        {pending.data !== null && proposals.length === 0 && (
          <section className="st-card st-empty" data-testid="queue-empty">
            <h2>The queue is empty</h2>
            <p className="st-muted">Agents' proposals from their reviews wait here for a decision.</p>
          </section>
        )}
        {groups.map((g) => (
          <TargetGroupCard
            key={g.key}
            group={g}
            intents={intentsOf(g.bot)}
            drafts={drafts}
            selected={selected}
            onSelect={select}
            onEdit={edit}
          />
        ))}
      </div>
      <aside className="im-side">
        <Clusters api={api} bots={bots.data ?? []} onProposed={() => void pending.reload()} />
      </aside>
    </main>
  );
}
