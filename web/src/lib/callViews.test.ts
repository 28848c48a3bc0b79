import { describe, expect, test } from "vitest";
import type { RuleHit, Segment } from "./calls";
import {
  callDurationMs,
  currentSentiment,
  formatDuration,
  keyPhrases,
  runningLabel,
  sentimentSeries,
  suggestionsNewestFirst,
  worstSeverity,
} from "./callViews";

const seg = (seq: number, speaker: "customer" | "agent", end_ms: number, running: number | null, key_phrases: string[] = []): Segment => ({
  seq,
  channel: speaker === "customer" ? 0 : 1,
  speaker,
  start_ms: end_ms - 500,
  end_ms,
  text: "t",
  confidence: 1,
  sentiment: running === null ? null : { label: runningLabel(running), score: running, running },
  key_phrases,
});

describe("sentiment", () => {
  test("the series gives each speaker's running score at the end of their segments, on one time axis", () => {
    const series = sentimentSeries([seg(1, "agent", 5000, 0.5), seg(2, "customer", 10000, -0.4), seg(3, "agent", 10000, 0.6), seg(4, "customer", 12500, null)]);
    expect(series).toEqual({ seconds: [5, 10], customer: [null, -0.4], agent: [0.5, 0.6] });
  });

  test("the current sentiment is the speaker's latest running score, labelled", () => {
    const segments = [seg(1, "customer", 1000, -0.6), seg(2, "agent", 2000, 0.1), seg(3, "customer", 3000, 0.3), seg(4, "customer", 4000, null)];
    expect(currentSentiment(segments, "customer")).toEqual({ running: 0.3, label: "positive" });
    expect(currentSentiment(segments, "agent")).toEqual({ running: 0.1, label: "neutral" });
    expect(currentSentiment([], "agent")).toBeNull();
    expect(runningLabel(-0.2)).toBe("negative");
  });
});

describe("key phrases", () => {
  test("are most recent first, each once regardless of case, and capped", () => {
    const segments = [seg(1, "customer", 1, null, ["debit card", "yesterday"]), seg(2, "agent", 2, null, ["Debit card", "card number"])];
    expect(keyPhrases(segments)).toEqual(["Debit card", "card number", "yesterday"]);
    expect(keyPhrases(segments, 2)).toEqual(["Debit card", "card number"]);
  });
});

describe("suggestions", () => {
  test("newest customer words first, best rank first within them", () => {
    const s = (id: string, seq: number, rank: number) =>
      ({ id, seq, rank, bot: "b", kind: "intent", reference: "r", title: "t", text: "x", score: 1, feedback: null, feedback_by: null }) as const;
    expect(suggestionsNewestFirst([s("a", 1, 0), s("b", 3, 1), s("c", 3, 0), s("d", 1, 1)]).map((x) => x.id)).toEqual(["c", "b", "a", "d"]);
  });
});

describe("alerts", () => {
  test("the worst severity ignores hits without one", () => {
    const hit = (severity: RuleHit["severity"]): RuleHit => ({ rule: String(severity), category: "c", severity, reason: "r", description: "d", seq: 1, text: null, at: null });
    expect(worstSeverity([hit(null), hit("warning"), hit("info")])).toBe("warning");
    expect(worstSeverity([hit("high"), hit("warning")])).toBe("high");
    expect(worstSeverity([hit(null)])).toBeNull();
  });
});

describe("durations", () => {
  test("tick while live and use the audio length once ended", () => {
    const t0 = 1_000_000;
    expect(callDurationMs({ status: "live", startedAt: t0, endedAt: null, audio_ms: 0 }, t0 + 65_400)).toBe(65_400);
    expect(callDurationMs({ status: "completed", startedAt: t0, endedAt: t0 + 90_000, audio_ms: 57_300 }, t0 + 999_999)).toBe(57_300);
    expect(callDurationMs({ status: "incomplete", startedAt: t0, endedAt: t0 + 9_000, audio_ms: 0 }, 0)).toBe(9_000);
    expect(formatDuration(65_400)).toBe("1:05");
    expect(formatDuration(3_725_000)).toBe("1:02:05");
  });
});
