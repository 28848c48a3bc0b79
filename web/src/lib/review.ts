// What the after-conversation review works out without the server: conversations from missed utterances, the intent choices, the picks as proposals, and which pick a refusal is about.

import type { Guess } from "./calls";
import type { MissedUtterance, Proposal, ProposalIn } from "./improve";

/** Lex's rule for intent names (as the server checks them): 1-100 letters, digits or '_', not starting with a digit. */
const INTENT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

export function isValidIntentName(name: string): boolean {
  return INTENT_NAME.test(name);
}

/** One chat or call and what the bot missed in it, oldest first. */
export interface Conversation {
  key: string;
  kind: "chat" | "call";
  id: string;
  bot: string;
  /** When the newest of its missed utterances was said. */
  latest: string;
  missed: MissedUtterance[];
}

/** Groups missed utterances by the chat or call they were said in; the conversation missed in most recently comes first. */
export function groupByConversation(missed: MissedUtterance[]): Conversation[] {
  const byKey = new Map<string, Conversation>();
  for (const m of missed) {
    const kind = m.session_id !== null ? "chat" : "call";
    const id = m.session_id ?? m.call_id ?? m.id;
    const key = `${kind}:${id}`;
    let c = byKey.get(key);
    if (!c) {
      c = { key, kind, id, bot: m.bot, latest: m.at, missed: [] };
      byKey.set(key, c);
    }
    c.missed.push(m);
    if (Date.parse(m.at) > Date.parse(c.latest)) c.latest = m.at;
  }
  const out = [...byKey.values()];
  for (const c of out) c.missed.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.seq ?? 0) - (b.seq ?? 0));
  return out.sort((a, b) => Date.parse(b.latest) - Date.parse(a.latest));
}

/** An intent the agent can pick, with the bot's confidence when it guessed it. */
export interface IntentOption {
  intent: string;
  confidence: number | null;
}

/** The bot's guesses first (most confident first, only intents the bot still has), then its other intents alphabetically. */
export function rankIntents(guesses: Guess[], intents: string[]): IntentOption[] {
  const known = new Set(intents);
  const guessed = [...guesses].filter((g) => known.has(g.intent)).sort((a, b) => b.confidence - a.confidence);
  const seen = new Set<string>();
  const out: IntentOption[] = [];
  for (const g of guessed) {
    if (seen.has(g.intent)) continue;
    seen.add(g.intent);
    out.push({ intent: g.intent, confidence: g.confidence });
  }
  for (const intent of [...intents].sort()) if (!seen.has(intent)) out.push({ intent, confidence: null });
  return out;
}

/** What the agent decided for one selected utterance. */
export interface Pick {
  missed: MissedUtterance;
  /** An existing intent; ignored when `newIntent`. */
  intent: string;
  newIntent: boolean;
  newName: string;
  response: string;
}

/** A fresh pick, preset to the bot's best guess. */
export function pickFor(missed: MissedUtterance, intents: string[]): Pick {
  const best = rankIntents(missed.best_guesses, intents)[0];
  return { missed, intent: best?.confidence != null ? best.intent : "", newIntent: false, newName: "", response: "" };
}

/** Why a pick cannot be sent yet, or null. */
export function pickProblem(pick: Pick, intents: string[]): string | null {
  if (!pick.newIntent) return pick.intent === "" ? "Choose an intent." : null;
  const name = pick.newName.trim();
  if (name === "") return "Name the new intent.";
  if (!isValidIntentName(name)) return "Use 1–100 letters, digits or _ (not starting with a digit).";
  if (intents.includes(name)) return `${pick.missed.bot} already has "${name}": choose it from the list instead.`;
  return null;
}

/** The request body items, in the order of `picks`. */
export function proposalsOf(picks: Pick[]): ProposalIn[] {
  return picks.map((p) => {
    if (!p.newIntent) return { missed_id: p.missed.id, intent: p.intent, new_intent: false };
    const response = p.response.trim();
    return { missed_id: p.missed.id, intent: p.newName.trim(), new_intent: true, ...(response ? { response } : {}) };
  });
}

/**
 * Which submitted item a refusal is about: "proposal 2: …" names it by position, other refusals
 * (conflict, not found, not yours) quote its missed utterance's id. Null when it names none.
 */
export function refusedItem(message: string, missedIds: string[]): number | null {
  const numbered = /^proposal (\d+): /.exec(message);
  if (numbered) {
    const index = Number(numbered[1]) - 1;
    return index >= 0 && index < missedIds.length ? index : null;
  }
  const index = missedIds.findIndex((id) => message.includes(`"${id}"`));
  return index >= 0 ? index : null;
}

/** The refusal as shown beside its item, without the "proposal 2: " prefix. */
export function refusalText(message: string): string {
  return message.replace(/^proposal \d+: /, "");
}

/** The newest proposal of each missed utterance, so a reviewed one shows what became of it. */
export function proposalsByMissed(proposals: Proposal[]): Map<string, Proposal> {
  const out = new Map<string, Proposal>();
  for (const p of proposals) {
    if (!p.missed_id) continue;
    const seen = out.get(p.missed_id);
    if (!seen || Date.parse(p.proposed_at) >= Date.parse(seen.proposed_at)) out.set(p.missed_id, p);
  }
  return out;
}

/** A missed utterance can be picked while nobody has proposed it (its own proposal, if any, is `proposal`). */
export function isOpen(missed: MissedUtterance, proposal: Proposal | undefined): boolean {
  return missed.status === "new" && proposal === undefined;
}
