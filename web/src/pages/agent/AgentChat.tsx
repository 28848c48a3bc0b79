// One chat the agent took: who said what so far (visitor, bot, agent), what the bot guessed it missed, a composer and "Close chat".

import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { Redacted } from "../../components/Redacted";
import { useNow } from "../../components/useNow";
import { percent } from "../../lib/calls";
import { formatDuration } from "../../lib/callViews";
import { type ChatTurn, describeReason } from "../../lib/handoffs";
import type { HeldChat } from "../../lib/handoffState";
import { MAX_MESSAGE_CHARS, charCount } from "../../lib/protocol";

/** How the agent reads a bot turn's source. */
function botNote(turn: ChatTurn): string | null {
  if (turn.source === "intent" && turn.intent) {
    return `intent: ${turn.intent}${turn.confidence === null ? "" : ` (${percent(turn.confidence)})`}`;
  }
  if (turn.source === "handoff") return "handed off";
  return turn.source;
}

function speakerName(turn: ChatTurn): string {
  if (turn.speaker === "agent") return turn.agent_id ?? "Agent";
  return turn.speaker === "visitor" ? "Visitor" : "Bot";
}

export function AgentChat(props: {
  chat: HeldChat;
  onSay: (sessionId: string, text: string) => Promise<void>;
  onClose: (sessionId: string) => Promise<void>;
}) {
  const { chat, onSay, onClose } = props;
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState<"sending" | "closing" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const inputId = useId();
  const now = useNow();
  const tooLong = charCount(draft.trim()) > MAX_MESSAGE_CHARS;

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [chat.turns.length]);

  const act = async (what: "sending" | "closing", work: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      setBusy(null);
    }
  };

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const text = draft.trim();
    if (text === "" || tooLong || busy) return;
    if (await act("sending", () => onSay(chat.session_id, text))) setDraft("");
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <section className="st-card st-agent-chat" data-testid="agent-chat" data-session-id={chat.session_id} aria-label="Chat with a visitor">
      <div className="st-chat-head">
        <div>
          <h2 className="st-section-title">Chat with a visitor</h2>
          <p className="st-muted st-small">
            {chat.bot} · {describeReason(chat.reason)}
            {chat.since !== null && ` · yours for ${formatDuration(Math.max(0, now - chat.since))}`}
          </p>
        </div>
        <button
          type="button"
          className="st-button st-quiet"
          data-testid="close-chat"
          disabled={busy !== null}
          onClick={() => void act("closing", () => onClose(chat.session_id))}
        >
          {busy === "closing" ? "Closing…" : "Close chat"}
        </button>
      </div>

      {chat.missed.length > 0 && (
        <div className="st-guesses" aria-label="What the bot could not answer">
          {chat.missed.map((m) => (
            <p key={m.id} className="st-small">
              The bot could not answer <q>{m.text}</q>
              {m.best_guesses.length > 0 && " — its guesses: "}
              {m.best_guesses.map((g) => (
                <span key={g.intent} className="st-chip st-guess" data-testid="bot-guess" data-intent={g.intent}>
                  {g.intent} {percent(g.confidence)}
                </span>
              ))}
            </p>
          ))}
        </div>
      )}

      {!chat.loaded && chat.turns.length === 0 ? (
        <p className="st-muted st-small">Loading the conversation…</p>
      ) : (
        <ol className="st-chat-turns" ref={listRef} data-testid="chat-turns" aria-live="polite">
          {chat.turns.map((turn, i) => (
            <li key={`${i}-${turn.at}`} className={`st-turn st-turn-${turn.speaker}`} data-testid="chat-turn" data-speaker={turn.speaker}>
              <div className="st-seg-meta">
                <span className="st-speaker">{speakerName(turn)}</span>
                <span className="st-time">{clock(turn.at)}</span>
                {turn.speaker === "bot" && botNote(turn) && <span className="st-muted">{botNote(turn)}</span>}
              </div>
              <p className="st-seg-text" data-testid="chat-turn-text">
                <Redacted text={turn.text} />
              </p>
            </li>
          ))}
        </ol>
      )}

      <form className="st-chat-composer" onSubmit={send}>
        <label htmlFor={inputId} className="st-visually-hidden">
          Message to the visitor
        </label>
        <textarea
          id={inputId}
          className="st-chat-input"
          data-testid="agent-chat-input"
          rows={2}
          placeholder="Write to the visitor…"
          value={draft}
          aria-invalid={tooLong || undefined}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="st-button" data-testid="agent-chat-send" disabled={busy !== null || draft.trim() === "" || tooLong}>
          {busy === "sending" ? "Sending…" : "Send"}
        </button>
      </form>
      {tooLong && <p className="st-error st-small">Longer than {MAX_MESSAGE_CHARS} characters.</p>}
      {error && (
        <p className="st-error st-small" data-testid="agent-chat-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** A turn's wall-clock time, e.g. 14:05:09. */
function clock(at: string): string {
  const t = Date.parse(at);
  return Number.isNaN(t) ? "" : new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
