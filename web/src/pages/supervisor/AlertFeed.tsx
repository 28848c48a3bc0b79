// Alerts from every call as they happen, newest first, with the words that raised them; a click opens the call.

import type { Alert, CallView } from "../../lib/callState";

function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function AlertFeed(props: { alerts: Alert[]; calls: Record<string, CallView>; onSelect: (id: string) => void }) {
  return (
    <aside className="st-card st-alert-feed" data-testid="alert-feed" aria-label="Alerts">
      <h2 className="st-section-title">Alerts</h2>
      {props.alerts.length === 0 && <p className="st-muted st-small">No alerts yet.</p>}
      <ol className="st-alerts" aria-live="polite">
        {props.alerts.map((a) => {
          const call = props.calls[a.call_id];
          return (
            <li
              key={`${a.call_id}/${a.rule}`}
              className={`st-alert st-sev-${a.severity}`}
              data-testid="alert"
              data-severity={a.severity}
              data-call-id={a.call_id}
              data-rule={a.rule}
            >
              <span className={`st-badge st-badge-${a.severity}`}>{a.severity}</span>
              <span className="st-alert-body">
                <span className="st-alert-head">
                  <strong>{a.category}</strong>
                  <time className="st-muted st-small">{clock(a.at)}</time>
                </span>
                <span className="st-muted st-small">{a.description}</span>
                {a.text && <q className="st-alert-words">{a.text}</q>}
                <button type="button" className="st-link st-small st-alert-call" onClick={() => props.onSelect(a.call_id)}>
                  {call?.agent_id ? `${call.agent_id} · ` : ""}call {a.call_id}
                </button>
              </span>
            </li>
          );
        })}
      </ol>
    </aside>
  );
}
