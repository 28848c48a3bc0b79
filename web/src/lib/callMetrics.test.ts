import { describe, expect, test } from "vitest";
import type { CallMetrics } from "./calls";
import {
  formatPace,
  formatSeconds,
  formatTrend,
  interruptionsBy,
  quarterSeries,
  scoredQuarters,
  talkRatioPercents,
  talkShares,
  wholePercents,
} from "./callMetrics";

const metrics = (over: Partial<CallMetrics> = {}): CallMetrics => ({
  duration_s: 31.2,
  talk_time_s: { agent: 2.75, customer: 4.75 },
  talk_ratio: 0.37,
  non_talk_s: 23.7,
  longest_silence_s: 18.2,
  interruptions: [{ by: "agent", of: "customer", at_s: 8, overlap_s: 2 }],
  overlap_s: 2,
  words_per_minute: { agent: 152.7, customer: 75.8 },
  sentiment_by_quarter: { agent: [null, 0.2, null, null], customer: [-0.4, null, 0.1, null] },
  sentiment_trend: { agent: null, customer: 0.5 },
  ...over,
});

describe("formatting", () => {
  test("durations read like the call clock, rounded to the nearest second", () => {
    expect(formatSeconds(125)).toBe("2:05");
    expect(formatSeconds(2.75)).toBe("0:03");
    expect(formatSeconds(2.4)).toBe("0:02");
    expect(formatSeconds(3725.6)).toBe("1:02:06");
    expect(formatSeconds(-1)).toBe("0:00");
    expect(formatSeconds(Number.NaN)).toBe("0:00");
  });

  test("pace is whole words per minute", () => {
    expect(formatPace(152.7)).toBe("153 wpm");
    expect(formatPace(0)).toBe("0 wpm");
  });

  test("a trend carries its sign, and a dash when it cannot be measured", () => {
    expect(formatTrend(0.5)).toBe("+0.50");
    expect(formatTrend(-0.404)).toBe("-0.40");
    expect(formatTrend(-0.001)).toBe("0.00");
    expect(formatTrend(null)).toBe("—");
  });
});

describe("shares", () => {
  test("whole percents always add up to 100, the largest remainders rounding up", () => {
    expect(wholePercents([1, 1, 1])).toEqual([34, 33, 33]);
    expect(wholePercents([0.375, 0.625])).toEqual([38, 62]);
    expect(wholePercents([2, -1, Number.NaN, 2])).toEqual([50, 0, 0, 50]);
    expect(wholePercents([0, 0])).toEqual([0, 0]);
  });

  test("the bar keeps silence's true share and splits the talked time by the talk ratio", () => {
    // 23.7 of 31.2 s silent is 76 %; the remaining 24 % split 37/63.
    expect(talkShares(metrics())).toEqual({ agent: 9, customer: 15, silence: 76 });
  });

  test("overlapping speech does not push the bar past 100 %", () => {
    // Both talked 8 s of a 10 s call at once: their talk times add to 16 s, the bar still adds to 100.
    const shares = talkShares(metrics({ duration_s: 10, talk_time_s: { agent: 8, customer: 8 }, talk_ratio: 0.5, non_talk_s: 2, overlap_s: 6 }));
    expect(shares).toEqual({ agent: 40, customer: 40, silence: 20 });
    expect(shares.agent + shares.customer + shares.silence).toBe(100);
  });

  test("out-of-range inputs are clamped, and a call of no length is all silence", () => {
    expect(talkShares(metrics({ duration_s: 5, non_talk_s: 7, talk_ratio: 0.5 }))).toEqual({ agent: 0, customer: 0, silence: 100 });
    expect(talkShares(metrics({ duration_s: 10, non_talk_s: 0, talk_ratio: 1.4 }))).toEqual({ agent: 100, customer: 0, silence: 0 });
    expect(talkShares(metrics({ duration_s: 0, non_talk_s: 0 }))).toEqual({ agent: 0, customer: 0, silence: 100 });
  });

  test("the talk ratio reads as two whole percents adding up to 100", () => {
    expect(talkRatioPercents(0.37)).toEqual({ agent: 37, customer: 63 });
    expect(talkRatioPercents(0.375)).toEqual({ agent: 38, customer: 62 });
    expect(talkRatioPercents(-2)).toEqual({ agent: 0, customer: 100 });
  });
});

describe("interruptions and sentiment", () => {
  test("interruptions are counted by who interrupted", () => {
    const m = metrics({
      interruptions: [
        { by: "agent", of: "customer", at_s: 8, overlap_s: 2 },
        { by: "customer", of: "agent", at_s: 12, overlap_s: 0.6 },
        { by: "agent", of: "customer", at_s: 20, overlap_s: 1 },
      ],
    });
    expect(interruptionsBy(m)).toEqual({ agent: 2, customer: 1 });
    expect(interruptionsBy(metrics({ interruptions: [] }))).toEqual({ agent: 0, customer: 0 });
  });

  test("sentiment by quarter is four points per party with nulls as gaps", () => {
    expect(quarterSeries(metrics())).toEqual([
      [1, 2, 3, 4],
      [-0.4, null, 0.1, null],
      [null, 0.2, null, null],
    ]);
    expect(scoredQuarters(metrics())).toBe(3);
    // A short answer is padded with gaps rather than shifting the quarters.
    expect(quarterSeries(metrics({ sentiment_by_quarter: { agent: [0.3], customer: [] } }))[2]).toEqual([0.3, null, null, null]);
  });
});
