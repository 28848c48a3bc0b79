import { describe, expect, test } from "vitest";
import type { ReplyMessage, SessionMessage } from "../../lib/protocol";
import { type Action, type Conversation, initialConversation, reduce } from "./conversation";

const session = (id: string): SessionMessage => ({
  type: "session",
  session_id: id,
  bot: "banking",
  bot_version: 1,
  greeting: "Hi!",
});
const reply = (text: string): ReplyMessage => ({
  type: "reply",
  session_id: "s1",
  turn: 1,
  text,
  source: { kind: "intent", intent: "card_arrival", confidence: 0.9 },
  latency_ms: 1,
});
const run = (actions: Action[], start: Conversation = initialConversation()) => actions.reduce(reduce, start);
const roles = (c: Conversation) => c.items.map((i) => (i.role === "bot" ? `bot:${i.text}` : i.role));

describe("conversation", () => {
  test("shows the greeting once and not again when the session is resumed", () => {
    const c = run([
      { type: "session", message: session("s1"), resumed: false },
      { type: "connection", state: "reconnecting" },
      { type: "session", message: session("s1"), resumed: true },
    ]);
    expect(roles(c)).toEqual(["bot:Hi!"]);
  });

  test("announces a new conversation when the gateway hands out another session", () => {
    const c = run([
      { type: "session", message: session("s1"), resumed: false },
      { type: "session", message: session("s2"), resumed: false },
    ]);
    expect(roles(c)).toEqual(["bot:Hi!", "notice", "bot:Hi!"]);
  });

  test("a reply ends the wait for the oldest message", () => {
    const c = run([
      { type: "sent", text: "a" },
      { type: "sent", text: "b" },
      { type: "reply", message: reply("for a") },
    ]);
    expect(c.pending).toBe(1);
    expect(roles(c)).toEqual(["visitor", "visitor", "bot:for a"]);
  });

  test("a refused message is marked as not delivered and stops the typing indicator", () => {
    const c = run([
      { type: "sent", text: "x".repeat(2001) },
      { type: "error", message: { type: "error", code: "text_too_long", message: "too long" } },
      { type: "sent", text: "fine" },
    ]);
    expect(c.pending).toBe(1);
    expect(c.items.map((i) => (i.role === "visitor" ? i.failed : i.role))).toEqual([true, "error", false]);
  });

  test("a protocol error does not count as an answer", () => {
    const c = run([
      { type: "sent", text: "a" },
      { type: "error", message: { type: "error", code: "protocol", message: "bad frame" } },
    ]);
    expect(c.pending).toBe(1);
  });

  test("losing the connection while waiting tells the visitor to resend", () => {
    const c = run([
      { type: "connection", state: "open" },
      { type: "sent", text: "a" },
      { type: "connection", state: "reconnecting" },
    ]);
    expect(c.pending).toBe(0);
    expect(c.items.at(-1)).toMatchObject({ role: "error", code: "connection_lost" });
  });

  test("a stale session is replaced quietly after a reload and announced mid-conversation", () => {
    const gone = { type: "error", code: "unknown_session", message: "session `old` does not exist" } as const;
    const afterReload = run([
      { type: "error", message: gone },
      { type: "session", message: session("s2"), resumed: false },
    ]);
    expect(roles(afterReload)).toEqual(["bot:Hi!"]);
    const midway = run([
      { type: "session", message: session("s1"), resumed: false },
      { type: "error", message: gone },
      { type: "session", message: session("s2"), resumed: false },
    ]);
    expect(roles(midway)).toEqual(["bot:Hi!", "notice", "bot:Hi!"]);
  });
});
