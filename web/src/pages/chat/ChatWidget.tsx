// The visitor's chat panel: message list (bot, person and visitor), source notes, handoff status, typing indicator and composer.

import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import type { ConnectionState } from "../../lib/chatClient";
import type { ChatConfig } from "../../lib/config";
import { MAX_MESSAGE_CHARS, charCount, describeSource } from "../../lib/protocol";
import type { Answerer, Item } from "./conversation";
import { useChat } from "./useChat";

/** Show the character counter once the visitor gets close to the limit. */
const COUNTER_FROM = Math.floor(MAX_MESSAGE_CHARS * 0.9);

const STATUS_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  open: "Online",
  reconnecting: "Reconnecting…",
  closed: "Offline",
};

/** Message sent to the embedding page when the visitor closes the panel from inside the iframe. */
export const CLOSE_MESSAGE = "switchboard:close";

export function ChatWidget({ config }: { config: ChatConfig }) {
  const { conversation, send } = useChat(config);
  const [draft, setDraft] = useState("");
  const listRef = useRef<HTMLOListElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const titleId = useId();
  const inputId = useId();
  const counterId = useId();
  const open = conversation.connection === "open";
  const length = charCount(draft);
  const tooLong = length > MAX_MESSAGE_CHARS;

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [conversation.items.length, conversation.pending]);

  useEffect(() => {
    if (open && document.activeElement === document.body) inputRef.current?.focus();
  }, [open]);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const text = draft.trim();
    if (text === "") return;
    if (send(text)) setDraft("");
    inputRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <section
      className={`sb-widget${config.embedded ? " sb-embedded" : ""}`}
      data-testid="chat-widget"
      data-state={conversation.connection}
      aria-labelledby={titleId}
    >
      <header className="sb-header">
        <div>
          <h1 id={titleId} className="sb-title">
            Chat with us
          </h1>
          <p className={`sb-status sb-status-${conversation.connection}`} data-testid="chat-status" role="status">
            <span className="sb-dot" aria-hidden="true" />
            {STATUS_TEXT[conversation.connection]}
          </p>
        </div>
        {config.embedded && (
          <button
            type="button"
            className="sb-close"
            data-testid="chat-close"
            aria-label="Close chat"
            onClick={() => window.parent.postMessage({ type: CLOSE_MESSAGE }, "*")}
          >
            ×
          </button>
        )}
      </header>

      <HandoffStatus answerer={conversation.answerer} />

      <ol
        ref={listRef}
        className="sb-messages"
        data-testid="message-list"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label="Conversation"
      >
        {conversation.items.map((item) => (
          <MessageRow key={item.id} item={item} />
        ))}
      </ol>

      <div className="sb-typing-slot" role="status">
        {conversation.pending > 0 && (
          <div className="sb-typing" data-testid="typing-indicator">
            <span className="sb-visually-hidden">
              {conversation.answerer.kind === "bot" ? "The assistant is typing" : "Sending…"}
            </span>
            <span className="sb-typing-dot" aria-hidden="true" />
            <span className="sb-typing-dot" aria-hidden="true" />
            <span className="sb-typing-dot" aria-hidden="true" />
          </div>
        )}
      </div>

      <form className="sb-composer" onSubmit={submit}>
        <label htmlFor={inputId} className="sb-visually-hidden">
          Your message
        </label>
        <textarea
          id={inputId}
          ref={inputRef}
          className="sb-input"
          data-testid="chat-input"
          rows={1}
          placeholder={open ? placeholder(conversation.answerer) : STATUS_TEXT[conversation.connection]}
          value={draft}
          disabled={!open}
          aria-describedby={length >= COUNTER_FROM ? counterId : undefined}
          aria-invalid={tooLong || undefined}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="sb-send" data-testid="chat-send" disabled={!open || draft.trim() === ""}>
          Send
        </button>
        {length >= COUNTER_FROM && (
          <p id={counterId} className={`sb-counter${tooLong ? " sb-counter-over" : ""}`} data-testid="char-count">
            {length} / {MAX_MESSAGE_CHARS} characters{tooLong ? " — too long to send" : ""}
          </p>
        )}
      </form>
    </section>
  );
}

function placeholder(answerer: Answerer): string {
  return answerer.kind === "agent" ? `Message ${answerer.agent}…` : "Type your message…";
}

/** While a person is involved, says so above the conversation: the bot is not answering. */
function HandoffStatus({ answerer }: { answerer: Answerer }) {
  if (answerer.kind === "bot") return null;
  return (
    <p className={`sb-handoff-status sb-handoff-${answerer.kind}`} data-testid="handoff-status" data-state={answerer.kind} role="status">
      {answerer.kind === "waiting" ? "Waiting for an agent…" : `You are chatting with ${answerer.agent}`}
    </p>
  );
}

function MessageRow({ item }: { item: Item }) {
  switch (item.role) {
    case "visitor":
      return (
        <li
          className={`sb-msg sb-visitor${item.failed ? " sb-failed" : ""}`}
          data-testid="message-visitor"
          data-failed={item.failed ? "true" : undefined}
          data-delivered={item.delivered ? (item.delivered.agent === null ? "queue" : "agent") : undefined}
        >
          <span className="sb-visually-hidden">You said: </span>
          <p className="sb-bubble" data-testid="message-text">
            {item.text}
          </p>
          {item.failed && <p className="sb-source">not delivered</p>}
          {item.delivered && (
            <p className="sb-source" data-testid="delivered">
              {item.delivered.agent === null ? "sent to the agents' queue" : `delivered to ${item.delivered.agent}`}
            </p>
          )}
        </li>
      );
    case "agent":
      return (
        <li className="sb-msg sb-agent" data-testid="message-agent" data-agent={item.agent}>
          <span className="sb-agent-name" data-testid="agent-name" aria-hidden="true">
            {item.agent}
          </span>
          <span className="sb-visually-hidden">{item.agent} said: </span>
          <p className="sb-bubble" data-testid="message-text">
            {item.text}
          </p>
        </li>
      );
    case "joined":
      return (
        <li className="sb-msg sb-person-notice" data-testid="agent-joined" data-agent={item.agent}>
          <p>{item.agent} joined the chat</p>
        </li>
      );
    case "left":
      return (
        <li className="sb-msg sb-person-notice" data-testid="agent-left" data-agent={item.agent ?? undefined}>
          <p>{item.agent ?? "The agent"} left the chat; the assistant is back</p>
        </li>
      );
    case "bot": {
      const source = item.source;
      return (
        <li className="sb-msg sb-bot" data-testid="message-bot" data-kind={source?.kind ?? "greeting"}>
          <span className="sb-visually-hidden">Assistant said: </span>
          <p className="sb-bubble" data-testid="message-text">
            {item.text}
          </p>
          {source?.kind === "intent" && (
            <p className="sb-source" data-testid="source-intent" data-intent={source.intent}>
              {describeSource(source)}
            </p>
          )}
          {source?.kind === "knowledge" && (
            <p className="sb-source" data-testid="source-knowledge" data-document-id={source.document_id}>
              {describeSource(source)}
            </p>
          )}
          {source?.kind === "handoff" && (
            <p className="sb-handoff" data-testid="handoff-banner" data-reason={source.reason}>
              {describeSource(source)}
            </p>
          )}
        </li>
      );
    }
    case "error":
      return (
        <li className="sb-msg sb-error" data-testid="chat-error" data-code={item.code}>
          <p className="sb-error-text">{item.message}</p>
        </li>
      );
    case "notice":
      return (
        <li className="sb-msg sb-notice" data-testid="chat-notice">
          <p>{item.text}</p>
        </li>
      );
  }
}
