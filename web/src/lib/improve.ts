// Wire types of the improvement loop's review side (missed utterances, proposals, decisions, builds, clusters, bots), checked field by field like the rest of the staff API.

import type { Guess } from "./calls";
import { type Json, ProtocolError, arr, num, obj, oneOf, optStr, str, strItem } from "./json";
import { type GateReport, parseGateReport } from "./history";

export const PROPOSAL_STATUSES = ["pending", "approved", "rejected", "published", "refused"] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export const BUILD_OUTCOMES = ["published", "rejected_by_gate", "unchanged", "failed"] as const;
export type BuildOutcome = (typeof BUILD_OUTCOMES)[number];

/** Something a visitor or caller said that the bot could not answer well; exactly one of `session_id` and `call_id` is set. */
export interface MissedUtterance {
  id: string;
  session_id: string | null;
  call_id: string | null;
  /** The call's segment (calls only). */
  seq: number | null;
  bot: string;
  text: string;
  reason: string;
  best_guesses: Guess[];
  /** "new" until someone proposes it. */
  status: string;
  at: string;
}

/** A pick waiting for (or past) a supervisor's decision. */
export interface Proposal {
  id: string;
  bot: string;
  missed_id: string | null;
  text: string;
  intent: string;
  new_intent: boolean;
  response: string | null;
  status: ProposalStatus;
  proposed_by: string;
  proposed_at: string;
  decided_by: string | null;
  decided_at: string | null;
  /** The supervisor's note. */
  note: string | null;
  /** Why building left it out: refused, or returned to the queue by the gate. */
  build_note: string | null;
  /** The bot version that learned it. */
  version: number | null;
}

/** `POST /v1/proposals` item: a missed utterance (or a bot and text) for an existing or new intent. */
export interface ProposalIn {
  missed_id?: string;
  bot?: string;
  text?: string;
  intent: string;
  new_intent: boolean;
  response?: string;
}

/** `POST /v1/proposals/decisions` item; the optional fields replace the proposal's own. */
export interface DecisionIn {
  id: string;
  verdict: "approve" | "reject";
  text?: string;
  intent?: string;
  new_intent?: boolean;
  response?: string;
  note?: string;
}

/** The version one bot's approvals built, or why none was. */
export interface Build {
  bot: string;
  outcome: BuildOutcome;
  version: number | null;
  added: number;
  new_intents: string[];
  published: string[];
  refused: { id: string; reason: string }[];
  returned: string[];
  report: GateReport | null;
  error: string | null;
}

/** What a batch of decisions did. */
export interface Decided {
  proposals: Proposal[];
  builds: Build[];
}

/** Missed utterances that say the same thing: a candidate new intent. */
export interface Cluster {
  name: string;
  size: number;
  members: MissedUtterance[];
}

/** A loaded bot and its intents' names. */
export interface BotInfo {
  name: string;
  version: number;
  description: string;
  intents: string[];
}

function optNum(o: Json, key: string): number | null {
  return o[key] == null ? null : num(o, key);
}

function bool(o: Json, key: string): boolean {
  if (typeof o[key] !== "boolean") throw new ProtocolError(`field "${key}" must be true or false`);
  return o[key] as boolean;
}

function list<T>(value: unknown, what: string, item: (v: unknown, key: string) => T): T[] {
  if (!Array.isArray(value)) throw new ProtocolError(`the ${what} must be an array`);
  return value.map((v, i) => item(v, `${what}[${i}]`));
}

export function parseMissed(value: unknown, key = "missed utterance"): MissedUtterance {
  const o = obj(value, key);
  return {
    id: str(o, "id"),
    session_id: optStr(o, "session_id"),
    call_id: optStr(o, "call_id"),
    seq: optNum(o, "seq"),
    bot: str(o, "bot"),
    text: str(o, "text"),
    reason: str(o, "reason"),
    best_guesses: arr(o, "best_guesses", (v, k) => {
      const g = obj(v, k);
      return { intent: str(g, "intent"), confidence: num(g, "confidence") };
    }, true),
    status: str(o, "status"),
    at: str(o, "at"),
  };
}

export function parseProposal(value: unknown, key = "proposal"): Proposal {
  const o = obj(value, key);
  return {
    id: str(o, "id"),
    bot: str(o, "bot"),
    missed_id: optStr(o, "missed_id"),
    text: str(o, "text"),
    intent: str(o, "intent"),
    new_intent: bool(o, "new_intent"),
    response: optStr(o, "response"),
    status: oneOf(o, "status", PROPOSAL_STATUSES),
    proposed_by: str(o, "proposed_by"),
    proposed_at: str(o, "proposed_at"),
    decided_by: optStr(o, "decided_by"),
    decided_at: optStr(o, "decided_at"),
    note: optStr(o, "note"),
    build_note: optStr(o, "build_note"),
    version: optNum(o, "version"),
  };
}

function parseBuild(value: unknown, key: string): Build {
  const o = obj(value, key);
  return {
    bot: str(o, "bot"),
    outcome: oneOf(o, "outcome", BUILD_OUTCOMES),
    version: optNum(o, "version"),
    added: num(o, "added"),
    new_intents: arr(o, "new_intents", strItem, true),
    published: arr(o, "published", strItem, true),
    refused: arr(o, "refused", (v, k) => {
      const r = obj(v, k);
      return { id: str(r, "id"), reason: str(r, "reason") };
    }, true),
    returned: arr(o, "returned", strItem, true),
    report: o.report == null ? null : parseGateReport(o.report),
    error: optStr(o, "error"),
  };
}

/** The body of `GET /v1/review/missed` and `GET /v1/missed-utterances`. */
export function parseMissedList(value: unknown): MissedUtterance[] {
  return list(value, "missed utterance list", parseMissed);
}

/** The body of `GET /v1/proposals` and `POST /v1/proposals`. */
export function parseProposalList(value: unknown): Proposal[] {
  return list(value, "proposal list", parseProposal);
}

/** The body of `POST /v1/proposals/decisions`. */
export function parseDecided(value: unknown): Decided {
  const o = obj(value, "decisions answer");
  return { proposals: arr(o, "proposals", parseProposal), builds: arr(o, "builds", parseBuild) };
}

/** The body of `GET /v1/missed-utterances/clusters`. */
export function parseClusters(value: unknown): Cluster[] {
  return list(value, "cluster list", (v, k) => {
    const o = obj(v, k);
    return { name: str(o, "name"), size: num(o, "size"), members: arr(o, "members", parseMissed) };
  });
}

export function parseBot(value: unknown, key = "bot"): BotInfo {
  const o = obj(value, key);
  return {
    name: str(o, "name"),
    version: num(o, "version"),
    description: typeof o.description === "string" ? o.description : "",
    intents: arr(o, "intents", (v, k) => str(obj(v, k), "name"), true),
  };
}

/** The body of `GET /v1/bots`. */
export function parseBotList(value: unknown): BotInfo[] {
  return list(value, "bot list", parseBot);
}
