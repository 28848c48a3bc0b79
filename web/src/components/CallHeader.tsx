// Who is on the call, how long it has lasted and whether it is still live, plus pipeline trouble the agent should know about.

import type { CallView } from "../lib/callState";
import { callDurationMs, formatDuration } from "../lib/callViews";
import { useNow } from "./useNow";

const STATUS_TEXT = { live: "Live", completed: "Ended", incomplete: "Ended (incomplete)" } as const;

export function CallHeader({ call }: { call: CallView }) {
  const live = call.status === "live";
  const now = useNow(live);
  return (
    <section className="st-card st-call-header" data-testid="call-header" data-call-id={call.id} data-status={call.status}>
      <div className="st-call-line">
        <span className={`st-pill st-status-${call.status}`} data-testid="call-status">
          {live && <span className="st-live-dot" aria-hidden="true" />}
          {STATUS_TEXT[call.status]}
        </span>
        <span className="st-duration" data-testid="call-duration" aria-label="Call duration">
          {formatDuration(callDurationMs(call, now))}
        </span>
      </div>
      <p className="st-caller" data-testid="caller">
        {call.from_number ?? "Unknown caller"}
      </p>
      <p className="st-muted st-small">
        {call.to_number ? `to ${call.to_number} · ` : ""}
        {call.agent_id ? `agent ${call.agent_id} · ` : ""}
        <span className="st-call-id">call {call.id}</span>
      </p>
      {call.behindMs !== null && call.behindMs > 0 && live && (
        <p className="st-warn st-small" data-testid="call-lagging">
          Transcription is running {Math.round(call.behindMs / 1000)} s behind.
        </p>
      )}
      {call.degraded && (
        <p className="st-warn st-small" data-testid="call-degraded">
          {call.degraded.stage} restarted ({call.degraded.reason}); resumed at {formatDuration(call.degraded.resumed_at_ms)}.
        </p>
      )}
      {!live && call.endReason && <p className="st-muted st-small">Ended: {call.endReason}</p>}
    </section>
  );
}
