// Call search (`/calls`) without React: the form turned into a query string, the search body read field by field, matched words split out of their UTF-8 byte ranges, and the results as CSV. The opened call is read by `parseCallDetail` (calls.ts), as on the agent and supervisor pages.

import { csvTable } from "./csv";
import { type Json, ProtocolError, arr, num, obj, optStr, str, strItem } from "./json";

/** What the search form holds, as typed (empty means "no filter"). */
export interface SearchForm {
  words: string;
  /** `YYYY-MM-DD`, read as UTC days. */
  from: string;
  to: string;
  agent: string;
  category: string;
  minSentiment: string;
  maxSentiment: string;
  /** Minutes. */
  minMinutes: string;
  maxMinutes: string;
}

export const EMPTY_FORM: SearchForm = {
  words: "",
  from: "",
  to: "",
  agent: "",
  category: "",
  minSentiment: "",
  maxSentiment: "",
  minMinutes: "",
  maxMinutes: "",
};

/** A problem with the form the page shows instead of asking the server. */
export class FormError extends Error {}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` as the RFC 3339 start of that UTC day, `plusDays` later. */
function dayStart(value: string, field: string, plusDays: number): string {
  const m = DAY.exec(value);
  if (!m) throw new FormError(`${field} must be a date (YYYY-MM-DD)`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays);
  if (!Number.isFinite(t)) throw new FormError(`${field} must be a date (YYYY-MM-DD)`);
  return new Date(t).toISOString().replace(".000Z", "Z");
}

function number(value: string, field: string): number {
  const n = Number(value.trim());
  if (!Number.isFinite(n)) throw new FormError(`${field} must be a number`);
  return n;
}

/** Rounds away float noise from minutes × 60 (0.1 min → 6, not 6.000000000000001). */
function minutesToSeconds(value: string, field: string): string {
  const n = number(value, field);
  if (n < 0) throw new FormError(`${field} must be 0 or more`);
  return String(Math.round(n * 60 * 1000) / 1000);
}

/**
 * The query string (without `?`) of `GET /v1/calls/search` for a form: only the filled fields, in
 * a fixed order; "to" includes its whole day (the server takes calls started before it).
 */
export function searchQuery(form: SearchForm, limit = 50): string {
  const q = new URLSearchParams();
  const words = form.words.trim();
  if (words) q.set("q", words);
  if (form.from.trim()) q.set("from", dayStart(form.from.trim(), "From", 0));
  if (form.to.trim()) q.set("to", dayStart(form.to.trim(), "To", 1));
  if (form.agent.trim()) q.set("agent", form.agent.trim());
  if (form.category.trim()) q.set("category", form.category.trim());
  if (form.minSentiment.trim()) q.set("min_sentiment", String(number(form.minSentiment, "Min sentiment")));
  if (form.maxSentiment.trim()) q.set("max_sentiment", String(number(form.maxSentiment, "Max sentiment")));
  if (form.minMinutes.trim()) q.set("min_duration_s", minutesToSeconds(form.minMinutes, "Min duration"));
  if (form.maxMinutes.trim()) q.set("max_duration_s", minutesToSeconds(form.maxMinutes, "Max duration"));
  q.set("limit", String(limit));
  return q.toString();
}

/** One matching segment; `highlights` are byte ranges of the UTF-8 `fragment`. */
export interface Snippet {
  speaker: string;
  at_s: number;
  fragment: string;
  highlights: [number, number][];
}

/** One call that matched. */
export interface SearchHit {
  call_id: string;
  started_at: string;
  agent_id: string | null;
  duration_s: number;
  categories: string[];
  sentiment: number | null;
  score: number;
  snippets: Snippet[];
}

function range(value: unknown, key: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === "number" && Number.isInteger(v) && v >= 0)) {
    throw new ProtocolError(`field "${key}" must be a [start, end] pair of byte offsets`);
  }
  return [value[0] as number, value[1] as number];
}

function optNum(o: Json, key: string): number | null {
  return o[key] == null ? null : num(o, key);
}

function snippet(value: unknown, key: string): Snippet {
  const o = obj(value, key);
  return { speaker: str(o, "speaker"), at_s: num(o, "at_s"), fragment: str(o, "fragment"), highlights: arr(o, "highlights", range, true) };
}

/** The body of `GET /v1/calls/search`. */
export function parseSearch(value: unknown): SearchHit[] {
  const body = obj(value, "search");
  return arr(body, "hits", (v, k) => {
    const o = obj(v, k);
    return {
      call_id: str(o, "call_id"),
      started_at: str(o, "started_at"),
      agent_id: optStr(o, "agent_id"),
      duration_s: num(o, "duration_s"),
      categories: arr(o, "categories", strItem, true),
      sentiment: optNum(o, "sentiment"),
      score: o.score == null ? 0 : num(o, "score"),
      snippets: arr(o, "snippets", snippet, true),
    };
  });
}

/** A piece of a fragment, marked when it is one of the matched words. */
export interface Piece {
  text: string;
  mark: boolean;
}

/**
 * Splits `fragment` into plain and marked pieces by byte ranges of its UTF-8 encoding. Ranges are
 * sorted, clamped to the text, merged where they overlap, and moved off the middle of a
 * character (a start backs up to the character's first byte, an end moves on past its last).
 * Empty pieces are left out; joining the pieces gives back `fragment`.
 */
export function highlightPieces(fragment: string, highlights: readonly (readonly [number, number])[]): Piece[] {
  const bytes = new TextEncoder().encode(fragment);
  const n = bytes.length;
  const isCont = (i: number) => i < n && (bytes[i] & 0xc0) === 0x80;
  const back = (i: number) => {
    while (i > 0 && isCont(i)) i--;
    return i;
  };
  const forward = (i: number) => {
    while (i < n && isCont(i)) i++;
    return i;
  };
  const ranges = highlights
    .map(([s, e]) => [back(Math.max(0, Math.min(n, s))), forward(Math.max(0, Math.min(n, e)))] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  const decoder = new TextDecoder();
  const pieces: Piece[] = [];
  const push = (s: number, e: number, mark: boolean) => {
    if (e > s) pieces.push({ text: decoder.decode(bytes.subarray(s, e)), mark });
  };
  let at = 0;
  for (const [s, e] of merged) {
    push(at, s, false);
    push(s, e, true);
    at = e;
  }
  push(at, n, false);
  return pieces;
}

export const CSV_COLUMNS = ["call_id", "started_at", "agent_id", "duration_s", "categories", "sentiment"] as const;

/** The results table as CSV (RFC 4180, CRLF line ends): header, then one row per hit; categories joined by `;`. */
export function hitsCsv(hits: readonly SearchHit[]): string {
  return csvTable(
    CSV_COLUMNS,
    hits.map((h) => [h.call_id, h.started_at, h.agent_id, h.duration_s, h.categories.join(";"), h.sentiment]),
  );
}

/** A customer sentiment (−1…1) as the table shows it, with its label for the colour cue. */
export function sentimentCue(value: number | null): { text: string; label: "negative" | "neutral" | "positive" | null } {
  if (value === null || !Number.isFinite(value)) return { text: "—", label: null };
  const label = value <= -0.25 ? "negative" : value >= 0.25 ? "positive" : "neutral";
  return { text: `${value > 0 ? "+" : ""}${value.toFixed(2)}`, label };
}

/** What a channel's role says about itself: "detected, 83 % sure" or "as labelled". */
export function roleSource(role: { detected: boolean; confidence: number }): string {
  if (!role.detected) return "as labelled";
  const pct = Math.round(Math.max(0, Math.min(1, Number.isFinite(role.confidence) ? role.confidence : 0)) * 100);
  return `detected, ${pct} % sure`;
}
