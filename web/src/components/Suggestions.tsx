// What the bot offers the agent for the customer's words, newest first; the agent marks each used or not helpful, supervisors see the verdicts.

import { useState } from "react";
import type { CallView } from "../lib/callState";
import { suggestionsNewestFirst } from "../lib/callViews";
import { type Feedback, type Suggestion, describeSuggestionSource, percent } from "../lib/calls";

/** Sends a verdict; rejects with a readable error. */
export type SendFeedback = (suggestion: Suggestion, feedback: Feedback) => Promise<void>;

const VERDICT = { used: "Used", not_helpful: "Not helpful" } as const;

/** Articles longer than this start folded to a few lines, so one FAQ does not push the rest away. */
const CLAMP_FROM_CHARS = 220;

/** Most suggestions listed; older ones matter little once the conversation moved on. */
const MAX_SHOWN = 12;

export function Suggestions({ call, onFeedback }: { call: CallView; onFeedback?: SendFeedback }) {
  const shown = suggestionsNewestFirst(call.suggestions).slice(0, MAX_SHOWN);
  const said = (seq: number) => call.segments.find((s) => s.seq === seq)?.text;
  return (
    <section className="st-card st-suggestions-card" aria-label="Suggestions">
      <h2 className="st-section-title">Suggestions</h2>
      {shown.length === 0 && (
        <p className="st-muted st-small" data-testid="no-suggestions">
          Suggestions appear here when the customer asks about something the bot knows.
        </p>
      )}
      <ul className="st-suggestions">
        {shown.map((s, i) => (
          <SuggestionCard
            key={s.id}
            suggestion={s}
            context={i === 0 || shown[i - 1].seq !== s.seq ? said(s.seq) : undefined}
            onFeedback={onFeedback}
          />
        ))}
      </ul>
    </section>
  );
}

function SuggestionCard(props: { suggestion: Suggestion; context?: string; onFeedback?: SendFeedback }) {
  const { suggestion: s, context, onFeedback } = props;
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [expanded, setExpanded] = useState(false);
  const long = s.text.length > CLAMP_FROM_CHARS;
  const give = async (feedback: Feedback) => {
    if (!onFeedback) return;
    setPending(true);
    setError(null);
    try {
      await onFeedback(s, feedback);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setPending(false);
    }
  };
  return (
    <li
      className={`st-suggestion st-kind-${s.kind}${s.feedback ? ` st-fb-${s.feedback}` : ""}`}
      data-testid="suggestion"
      data-kind={s.kind}
      data-suggestion-id={s.id}
      data-seq={s.seq}
      data-feedback={s.feedback ?? "none"}
    >
      {context && <p className="st-context st-small">For: “{context}”</p>}
      <div className="st-suggestion-head">
        <strong className="st-suggestion-title" data-testid="suggestion-title">
          {s.title}
        </strong>
        <span className="st-score" data-testid="suggestion-score">
          {percent(s.score)}
        </span>
      </div>
      <p className={`st-suggestion-text${long && !expanded ? " st-clamped" : ""}`} data-testid="suggestion-text">
        {s.text}
      </p>
      {long && (
        <button type="button" className="st-link st-small" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          {expanded ? "Show less" : "Show all"}
        </button>
      )}
      <p className="st-muted st-small" data-testid="suggestion-source">
        {describeSuggestionSource(s)}
      </p>
      {s.feedback ? (
        <p className={`st-verdict st-verdict-${s.feedback}`} data-testid="suggestion-verdict">
          {VERDICT[s.feedback]}
          {s.feedback_by ? ` — marked by ${s.feedback_by}` : ""}
        </p>
      ) : (
        onFeedback && (
          <div className="st-actions">
            <button type="button" className="st-button" data-testid="suggestion-used" disabled={pending} onClick={() => give("used")}>
              Used
            </button>
            <button
              type="button"
              className="st-button st-quiet"
              data-testid="suggestion-not-helpful"
              disabled={pending}
              onClick={() => give("not_helpful")}
            >
              Not helpful
            </button>
          </div>
        )
      )}
      {error && (
        <p className="st-error st-small" data-testid="suggestion-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
