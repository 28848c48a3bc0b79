// What the staff pages know about calls, as a pure reducer over REST loads and live events, so the merge rules are testable without a browser.

import type {
  CallDetail,
  CallMetrics,
  CallStatus,
  CallSummary,
  LiveEvent,
  Missed,
  RuleHit,
  Segment,
  Severity,
  Speaker,
  Suggestion,
} from "./calls";

/** Live text of speech in progress on one channel; the next partial or the final replaces it. */
export interface PartialText {
  channel: number;
  speaker: Speaker;
  start_ms: number;
  stable: string;
  unstable: string;
}

/** A rule hit with a severity, as the alert feed lists it. */
export interface Alert {
  call_id: string;
  rule: string;
  category: string;
  severity: Severity;
  description: string;
  seq: number;
  /** The redacted words that matched, when known. */
  text: string | null;
  /** When it arrived (epoch ms), for ordering the feed. */
  at: number;
}

/** Everything shown about one call. */
export interface CallView {
  id: string;
  from_number: string | null;
  to_number: string | null;
  agent_id: string | null;
  status: CallStatus;
  /** Epoch ms; the first time known is kept, so the clock does not jump on a refetch. */
  startedAt: number | null;
  endedAt: number | null;
  audio_ms: number;
  endReason: string | null;
  /** Finals in seq order, each seq once. */
  segments: Segment[];
  partials: PartialText[];
  suggestions: Suggestion[];
  missed: Missed[];
  ruleHits: RuleHit[];
  categories: string[];
  /** Metrics of the ended call as stored; a live call's would be stale at once, so it has none. */
  metrics: CallMetrics | null;
  behindMs: number | null;
  degraded: { stage: string; reason: string; resumed_at_ms: number } | null;
  /** True once `GET /v1/calls/{id}` answered at least once. */
  loaded: boolean;
  /** The feed said it ended; a REST answer sent before that must not make it live again. */
  endedByFeed: boolean;
}

/** All calls on screen plus the alert feed. */
export interface CallsState {
  calls: Record<string, CallView>;
  /** Calls whose details must be (re)fetched, with the request number a load must answer to clear it. */
  stale: Record<string, number>;
  nextRequest: number;
  /** Newest first, across calls. */
  alerts: Alert[];
  /** Ended calls kept on screen (most recent first); live calls are always kept. */
  keepEnded: number;
}

export type CallsAction =
  /** A page of `GET /v1/calls`: calls not yet on screen are added and fetched. */
  | { type: "listed"; calls: CallSummary[] }
  /** A `GET /v1/calls/{id}` answer for request `request` (or none for an unrequested load). */
  | { type: "loaded"; detail: CallDetail; request?: number; at: number }
  /** The details could not be fetched (e.g. 403/404): the call leaves the screen. */
  | { type: "forget"; call_id: string }
  | { type: "event"; event: LiveEvent; at: number }
  /** The answer of the feedback endpoint. */
  | { type: "feedback"; call_id: string; suggestion: Suggestion }
  /** The live feed reconnected or skipped events: everything on screen must be refetched. */
  | { type: "resync" };

/** Most alerts the feed keeps. */
export const MAX_ALERTS = 100;

export function initialCallsState(keepEnded = 10): CallsState {
  return { calls: {}, stale: {}, nextRequest: 1, alerts: [], keepEnded };
}

function emptyCall(id: string): CallView {
  return {
    id,
    from_number: null,
    to_number: null,
    agent_id: null,
    status: "live",
    startedAt: null,
    endedAt: null,
    audio_ms: 0,
    endReason: null,
    segments: [],
    partials: [],
    suggestions: [],
    missed: [],
    ruleHits: [],
    categories: [],
    metrics: null,
    behindMs: null,
    degraded: null,
    loaded: false,
    endedByFeed: false,
  };
}

function parseTime(value: string | null): number | null {
  if (value === null) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/** Adds segments by seq (a later copy of a seq replaces the earlier one) and keeps seq order. */
function mergeSegments(existing: Segment[], incoming: Segment[]): Segment[] {
  const bySeq = new Map(existing.map((s) => [s.seq, s]));
  for (const s of incoming) bySeq.set(s.seq, s);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** A final covers the partial of its channel that started before it ended. */
function livePartials(partials: PartialText[], segments: Segment[]): PartialText[] {
  return partials.filter((p) => !segments.some((s) => s.channel === p.channel && s.end_ms > p.start_ms));
}

/** Adds suggestions by id; a verdict already known is not lost to an older copy without one. */
function mergeSuggestions(existing: Suggestion[], incoming: Suggestion[]): Suggestion[] {
  const byId = new Map(existing.map((s) => [s.id, s]));
  for (const s of incoming) {
    const old = byId.get(s.id);
    byId.set(s.id, old && s.feedback === null ? { ...s, feedback: old.feedback, feedback_by: old.feedback_by } : s);
  }
  return [...byId.values()];
}

function mergeMissed(existing: Missed[], incoming: Missed[]): Missed[] {
  const bySeq = new Map(existing.map((m) => [m.seq, m]));
  for (const m of incoming) if (!bySeq.has(m.seq)) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** A rule matches a call at most once, so the rule name identifies a hit. */
function mergeHits(existing: RuleHit[], incoming: RuleHit[]): RuleHit[] {
  const byRule = new Map(existing.map((h) => [h.rule, h]));
  for (const h of incoming) {
    const old = byRule.get(h.rule);
    byRule.set(h.rule, old ? { ...h, text: h.text ?? old.text, at: h.at ?? old.at } : h);
  }
  return [...byRule.values()];
}

function mergeCategories(existing: string[], incoming: string[]): string[] {
  const out = [...existing];
  for (const c of incoming) if (!out.includes(c)) out.push(c);
  return out;
}

function addAlerts(alerts: Alert[], incoming: Alert[]): Alert[] {
  const key = (a: Alert) => `${a.call_id}\u0000${a.rule}`;
  const seen = new Set(alerts.map(key));
  const fresh = incoming.filter((a) => !seen.has(key(a)));
  if (fresh.length === 0) return alerts;
  return [...fresh, ...alerts].sort((a, b) => b.at - a.at).slice(0, MAX_ALERTS);
}

function alertOf(call_id: string, hit: RuleHit, at: number, text: string | null): Alert | null {
  if (hit.severity === null) return null;
  return {
    call_id,
    rule: hit.rule,
    category: hit.category,
    severity: hit.severity,
    description: hit.description,
    seq: hit.seq,
    text: hit.text ?? text,
    at,
  };
}

function markStale(state: CallsState, ids: string[]): CallsState {
  if (ids.length === 0) return state;
  const stale = { ...state.stale };
  let next = state.nextRequest;
  for (const id of ids) stale[id] = next++;
  return { ...state, stale, nextRequest: next };
}

/** Keeps every live call and the `keepEnded` most recently ended ones. */
function prune(state: CallsState): CallsState {
  const ended = Object.values(state.calls)
    .filter((c) => c.status !== "live")
    .sort((a, b) => (b.endedAt ?? b.startedAt ?? 0) - (a.endedAt ?? a.startedAt ?? 0));
  if (ended.length <= state.keepEnded) return state;
  const calls = { ...state.calls };
  const stale = { ...state.stale };
  for (const c of ended.slice(state.keepEnded)) {
    delete calls[c.id];
    delete stale[c.id];
  }
  return { ...state, calls, stale };
}

function withCall(state: CallsState, call: CallView): CallsState {
  return { ...state, calls: { ...state.calls, [call.id]: call } };
}

function applyDetail(call: CallView, d: CallDetail): CallView {
  const segments = mergeSegments(call.segments, d.transcript);
  // A call the feed already saw end stays ended even if this answer was sent before it did.
  const status = call.endedByFeed ? call.status : d.status;
  return {
    ...call,
    from_number: d.from_number,
    to_number: d.to_number,
    agent_id: d.agent_id,
    status,
    startedAt: call.startedAt ?? parseTime(d.started_at),
    endedAt: status === "live" ? null : (call.endedAt ?? parseTime(d.ended_at)),
    audio_ms: Math.max(call.audio_ms, d.audio_ms),
    segments,
    partials: status === "live" ? livePartials(call.partials, segments) : [],
    suggestions: mergeSuggestions(call.suggestions, d.suggestions),
    missed: mergeMissed(call.missed, d.missed),
    ruleHits: mergeHits(call.ruleHits, d.rule_hits),
    categories: mergeCategories(call.categories, [...d.categories, ...d.rule_hits.map((h) => h.category)]),
    // Only an answer sent after the call ended has final metrics (one sent before, arriving late, keeps
    // what is known); a missing field (older server) gives none.
    metrics: status === "live" ? null : d.status === "live" ? call.metrics : d.metrics,
    loaded: true,
  };
}

function applyEvent(state: CallsState, event: LiveEvent, at: number): CallsState {
  if (event.type === "skipped") return reduceCalls(state, { type: "resync" });
  const known = state.calls[event.call_id];
  let call = known ?? emptyCall(event.call_id);
  // An event for a call not on screen yet (it started before the page looked): fetch its details.
  let next = known ? state : markStale(state, [event.call_id]);
  switch (event.type) {
    case "call_started":
      call = {
        ...call,
        from_number: event.from_number,
        to_number: event.to_number,
        agent_id: event.agent_id,
        status: "live",
        startedAt: call.startedAt ?? at - event.offset_ms,
        endedAt: null,
        endReason: null,
        metrics: null,
        endedByFeed: false,
      };
      next = markStale(next, [event.call_id]);
      break;
    case "partial": {
      const partial: PartialText = {
        channel: event.channel,
        speaker: event.speaker,
        start_ms: event.start_ms,
        stable: event.stable,
        unstable: event.unstable,
      };
      const others = call.partials.filter((p) => p.channel !== event.channel);
      const partials = event.stable === "" && event.unstable === "" ? others : [...others, partial];
      call = { ...call, partials: partials.sort((a, b) => a.start_ms - b.start_ms) };
      break;
    }
    case "segment": {
      const { type: _t, call_id: _c, ...segment } = event;
      const segments = mergeSegments(call.segments, [segment]);
      // A new final means transcription moved on; a still-lagging pipeline says so again.
      call = { ...call, segments, partials: livePartials(call.partials, segments), behindMs: null };
      break;
    }
    case "rule_hit": {
      const { type: _t, call_id: _c, speaker: _s, ...hit } = event;
      call = { ...call, ruleHits: mergeHits(call.ruleHits, [hit]), categories: mergeCategories(call.categories, [hit.category]) };
      const alert = alertOf(call.id, hit, at, null);
      if (alert) next = { ...next, alerts: addAlerts(next.alerts, [alert]) };
      break;
    }
    case "suggestions":
      call = { ...call, suggestions: mergeSuggestions(call.suggestions, event.suggestions) };
      break;
    case "suggestion_feedback":
      call = {
        ...call,
        suggestions: call.suggestions.map((s) =>
          s.id === event.suggestion_id ? { ...s, feedback: event.feedback, feedback_by: event.by } : s,
        ),
      };
      break;
    case "missed": {
      const { type: _t, call_id: _c, ...missed } = event;
      call = { ...call, missed: mergeMissed(call.missed, [missed]) };
      break;
    }
    case "lagging":
      call = { ...call, behindMs: event.behind_ms };
      break;
    case "degraded":
      call = { ...call, degraded: { stage: event.stage, reason: event.reason, resumed_at_ms: event.resumed_at_ms } };
      break;
    case "call_ended":
      call = {
        ...call,
        status: event.status,
        endedAt: at,
        endReason: event.reason,
        audio_ms: event.audio_ms,
        partials: [],
        behindMs: null,
        endedByFeed: true,
      };
      // The stored call is final now: fetch it again for its metrics (and anything the feed dropped).
      next = markStale(next, [event.call_id]);
      break;
  }
  return prune(withCall(next, call));
}

export function reduceCalls(state: CallsState, action: CallsAction): CallsState {
  switch (action.type) {
    case "listed": {
      const fresh = action.calls.filter((c) => !state.calls[c.id]);
      if (fresh.length === 0) return state;
      const calls = { ...state.calls };
      for (const c of fresh) {
        calls[c.id] = {
          ...emptyCall(c.id),
          from_number: c.from_number,
          to_number: c.to_number,
          agent_id: c.agent_id,
          status: c.status,
          startedAt: parseTime(c.started_at),
          endedAt: parseTime(c.ended_at),
          audio_ms: c.audio_ms,
        };
      }
      return prune(markStale({ ...state, calls }, fresh.map((c) => c.id)));
    }
    case "loaded": {
      const { detail } = action;
      const call = applyDetail(state.calls[detail.id] ?? emptyCall(detail.id), detail);
      let next = withCall(state, call);
      if (action.request !== undefined && state.stale[detail.id] === action.request) {
        const stale = { ...state.stale };
        delete stale[detail.id];
        next = { ...next, stale };
      }
      const textOf = (seq: number) => call.segments.find((s) => s.seq === seq)?.text ?? null;
      const alerts = call.ruleHits
        .map((h) => alertOf(call.id, h, parseTime(h.at) ?? action.at, textOf(h.seq)))
        .filter((a): a is Alert => a !== null);
      return prune({ ...next, alerts: addAlerts(next.alerts, alerts) });
    }
    case "forget": {
      if (!state.calls[action.call_id] && !(action.call_id in state.stale)) return state;
      const calls = { ...state.calls };
      const stale = { ...state.stale };
      delete calls[action.call_id];
      delete stale[action.call_id];
      return { ...state, calls, stale };
    }
    case "event":
      return applyEvent(state, action.event, action.at);
    case "feedback": {
      const call = state.calls[action.call_id];
      if (!call) return state;
      return withCall(state, { ...call, suggestions: mergeSuggestions(call.suggestions, [action.suggestion]) });
    }
    case "resync":
      return markStale(state, Object.keys(state.calls));
  }
}
