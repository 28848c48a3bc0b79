// The supervisors' overview (`/dashboard`) without React: the filters as a query string, the answer read field by field, uPlot's columns for its charts, and every table as CSV.

import { FormError } from "./callSearch";
import { type CsvCell, csvTable } from "./csv";
import { type Json, ProtocolError, arr, num, obj, optStr, str } from "./json";
import { pct1 } from "./reports";

/** Labels, agents and queues listed per table, as the server defaults. */
export const DEFAULT_TOP = 10;

/** Sums and means over a group of ended calls; times in seconds, shares 0…1 of the calls' duration. */
export interface Totals {
  calls: number;
  duration_s: number;
  mean_duration_s: number | null;
  agent_talk_s: number;
  customer_talk_s: number;
  non_talk_s: number;
  talk_share: number | null;
  silence_share: number | null;
  interruptions: number;
  /** Mean of the calls' mean sentiment, −1…1; null when nothing was scored. */
  customer_sentiment: number | null;
  agent_sentiment: number | null;
}

/** One UTC day (`YYYY-MM-DD`); the server lists every day of the range, zeros included. */
export interface DayTotals extends Totals {
  day: string;
}

/** One agent's or queue's calls; a null key stands for calls that named none. */
export interface GroupTotals extends Totals {
  key: string | null;
}

export interface LabelCount {
  label: string;
  calls: number;
}

export interface CategoryDay {
  day: string;
  label: string;
  calls: number;
}

/** The body of `GET /v1/calls/dashboard`. */
export interface Dashboard {
  from: string;
  to: string;
  agent: string | null;
  queue: string | null;
  totals: Totals;
  days: DayTotals[];
  /** Busiest first. */
  agents: GroupTotals[];
  queues: GroupTotals[];
  /** Most frequent first. */
  categories: LabelCount[];
  key_phrases: LabelCount[];
  missed_intents: LabelCount[];
  /** The top (≤ 5) categories per day; days without such a call are left out. */
  category_days: CategoryDay[];
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Seconds since the epoch at the start of UTC day `YYYY-MM-DD`, or NaN when it is no real day. */
function dayStart(value: string): number {
  const m = DAY.exec(value);
  if (!m) return NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Date.UTC rolls 2026-02-30 over into March; a real day reads back the same.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return NaN;
  return t / 1000;
}

function day(o: Json, key: string): string {
  const value = str(o, key);
  if (Number.isNaN(dayStart(value))) throw new ProtocolError(`field "${key}" must be a day (YYYY-MM-DD), not "${value}"`);
  return value;
}

function count(o: Json, key: string): number {
  const value = num(o, key);
  if (!Number.isInteger(value) || value < 0) throw new ProtocolError(`field "${key}" must be a whole number ≥ 0`);
  return value;
}

function within(o: Json, key: string, lo: number, hi: number): number {
  const value = num(o, key);
  if (value < lo || value > hi) throw new ProtocolError(`field "${key}" must be within ${lo}…${hi}, not ${value}`);
  return value;
}

/** A number in `lo…hi` that may be null (a mean or share of nothing). */
function optWithin(o: Json, key: string, lo: number, hi: number): number | null {
  return o[key] == null ? null : within(o, key, lo, hi);
}

function totals(o: Json): Totals {
  return {
    calls: count(o, "calls"),
    duration_s: within(o, "duration_s", 0, Infinity),
    mean_duration_s: optWithin(o, "mean_duration_s", 0, Infinity),
    agent_talk_s: within(o, "agent_talk_s", 0, Infinity),
    customer_talk_s: within(o, "customer_talk_s", 0, Infinity),
    non_talk_s: within(o, "non_talk_s", 0, Infinity),
    talk_share: optWithin(o, "talk_share", 0, 1),
    silence_share: optWithin(o, "silence_share", 0, 1),
    interruptions: count(o, "interruptions"),
    customer_sentiment: optWithin(o, "customer_sentiment", -1, 1),
    agent_sentiment: optWithin(o, "agent_sentiment", -1, 1),
  };
}

function label(value: unknown, key: string): LabelCount {
  const o = obj(value, key);
  return { label: str(o, "label"), calls: count(o, "calls") };
}

function group(value: unknown, key: string): GroupTotals {
  const o = obj(value, key);
  return { key: optStr(o, "key"), ...totals(o) };
}

/** Reads the overview; a ProtocolError names the first field that does not match the contract. */
export function parseDashboard(value: unknown): Dashboard {
  const o = obj(value, "dashboard");
  return {
    from: day(o, "from"),
    to: day(o, "to"),
    agent: optStr(o, "agent"),
    queue: optStr(o, "queue"),
    totals: totals(obj(o.totals, "totals")),
    days: arr(o, "days", (v, k) => {
      const d = obj(v, k);
      return { day: day(d, "day"), ...totals(d) };
    }),
    agents: arr(o, "agents", group),
    queues: arr(o, "queues", group),
    categories: arr(o, "categories", label),
    key_phrases: arr(o, "key_phrases", label),
    missed_intents: arr(o, "missed_intents", label),
    category_days: arr(o, "category_days", (v, k) => {
      const c = obj(v, k);
      return { day: day(c, "day"), label: str(c, "label"), calls: count(c, "calls") };
    }),
  };
}

/** What the filter bar holds, as typed (empty means "the server's default" / "all"). */
export interface DashboardFilter {
  /** `YYYY-MM-DD`, a UTC day. */
  from: string;
  to: string;
  agent: string;
  queue: string;
}

export const NO_FILTER: DashboardFilter = { from: "", to: "", agent: "", queue: "" };

const FILTER_KEYS = ["from", "to", "agent", "queue"] as const;

/**
 * The query string (without `?`) of `GET /v1/calls/dashboard`: the filled fields, trimmed, in a
 * fixed order, then `top`. A malformed day is refused here (the server would answer a bare 400);
 * a backwards or too long range is left for the server to explain.
 */
export function dashboardQuery(filter: DashboardFilter, top = DEFAULT_TOP): string {
  const q = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filter[key].trim();
    if (!value) continue;
    if ((key === "from" || key === "to") && Number.isNaN(dayStart(value))) {
      throw new FormError(`${key === "from" ? "From" : "To"} must be a date (YYYY-MM-DD), not "${value}"`);
    }
    q.set(key, value);
  }
  q.set("top", String(top));
  return q.toString();
}

/** The filter a link such as `/dashboard?agent=agent-7` asks for. */
export function filterFromSearch(search: string): DashboardFilter {
  const params = new URLSearchParams(search);
  const get = (key: (typeof FILTER_KEYS)[number]) => params.get(key)?.trim() ?? "";
  return { from: get("from"), to: get("to"), agent: get("agent"), queue: get("queue") };
}

/** The filled fields of `filter` as the page's own query string (without `?`), so a view can be linked to. */
export function filterSearch(filter: DashboardFilter): string {
  const q = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filter[key].trim()) q.set(key, filter[key].trim());
  return q.toString();
}

/** The x column of every chart: each day's UTC start, in seconds as uPlot's time scale wants. */
export function dayAxis(days: readonly Pick<DayTotals, "day">[]): number[] {
  return days.map((d) => dayStart(d.day));
}

/** Calls per day. */
export function volumeColumns(days: readonly DayTotals[]): [number[], number[]] {
  return [dayAxis(days), days.map((d) => d.calls)];
}

/** Mean customer and agent sentiment per day; null (a gap in the line) on days with nothing scored. */
export function sentimentColumns(days: readonly DayTotals[]): [number[], (number | null)[], (number | null)[]] {
  return [dayAxis(days), days.map((d) => d.customer_sentiment), days.map((d) => d.agent_sentiment)];
}

/** Talk and silence as percentages of each day's call time; null on days without calls. */
export function talkColumns(days: readonly DayTotals[]): [number[], (number | null)[], (number | null)[]] {
  const percent = (share: number | null) => (share === null ? null : share * 100);
  return [dayAxis(days), days.map((d) => percent(d.talk_share)), days.map((d) => percent(d.silence_share))];
}

/**
 * One series per category over every day of the range (0 where the server left the day out),
 * categories with the most calls first (then by name); entries for days outside the range are ignored.
 */
export function categoryColumns(days: readonly DayTotals[], categoryDays: readonly CategoryDay[]): { labels: string[]; columns: number[][] } {
  const at = new Map(days.map((d, i) => [d.day, i]));
  const series = new Map<string, number[]>();
  for (const c of categoryDays) {
    const i = at.get(c.day);
    if (i === undefined) continue;
    let values = series.get(c.label);
    if (!values) series.set(c.label, (values = days.map(() => 0)));
    values[i] += c.calls;
  }
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const labels = [...series.keys()].sort((a, b) => sum(series.get(b)!) - sum(series.get(a)!) || a.localeCompare(b));
  return { labels, columns: [dayAxis(days), ...labels.map((l) => series.get(l)!)] };
}

/** An agent or queue as the tables show it. */
export function groupName(key: string | null): string {
  return key ?? "(none)";
}

/** A 0…1 share as a percentage with one decimal, or a dash when there was nothing to share. */
export function shareText(share: number | null): string {
  return share === null ? "—" : pct1(share);
}

/** A UTC day as people read it, e.g. "8 Nov 2026". */
export function dayText(value: string): string {
  const t = dayStart(value);
  if (Number.isNaN(t)) return value;
  return new Date(t * 1000).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

/** What the answer covers, e.g. "8 Nov 2026 – 7 Dec 2026 (UTC) · agent agent-7 · all queues". */
export function scopeText(d: Pick<Dashboard, "from" | "to" | "agent" | "queue">): string {
  const range = d.from === d.to ? dayText(d.from) : `${dayText(d.from)} – ${dayText(d.to)}`;
  const agent = d.agent === null ? "all agents" : `agent ${d.agent}`;
  const queue = d.queue === null ? "all queues" : `queue ${d.queue}`;
  return `${range} (UTC) · ${agent} · ${queue}`;
}

/** The tables that can be downloaded, by the name their buttons and files carry. */
export const TABLES = ["agents", "queues", "categories", "phrases", "missed", "days"] as const;
export type TableName = (typeof TABLES)[number];

const TOTALS_COLUMNS = [
  "calls",
  "duration_s",
  "mean_duration_s",
  "agent_talk_s",
  "customer_talk_s",
  "non_talk_s",
  "talk_share",
  "silence_share",
  "interruptions",
  "customer_sentiment",
  "agent_sentiment",
] as const;

function totalsCells(t: Totals): CsvCell[] {
  return TOTALS_COLUMNS.map((c) => t[c]);
}

/** Agents or queues with all their totals; a null key (no agent or queue named) is an empty cell. */
export function groupsCsv(keyColumn: string, rows: readonly GroupTotals[]): string {
  return csvTable([keyColumn, ...TOTALS_COLUMNS], rows.map((r) => [r.key, ...totalsCells(r)]));
}

export function labelsCsv(labelColumn: string, rows: readonly LabelCount[]): string {
  return csvTable([labelColumn, "calls"], rows.map((r) => [r.label, r.calls]));
}

/** Every day of the range with all its totals. */
export function daysCsv(days: readonly DayTotals[]): string {
  return csvTable(["day", ...TOTALS_COLUMNS], days.map((d) => [d.day, ...totalsCells(d)]));
}

/** One table of the overview as CSV. */
export function tableCsv(d: Dashboard, table: TableName): string {
  switch (table) {
    case "agents":
      return groupsCsv("agent", d.agents);
    case "queues":
      return groupsCsv("queue", d.queues);
    case "categories":
      return labelsCsv("category", d.categories);
    case "phrases":
      return labelsCsv("key_phrase", d.key_phrases);
    case "missed":
      return labelsCsv("missed_intent", d.missed_intents);
    case "days":
      return daysCsv(d.days);
  }
}

/** The download's name, carrying the range so files of different periods do not collide, e.g. `agents-2026-11-08-to-2026-12-07.csv`. */
export function csvFileName(d: Pick<Dashboard, "from" | "to">, table: TableName): string {
  return `${table}-${d.from}-to-${d.to}.csv`;
}

/** A day on a chart axis, e.g. "8 Nov", from its start in seconds (UTC). */
export function axisDay(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

/** Whole days between axis labels, so that `days` labels each get at least `minPx` of `widthPx`. */
export function tickEvery(days: number, widthPx: number, minPx = 64): number {
  const room = Math.max(1, Math.floor(widthPx / minPx));
  return [1, 2, 3, 7, 14, 28, 56, 91, 182, 364].find((step) => Math.ceil(days / step) <= room) ?? Math.ceil(days / room);
}
