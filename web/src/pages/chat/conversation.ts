// What the chat panel shows, as a pure reducer so the display rules can be tested without a browser.

import type { ConnectionState } from "../../lib/chatClient";
import type { ErrorMessage, ReplyMessage, ReplySource, SessionMessage } from "../../lib/protocol";

/** One row of the message list. */
export type Item =
  | { id: number; role: "visitor"; text: string; failed: boolean }
  | { id: number; role: "bot"; text: string; source: ReplySource | null; turn: number | null }
  | { id: number; role: "error"; code: string; message: string }
  | { id: number; role: "notice"; text: string };

/** Everything the panel renders. */
export interface Conversation {
  items: Item[];
  connection: ConnectionState;
  /** Visitor messages still waiting for an answer; drives the typing indicator. */
  pending: number;
  /** Ids of those messages, oldest first: the gateway answers in order. */
  awaiting: number[];
  sessionId: string | null;
  nextId: number;
}

/** Things that change the panel. */
export type Action =
  | { type: "connection"; state: ConnectionState }
  | { type: "session"; message: SessionMessage; resumed: boolean }
  | { type: "reply"; message: ReplyMessage }
  | { type: "error"; message: ErrorMessage }
  | { type: "sent"; text: string };

/** Error codes that are not the answer to a visitor message; every other error answers (and so ends) one. */
const CONNECTION_ERRORS = new Set(["protocol", "unknown_session", "session_not_found", "invalid_session", "no_token"]);

/** The old conversation is gone and a new session follows; the session frame itself tells the visitor. */
const STALE_SESSION_ERRORS = new Set(["unknown_session", "session_not_found", "invalid_session"]);

export function initialConversation(connection: ConnectionState = "connecting"): Conversation {
  return { items: [], connection, pending: 0, awaiting: [], sessionId: null, nextId: 1 };
}

type NewItem = Item extends infer T ? (T extends Item ? Omit<T, "id"> : never) : never;

function push(state: Conversation, ...items: NewItem[]): Conversation {
  let nextId = state.nextId;
  const added = items.map((item) => ({ ...item, id: nextId++ }) as Item);
  return { ...state, items: [...state.items, ...added], nextId };
}

export function reduce(state: Conversation, action: Action): Conversation {
  switch (action.type) {
    case "connection": {
      let next: Conversation = { ...state, connection: action.state };
      if (action.state === "reconnecting" && state.connection === "open" && state.pending > 0) {
        next = push(next, {
          role: "error",
          code: "connection_lost",
          message: "The connection dropped before the answer arrived. Please send your message again.",
        });
        next.pending = 0;
        next.awaiting = [];
      }
      return next;
    }
    case "session": {
      const { message, resumed } = action;
      let next: Conversation = { ...state, sessionId: message.session_id };
      if (resumed && state.sessionId === message.session_id && state.items.length > 0) return next;
      if (state.sessionId !== null && state.sessionId !== message.session_id) {
        next = push(next, { role: "notice", text: "The previous conversation has ended; this is a new one." });
      }
      return push(next, { role: "bot", text: message.greeting, source: null, turn: null });
    }
    case "reply": {
      const { message } = action;
      const next = push(state, { role: "bot", text: message.text, source: message.source, turn: message.turn });
      return { ...next, pending: Math.max(0, state.pending - 1), awaiting: state.awaiting.slice(1) };
    }
    case "error": {
      const { message } = action;
      if (STALE_SESSION_ERRORS.has(message.code)) return state;
      const next = push(state, { role: "error", code: message.code, message: message.message });
      if (CONNECTION_ERRORS.has(message.code)) return next;
      // The refused message is the oldest one still waiting; mark it so the visitor sees it was not delivered.
      const refused = state.awaiting[0];
      const items = next.items.map((item) =>
        item.id === refused && item.role === "visitor" ? { ...item, failed: true } : item,
      );
      return { ...next, items, pending: Math.max(0, state.pending - 1), awaiting: state.awaiting.slice(1) };
    }
    case "sent": {
      const next = push(state, { role: "visitor", text: action.text, failed: false });
      return { ...next, pending: state.pending + 1, awaiting: [...state.awaiting, state.nextId] };
    }
  }
}
