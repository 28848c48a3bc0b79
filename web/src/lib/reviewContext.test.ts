import { describe, expect, test } from "vitest";
import type { Segment } from "./calls";
import type { ChatTurn } from "./handoffs";
import { around, callContext, chatContext } from "./reviewContext";

function turn(speaker: ChatTurn["speaker"], text: string, over: Partial<ChatTurn> = {}): ChatTurn {
  return { speaker, agent_id: null, text, source: null, intent: null, confidence: null, at: "2025-05-01T10:00:00Z", ...over };
}

describe("review context", () => {
  test("a short chat is shown whole with the missed words marked and the bot's source noted", () => {
    const lines = chatContext(
      [turn("visitor", "my parrot recites tax law"), turn("bot", "Let me find someone.", { source: "handoff" }), turn("agent", "Hi!", { agent_id: "agent-7" })],
      ["my parrot recites tax law"],
    );
    expect(lines).toEqual([
      { gap: false, speaker: "visitor", text: "my parrot recites tax law", missed: true, note: null },
      { gap: false, speaker: "bot", text: "Let me find someone.", missed: false, note: "handed off" },
      { gap: false, speaker: "agent-7", text: "Hi!", missed: false, note: null },
    ]);
  });

  test("a long conversation keeps two lines either side of each miss, with gaps between", () => {
    const lines = Array.from({ length: 20 }, (_, i) => ({ n: i, missed: i === 5 || i === 15 }));
    const kept = around(lines).map((l) => ("n" in l ? l.n : "…"));
    expect(kept).toEqual(["…", 3, 4, 5, 6, 7, "…", 13, 14, 15, 16, 17, "…"]);
    expect(around(Array.from({ length: 14 }, (_, i) => ({ n: i, missed: false }))).map((l) => ("n" in l ? l.n : "…"))).toEqual(["…", 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  test("a call's segments are ordered and marked by segment number", () => {
    const seg = (seq: number, text: string): Segment => ({ seq, channel: 0, speaker: "customer", start_ms: 0, end_ms: 0, text, confidence: 1, sentiment: null, key_phrases: [] });
    expect(callContext([seg(2, "b"), seg(1, "a")], [2]).map((l) => (l.gap ? "…" : `${l.text}${l.missed ? "!" : ""}`))).toEqual(["a", "b!"]);
  });
});
