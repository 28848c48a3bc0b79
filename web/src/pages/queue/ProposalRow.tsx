// One pending proposal: tick it, correct its words, retarget it (or make it a new intent with a response), add a note.

import { useId } from "react";
import type { Proposal } from "../../lib/improve";
import { type Draft, approvalProblem } from "../../lib/queue";
import { when } from "../../lib/reports";

/** The select's value for "a new intent". */
const NEW = "\u0000new";

export function ProposalRow(props: {
  proposal: Proposal;
  draft: Draft;
  intents: string[];
  selected: boolean;
  onSelect: (on: boolean) => void;
  onEdit: (change: Partial<Draft>) => void;
}) {
  const { proposal: p, draft: d, intents, onEdit } = props;
  const id = useId();
  const problem = approvalProblem(d, intents);
  const sorted = [...intents].sort();
  return (
    <li className={`im-item${props.selected ? " im-item-picked" : ""}`} data-testid="queue-proposal" data-proposal-id={p.id}>
      <div className="im-item-head">
        <input id={`${id}-pick`} type="checkbox" data-testid="queue-select" checked={props.selected} onChange={(e) => props.onSelect(e.target.checked)} />
        <label htmlFor={`${id}-pick`} className="st-small st-muted">
          from {p.proposed_by} · {when(p.proposed_at)}
        </label>
      </div>
      {p.note && (
        <p className="st-small im-note" data-testid="queue-returned">
          {p.note}
        </p>
      )}
      <div className="im-pick">
        <label className="im-field im-field-wide">
          <span className="st-small">Utterance</span>
          <input data-testid="queue-text" value={d.text} onChange={(e) => onEdit({ text: e.target.value })} />
        </label>
        <label className="im-field">
          <span className="st-small">Intent</span>
          <select
            data-testid="queue-intent"
            value={d.newIntent ? NEW : d.intent}
            onChange={(e) =>
              onEdit(e.target.value === NEW ? { newIntent: true, intent: p.new_intent ? p.intent : "" } : { newIntent: false, intent: e.target.value })
            }
          >
            {!d.newIntent && !intents.includes(d.intent) && <option value={d.intent}>{d.intent} (not in the bot)</option>}
            {sorted.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
            <option value={NEW}>New intent…</option>
          </select>
        </label>
        {d.newIntent && (
          <>
            <label className="im-field">
              <span className="st-small">New intent name</span>
              <input data-testid="queue-new-name" value={d.intent} onChange={(e) => onEdit({ intent: e.target.value })} />
            </label>
            <label className="im-field im-field-wide">
              <span className="st-small">Response (required to approve a new intent)</span>
              <textarea data-testid="queue-response" rows={2} value={d.response} onChange={(e) => onEdit({ response: e.target.value })} />
            </label>
          </>
        )}
        <label className="im-field im-field-wide">
          <span className="st-small">Note (kept with the decision)</span>
          <input data-testid="queue-note" value={d.note} onChange={(e) => onEdit({ note: e.target.value })} />
        </label>
      </div>
      {problem && (
        <p className="st-warn st-small" data-testid="queue-problem">
          {problem}
        </p>
      )}
    </li>
  );
}
