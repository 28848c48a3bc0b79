// The agent's current call (the newest live one, else their last, shown as ended) and, beside it, the chats handed to a person.

import { useCallback } from "react";
import { CallWorkspace } from "../../components/CallWorkspace";
import { FeedStatus } from "../../components/FeedStatus";
import type { StaffSession } from "../../components/StaffGate";
import type { SendFeedback } from "../../components/Suggestions";
import { useLiveCalls } from "../../components/useLiveCalls";
import { newestFirst } from "../../lib/callViews";
import type { StaffApi } from "../../lib/staffApi";
import { ChatPanel } from "./ChatPanel";

/** Ended calls kept besides the current one (only the newest is shown). */
const KEEP_ENDED = 2;

/** The newest live call, else the most recent call of any status. */
async function discover(api: StaffApi) {
  const live = await api.listCalls({ status: "live", limit: 5 });
  return live.length > 0 ? live.slice(0, 1) : api.listCalls({ limit: 1 });
}

export function AgentWorkspace({ session }: { session: StaffSession }) {
  const { api, token } = session;
  const { state, connection, ready, notices, dismissNotice, dispatch } = useLiveCalls({ api, token, discover, keepEnded: KEEP_ENDED });
  const call = newestFirst(state)[0];

  const onFeedback: SendFeedback = useCallback(
    async (suggestion, feedback) => {
      if (!call) return;
      const stored = await api.sendFeedback(call.id, suggestion.id, feedback);
      dispatch({ type: "feedback", call_id: call.id, suggestion: stored });
    },
    [api, call, dispatch],
  );

  return (
    <main className="st-main st-agent">
      <div className="st-agent-call">
        <FeedStatus connection={connection} notices={notices} onDismiss={dismissNotice} />
        {call ? (
          <CallWorkspace call={call} onFeedback={onFeedback} />
        ) : !ready ? (
          <p className="st-centered st-muted" role="status">
            Looking for your current call…
          </p>
        ) : (
          <section className="st-card st-empty" data-testid="no-call">
            <h2>No call yet</h2>
            <p className="st-muted">
              Your calls appear here as soon as they start, with the transcript, sentiment and suggestions.
            </p>
          </section>
        )}
      </div>
      <ChatPanel session={session} />
    </main>
  );
}
