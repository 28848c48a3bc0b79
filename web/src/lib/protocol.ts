// Wire types of the chat websocket (`/v1/chat`), kept in one place so every page agrees with the gateway.

import { ProtocolError, isObject, num, optStr, parseObject, str } from "./json";

/** Longest visitor message the gateway accepts, so the UI can warn before the server refuses. */
export const MAX_MESSAGE_CHARS = 2000;

/** Where an answer came from, so the visitor (and later the agent) can judge how much to trust it. */
export type ReplySource =
  | { kind: "intent"; intent: string; confidence: number }
  | { kind: "knowledge"; document_id: string; title: string; score: number }
  | { kind: "handoff"; reason: string };

/** First frame of every connection: tells which conversation this socket belongs to. */
export interface SessionMessage {
  type: "session";
  session_id: string;
  bot: string;
  bot_version: number;
  greeting: string;
}

/** One bot answer to one visitor message. */
export interface ReplyMessage {
  type: "reply";
  session_id: string;
  turn: number;
  text: string;
  source: ReplySource;
  latency_ms: number;
}

/** A refused visitor message; the connection stays usable. */
export interface ErrorMessage {
  type: "error";
  code: string;
  message: string;
}

/** Answer to a visitor message the bot did not see: it went to the agent holding the chat, or to the queue (`agent` null). */
export interface DeliveredMessage {
  type: "delivered";
  agent: string | null;
}

/** A person took the chat over (also resent on reconnect while they hold it). */
export interface AgentJoinedMessage {
  type: "agent_joined";
  agent: string;
}

/** The person's words to the visitor (already redacted). */
export interface AgentTextMessage {
  type: "agent_message";
  agent: string;
  text: string;
}

/** The person closed the chat; from now on the bot answers again. */
export interface AgentLeftMessage {
  type: "agent_left";
  agent: string | null;
}

/** What the gateway says about the person a chat was handed to. */
export type PersonMessage = DeliveredMessage | AgentJoinedMessage | AgentTextMessage | AgentLeftMessage;

/** Everything the gateway may send that the widget acts on. */
export type ServerMessage = SessionMessage | ReplyMessage | ErrorMessage | PersonMessage;

/** Everything the browser may send. */
export interface ClientMessage {
  type: "message";
  text: string;
}

export { ProtocolError };

function parseSource(value: unknown): ReplySource {
  if (!isObject(value)) throw new ProtocolError(`field "source" must be an object`);
  const kind = str(value, "kind");
  switch (kind) {
    case "intent":
      return { kind, intent: str(value, "intent"), confidence: num(value, "confidence") };
    case "knowledge":
      return {
        kind,
        document_id: str(value, "document_id"),
        title: str(value, "title"),
        score: num(value, "score"),
      };
    case "handoff":
      return { kind, reason: str(value, "reason") };
    default:
      throw new ProtocolError(`unknown source kind "${kind}"`);
  }
}

/**
 * Checks one text frame from the gateway against the contract; null for a type this widget does
 * not know (newer servers may add some, e.g. `pong`), so an upgrade never breaks open chats.
 */
export function parseServerMessage(raw: string): ServerMessage | null {
  const value = parseObject(raw);
  const type = str(value, "type");
  switch (type) {
    case "session":
      return {
        type,
        session_id: str(value, "session_id"),
        bot: str(value, "bot"),
        bot_version: num(value, "bot_version"),
        greeting: str(value, "greeting"),
      };
    case "reply":
      return {
        type,
        session_id: str(value, "session_id"),
        turn: num(value, "turn"),
        text: str(value, "text"),
        source: parseSource(value.source),
        latency_ms: num(value, "latency_ms"),
      };
    case "error":
      return { type, code: str(value, "code"), message: str(value, "message") };
    case "delivered":
      return { type, agent: optStr(value, "agent") };
    case "agent_joined":
      return { type, agent: str(value, "agent") };
    case "agent_message":
      return { type, agent: str(value, "agent"), text: str(value, "text") };
    case "agent_left":
      return { type, agent: optStr(value, "agent") };
    default:
      return null;
  }
}

/** Counts characters the way the gateway does (Unicode scalar values, not UTF-16 units). */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The one-line source note shown under a bot reply; handoffs get a banner instead. */
export function describeSource(source: ReplySource): string {
  switch (source.kind) {
    case "intent":
      return `intent: ${source.intent} (${Math.round(source.confidence * 100)} %)`;
    case "knowledge":
      return `answered from FAQ: ${source.title}`;
    case "handoff":
      return "connecting you to an agent";
  }
}
