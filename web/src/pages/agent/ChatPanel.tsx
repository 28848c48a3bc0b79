// The agent's chats beside the call: the feed's state, the queue of handed-off chats and the chats they took.

import type { StaffSession } from "../../components/StaffGate";
import type { ConnectionState } from "../../lib/chatClient";
import { AgentChat } from "./AgentChat";
import { ChatQueue } from "./ChatQueue";
import { useHandoffs } from "./useHandoffs";

const FEED_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting to the chat queue…",
  open: "Chat queue live",
  reconnecting: "Chat queue lost — reconnecting…",
  closed: "Chat queue closed",
};

export function ChatPanel({ session }: { session: StaffSession }) {
  const { api, token, me } = session;
  const handoffs = useHandoffs({ api, token, me: me.name });
  const { state, connection, notices } = handoffs;
  return (
    <aside className="st-chat-panel" aria-label="Chats" data-testid="chat-panel">
      <p className={`st-conn st-conn-${connection}`} data-testid="chat-feed-state" data-state={connection} role="status">
        <span className="st-conn-dot" aria-hidden="true" />
        {FEED_TEXT[connection]}
      </p>
      {notices.map((n, i) => (
        <p key={n} className="st-notice st-small" data-testid="handoff-notice" role="alert">
          {n}
          <button type="button" className="st-link" onClick={() => handoffs.dismissNotice(i)} aria-label="Dismiss">
            ×
          </button>
        </p>
      ))}
      {state.held.map((chat) => (
        <AgentChat key={chat.session_id} chat={chat} onSay={handoffs.say} onClose={handoffs.close} />
      ))}
      <ChatQueue state={state} onTake={handoffs.take} onDismissRefusal={handoffs.dismissRefusal} />
    </aside>
  );
}
