import { describe, expect, test } from "vitest";
import type { PersonMessage, ReplyMessage, ReplySource, SessionMessage } from "../../lib/protocol";
import { type Action, type Conversation, initialConversation, reduce } from "./conversation";

const session = (id: string): SessionMessage => ({
  type: "session",
  session_id: id,
  bot: "banking",
  bot_version: 1,
  greeting: "Hi!",
});
const reply = (text: string, source: ReplySource = { kind: "intent", intent: "card_arrival", confidence: 0.9 }): ReplyMessage => ({
  type: "reply",
  session_id: "s1",
  turn: 1,
  text,
  source,
  latency_ms: 1,
});
const handoff = reply("Let me connect you to an agent who can help.", { kind: "handoff", reason: "no_match" });
const person = (message: PersonMessage): Action => ({ type: "person", message });
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

  describe("handed to a person", () => {
    const handedOff: Action[] = [
      { type: "session", message: session("s1"), resumed: false },
      { type: "sent", text: "my parrot recites tax law" },
      { type: "reply", message: handoff },
    ];

    test("a handoff reply leaves the chat waiting for an agent", () => {
      const c = run(handedOff);
      expect(c.answerer).toEqual({ kind: "waiting" });
      expect(c.pending).toBe(0);
    });

    test("a delivered ack ends the wait and marks the message as gone to the queue, then to the agent", () => {
      const queued = run([...handedOff, { type: "sent", text: "hello?" }, person({ type: "delivered", agent: null })]);
      expect(queued.pending).toBe(0);
      expect(queued.awaiting).toEqual([]);
      expect(queued.items.at(-1)).toMatchObject({ role: "visitor", text: "hello?", delivered: { agent: null } });
      expect(queued.answerer).toEqual({ kind: "waiting" });

      const held = run([{ type: "sent", text: "still there?" }, person({ type: "delivered", agent: "agent-7" })], queued);
      expect(held.items.at(-1)).toMatchObject({ role: "visitor", delivered: { agent: "agent-7" } });
      expect(held.answerer).toEqual({ kind: "agent", agent: "agent-7" });
    });

    test("an agent joining is announced once, even when resent after a reconnect", () => {
      const c = run([
        ...handedOff,
        person({ type: "agent_joined", agent: "agent-7" }),
        { type: "connection", state: "reconnecting" },
        { type: "session", message: session("s1"), resumed: true },
        person({ type: "agent_joined", agent: "agent-7" }),
      ]);
      expect(roles(c).slice(-1)).toEqual(["joined"]);
      expect(c.items.filter((i) => i.role === "joined")).toHaveLength(1);
      expect(c.answerer).toEqual({ kind: "agent", agent: "agent-7" });
    });

    test("the agent's words are their own rows, and leaving gives the chat back to the bot", () => {
      const c = run([
        ...handedOff,
        person({ type: "agent_joined", agent: "agent-7" }),
        person({ type: "agent_message", agent: "agent-7", text: "Hello, I can help." }),
        person({ type: "agent_left", agent: "agent-7" }),
        { type: "sent", text: "I still haven't received my card" },
        { type: "reply", message: reply("Cards arrive in 3 to 5 days.") },
      ]);
      expect(roles(c).slice(3)).toEqual(["joined", "agent", "left", "visitor", "bot:Cards arrive in 3 to 5 days."]);
      expect(c.items[4]).toMatchObject({ role: "agent", agent: "agent-7", text: "Hello, I can help." });
      expect(c.items[5]).toMatchObject({ role: "left", agent: "agent-7" });
      expect(c.answerer).toEqual({ kind: "bot" });
      expect(c.pending).toBe(0);
    });

    test("a new session starts with the bot again", () => {
      const c = run([...handedOff, person({ type: "agent_joined", agent: "agent-7" }), { type: "session", message: session("s2"), resumed: false }]);
      expect(c.answerer).toEqual({ kind: "bot" });
    });
  });
});
