// Wire types of a bot's history (versions, the regression gate's report, diffs) and of the audit log.

import { type Json, ProtocolError, arr, num, obj, oneOf, optStr, str, strItem } from "./json";

export const VERSION_STATUSES = ["published", "rejected_by_gate"] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

export const INTENT_CHANGES = ["added", "removed", "changed"] as const;
export type IntentChangeKind = (typeof INTENT_CHANGES)[number];

/** How one intent's own tests fared; `before` is null for a first version. */
export interface IntentScore {
  intent: string;
  tests: number;
  before: number | null;
  after: number;
  lost: number;
}

/** What the regression gate measured and decided for a version. */
export interface GateReport {
  tests: number;
  accuracy_before: number | null;
  accuracy_after: number;
  max_accuracy_drop: number;
  max_intent_drop: number;
  intents: IntentScore[];
  passed: boolean;
  /** One line per breach; empty when it passed. */
  reasons: string[];
}

/** One stored version of a bot. */
export interface BotVersion {
  bot: string;
  version: number;
  status: VersionStatus;
  active: boolean;
  /** Null for versions imported from files. */
  author: string | null;
  reason: string;
  base_version: number | null;
  /** The version whose utterances the model's adapter and out-of-scope calibration were fitted on; null: trained in full. */
  basis_version: number | null;
  created_at: string;
  report: GateReport | null;
}

/** How one intent changed from one version to another. */
export interface IntentChange {
  intent: string;
  change: IntentChangeKind;
  added_utterances: string[];
  removed_utterances: string[];
  added_responses: string[];
  removed_responses: string[];
}

/** One audit log entry; `before` and `after` are whatever JSON the action recorded. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
}

function optNum(o: Json, key: string): number | null {
  return o[key] == null ? null : num(o, key);
}

function list<T>(value: unknown, what: string, item: (v: unknown, key: string) => T): T[] {
  if (!Array.isArray(value)) throw new ProtocolError(`the ${what} must be an array`);
  return value.map((v, i) => item(v, `${what}[${i}]`));
}

export function parseGateReport(value: unknown): GateReport {
  const o = obj(value, "report");
  if (typeof o.passed !== "boolean") throw new ProtocolError('field "passed" must be true or false');
  return {
    tests: num(o, "tests"),
    accuracy_before: optNum(o, "accuracy_before"),
    accuracy_after: num(o, "accuracy_after"),
    max_accuracy_drop: num(o, "max_accuracy_drop"),
    max_intent_drop: num(o, "max_intent_drop"),
    intents: arr(o, "intents", (v, k) => {
      const s = obj(v, k);
      return { intent: str(s, "intent"), tests: num(s, "tests"), before: optNum(s, "before"), after: num(s, "after"), lost: num(s, "lost") };
    }, true),
    passed: o.passed,
    reasons: arr(o, "reasons", strItem, true),
  };
}

export function parseVersion(value: unknown, key = "version"): BotVersion {
  const o = obj(value, key);
  if (typeof o.active !== "boolean") throw new ProtocolError('field "active" must be true or false');
  return {
    bot: str(o, "bot"),
    version: num(o, "version"),
    status: oneOf(o, "status", VERSION_STATUSES),
    active: o.active,
    author: optStr(o, "author"),
    reason: str(o, "reason"),
    base_version: optNum(o, "base_version"),
    basis_version: optNum(o, "basis_version"),
    created_at: str(o, "created_at"),
    report: o.report == null ? null : parseGateReport(o.report),
  };
}

/** The body of `GET /v1/bots/{bot}/versions` (newest first). */
export function parseVersionList(value: unknown): BotVersion[] {
  return list(value, "version list", parseVersion);
}

/** The body of `GET /v1/bots/{bot}/diff`. */
export function parseDiff(value: unknown): IntentChange[] {
  return list(value, "diff", (v, k) => {
    const o = obj(v, k);
    return {
      intent: str(o, "intent"),
      change: oneOf(o, "change", INTENT_CHANGES),
      added_utterances: arr(o, "added_utterances", strItem, true),
      removed_utterances: arr(o, "removed_utterances", strItem, true),
      added_responses: arr(o, "added_responses", strItem, true),
      removed_responses: arr(o, "removed_responses", strItem, true),
    };
  });
}

/** The body of `GET /v1/audit` (newest first). */
export function parseAudit(value: unknown): AuditEntry[] {
  return list(value, "audit log", (v, k) => {
    const o = obj(v, k);
    return {
      id: str(o, "id"),
      at: str(o, "at"),
      actor: str(o, "actor"),
      action: str(o, "action"),
      subject: str(o, "subject"),
      before: o.before ?? null,
      after: o.after ?? null,
    };
  });
}
