// The pending proposals for one intent (existing or new), with a tick-all box.

import type { Proposal } from "../../lib/improve";
import { type Draft, type TargetGroup, draftOf } from "../../lib/queue";
import { ProposalRow } from "./ProposalRow";

export function TargetGroupCard(props: {
  group: TargetGroup;
  intents: string[];
  drafts: Record<string, Draft>;
  selected: Set<string>;
  onSelect: (ids: string[], on: boolean) => void;
  onEdit: (p: Proposal, change: Partial<Draft>) => void;
}) {
  const { group: g, selected } = props;
  const ids = g.proposals.map((p) => p.id);
  const all = ids.every((id) => selected.has(id));
  return (
    <section className="st-card im-group" data-testid="queue-group" data-bot={g.bot} data-intent={g.intent} data-new={g.newIntent}>
      <h2 className="im-group-title">
        <label>
          <input type="checkbox" data-testid="group-select" checked={all} onChange={() => props.onSelect(ids, !all)} aria-label={`Select every proposal for ${g.intent}`} />{" "}
          {g.newIntent && <span className="st-badge im-badge-new">new intent</span>} <span className="im-intent">{g.intent}</span>
        </label>
        <span className="st-muted st-small">
          {g.bot} · {g.proposals.length} proposal{g.proposals.length === 1 ? "" : "s"}
        </span>
      </h2>
      <ul className="im-items">
        {g.proposals.map((p) => (
          <ProposalRow
            key={p.id}
            proposal={p}
            draft={props.drafts[p.id] ?? draftOf(p)}
            intents={props.intents}
            selected={selected.has(p.id)}
            onSelect={(on) => props.onSelect([p.id], on)}
            onEdit={(change) => props.onEdit(p, change)}
          />
        ))}
      </ul>
    </section>
  );
}
