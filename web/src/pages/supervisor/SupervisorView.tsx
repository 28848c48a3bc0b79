// The supervisor's wall: live and recently ended calls, alerts as they happen, and one call opened exactly as its agent sees it (read-only).

import { useState } from "react";
import { CallWorkspace } from "../../components/CallWorkspace";
import { FeedStatus } from "../../components/FeedStatus";
import type { StaffSession } from "../../components/StaffGate";
import { useLiveCalls } from "../../components/useLiveCalls";
import { newestFirst } from "../../lib/callViews";
import type { StaffApi } from "../../lib/staffApi";
import { AlertFeed } from "./AlertFeed";
import { CallTable } from "./CallTable";

/** Ended calls kept in the "recently ended" list. */
const KEEP_ENDED = 10;

/** Most live calls listed at load; the feed adds later ones. */
const LIVE_LIMIT = 200;

const discover = (api: StaffApi) => api.listCalls({ status: "live", limit: LIVE_LIMIT });

export function SupervisorView({ session }: { session: StaffSession }) {
  const { api, token } = session;
  const { state, connection, ready, notices, dismissNotice } = useLiveCalls({ api, token, discover, keepEnded: KEEP_ENDED });
  const [selected, setSelected] = useState<string | null>(null);
  const calls = newestFirst(state);
  const live = calls.filter((c) => c.status === "live");
  const ended = calls.filter((c) => c.status !== "live");
  const open = selected ? state.calls[selected] : undefined;

  return (
    <main className="st-main st-supervisor">
      <div className="st-wall">
        <FeedStatus connection={connection} notices={notices} onDismiss={dismissNotice} />
        <section className="st-card" aria-label="Live calls">
          <h2 className="st-section-title">
            Live calls <span className="st-count" data-testid="live-count">{live.length}</span>
          </h2>
          {live.length === 0 ? (
            <p className="st-muted st-small" data-testid="no-live-calls">
              {ready ? "No call is live right now." : "Loading calls…"}
            </p>
          ) : (
            <CallTable calls={live} selected={selected} onSelect={setSelected} />
          )}
        </section>
        {ended.length > 0 && (
          <section className="st-card" aria-label="Recently ended" data-testid="recently-ended">
            <h2 className="st-section-title">Recently ended</h2>
            <CallTable calls={ended} selected={selected} onSelect={setSelected} />
          </section>
        )}
        {open && (
          <section className="st-detail" data-testid="call-detail" data-call-id={open.id} aria-label={`Call ${open.id}`}>
            <div className="st-detail-bar">
              <h2 className="st-section-title">
                Call with {open.from_number ?? "unknown caller"}
                {open.agent_id ? ` — ${open.agent_id}` : ""}
              </h2>
              <button type="button" className="st-button st-quiet" data-testid="close-detail" onClick={() => setSelected(null)}>
                Close
              </button>
            </div>
            <CallWorkspace call={open} />
          </section>
        )}
      </div>
      <AlertFeed alerts={state.alerts} calls={state.calls} onSelect={setSelected} />
    </main>
  );
}
