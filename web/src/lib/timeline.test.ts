import { describe, expect, test } from "vitest";
import type { RuleHit, Segment } from "./calls";
import {
  HIT_GAP_PERCENT,
  MAX_HIT_ROWS,
  MIN_BLOCK_PERCENT,
  activeSeqs,
  buildTimeline,
  centredScrollTop,
  pageScrollDelta,
  percentAt,
  playheadPercent,
  seekSeconds,
  sentimentColour,
  tickStep,
  ticks,
  timelineDuration,
} from "./timeline";

const seg = (seq: number, speaker: "customer" | "agent", start_ms: number, end_ms: number, score: number | null = null, text = `line ${seq}`): Segment => ({
  seq,
  channel: speaker === "customer" ? 0 : 1,
  speaker,
  start_ms,
  end_ms,
  text,
  confidence: 0.9,
  sentiment: score === null ? null : { label: score < -0.25 ? "negative" : score > 0.25 ? "positive" : "neutral", score, running: score },
  key_phrases: [],
});

const hit = (seq: number, category: string, severity: RuleHit["severity"] = null, rule = `${category.toLowerCase()}-rule`): RuleHit => ({
  rule,
  category,
  severity,
  reason: "phrase",
  description: "matched a phrase",
  seq,
  text: null,
  at: null,
});

describe("sentimentColour", () => {
  test("red at −1, grey at 0, green at +1, a lighter grey for no score", () => {
    expect(sentimentColour(-1)).toBe("rgb(192, 57, 43)");
    expect(sentimentColour(0)).toBe("rgb(152, 162, 173)");
    expect(sentimentColour(1)).toBe("rgb(46, 139, 87)");
    expect(sentimentColour(null)).toBe("rgb(208, 213, 219)");
    expect(sentimentColour(undefined)).toBe(sentimentColour(null));
    expect(sentimentColour(Number.NaN)).toBe(sentimentColour(null));
  });

  test("in between in proportion, and clamped past ±1", () => {
    // halfway from grey (152,162,173) to red (192,57,43)
    expect(sentimentColour(-0.5)).toBe("rgb(172, 110, 108)");
    expect(sentimentColour(0.5)).toBe("rgb(99, 151, 130)");
    expect(sentimentColour(-3)).toBe(sentimentColour(-1));
    expect(sentimentColour(7)).toBe(sentimentColour(1));
  });
});

describe("geometry", () => {
  test("the timeline spans the longest known length, at least the last segment's end", () => {
    const segments = [seg(0, "customer", 0, 4000), seg(1, "agent", 4000, 12_500)];
    expect(timelineDuration(segments)).toBe(12_500);
    expect(timelineDuration(segments, [30_000, null, undefined, Number.NaN])).toBe(30_000);
    expect(timelineDuration(segments, [10_000])).toBe(12_500);
    expect(timelineDuration([], [])).toBe(1);
    expect(timelineDuration([], [1234.2])).toBe(1235);
  });

  test("percentages are clamped to the track, and the playhead follows seconds", () => {
    expect(percentAt(5000, 20_000)).toBe(25);
    expect(percentAt(-10, 20_000)).toBe(0);
    expect(percentAt(50_000, 20_000)).toBe(100);
    expect(percentAt(5, 0)).toBe(0);
    expect(playheadPercent(10, 40_000)).toBe(25);
    expect(playheadPercent(Number.NaN, 40_000)).toBe(0);
  });

  test("one lane per speaker, blocks in time order placed by start and end", () => {
    const t = buildTimeline([seg(2, "agent", 5000, 10_000, 0.6), seg(0, "customer", 0, 2500, -0.8), seg(1, "customer", 2500, 5000)], [], 20_000);
    expect(t.lanes.map((l) => l.speaker)).toEqual(["customer", "agent"]);
    expect(t.lanes[0].blocks.map((b) => [b.seq, b.left, b.width])).toEqual([
      [0, 0, 12.5],
      [1, 12.5, 12.5],
    ]);
    const agent = t.lanes[1].blocks[0];
    expect(agent).toMatchObject({ seq: 2, speaker: "agent", startMs: 5000, endMs: 10_000, left: 25, width: 25, score: 0.6, label: "positive" });
    expect(agent.colour).toBe(sentimentColour(0.6));
    expect(t.lanes[0].blocks[1]).toMatchObject({ score: null, label: null, colour: sentimentColour(null) });
  });

  test("a tiny block keeps a minimum width and never runs past the end", () => {
    const t = buildTimeline([seg(0, "customer", 1000, 1010), seg(1, "agent", 99_990, 100_000)], [], 100_000);
    expect(t.lanes[0].blocks[0]).toMatchObject({ left: 1, width: MIN_BLOCK_PERCENT });
    const last = t.lanes[1].blocks[0];
    expect(last.width).toBe(MIN_BLOCK_PERCENT);
    expect(last.left + last.width).toBeCloseTo(100, 10);
  });

  test("the tooltip carries the words, the speaker, the time and the sentiment", () => {
    const t = buildTimeline([seg(0, "customer", 61_000, 65_000, -0.42, "I want roaming turned on")], [], 120_000);
    expect(t.lanes[0].blocks[0].title).toBe("I want roaming turned on\nCustomer 1:01–1:05 · negative -0.42");
    const unscored = buildTimeline([seg(1, "agent", 0, 1000)], [], 2000).lanes[1].blocks[0];
    expect(unscored.title).toBe("line 1\nAgent 0:00–0:01 · no sentiment");
  });
});

describe("rule hits", () => {
  const segments = [seg(0, "customer", 0, 3000), seg(1, "agent", 3000, 6000), seg(2, "customer", 50_000, 52_000)];

  test("pinned at their segment's start, alerts told from categories; hits of unknown segments left out", () => {
    const t = buildTimeline(segments, [hit(2, "Escalation", "high"), hit(1, "Roaming"), hit(9, "Ghost", "warning")], 100_000);
    expect(t.hits.map((h) => [h.seq, h.category, h.kind, h.severity, h.speaker, h.startMs, h.left, h.row])).toEqual([
      [1, "Roaming", "category", null, "agent", 3000, 3, 0],
      [2, "Escalation", "alert", "high", "customer", 50_000, 50, 0],
    ]);
    expect(t.hitRows).toBe(1);
    expect(t.hits[1].title).toBe("Escalation · alert (high) at 0:50\nescalation-rule: matched a phrase");
    expect(t.hits[0].title).toMatch(/^Roaming · category at 0:03\n/);
  });

  test("close hits go on separate rows, up to the limit; far ones share the first", () => {
    const many = [hit(0, "A"), hit(0, "B", "info"), hit(0, "C"), hit(0, "D"), hit(1, "E")];
    const t = buildTimeline(segments, many, 100_000);
    expect(t.hits.map((h) => [h.category, h.row])).toEqual([
      ["A", 0],
      ["B", 1],
      ["C", 2],
      ["D", MAX_HIT_ROWS - 1],
      ["E", 0], // 3 % along: more than HIT_GAP_PERCENT after A
    ]);
    expect(t.hits[4].left - t.hits[0].left).toBeGreaterThanOrEqual(HIT_GAP_PERCENT);
    expect(t.hitRows).toBe(MAX_HIT_ROWS);
    expect(buildTimeline(segments, [], 100_000).hitRows).toBe(0);
  });
});

describe("axis and playback", () => {
  test("ticks every round step, at most 8 intervals", () => {
    expect(tickStep(8000)).toBe(1000);
    expect(tickStep(60_000)).toBe(10_000);
    expect(tickStep(75_000)).toBe(10_000);
    expect(tickStep(3_600_000)).toBe(600_000);
    expect(tickStep(30 * 3_600_000)).toBe(4 * 3_600_000);
    expect(ticks(45_000).map((t) => [t.label, t.left])).toEqual([
      ["0:00", 0],
      ["0:10", (10 / 45) * 100],
      ["0:20", (20 / 45) * 100],
      ["0:30", (30 / 45) * 100],
      ["0:40", (40 / 45) * 100],
    ]);
  });

  test("the segments being spoken at a time, and where a click seeks to", () => {
    const segments = [seg(0, "customer", 0, 3000), seg(1, "agent", 2500, 6000), seg(2, "customer", 8000, 9000)];
    expect(activeSeqs(segments, 2700)).toEqual([0, 1]);
    expect(activeSeqs(segments, 3000)).toEqual([1]);
    expect(activeSeqs(segments, 7000)).toEqual([]);
    expect(seekSeconds({ startMs: 2500 })).toBe(2.5);
    expect(seekSeconds({ startMs: -4 })).toBe(0);
  });
});

describe("bringing a transcript line into view", () => {
  test("centres it in its list, never above the top", () => {
    expect(centredScrollTop(500, 40, 400)).toBe(320);
    expect(centredScrollTop(50, 40, 400)).toBe(0);
  });

  test("scrolls the page only as far as needed, keeping clear of what sticks to the top", () => {
    const view = { top: 260, bottom: 900 };
    expect(pageScrollDelta({ top: 300, bottom: 340 }, view)).toBe(0);
    expect(pageScrollDelta({ top: 1000, bottom: 1040 }, view)).toBe(152);
    expect(pageScrollDelta({ top: 100, bottom: 140 }, view)).toBe(-172);
    // taller than the view: its top comes in first
    expect(pageScrollDelta({ top: 400, bottom: 1500 }, view)).toBe(128);
  });
});
