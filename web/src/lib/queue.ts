// What the review queue works out without the server: proposals grouped by target, the supervisor's edits as decisions, what may be approved, and builds in words.

import type { Build, Cluster, DecisionIn, Proposal, ProposalIn } from "./improve";
import { isValidIntentName } from "./review";

/** The supervisor's edits of one pending proposal. */
export interface Draft {
  text: string;
  intent: string;
  newIntent: boolean;
  response: string;
  note: string;
}

export function draftOf(p: Proposal): Draft {
  return { text: p.text, intent: p.intent, newIntent: p.new_intent, response: p.response ?? "", note: "" };
}

/** Why the draft cannot be approved (the server refuses the same), or null. */
export function approvalProblem(draft: Draft, intents: string[]): string | null {
  const text = draft.text.trim();
  const intent = draft.intent.trim();
  if (text.length < 2) return "The utterance needs at least 2 characters.";
  if (intent === "") return "Choose an intent.";
  if (!draft.newIntent) return intents.includes(intent) ? null : `The bot has no intent "${intent}".`;
  if (!isValidIntentName(intent)) return "Use 1–100 letters, digits or _ for the intent name (not starting with a digit).";
  if (intents.includes(intent)) return `"${intent}" already exists: untick "new intent".`;
  if (draft.response.trim() === "") return "A new intent needs a response before it can be approved.";
  return null;
}

/** The decision for `p` with only what the supervisor changed (the server keeps the rest). */
export function decisionOf(p: Proposal, draft: Draft, verdict: "approve" | "reject"): DecisionIn {
  const d: DecisionIn = { id: p.id, verdict };
  const text = draft.text.trim();
  const intent = draft.intent.trim();
  const response = draft.response.trim();
  const note = draft.note.trim();
  if (text !== p.text) d.text = text;
  if (intent !== p.intent) d.intent = intent;
  if (draft.newIntent !== p.new_intent) d.new_intent = draft.newIntent;
  if (draft.newIntent && response !== (p.response ?? "")) d.response = response;
  if (note !== "") d.note = note;
  return d;
}

/** Pending proposals that share a bot and target intent. */
export interface TargetGroup {
  key: string;
  bot: string;
  intent: string;
  newIntent: boolean;
  proposals: Proposal[];
}

/** Groups by the intent each proposal targets as stored (so editing does not move rows), new intents first, then by name. */
export function groupByTarget(proposals: Proposal[]): TargetGroup[] {
  const groups = new Map<string, TargetGroup>();
  for (const p of proposals) {
    const key = `${p.bot}/${p.new_intent ? "new" : "old"}/${p.intent}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, bot: p.bot, intent: p.intent, newIntent: p.new_intent, proposals: [] };
      groups.set(key, g);
    }
    g.proposals.push(p);
  }
  return [...groups.values()].sort(
    (a, b) => Number(b.newIntent) - Number(a.newIntent) || a.bot.localeCompare(b.bot) || a.intent.localeCompare(b.intent),
  );
}

/** One line saying what a build did. */
export function describeBuild(b: Build): string {
  const v = b.version === null ? "" : `v${b.version} `;
  switch (b.outcome) {
    case "published": {
      const added = `${b.added} utterance${b.added === 1 ? "" : "s"} added`;
      const intents = b.new_intents.length > 0 ? `, new intent${b.new_intents.length === 1 ? "" : "s"} ${b.new_intents.join(", ")}` : "";
      return `${b.bot} ${v}published: ${added}${intents}.`;
    }
    case "rejected_by_gate":
      return `${b.bot} ${v}was refused by the regression gate; its proposals are back in the queue.`;
    case "unchanged":
      return `${b.bot} already knew everything approved: no new version.`;
    case "failed":
      return `${b.bot} could not be built: ${b.error ?? "unknown error"}.`;
  }
}

/** Proposals making the chosen members of a cluster one new intent. */
export function clusterProposals(cluster: Cluster, chosen: Set<string>, name: string, response: string): ProposalIn[] {
  const text = response.trim();
  return cluster.members
    .filter((m) => chosen.has(m.id))
    .map((m) => ({ missed_id: m.id, intent: name.trim(), new_intent: true, ...(text ? { response: text } : {}) }));
}

/** Why a cluster cannot be proposed yet, or null. */
export function clusterProblem(chosen: number, name: string, intents: string[]): string | null {
  const n = name.trim();
  if (chosen === 0) return "Tick at least one utterance.";
  if (!isValidIntentName(n)) return "Use 1–100 letters, digits or _ for the intent name (not starting with a digit).";
  if (intents.includes(n)) return `The bot already has "${n}".`;
  return null;
}

/**
 * What became of a decided proposal once its bot was built. The decide answer lists proposals as
 * decided (approved or rejected); the builds say which were published, refused (with why) or
 * returned to the queue by the gate.
 */
export function outcomeOf(p: Proposal, builds: Build[]): { status: string; reason: string | null } {
  // The server answers with where each decision ended; older answers said "approved" and left
  // the fate to the build.
  if (p.status === "refused") return { status: "refused", reason: p.build_note };
  if (p.status === "pending" && p.build_note) return { status: "returned", reason: p.build_note };
  if (p.status !== "approved") return { status: p.status, reason: null };
  const build = builds.find((b) => b.bot === p.bot);
  if (!build) return { status: p.status, reason: null };
  const refused = build.refused.find((r) => r.id === p.id);
  if (refused) return { status: "refused", reason: refused.reason };
  if (build.returned.includes(p.id)) return { status: "returned", reason: "the gate refused the version; it is back in the queue" };
  if (build.published.includes(p.id)) return { status: "published", reason: null };
  if (build.outcome === "failed") return { status: "approved", reason: build.error ?? "the build failed; it will be retried" };
  return { status: p.status, reason: null };
}
