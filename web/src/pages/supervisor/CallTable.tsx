// One row per call: agent, caller, ticking duration, each side's current sentiment, categories and alerts; a click opens the call.

import { useNow } from "../../components/useNow";
import type { CallView } from "../../lib/callState";
import { alertsOf, callDurationMs, currentSentiment, formatDuration, worstSeverity } from "../../lib/callViews";
import type { Speaker } from "../../lib/calls";

export function CallTable(props: { calls: CallView[]; selected: string | null; onSelect: (id: string) => void }) {
  const now = useNow(props.calls.some((c) => c.status === "live"));
  return (
    <table className="st-table">
      <thead>
        <tr>
          <th scope="col">Agent</th>
          <th scope="col">Caller</th>
          <th scope="col">Duration</th>
          <th scope="col">Customer sentiment</th>
          <th scope="col">Agent sentiment</th>
          <th scope="col">Categories</th>
          <th scope="col">Alerts</th>
        </tr>
      </thead>
      <tbody>
        {props.calls.map((c) => (
          <CallRow key={c.id} call={c} now={now} selected={props.selected === c.id} onSelect={props.onSelect} />
        ))}
      </tbody>
    </table>
  );
}

function CallRow(props: { call: CallView; now: number; selected: boolean; onSelect: (id: string) => void }) {
  const { call, now, selected, onSelect } = props;
  const alerts = alertsOf(call.ruleHits);
  const worst = worstSeverity(call.ruleHits);
  return (
    <tr
      className={`st-row${selected ? " st-row-selected" : ""}`}
      data-testid="call-row"
      data-call-id={call.id}
      data-status={call.status}
      aria-selected={selected}
      onClick={() => onSelect(call.id)}
    >
      <td>
        <button type="button" className="st-link st-row-open" onClick={() => onSelect(call.id)} aria-label={`Open call ${call.id}`}>
          {call.agent_id ?? "—"}
        </button>
      </td>
      <td data-testid="row-caller">{call.from_number ?? "unknown"}</td>
      <td className="st-duration-cell" data-testid="row-duration">
        {formatDuration(callDurationMs(call, now))}
        {call.status !== "live" && <span className="st-muted st-small"> ended</span>}
      </td>
      <td>
        <SentimentCell call={call} speaker="customer" />
      </td>
      <td>
        <SentimentCell call={call} speaker="agent" />
      </td>
      <td>
        <ul className="st-chips st-chips-tight">
          {call.categories.map((c) => (
            <li key={c} className="st-chip st-chip-category" data-testid="row-category">
              {c}
            </li>
          ))}
        </ul>
      </td>
      <td data-testid="alert-count" data-count={alerts.length} data-worst={worst ?? "none"}>
        {alerts.length === 0 ? (
          <span className="st-muted">0</span>
        ) : (
          <span className={`st-badge st-badge-${worst}`}>
            {alerts.length} · {worst}
          </span>
        )}
      </td>
    </tr>
  );
}

function SentimentCell({ call, speaker }: { call: CallView; speaker: Speaker }) {
  const now = currentSentiment(call.segments, speaker);
  return (
    <span
      className={`st-sent-text st-sent-${now?.label ?? "none"}`}
      data-testid={`sentiment-${speaker}`}
      data-label={now?.label ?? "none"}
      data-running={now ? now.running.toFixed(2) : undefined}
    >
      {now ? (
        <>
          <span className={`st-sent-dot st-sent-${now.label}`} aria-hidden="true" /> {now.label}{" "}
          <span className="st-muted st-small">{now.running > 0 ? "+" : ""}{now.running.toFixed(2)}</span>
        </>
      ) : (
        <span className="st-muted">—</span>
      )}
    </span>
  );
}
