// One missed utterance: tick it, then choose an intent (the bot's guesses first) or name a new one with its response; or see what became of it.

import { useId } from "react";
import { percent } from "../../lib/calls";
import { describeReason } from "../../lib/handoffs";
import type { MissedUtterance, Proposal } from "../../lib/improve";
import { type Pick, isOpen, pickProblem, rankIntents } from "../../lib/review";

/** The select's value for "a new intent". */
const NEW = "\u0000new";

export function MissedItem(props: {
  missed: MissedUtterance;
  intents: string[];
  pick: Pick | undefined;
  error: string | undefined;
  proposal: Proposal | undefined;
  onToggle: (m: MissedUtterance) => void;
  onChange: (id: string, edit: Partial<Pick>) => void;
}) {
  const { missed: m, intents, pick, error, proposal } = props;
  const id = useId();
  const open = isOpen(m, proposal);
  const problem = pick ? pickProblem(pick, intents) : null;
  const options = rankIntents(m.best_guesses, intents);
  const guessed = options.filter((o) => o.confidence !== null);
  const others = options.filter((o) => o.confidence === null);
  const edit = (e: Partial<Pick>) => props.onChange(m.id, e);

  return (
    <li className={`im-item${pick ? " im-item-picked" : ""}`} data-testid="review-item" data-missed-id={m.id} data-state={open ? "open" : "proposed"}>
      <div className="im-item-head">
        {open && (
          <input id={`${id}-pick`} type="checkbox" data-testid="review-select" checked={pick !== undefined} onChange={() => props.onToggle(m)} />
        )}
        <label htmlFor={`${id}-pick`} className="im-item-text">
          <q data-testid="review-text">{m.text}</q>
          <span className="st-muted st-small"> · {describeReason(m.reason)}</span>
        </label>
      </div>
      {m.best_guesses.length > 0 && (
        <p className="st-small im-guesses">
          <span className="st-muted">The bot guessed </span>
          {m.best_guesses.map((g) => (
            <span key={g.intent} className="st-chip st-guess" data-testid="review-guess" data-intent={g.intent}>
              {g.intent} {percent(g.confidence)}
            </span>
          ))}
        </p>
      )}
      {!open && (
        <p className="st-small st-muted" data-testid="review-proposed">
          {proposal ? (
            <>
              Proposed for <strong>{proposal.intent}</strong>
              {proposal.new_intent && " (new)"} · <span className={`im-status im-status-${proposal.status}`}>{proposal.status}</span>
            </>
          ) : (
            "Already proposed by someone else."
          )}
        </p>
      )}
      {pick && open && (
        <div className="im-pick">
          <label className="im-field">
            <span className="st-small">Intent</span>
            <select
              data-testid="review-intent"
              value={pick.newIntent ? NEW : pick.intent}
              onChange={(e) => edit(e.target.value === NEW ? { newIntent: true } : { newIntent: false, intent: e.target.value })}
            >
              <option value="" disabled>
                Choose…
              </option>
              {guessed.length > 0 && (
                <optgroup label="The bot's guesses">
                  {guessed.map((o) => (
                    <option key={o.intent} value={o.intent}>
                      {o.intent} ({percent(o.confidence ?? 0)})
                    </option>
                  ))}
                </optgroup>
              )}
              <optgroup label="Its other intents">
                {others.map((o) => (
                  <option key={o.intent} value={o.intent}>
                    {o.intent}
                  </option>
                ))}
              </optgroup>
              <option value={NEW}>New intent…</option>
            </select>
          </label>
          {pick.newIntent && (
            <>
              <label className="im-field">
                <span className="st-small">New intent name</span>
                <input data-testid="review-new-name" value={pick.newName} placeholder="e.g. pet_insurance" onChange={(e) => edit({ newName: e.target.value })} />
              </label>
              <label className="im-field im-field-wide">
                <span className="st-small">What the bot should answer (a supervisor can add it later)</span>
                <textarea data-testid="review-response" rows={2} value={pick.response} onChange={(e) => edit({ response: e.target.value })} />
              </label>
            </>
          )}
          {problem && (
            <p className="st-warn st-small" data-testid="review-problem">
              {problem}
            </p>
          )}
        </div>
      )}
      {error && (
        <p className="st-error st-small" role="alert" data-testid="review-item-error">
          {error}
        </p>
      )}
    </li>
  );
}
