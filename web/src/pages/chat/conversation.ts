// What the chat panel shows, as a pure reducer so the display rules can be tested without a browser.

import type { ConnectionState } from "../../lib/chatClient";
import type { ErrorMessage, PersonMessage, ReplyMessage, ReplySource, SessionMessage } from "../../lib/protocol";

/** Where a visitor message went instead of the bot: to the named agent, or to the queue (`agent` null). */
export interface Delivery {
  agent: string | null;
}

/** One row of the message list. */
export type Item =
  | { id: number; role: "visitor"; text: string; failed: boolean; delivered: Delivery | null }
  | { id: number; role: "bot"; text: string; source: ReplySource | null; turn: number | null }
  | { id: number; role: "agent"; agent: string; text: string }
  | { id: number; role: "joined"; agent: string }
  | { id: number; role: "left"; agent: string | null }
  | { id: number; role: "error"; code: string; message: string }
  | { id: number; role: "notice"; text: string };

/** Who answers the visitor now: the bot, nobody yet (the chat waits in the agents' queue) or a person. */
export type Answerer = { kind: "bot" } | { kind: "waiting" } | { kind: "agent"; agent: string };

/** Everything the panel renders. */
export interface Conversation {
  items: Item[];
  connection: ConnectionState;
  /** Visitor messages still waiting for an answer; drives the typing indicator. */
  pending: number;
  /** Ids of those messages, oldest first: the gateway answers in order. */
  awaiting: number[];
  sessionId: string | null;
  answerer: Answerer;
  nextId: number;
}

/** Things that change the panel. */
export type Action =
  | { type: "connection"; state: ConnectionState }
  | { type: "session"; message: SessionMessage; resumed: boolean }
  | { type: "reply"; message: ReplyMessage }
  | { type: "error"; message: ErrorMessage }
  | { type: "person"; message: PersonMessage }
  | { type: "sent"; text: string };

/** Error codes that are not the answer to a visitor message; every other error answers (and so ends) one. */
const CONNECTION_ERRORS = new Set(["protocol", "unknown_session", "session_not_found", "invalid_session", "no_token"]);

/** The old conversation is gone and a new session follows; the session frame itself tells the visitor. */
const STALE_SESSION_ERRORS = new Set(["unknown_session", "session_not_found", "invalid_session"]);

export function initialConversation(connection: ConnectionState = "connecting"): Conversation {
  return { items: [], connection, pending: 0, awaiting: [], sessionId: null, answerer: BOT, nextId: 1 };
}

const BOT: Answerer = { kind: "bot" };

type NewItem = Item extends infer T ? (T extends Item ? Omit<T, "id"> : never) : never;

function push(state: Conversation, ...items: NewItem[]): Conversation {
  let nextId = state.nextId;
  const added = items.map((item) => ({ ...item, id: nextId++ }) as Item);
  return { ...state, items: [...state.items, ...added], nextId };
}

/** The oldest visitor message still waiting got its answer; `delivered` says where it went if not to the bot. */
function answered(state: Conversation, delivered: Delivery | null = null): Conversation {
  const oldest = state.awaiting[0];
  const items =
    delivered === null
      ? state.items
      : state.items.map((item) => (item.id === oldest && item.role === "visitor" ? { ...item, delivered } : item));
  return { ...state, items, pending: Math.max(0, state.pending - 1), awaiting: state.awaiting.slice(1) };
}

/** The person's side of a handed-off chat; no bot reply follows any of these. */
function person(state: Conversation, message: PersonMessage): Conversation {
  switch (message.type) {
    case "delivered": {
      const next = answered(state, { agent: message.agent });
      return { ...next, answerer: message.agent === null ? { kind: "waiting" } : { kind: "agent", agent: message.agent } };
    }
    case "agent_joined": {
      const answerer: Answerer = { kind: "agent", agent: message.agent };
      // Resent after every reconnect while the person holds the chat: announce it once.
      if (state.answerer.kind === "agent" && state.answerer.agent === message.agent) return state;
      return { ...push(state, { role: "joined", agent: message.agent }), answerer };
    }
    case "agent_message":
      return { ...push(state, { role: "agent", agent: message.agent, text: message.text }), answerer: { kind: "agent", agent: message.agent } };
    case "agent_left":
      return { ...push(state, { role: "left", agent: message.agent }), answerer: BOT };
  }
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
      // A conversation starts with the bot; if a person holds a resumed one, `agent_joined` follows.
      next.answerer = BOT;
      if (state.sessionId !== null && state.sessionId !== message.session_id) {
        next = push(next, { role: "notice", text: "The previous conversation has ended; this is a new one." });
      }
      return push(next, { role: "bot", text: message.greeting, source: null, turn: null });
    }
    case "reply": {
      const { message } = action;
      const next = answered(push(state, { role: "bot", text: message.text, source: message.source, turn: message.turn }));
      // After a handoff the chat waits for a person and the bot stays out.
      return { ...next, answerer: message.source.kind === "handoff" ? { kind: "waiting" } : BOT };
    }
    case "person":
      return person(state, action.message);
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
      const next = push(state, { role: "visitor", text: action.text, failed: false, delivered: null });
      return { ...next, pending: state.pending + 1, awaiting: [...state.awaiting, state.nextId] };
    }
  }
}
