// What the rules found on a call: alerts with their severity and the categories it was filed under.

import type { CallView } from "../lib/callState";
import { alertsOf } from "../lib/callViews";

export function Alerts({ call }: { call: CallView }) {
  const alerts = alertsOf(call.ruleHits);
  const textOf = (seq: number, own: string | null) => own ?? call.segments.find((s) => s.seq === seq)?.text ?? null;
  if (alerts.length === 0 && call.categories.length === 0) return null;
  return (
    <section className="st-card st-alerts-card" aria-label="Alerts and categories">
      {alerts.length > 0 && (
        <ul className="st-alerts">
          {alerts.map((a) => (
            <li key={a.rule} className={`st-alert st-sev-${a.severity}`} data-testid="alert" data-severity={a.severity} data-rule={a.rule}>
              <span className={`st-badge st-badge-${a.severity}`}>{a.severity}</span>
              <span className="st-alert-body">
                <strong>{a.category}</strong> — {a.description}
                {textOf(a.seq, a.text) && <q className="st-alert-words">{textOf(a.seq, a.text)}</q>}
              </span>
            </li>
          ))}
        </ul>
      )}
      {call.categories.length > 0 && (
        <ul className="st-chips" aria-label="Categories">
          {call.categories.map((c) => (
            <li key={c} className="st-chip st-chip-category" data-testid="category">
              {c}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
