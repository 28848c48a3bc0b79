// Chats the bot handed off and no one has taken yet, oldest first, with the visitor's last words and how long they have waited.

import { useState } from "react";
import { Redacted } from "../../components/Redacted";
import { useNow } from "../../components/useNow";
import { formatDuration } from "../../lib/callViews";
import { describeReason } from "../../lib/handoffs";
import type { HandoffsState, QueuedChat } from "../../lib/handoffState";

export function ChatQueue(props: { state: HandoffsState; onTake: (sessionId: string) => Promise<void>; onDismissRefusal: () => void }) {
  const { state, onTake, onDismissRefusal } = props;
  const now = useNow(state.queue.length > 0);
  return (
    <section className="st-card st-queue-card" aria-label="Chats waiting for an agent">
      <h2 className="st-section-title">
        Waiting chats <span className="st-count" data-testid="queue-count">{state.queue.length}</span>
      </h2>
      {state.refusal && (
        <p className="st-notice st-small" data-testid="take-refused" data-session-id={state.refusal.session_id} role="alert">
          <span>Someone else was quicker: {state.refusal.message}.</span>
          <button type="button" className="st-link" onClick={onDismissRefusal} aria-label="Dismiss">
            ×
          </button>
        </p>
      )}
      {state.queue.length === 0 ? (
        <p className="st-muted st-small" data-testid="queue-empty">
          No chat is waiting. Chats the bot cannot answer appear here.
        </p>
      ) : (
        <ul className="st-queue" data-testid="handoff-queue">
          {state.queue.map((chat) => (
            <QueueItem key={chat.session_id} chat={chat} now={now} onTake={onTake} />
          ))}
        </ul>
      )}
    </section>
  );
}

function QueueItem({ chat, now, onTake }: { chat: QueuedChat; now: number; onTake: (sessionId: string) => Promise<void> }) {
  const [taking, setTaking] = useState(false);
  const take = async () => {
    setTaking(true);
    try {
      await onTake(chat.session_id);
    } finally {
      setTaking(false);
    }
  };
  return (
    <li className="st-queued" data-testid="queued-chat" data-session-id={chat.session_id}>
      <div className="st-queued-body">
        {chat.lastWords === null ? (
          <p className="st-muted st-small">Loading what the visitor said…</p>
        ) : (
          <q className="st-queued-words" data-testid="queued-words">
            <Redacted text={chat.lastWords} />
          </q>
        )}
        <p className="st-muted st-small">
          <span data-testid="queued-reason">{describeReason(chat.reason)}</span> · {chat.bot} ·{" "}
          <span data-testid="queued-wait">waiting {chat.since === null ? "" : formatDuration(Math.max(0, now - chat.since))}</span>
        </p>
      </div>
      <button type="button" className="st-button" data-testid="take-chat" disabled={taking} onClick={take}>
        {taking ? "Taking…" : "Take"}
      </button>
    </li>
  );
}
