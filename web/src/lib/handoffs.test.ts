import { describe, expect, test } from "vitest";
import { ProtocolError } from "./json";
import { describeReason, parseChatLiveEvent, parseHandoffList, parseTakenChat, parseTranscript } from "./handoffs";

const handoff = {
  session_id: "s1",
  bot: "banking",
  state: "waiting",
  agent_id: null,
  reason: "no_match",
  since: "2026-12-07T04:57:41.589486+00:00",
  started_at: "2026-12-07T04:57:41.026693+00:00",
};

/** As the server answered a take in a real run (bot turn, visitor turn, missed with guesses). */
const taken = {
  handoff: { ...handoff, state: "with_agent", agent_id: "agent-7" },
  transcript: [
    { speaker: "visitor", text: "my parrot keeps reciting tax law at midnight", source: null, intent: null, confidence: null, document_id: null, latency_ms: null, at: "2026-12-07T04:57:41.588840+00:00" },
    { speaker: "bot", text: "Let me connect you to an agent who can help.", source: "handoff", intent: null, confidence: null, document_id: null, latency_ms: 58, at: "2026-12-07T04:57:41.588840+00:00" },
    { speaker: "agent", agent_id: "agent-7", text: "card [CARD_NUMBER]", source: null, intent: null, confidence: null, document_id: null, latency_ms: null, at: "2026-12-07T04:57:47.066315+00:00" },
  ],
  missed: [
    {
      id: "m1",
      session_id: "s1",
      call_id: null,
      bot: "banking",
      text: "my parrot keeps reciting tax law at midnight",
      reason: "handoff",
      best_guesses: [{ intent: "reverted_card_payment", confidence: 0.2492938 }],
      status: "new",
      at: "2026-12-07T04:57:41.587969+00:00",
    },
  ],
};

describe("handoff wire types", () => {
  test("reads the queue and a take answer", () => {
    expect(parseHandoffList([handoff])).toEqual([handoff]);
    const chat = parseTakenChat(taken);
    expect(chat.handoff).toMatchObject({ state: "with_agent", agent_id: "agent-7" });
    expect(chat.transcript.map((t) => [t.speaker, t.agent_id, t.source])).toEqual([
      ["visitor", null, null],
      ["bot", null, "handoff"],
      ["agent", "agent-7", null],
    ]);
    expect(chat.missed).toEqual([
      { id: "m1", text: "my parrot keeps reciting tax law at midnight", reason: "handoff", best_guesses: [{ intent: "reverted_card_payment", confidence: 0.2492938 }], at: "2026-12-07T04:57:41.587969+00:00" },
    ]);
  });

  test("rejects what does not match the contract", () => {
    expect(() => parseHandoffList({})).toThrow(new ProtocolError("the handoff list must be an array"));
    expect(() => parseHandoffList([{ ...handoff, state: "lost" }])).toThrow(ProtocolError);
    expect(() => parseTranscript([{ speaker: "parrot", text: "x", at: "t" }])).toThrow(ProtocolError);
  });

  test("reads the live feed and skips types it does not know", () => {
    expect(parseChatLiveEvent('{"type":"handoff","session_id":"s1","bot":"banking","state":"closed","agent_id":"agent-7","reason":"no_match","at":"t"}')).toMatchObject({
      type: "handoff",
      state: "closed",
      agent_id: "agent-7",
    });
    expect(parseChatLiveEvent('{"type":"visitor_message","session_id":"s1","text":"[CARD_NUMBER]","at":"t"}')).toEqual({
      type: "visitor_message",
      session_id: "s1",
      text: "[CARD_NUMBER]",
      at: "t",
    });
    expect(parseChatLiveEvent('{"type":"skipped","events":3}')).toEqual({ type: "skipped", events: 3 });
    expect(parseChatLiveEvent('{"type":"typing","session_id":"s1"}')).toBeNull();
    expect(() => parseChatLiveEvent('{"type":"agent_message","session_id":"s1","text":"x","at":"t"}')).toThrow(
      new ProtocolError('field "agent_id" must be a string'),
    );
  });

  test("reasons read as words", () => {
    expect(describeReason("no_match")).toBe("no match");
  });
});
