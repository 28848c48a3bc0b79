// The call's key phrases as chips, newest first, so the agent sees the topic at a glance.

import type { CallView } from "../lib/callState";
import { keyPhrases } from "../lib/callViews";

export function KeyPhrases({ call }: { call: CallView }) {
  const phrases = keyPhrases(call.segments);
  return (
    <section className="st-card st-phrases-card" aria-label="Key phrases">
      <h2 className="st-section-title">Key phrases</h2>
      {phrases.length === 0 ? (
        <p className="st-muted st-small">None yet.</p>
      ) : (
        <ul className="st-chips">
          {phrases.map((p) => (
            <li key={p.toLowerCase()} className="st-chip" data-testid="key-phrase">
              {p}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
