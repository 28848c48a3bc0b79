// The live feed's connection state and any non-fatal problems (bad frames, failed fetches), so staff know when the view may be stale.

import type { ConnectionState } from "../lib/chatClient";

const TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting to the live feed…",
  open: "Live",
  reconnecting: "Live feed lost — reconnecting…",
  closed: "Live feed closed",
};

export function FeedStatus(props: { connection: ConnectionState; notices: string[]; onDismiss: (index: number) => void }) {
  return (
    <div className="st-feed-status">
      <p className={`st-conn st-conn-${props.connection}`} data-testid="feed-state" data-state={props.connection} role="status">
        <span className="st-conn-dot" aria-hidden="true" />
        {TEXT[props.connection]}
      </p>
      {props.notices.map((n, i) => (
        <p key={n} className="st-notice st-small" data-testid="feed-notice" role="alert">
          {n}
          <button type="button" className="st-link" onClick={() => props.onDismiss(i)} aria-label="Dismiss">
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
