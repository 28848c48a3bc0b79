// The call timeline of /calls without React: one lane per speaker, each segment a block placed by its start and end and coloured by its sentiment, rule hits pinned at their segment's time, axis ticks and the playhead, all as percentages of the call's length.

import { type RuleHit, SPEAKERS, type Segment, type SentimentLabel, type Severity, type Speaker } from "./calls";
import { formatDuration } from "./callViews";

/** The lanes, top to bottom. */
export const LANES: readonly Speaker[] = SPEAKERS;

/** The narrowest block drawn (percent of the track), so a one-word segment stays visible and clickable. */
export const MIN_BLOCK_PERCENT = 0.6;

/** Hits closer than this (percent of the track) go on separate rows, so neither hides the other. */
export const HIT_GAP_PERCENT = 1.6;

/** At most this many rows of hits; more crowd onto the last. */
export const MAX_HIT_ROWS = 3;

type Rgb = readonly [number, number, number];

/** Red for −1, grey for 0, green for +1 (the staff pages' sentiment palette), and a lighter grey for no score. */
export const SENTIMENT_RGB: { negative: Rgb; neutral: Rgb; positive: Rgb; unscored: Rgb } = {
  negative: [192, 57, 43],
  neutral: [152, 162, 173],
  positive: [46, 139, 87],
  unscored: [208, 213, 219],
};

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

const css = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

function mix(a: Rgb, b: Rgb, t: number): string {
  return css(a.map((x, i) => Math.round(x + (b[i] - x) * t)));
}

/**
 * A segment's colour for its sentiment score (−1…1): grey at 0, towards red below and green
 * above, in proportion; out-of-range scores are clamped, and no score (or not a number) is the
 * unscored grey.
 */
export function sentimentColour(score: number | null | undefined): string {
  if (score == null || !Number.isFinite(score)) return css(SENTIMENT_RGB.unscored);
  const s = clamp(score, -1, 1);
  return s < 0 ? mix(SENTIMENT_RGB.neutral, SENTIMENT_RGB.negative, -s) : mix(SENTIMENT_RGB.neutral, SENTIMENT_RGB.positive, s);
}

/**
 * The length the timeline spans (ms): the longest of what is known about the call (its metrics'
 * duration, its audio length, the played audio's duration) and the end of its last segment, so no
 * block falls off the end; at least 1 ms.
 */
export function timelineDuration(segments: readonly Pick<Segment, "end_ms">[], known: readonly (number | null | undefined)[] = []): number {
  let longest = 1;
  for (const ms of known) if (ms != null && Number.isFinite(ms)) longest = Math.max(longest, ms);
  for (const s of segments) if (Number.isFinite(s.end_ms)) longest = Math.max(longest, s.end_ms);
  return Math.ceil(longest);
}

/** `ms` as a percentage of `durationMs`, within 0…100. */
export function percentAt(ms: number, durationMs: number): number {
  if (!(durationMs > 0) || !Number.isFinite(ms)) return 0;
  return clamp((ms / durationMs) * 100, 0, 100);
}

/** Where the playhead stands (percent) for the audio's `currentTime` in seconds. */
export function playheadPercent(currentS: number, durationMs: number): number {
  return percentAt(currentS * 1000, durationMs);
}

export interface TimelineBlock {
  seq: number;
  speaker: Speaker;
  startMs: number;
  endMs: number;
  /** Percent of the track from its left edge. */
  left: number;
  /** Percent of the track; at least MIN_BLOCK_PERCENT. */
  width: number;
  score: number | null;
  label: SentimentLabel | null;
  colour: string;
  /** The tooltip: the words, then speaker, time and sentiment. */
  title: string;
}

export interface TimelineHit {
  seq: number;
  speaker: Speaker;
  rule: string;
  category: string;
  /** Null for a category-only hit; set for an alert. */
  severity: Severity | null;
  kind: "alert" | "category";
  startMs: number;
  left: number;
  /** Which row of hits it sits on (0 = the first), so close hits do not overlap. */
  row: number;
  title: string;
}

export interface TimelineTick {
  ms: number;
  left: number;
  label: string;
}

export interface Timeline {
  durationMs: number;
  lanes: { speaker: Speaker; blocks: TimelineBlock[] }[];
  hits: TimelineHit[];
  /** How many rows the hits take (0 when there are none). */
  hitRows: number;
  ticks: TimelineTick[];
}

const capitalised = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);

function blockTitle(s: Segment): string {
  const sentiment = s.sentiment ? `${s.sentiment.label} ${s.sentiment.score >= 0 ? "+" : ""}${s.sentiment.score.toFixed(2)}` : "no sentiment";
  return `${s.text}\n${capitalised(s.speaker)} ${formatDuration(s.start_ms)}–${formatDuration(s.end_ms)} · ${sentiment}`;
}

function hitTitle(h: RuleHit, startMs: number): string {
  const what = h.severity ? `alert (${h.severity})` : "category";
  return `${h.category} · ${what} at ${formatDuration(startMs)}\n${h.rule}${h.description ? `: ${h.description}` : ""}`;
}

/** A block's place: left and width in percent, at least MIN_BLOCK_PERCENT wide and never past the end. */
function place(startMs: number, endMs: number, durationMs: number): { left: number; width: number } {
  const start = percentAt(Math.min(startMs, endMs), durationMs);
  const end = percentAt(Math.max(startMs, endMs), durationMs);
  const width = Math.max(MIN_BLOCK_PERCENT, end - start);
  return { left: Math.max(0, Math.min(start, 100 - width)), width };
}

/** A tick spacing (ms) from a fixed ladder that gives at most `maxTicks` intervals over `durationMs`. */
export function tickStep(durationMs: number, maxTicks = 8): number {
  const ladder = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);
  for (const step of ladder) if (durationMs / step <= maxTicks) return step;
  const hour = 3600_000;
  return Math.ceil(durationMs / maxTicks / hour) * hour;
}

/** Ticks from 0 every `tickStep`, up to the end. */
export function ticks(durationMs: number, maxTicks = 8): TimelineTick[] {
  const step = tickStep(durationMs, maxTicks);
  const out: TimelineTick[] = [];
  for (let ms = 0; ms <= durationMs; ms += step) out.push({ ms, left: percentAt(ms, durationMs), label: formatDuration(ms) });
  return out;
}

/**
 * Lays out a call: one lane per speaker with its segments in time order, every rule hit whose
 * segment is in the transcript pinned at that segment's start (hits of a segment not in the
 * transcript are left out), close hits on separate rows, and the axis ticks.
 */
export function buildTimeline(segments: readonly Segment[], ruleHits: readonly RuleHit[], durationMs: number): Timeline {
  const duration = Math.max(1, durationMs);
  const lanes = LANES.map((speaker) => ({
    speaker,
    blocks: segments
      .filter((s) => s.speaker === speaker)
      .sort((a, b) => a.start_ms - b.start_ms || a.seq - b.seq)
      .map(
        (s): TimelineBlock => ({
          seq: s.seq,
          speaker,
          startMs: s.start_ms,
          endMs: s.end_ms,
          ...place(s.start_ms, s.end_ms, duration),
          score: s.sentiment?.score ?? null,
          label: s.sentiment?.label ?? null,
          colour: sentimentColour(s.sentiment?.score),
          title: blockTitle(s),
        }),
      ),
  }));

  const bySeq = new Map(segments.map((s) => [s.seq, s]));
  const placed = ruleHits
    .flatMap((h) => {
      const s = bySeq.get(h.seq);
      return s ? [{ h, s }] : [];
    })
    .sort((a, b) => a.s.start_ms - b.s.start_ms || a.h.seq - b.h.seq);
  const rowEnds: number[] = [];
  const hits = placed.map(({ h, s }): TimelineHit => {
    const left = percentAt(s.start_ms, duration);
    let row = rowEnds.findIndex((end) => left - end >= HIT_GAP_PERCENT);
    if (row < 0) row = rowEnds.length < MAX_HIT_ROWS ? rowEnds.length : MAX_HIT_ROWS - 1;
    rowEnds[row] = left;
    return {
      seq: h.seq,
      speaker: s.speaker,
      rule: h.rule,
      category: h.category,
      severity: h.severity,
      kind: h.severity ? "alert" : "category",
      startMs: s.start_ms,
      left,
      row,
      title: hitTitle(h, s.start_ms),
    };
  });

  return { durationMs: duration, lanes, hits, hitRows: rowEnds.length, ticks: ticks(duration) };
}

/** The seqs of the segments being spoken at `timeMs` (both parties when they overlap). */
export function activeSeqs(segments: readonly Pick<Segment, "seq" | "start_ms" | "end_ms">[], timeMs: number): number[] {
  return segments.filter((s) => s.start_ms <= timeMs && timeMs < s.end_ms).map((s) => s.seq);
}

/** Where the audio goes when a block is clicked: the segment's start, in seconds. */
export function seekSeconds(block: Pick<TimelineBlock, "startMs">): number {
  return Math.max(0, block.startMs) / 1000;
}

/** The list's `scrollTop` that puts a line (its `offsetTop` and height within the list) in the middle of the list's view. */
export function centredScrollTop(lineTop: number, lineHeight: number, listHeight: number): number {
  return Math.max(0, Math.round(lineTop - (listHeight - lineHeight) / 2));
}

/**
 * How far to scroll the page (px, negative is up) so a line shows between `view.top` (below
 * whatever sticks to the top) and `view.bottom`; 0 when it already does. A line taller than
 * the view is brought in by its top.
 */
export function pageScrollDelta(line: { top: number; bottom: number }, view: { top: number; bottom: number }, margin = 12): number {
  if (line.top >= view.top && line.bottom <= view.bottom) return 0;
  const toTop = line.top - view.top - margin;
  if (line.top < view.top) return toTop;
  return Math.min(line.bottom - view.bottom + margin, toTop);
}
