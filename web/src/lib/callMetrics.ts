// What the call metrics panel shows, worked out from `CallMetrics` without React, so the rounding rules are tested once.

import type { CallMetrics, PerSpeaker } from "./calls";
import { formatDuration } from "./callViews";

/** Seconds as `m:ss` (`h:mm:ss` from an hour), rounded to the nearest second like the call clock reads. */
export function formatSeconds(seconds: number): string {
  return formatDuration(Math.round(Number.isFinite(seconds) ? Math.max(0, seconds) : 0) * 1000);
}

/** A pace as whole words per minute, the precision a person can act on. */
export function formatPace(wpm: number): string {
  return `${Math.round(Number.isFinite(wpm) ? Math.max(0, wpm) : 0)} wpm`;
}

/** A sentiment change with its sign (`+0.50`, `-0.40`), or a dash when there were too few quarters to compare. */
export function formatTrend(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "—";
  const rounded = Math.round(value * 100) / 100;
  if (rounded === 0) return "0.00";
  return `${rounded > 0 ? "+" : ""}${rounded.toFixed(2)}`;
}

/**
 * Whole percentages of `parts` that add up to exactly 100, so a bar and its labels agree: each
 * part gets its floor, then the largest remainders (earlier parts first on ties) get one more.
 * Negative or non-finite parts count as 0; all zero gives all zeros.
 */
export function wholePercents(parts: number[]): number[] {
  const clean = parts.map((p) => (Number.isFinite(p) && p > 0 ? p : 0));
  const total = clean.reduce((a, b) => a + b, 0);
  if (total === 0) return clean.map(() => 0);
  const exact = clean.map((p) => (p / total) * 100);
  const out = exact.map(Math.floor);
  const order = exact.map((e, i) => ({ i, rest: e - Math.floor(e) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0, left = 100 - out.reduce((a, b) => a + b, 0); k < left; k++) out[order[k % order.length].i] += 1;
  return out;
}

/** Whole-percent parts of the call for the stacked bar. */
export interface TalkShares {
  agent: number;
  customer: number;
  silence: number;
}

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/**
 * The call split into agent talk, customer talk and silence, in whole percents adding up to 100.
 * Silence is its true share of the duration (clamped to 0…1); the rest, the time someone spoke, is
 * split by the talk ratio. Adding the two talk times instead would count overlapping speech twice
 * and overshoot the duration, so overlap is shared between the parties in proportion to their talk.
 * A call of no duration is all silence.
 */
export function talkShares(m: Pick<CallMetrics, "duration_s" | "non_talk_s" | "talk_ratio">): TalkShares {
  const silence = m.duration_s > 0 ? clamp01(m.non_talk_s / m.duration_s) : 1;
  const ratio = clamp01(m.talk_ratio);
  const [agent, customer, rest] = wholePercents([(1 - silence) * ratio, (1 - silence) * (1 - ratio), silence]);
  return { agent, customer, silence: rest };
}

/** The agent's and the customer's share of the talk time in whole percents adding up to 100. */
export function talkRatioPercents(talkRatio: number): PerSpeaker<number> {
  const ratio = clamp01(talkRatio);
  const [agent, customer] = wholePercents([ratio, 1 - ratio]);
  return { agent, customer };
}

/** How often each party interrupted the other. */
export function interruptionsBy(m: Pick<CallMetrics, "interruptions">): PerSpeaker<number> {
  const counts = { agent: 0, customer: 0 };
  for (const i of m.interruptions) counts[i.by] += 1;
  return counts;
}

/** The quarters on the x axis (1…4, labelled Q1…Q4). */
export const QUARTERS = [1, 2, 3, 4];

/** uPlot's aligned data for sentiment by quarter: quarters, then customer and agent, null (a gap) where unscored. */
export function quarterSeries(m: Pick<CallMetrics, "sentiment_by_quarter">): [number[], (number | null)[], (number | null)[]] {
  const four = (values: (number | null)[]) =>
    QUARTERS.map((_, i) => {
      const v = values[i];
      return typeof v === "number" && Number.isFinite(v) ? v : null;
    });
  return [QUARTERS, four(m.sentiment_by_quarter.customer), four(m.sentiment_by_quarter.agent)];
}

/** How many quarter scores there are to draw, across both parties. */
export function scoredQuarters(m: Pick<CallMetrics, "sentiment_by_quarter">): number {
  const [, customer, agent] = quarterSeries(m);
  return [...customer, ...agent].filter((v) => v !== null).length;
}
