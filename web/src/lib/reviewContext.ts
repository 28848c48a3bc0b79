// The few lines around each miss that a reviewer needs to judge it, from a chat's transcript or a call's segments.

import type { Segment } from "./calls";
import type { ChatTurn } from "./handoffs";

/** One line of context, or a gap where lines were left out. */
export type ContextLine =
  | { gap: false; speaker: string; text: string; missed: boolean; note: string | null }
  | { gap: true };

/** Lines kept before and after each miss. */
export const CONTEXT_RADIUS = 2;

/** Short conversations are shown whole. */
const WHOLE_BELOW = 12;

/** Keeps the lines within `radius` of a missed one (all of them when short, the last ones when none is marked), with a gap wherever lines were dropped. */
export function around<T extends { missed: boolean }>(lines: T[], radius = CONTEXT_RADIUS): (T | { gap: true })[] {
  if (lines.length <= WHOLE_BELOW) return lines;
  const keep = lines.map((_, i) => i >= lines.length - WHOLE_BELOW);
  if (lines.some((l) => l.missed)) {
    keep.fill(false);
    lines.forEach((l, i) => {
      if (!l.missed) return;
      for (let j = Math.max(0, i - radius); j <= Math.min(lines.length - 1, i + radius); j++) keep[j] = true;
    });
  }
  const out: (T | { gap: true })[] = [];
  let inGap = false;
  lines.forEach((l, i) => {
    if (keep[i]) out.push(l);
    else if (!inGap) out.push({ gap: true });
    inGap = !keep[i];
  });
  return out;
}

function botNote(t: ChatTurn): string | null {
  if (t.speaker !== "bot") return null;
  if (t.source === "intent" && t.intent) return `intent ${t.intent}`;
  if (t.source === "handoff") return "handed off";
  return t.source;
}

/** A chat's turns, the visitor's words the bot missed marked. */
export function chatContext(turns: ChatTurn[], missedTexts: string[]): ContextLine[] {
  const missed = new Set(missedTexts.map((t) => t.trim()));
  const lines = turns.map((t) => ({
    gap: false as const,
    speaker: t.speaker === "agent" ? (t.agent_id ?? "agent") : t.speaker,
    text: t.text,
    missed: t.speaker === "visitor" && missed.has(t.text.trim()),
    note: botNote(t),
  }));
  return around(lines);
}

/** A call's segments around the missed ones (by segment number). */
export function callContext(segments: Segment[], missedSeqs: number[]): ContextLine[] {
  const missed = new Set(missedSeqs);
  const lines = [...segments]
    .sort((a, b) => a.seq - b.seq)
    .map((s) => ({ gap: false as const, speaker: s.speaker, text: s.text, missed: missed.has(s.seq), note: null }));
  return around(lines);
}
