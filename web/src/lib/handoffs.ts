// Wire types of chats handed to a person (`/v1/chat/handoffs…`, `/v1/chat/live`), checked field by field so the agent workspace agrees with the gateway.

import { type Json, ProtocolError, arr, num, obj, oneOf, optStr, parseObject, str } from "./json";
import type { Guess } from "./calls";

export const HANDOFF_STATES = ["waiting", "with_agent", "closed"] as const;
export type HandoffState = (typeof HANDOFF_STATES)[number];

export const CHAT_SPEAKERS = ["visitor", "bot", "agent"] as const;
export type ChatSpeaker = (typeof CHAT_SPEAKERS)[number];

/** A chat handed to a person, as the queue lists it; `since` is when it entered its state. */
export interface Handoff {
  session_id: string;
  bot: string;
  state: HandoffState;
  agent_id: string | null;
  reason: string;
  since: string;
  started_at: string;
}

/** One stored turn of a chat (text already redacted); `source` etc. only on bot turns. */
export interface ChatTurn {
  speaker: ChatSpeaker;
  agent_id: string | null;
  text: string;
  /** The bot's source kind: "intent", "knowledge" or "handoff". */
  source: string | null;
  intent: string | null;
  confidence: number | null;
  at: string;
}

/** Visitor words the bot could not answer, with its best guesses. */
export interface ChatMissed {
  id: string;
  text: string;
  reason: string;
  best_guesses: Guess[];
  at: string;
}

/** `POST /v1/chat/handoffs/{id}/take`: the chat, everything said so far and what the bot missed. */
export interface TakenChat {
  handoff: Handoff;
  transcript: ChatTurn[];
  missed: ChatMissed[];
}

/** Everything `/v1/chat/live` sends that the workspace acts on. */
export type ChatLiveEvent =
  | { type: "handoff"; session_id: string; bot: string; state: HandoffState; agent_id: string | null; reason: string; at: string }
  | { type: "visitor_message"; session_id: string; text: string; at: string }
  | { type: "agent_message"; session_id: string; agent_id: string; text: string; at: string }
  | { type: "skipped"; events: number };

function optNum(o: Json, key: string): number | null {
  return o[key] == null ? null : num(o, key);
}

export function parseHandoff(value: unknown): Handoff {
  const o = obj(value, "handoff");
  return {
    session_id: str(o, "session_id"),
    bot: str(o, "bot"),
    state: oneOf(o, "state", HANDOFF_STATES),
    agent_id: optStr(o, "agent_id"),
    reason: str(o, "reason"),
    since: str(o, "since"),
    started_at: str(o, "started_at"),
  };
}

/** The body of `GET /v1/chat/handoffs`. */
export function parseHandoffList(value: unknown): Handoff[] {
  if (!Array.isArray(value)) throw new ProtocolError("the handoff list must be an array");
  return value.map(parseHandoff);
}

export function parseChatTurn(value: unknown, key = "turn"): ChatTurn {
  const o = obj(value, key);
  return {
    speaker: oneOf(o, "speaker", CHAT_SPEAKERS),
    agent_id: optStr(o, "agent_id"),
    text: str(o, "text"),
    source: optStr(o, "source"),
    intent: optStr(o, "intent"),
    confidence: optNum(o, "confidence"),
    at: str(o, "at"),
  };
}

/** The body of `GET /v1/chat/sessions/{id}/transcript`. */
export function parseTranscript(value: unknown): ChatTurn[] {
  if (!Array.isArray(value)) throw new ProtocolError("the transcript must be an array");
  return value.map((v, i) => parseChatTurn(v, `transcript[${i}]`));
}

function parseMissed(value: unknown, key: string): ChatMissed {
  const o = obj(value, key);
  return {
    id: str(o, "id"),
    text: str(o, "text"),
    reason: str(o, "reason"),
    best_guesses: arr(o, "best_guesses", (v, k) => {
      const g = obj(v, k);
      return { intent: str(g, "intent"), confidence: num(g, "confidence") };
    }, true),
    at: str(o, "at"),
  };
}

export function parseTakenChat(value: unknown): TakenChat {
  const o = obj(value, "taken chat");
  return {
    handoff: parseHandoff(o.handoff),
    transcript: arr(o, "transcript", parseChatTurn),
    missed: arr(o, "missed", parseMissed, true),
  };
}

/** Frame types this page understands; any other is skipped (forward compatible). */
const CHAT_LIVE_TYPES = new Set<string>(["handoff", "visitor_message", "agent_message", "skipped"]);

/** Reads one frame of `/v1/chat/live`; null for a type this page does not know. */
export function parseChatLiveEvent(raw: string): ChatLiveEvent | null {
  const o = parseObject(raw);
  const type = str(o, "type");
  if (!CHAT_LIVE_TYPES.has(type)) return null;
  switch (type) {
    case "skipped":
      return { type, events: num(o, "events") };
    case "handoff":
      return {
        type,
        session_id: str(o, "session_id"),
        bot: str(o, "bot"),
        state: oneOf(o, "state", HANDOFF_STATES),
        agent_id: optStr(o, "agent_id"),
        reason: str(o, "reason"),
        at: str(o, "at"),
      };
    case "visitor_message":
      return { type, session_id: str(o, "session_id"), text: str(o, "text"), at: str(o, "at") };
    case "agent_message":
      return { type, session_id: str(o, "session_id"), agent_id: str(o, "agent_id"), text: str(o, "text"), at: str(o, "at") };
    default:
      return null;
  }
}

/** A handoff reason as people read it: `no_match` → "no match". */
export function describeReason(reason: string): string {
  return reason.replaceAll("_", " ");
}
