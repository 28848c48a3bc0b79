import { describe, expect, test } from "vitest";
import type { ChatLiveEvent, ChatTurn, Handoff, HandoffState, TakenChat } from "./handoffs";
import { type HandoffsAction, type HandoffsState, initialHandoffsState, mergeTurns, reduceHandoffs } from "./handoffState";

const at = (s: number) => new Date(Date.parse("2025-05-01T10:00:00Z") + s * 1000).toISOString();

const handoff = (id: string, state: HandoffState = "waiting", agent_id: string | null = null, since = 0): Handoff => ({
  session_id: id,
  bot: "banking",
  state,
  agent_id,
  reason: "no_match",
  since: at(since),
  started_at: at(-10),
});

const turn = (speaker: ChatTurn["speaker"], text: string, s: number, agent_id: string | null = null): ChatTurn => ({
  speaker,
  agent_id,
  text,
  source: speaker === "bot" ? "handoff" : null,
  intent: null,
  confidence: null,
  at: at(s),
});

const ev = (event: ChatLiveEvent): HandoffsAction => ({ type: "event", event });
const queued = (id: string, since = 0): HandoffsAction => ev({ ...handoff(id, "waiting", null, since), type: "handoff", at: at(since) });
const heldBy = (id: string, agent: string): HandoffsAction => ev({ ...handoff(id, "with_agent", agent, 5), type: "handoff", at: at(5) });
const closedEv = (id: string): HandoffsAction => ev({ ...handoff(id, "closed", "agent-7", 9), type: "handoff", at: at(9) });
const visitor = (id: string, text: string, s: number): HandoffsAction => ev({ type: "visitor_message", session_id: id, text, at: at(s) });

const taken = (id: string): TakenChat => ({
  handoff: handoff(id, "with_agent", "agent-7", 5),
  transcript: [turn("visitor", "my parrot recites tax law", 1), turn("bot", "Let me connect you to an agent.", 1)],
  missed: [{ id: "m1", text: "my parrot recites tax law", reason: "handoff", best_guesses: [{ intent: "card_arrival", confidence: 0.2 }], at: at(1) }],
});

const run = (actions: HandoffsAction[], start: HandoffsState = initialHandoffsState("agent-7")) => actions.reduce(reduceHandoffs, start);
const queueIds = (s: HandoffsState) => s.queue.map((q) => q.session_id);
const heldIds = (s: HandoffsState) => s.held.map((h) => h.session_id);
const words = (s: HandoffsState, id: string) => s.held.find((h) => h.session_id === id)?.turns.map((t) => `${t.speaker}:${t.text}`);

describe("handoff state", () => {
  test("starts by asking for the list", () => {
    expect(initialHandoffsState("agent-7").listStale).not.toBeNull();
  });

  test("a waiting chat joins the queue in waiting order and its transcript is fetched for the visitor's words", () => {
    const s = run([queued("s2", 3), queued("s1", 1), queued("s1", 1)]);
    expect(queueIds(s)).toEqual(["s1", "s2"]);
    expect(Object.keys(s.stale).sort()).toEqual(["s1", "s2"]);
    const loaded = run([{ type: "transcript", session_id: "s1", turns: taken("s1").transcript, request: s.stale.s1 }], s);
    expect(loaded.queue[0].lastWords).toBe("my parrot recites tax law");
    expect(loaded.stale.s1).toBeUndefined();
  });

  test("a chat taken by someone else or closed leaves the queue", () => {
    const s = run([queued("s1"), queued("s2"), heldBy("s1", "agent-8"), closedEv("s2")]);
    expect(queueIds(s)).toEqual([]);
    expect(heldIds(s)).toEqual([]);
    expect(s.stale).toEqual({});
  });

  test("taking a chat moves it from the queue to the held chats with the conversation and the bot's guesses", () => {
    const s = run([queued("s1"), heldBy("s1", "agent-7"), { type: "taken", taken: taken("s1") }]);
    expect(queueIds(s)).toEqual([]);
    expect(heldIds(s)).toEqual(["s1"]);
    expect(s.held[0].loaded).toBe(true);
    expect(s.held[0].missed[0].best_guesses).toEqual([{ intent: "card_arrival", confidence: 0.2 }]);
    expect(s.stale.s1).toBeUndefined();
  });

  test("a refused take drops the chat from the queue and says who was quicker", () => {
    const s = run([queued("s1"), { type: "refused", session_id: "s1", message: 'chat "s1" was already taken by "agent-8"' }]);
    expect(queueIds(s)).toEqual([]);
    expect(s.refusal).toEqual({ session_id: "s1", message: 'chat "s1" was already taken by "agent-8"' });
    expect(run([{ type: "dismissRefusal" }], s).refusal).toBeNull();
  });

  test("live words are appended once, whether the feed or the send answer brings them first", () => {
    const agentTurn = turn("agent", "Hello, I can help.", 7, "agent-7");
    const s = run([
      { type: "taken", taken: taken("s1") },
      visitor("s1", "are you a person?", 6),
      ev({ type: "agent_message", session_id: "s1", agent_id: "agent-7", text: "Hello, I can help.", at: agentTurn.at }),
      { type: "said", session_id: "s1", turn: { ...agentTurn, at: new Date(Date.parse(agentTurn.at) + 0.5).toISOString() } },
    ]);
    expect(words(s, "s1")).toEqual([
      "visitor:my parrot recites tax law",
      "bot:Let me connect you to an agent.",
      "visitor:are you a person?",
      "agent:Hello, I can help.",
    ]);
  });

  test("a transcript merges with the live words that arrived before it, each once", () => {
    const s = run([heldBy("s1", "agent-7"), visitor("s1", "hello?", 6), visitor("s1", "anyone?", 8)]);
    expect(s.held[0].loaded).toBe(false);
    const transcript = [...taken("s1").transcript, turn("visitor", "hello?", 6.000002)];
    const loaded = run([{ type: "transcript", session_id: "s1", turns: transcript, missed: taken("s1").missed, request: s.stale.s1 }], s);
    expect(words(loaded, "s1")).toEqual([
      "visitor:my parrot recites tax law",
      "bot:Let me connect you to an agent.",
      "visitor:hello?",
      "visitor:anyone?",
    ]);
    expect(loaded.held[0].loaded).toBe(true);
    expect(loaded.held[0].missed).toHaveLength(1);
  });

  test("the same words said twice stay twice", () => {
    expect(mergeTurns([turn("visitor", "hi", 1)], [turn("visitor", "hi", 1), turn("visitor", "hi", 2)])).toHaveLength(2);
    expect(mergeTurns([turn("visitor", "hi", 1)], [turn("visitor", "hi", 60)])).toHaveLength(2);
  });

  test("messages of chats not on screen are ignored", () => {
    const start = run([queued("s1")]);
    const s = run([visitor("s9", "not mine", 1), ev({ type: "agent_message", session_id: "s9", agent_id: "agent-8", text: "x", at: at(1) })], start);
    expect(s).toEqual(start);
  });

  test("closing a held chat removes it", () => {
    const s = run([{ type: "taken", taken: taken("s1") }, { type: "closed", session_id: "s1" }]);
    expect(heldIds(s)).toEqual([]);
    expect(run([{ type: "taken", taken: taken("s1") }, closedEv("s1")]).held).toEqual([]);
  });

  test("skipped events ask for the list and every chat on screen again", () => {
    const listed = run([{ type: "listed", handoffs: [], request: 1 }]);
    expect(listed.listStale).toBeNull();
    const s = run([queued("s1"), { type: "taken", taken: taken("s2") }, ev({ type: "skipped", events: 4 })], listed);
    expect(s.listStale).not.toBeNull();
    expect(Object.keys(s.stale).sort()).toEqual(["s1", "s2"]);
  });

  test("the list fills the queue and the chats this agent holds (a reload), but not other agents' chats", () => {
    const s = run([
      {
        type: "listed",
        handoffs: [handoff("s1"), handoff("s2", "with_agent", "agent-7"), handoff("s3", "with_agent", "agent-8")],
        request: 1,
      },
    ]);
    expect(queueIds(s)).toEqual(["s1"]);
    expect(heldIds(s)).toEqual(["s2"]);
    expect(s.held[0].loaded).toBe(false);
    expect(Object.keys(s.stale).sort()).toEqual(["s1", "s2"]);
  });

  test("a list fetched before an event does not undo it; chats missing from a newer list are gone", () => {
    const s = run([
      { type: "listed", handoffs: [], request: 1 },
      ev({ type: "skipped", events: 1 }),
    ]);
    const request = s.listStale!;
    // Taken after the list was requested: the list still says waiting, the event wins.
    const raced = run([heldBy("s1", "agent-8"), queued("s2"), { type: "listed", handoffs: [handoff("s1")], request }], s);
    expect(queueIds(raced)).toEqual(["s2"]);
    // A chat that was on screen before the request and is not in the list was closed meanwhile.
    const before = run([queued("s3"), ev({ type: "skipped", events: 1 })], raced);
    const after = run([{ type: "listed", handoffs: [handoff("s2")], request: before.listStale! }], before);
    expect(queueIds(after)).toEqual(["s2"]);
    expect(after.listStale).toBeNull();
  });

  test("an outdated list answer is ignored", () => {
    const s = run([ev({ type: "skipped", events: 1 })]);
    expect(run([{ type: "listed", handoffs: [handoff("s1")], request: 1 }], s)).toEqual(s);
  });
});
