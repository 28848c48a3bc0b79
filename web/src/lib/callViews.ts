// Derived facts the staff pages display (sentiment trend, key phrases, alerts, durations), kept pure so they are tested once for both pages.

import type { CallView, CallsState } from "./callState";
import type { RuleHit, Segment, SentimentLabel, Severity, Speaker, Suggestion } from "./calls";

/** Calls newest first (by start); calls whose start is unknown sort last. */
export function newestFirst(state: CallsState): CallView[] {
  return Object.values(state.calls).sort(
    (a, b) => (b.startedAt ?? -Infinity) - (a.startedAt ?? -Infinity) || a.id.localeCompare(b.id),
  );
}

/** The running score is a smoothed average, so small values read as neutral. */
export const RUNNING_NEUTRAL_BAND = 0.2;

export function runningLabel(running: number): SentimentLabel {
  if (running <= -RUNNING_NEUTRAL_BAND) return "negative";
  if (running >= RUNNING_NEUTRAL_BAND) return "positive";
  return "neutral";
}

/** A speaker's latest running sentiment, or null before they said anything scored. */
export function currentSentiment(segments: Segment[], speaker: Speaker): { running: number; label: SentimentLabel } | null {
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i];
    if (s.speaker === speaker && s.sentiment) return { running: s.sentiment.running, label: runningLabel(s.sentiment.running) };
  }
  return null;
}

/** uPlot's aligned data: seconds into the call, then each speaker's running score (null where they did not speak). */
export interface SentimentSeries {
  seconds: number[];
  customer: (number | null)[];
  agent: (number | null)[];
}

/** The running sentiment per speaker at the end of each of their scored segments. */
export function sentimentSeries(segments: Segment[]): SentimentSeries {
  const scored = segments.filter((s) => s.sentiment !== null).sort((a, b) => a.end_ms - b.end_ms || a.seq - b.seq);
  const series: SentimentSeries = { seconds: [], customer: [], agent: [] };
  for (const s of scored) {
    const x = s.end_ms / 1000;
    // uPlot needs strictly increasing x values: points at the same instant share one x.
    if (series.seconds.at(-1) !== x) {
      series.seconds.push(x);
      series.customer.push(null);
      series.agent.push(null);
    }
    series[s.speaker][series.seconds.length - 1] = s.sentiment!.running;
  }
  return series;
}

/** Most key phrases shown for a call. */
export const MAX_KEY_PHRASES = 12;

/** The call's key phrases, most recent first, each once (case-insensitively). */
export function keyPhrases(segments: Segment[], max = MAX_KEY_PHRASES): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = segments.length - 1; i >= 0 && out.length < max; i--) {
    for (const phrase of segments[i].key_phrases) {
      const key = phrase.trim().toLowerCase();
      if (key === "" || seen.has(key)) continue;
      seen.add(key);
      out.push(phrase.trim());
      if (out.length >= max) break;
    }
  }
  return out;
}

/** Suggestions for the newest customer words first, best first within one segment. */
export function suggestionsNewestFirst(suggestions: Suggestion[]): Suggestion[] {
  return [...suggestions].sort((a, b) => b.seq - a.seq || a.rank - b.rank);
}

const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, high: 3 };

/** Rule hits that are alerts (they carry a severity). */
export function alertsOf(hits: RuleHit[]): (RuleHit & { severity: Severity })[] {
  return hits.filter((h): h is RuleHit & { severity: Severity } => h.severity !== null);
}

/** The most serious severity among the hits, or null when none is an alert. */
export function worstSeverity(hits: RuleHit[]): Severity | null {
  let worst: Severity | null = null;
  for (const h of alertsOf(hits)) if (worst === null || SEVERITY_RANK[h.severity] > SEVERITY_RANK[worst]) worst = h.severity;
  return worst;
}

/** How long the call has lasted: up to now while live, its audio length once ended. */
export function callDurationMs(call: Pick<CallView, "status" | "startedAt" | "endedAt" | "audio_ms">, now: number): number {
  if (call.status === "live") return call.startedAt === null ? call.audio_ms : Math.max(0, now - call.startedAt);
  if (call.audio_ms > 0) return call.audio_ms;
  return call.startedAt !== null && call.endedAt !== null ? Math.max(0, call.endedAt - call.startedAt) : 0;
}

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** Seqs of segments nothing matched, for highlighting them in the transcript. */
export function missedSeqs(call: Pick<CallView, "missed">): Set<number> {
  return new Set(call.missed.map((m) => m.seq));
}
