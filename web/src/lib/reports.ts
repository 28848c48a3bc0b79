// What the history and audit pages derive from versions, gate reports and audit entries: summaries, chart series, diff defaults, changed fields.

import type { BotVersion, GateReport, IntentScore } from "./history";

/** A 0…1 share as a percentage with one decimal, e.g. "93.4 %". */
export function pct1(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** The gate's headline: accuracy before → after on how many tests, and what it allows. */
export function reportSummary(r: GateReport): string {
  if (r.tests === 0) return "No tests to run: the bot has no held-out tests and no earlier approved utterances for its intents yet, so the gate had nothing to compare.";
  const accuracy = r.accuracy_before === null ? pct1(r.accuracy_after) : `${pct1(r.accuracy_before)} → ${pct1(r.accuracy_after)}`;
  const allows = `the gate allows ${(r.max_accuracy_drop * 100).toFixed(1)} points overall and ${Math.round(r.max_intent_drop * 100)} % of an intent's tests`;
  return `Accuracy ${accuracy} on ${r.tests} test${r.tests === 1 ? "" : "s"}; ${allows}.`;
}

/** An intent's share of its own tests answered right, before (null for a first version) and after. */
export interface IntentAccuracy {
  intent: string;
  tests: number;
  before: number | null;
  after: number;
  lost: number;
}

function share(n: number, of: number): number {
  return of === 0 ? 1 : n / of;
}

/** Per-intent accuracy, weakest after the change first (then by name), so what the gate worries about leads. */
export function intentAccuracies(r: GateReport): IntentAccuracy[] {
  return r.intents
    .map((s: IntentScore) => ({
      intent: s.intent,
      tests: s.tests,
      before: s.before === null ? null : share(s.before, s.tests),
      after: share(s.after, s.tests),
      lost: s.lost,
    }))
    .sort((a, b) => a.after - b.after || a.intent.localeCompare(b.intent));
}

/** The intents that lost tests, worst first. */
export function losers(r: GateReport): IntentScore[] {
  return r.intents.filter((s) => s.lost > 0).sort((a, b) => b.lost / b.tests - a.lost / a.tests || a.intent.localeCompare(b.intent));
}

/** uPlot's columns for the per-intent chart: x = position, then accuracy after and before (null where unknown), in percent. */
export function chartColumns(rows: IntentAccuracy[]): [number[], number[], (number | null)[]] {
  return [rows.map((_, i) => i), rows.map((r) => r.after * 100), rows.map((r) => (r.before === null ? null : r.before * 100))];
}

/** The pair of versions the diff starts with: the active one against the one it was built on (else the one before it). */
export function defaultDiff(versions: BotVersion[]): { from: number; to: number } | null {
  if (versions.length < 2) return null;
  const to = versions.find((v) => v.active) ?? versions[0];
  const older = versions.filter((v) => v.version < to.version);
  const base = to.base_version !== null && versions.some((v) => v.version === to.base_version) ? to.base_version : older[0]?.version;
  if (base !== undefined) return { from: base, to: to.version };
  const newer = versions.find((v) => v.version !== to.version);
  return newer ? { from: to.version, to: newer.version } : null;
}

/** Only published versions that are not serving can be rolled back to (a gate-refused one never served). */
export function canRollBack(v: BotVersion): boolean {
  return v.status === "published" && !v.active;
}

/** The top-level fields an audit entry's `after` changed from `before` (all of `after`'s when there was no before). */
export function changedFields(before: unknown, after: unknown): string[] {
  const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
  if (!isRecord(after)) return [];
  if (!isRecord(before)) return Object.keys(after);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/** A timestamp as people read it, in the browser's zone, e.g. "12 May 2025, 14:05". */
export function when(at: string): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return at;
  return new Date(t).toLocaleString([], { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** "v3 → v4" for an audit entry that moved a bot from one version to another, else null. */
export function versionChange(before: unknown, after: unknown): string | null {
  const version = (x: unknown) => (typeof x === "object" && x !== null && typeof (x as { version?: unknown }).version === "number" ? (x as { version: number }).version : null);
  const [from, to] = [version(before), version(after)];
  if (to === null) return null;
  return from === null ? `v${to}` : `v${from} → v${to}`;
}

/** Audit actions as people read them; unknown ones are shown as they are. */
const ACTIONS: Record<string, string> = {
  "proposal.create": "proposed",
  "proposal.approve": "approved",
  "proposal.reject": "rejected",
  "bot.publish": "published a version",
  "bot.gate_rejected": "version refused by the gate",
  "bot.rollback": "rolled back",
};

export function describeAction(action: string): string {
  return ACTIONS[action] ?? action;
}
