// Customer words neither an intent nor an article matched, with the bot's best guesses, for the agent to handle themselves.

import type { CallView } from "../lib/callState";
import { percent } from "../lib/calls";

export function MissedList({ call }: { call: CallView }) {
  if (call.missed.length === 0) return null;
  return (
    <section className="st-card st-missed-card" aria-label="Missed utterances">
      <h2 className="st-section-title">Nothing matched</h2>
      <ul className="st-missed">
        {[...call.missed].reverse().map((m) => (
          <li key={m.seq} data-testid="missed" data-seq={m.seq}>
            <q>{m.text}</q>
            {m.best_guesses.length > 0 && (
              <span className="st-muted st-small">
                {" "}
                closest: {m.best_guesses.slice(0, 2).map((g) => `${g.intent} (${percent(g.confidence)})`).join(", ")}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
