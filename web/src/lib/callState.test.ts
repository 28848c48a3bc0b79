import { beforeEach, describe, expect, test } from "vitest";
import type { CallDetail, CallMetrics, LiveEvent, Segment, Suggestion } from "./calls";
import { type CallsAction, type CallsState, initialCallsState, reduceCalls } from "./callState";

const T0 = Date.parse("2025-05-01T10:00:00Z");

const segment = (seq: number, over: Partial<Segment> = {}): Segment => ({
  seq,
  channel: seq % 2 === 1 ? 0 : 1,
  speaker: seq % 2 === 1 ? "customer" : "agent",
  start_ms: seq * 1000,
  end_ms: seq * 1000 + 800,
  text: `words ${seq}`,
  confidence: 0.9,
  sentiment: { label: "neutral", score: 0, running: 0 },
  key_phrases: [],
  ...over,
});

const suggestion = (id: string, over: Partial<Suggestion> = {}): Suggestion => ({
  id,
  seq: 1,
  rank: 0,
  bot: "banking",
  kind: "intent",
  reference: "lost_card",
  title: "Lost card",
  text: "Block it",
  score: 0.8,
  feedback: null,
  feedback_by: null,
  ...over,
});

const detail = (over: Partial<CallDetail> = {}): CallDetail => ({
  id: "c1",
  source: "lca",
  from_number: "+15550100",
  to_number: "+15550199",
  agent_id: "agent-7",
  queue: null,
  status: "live",
  started_at: "2025-05-01T10:00:00Z",
  ended_at: null,
  audio_ms: 0,
  segments: 0,
  transcript: [],
  categories: [],
  rule_hits: [],
  suggestions: [],
  missed: [],
  metrics: null,
  summary: [],
  key_phrases: [],
  roles: [],
  audio_url: null,
  ...over,
});

const metrics = (duration_s: number): CallMetrics => ({
  duration_s,
  talk_time_s: { agent: 1, customer: 2 },
  talk_ratio: 1 / 3,
  non_talk_s: duration_s - 3,
  longest_silence_s: 1,
  interruptions: [],
  overlap_s: 0,
  words_per_minute: { agent: 120, customer: 90 },
  sentiment_by_quarter: { agent: [null, null, null, null], customer: [0.1, null, null, null] },
  sentiment_trend: { agent: null, customer: null },
});

let clock = T0;
const ev = (event: LiveEvent): CallsAction => ({ type: "event", event, at: (clock += 1000) });
const started = (id = "c1"): CallsAction =>
  ev({ type: "call_started", call_id: id, from_number: "+15550100", to_number: "+15550199", agent_id: "agent-7", offset_ms: 0 });
const seg = (seq: number, over: Partial<Segment> = {}): CallsAction => ev({ type: "segment", call_id: "c1", ...segment(seq, over) });
const run = (actions: CallsAction[], start: CallsState = initialCallsState()) => actions.reduce(reduceCalls, start);

describe("calls reducer", () => {
  beforeEach(() => {
    clock = T0;
  });

  test("a call_started adds a live call and asks for its details", () => {
    const s = run([started()]);
    expect(s.calls.c1).toMatchObject({ status: "live", from_number: "+15550100", agent_id: "agent-7", startedAt: T0 + 1000 });
    expect(Object.keys(s.stale)).toEqual(["c1"]);
  });

  test("a final replaces the partial of its channel; the other channel's partial stays", () => {
    const s = run([
      started(),
      ev({ type: "partial", call_id: "c1", channel: 0, speaker: "customer", start_ms: 1000, stable: "wor", unstable: "" }),
      ev({ type: "partial", call_id: "c1", channel: 0, speaker: "customer", start_ms: 1000, stable: "words", unstable: " one" }),
      ev({ type: "partial", call_id: "c1", channel: 1, speaker: "agent", start_ms: 1500, stable: "hmm", unstable: "" }),
    ]);
    expect(s.calls.c1.partials.map((p) => `${p.channel}:${p.stable}${p.unstable}`)).toEqual(["0:words one", "1:hmm"]);
    const after = run([seg(1)], s);
    expect(after.calls.c1.partials.map((p) => p.channel)).toEqual([1]);
    expect(after.calls.c1.segments.map((x) => x.text)).toEqual(["words 1"]);
  });

  test("segments are kept in seq order and each seq once, whatever order they arrive in", () => {
    const s = run([started(), seg(3), seg(1), seg(2), seg(3, { text: "words 3 again" }), seg(1)]);
    expect(s.calls.c1.segments.map((x) => `${x.seq}:${x.text}`)).toEqual(["1:words 1", "2:words 2", "3:words 3 again"]);
  });

  test("a REST load merges with what the feed already delivered", () => {
    const s = run([
      started(),
      seg(2),
      ev({ type: "partial", call_id: "c1", channel: 0, speaker: "customer", start_ms: 2900, stable: "more", unstable: "" }),
    ]);
    const request = s.stale.c1;
    const loaded = reduceCalls(s, {
      type: "loaded",
      request,
      at: clock,
      detail: detail({ transcript: [segment(1), segment(2)], suggestions: [suggestion("a")] }),
    });
    expect(loaded.calls.c1.segments.map((x) => x.seq)).toEqual([1, 2]);
    expect(loaded.calls.c1.partials).toHaveLength(1);
    expect(loaded.calls.c1.suggestions.map((x) => x.id)).toEqual(["a"]);
    expect(loaded.calls.c1.loaded).toBe(true);
    expect(loaded.stale).toEqual({});
    // The clock the page saw the call start by is kept, so the duration does not jump.
    expect(loaded.calls.c1.startedAt).toBe(T0 + 1000);
  });

  test("a load answering an older request leaves the call stale for the newer one", () => {
    const s = run([started()]);
    const first = s.stale.c1;
    const skipped = reduceCalls(s, ev({ type: "skipped", events: 3 }));
    expect(skipped.stale.c1).toBeGreaterThan(first);
    const loaded = reduceCalls(skipped, { type: "loaded", request: first, at: clock, detail: detail() });
    expect(loaded.stale.c1).toBe(skipped.stale.c1);
  });

  test("skipped events mark every call on screen for refetching", () => {
    const s = run([started("c1"), started("c2")]);
    const cleared = ["c1", "c2"].reduce(
      (st, id) => reduceCalls(st, { type: "loaded", request: st.stale[id], at: clock, detail: detail({ id }) }),
      s,
    );
    expect(cleared.stale).toEqual({});
    expect(Object.keys(reduceCalls(cleared, ev({ type: "skipped", events: 10 })).stale).sort()).toEqual(["c1", "c2"]);
    expect(Object.keys(reduceCalls(cleared, { type: "resync" }).stale).sort()).toEqual(["c1", "c2"]);
  });

  test("suggestions arrive, and the agent's verdict reaches them from the feed or the POST answer", () => {
    const s = run([
      started(),
      ev({ type: "suggestions", call_id: "c1", seq: 1, bot: "banking", suggestions: [suggestion("a"), suggestion("b", { rank: 1 })] }),
      ev({ type: "suggestion_feedback", call_id: "c1", suggestion_id: "a", feedback: "used", by: "agent-7" }),
    ]);
    expect(s.calls.c1.suggestions.map((x) => [x.id, x.feedback, x.feedback_by])).toEqual([
      ["a", "used", "agent-7"],
      ["b", null, null],
    ]);
    const posted = reduceCalls(s, {
      type: "feedback",
      call_id: "c1",
      suggestion: suggestion("b", { rank: 1, feedback: "not_helpful", feedback_by: "agent-7" }),
    });
    expect(posted.calls.c1.suggestions.find((x) => x.id === "b")?.feedback).toBe("not_helpful");
    // A REST answer sent before the verdict does not undo it.
    const stale = reduceCalls(posted, { type: "loaded", at: clock, detail: detail({ suggestions: [suggestion("a"), suggestion("b", { rank: 1 })] }) });
    expect(stale.calls.c1.suggestions.map((x) => x.feedback)).toEqual(["used", "not_helpful"]);
  });

  test("rule hits record categories once and alerts reach the feed newest first", () => {
    const hit = (rule: string, category: string, severity: "high" | "warning" | null): CallsAction =>
      ev({ type: "rule_hit", call_id: "c1", seq: 1, speaker: "customer", text: `said ${rule}`, rule, category, severity, reason: "r", description: "d", at: null });
    const s = run([
      started(),
      hit("repeat-contact", "Repeat contact", null),
      hit("cancellation-threat", "Churn risk", "warning"),
      hit("supervisor-request", "Escalation", "high"),
      hit("supervisor-request", "Escalation", "high"),
    ]);
    expect(s.calls.c1.categories).toEqual(["Repeat contact", "Churn risk", "Escalation"]);
    expect(s.calls.c1.ruleHits).toHaveLength(3);
    expect(s.alerts.map((a) => [a.rule, a.severity, a.text])).toEqual([
      ["supervisor-request", "high", "said supervisor-request"],
      ["cancellation-threat", "warning", "said cancellation-threat"],
    ]);
  });

  test("alerts found in a REST load quote the segment that raised them", () => {
    const s = reduceCalls(initialCallsState(), {
      type: "loaded",
      at: T0,
      detail: detail({
        transcript: [segment(1, { text: "I want to speak to a manager" })],
        categories: ["Escalation"],
        rule_hits: [
          { rule: "supervisor-request", category: "Escalation", severity: "high", reason: "r", description: "d", seq: 1, text: null, at: "2025-05-01T10:00:30Z" },
        ],
      }),
    });
    expect(s.alerts).toMatchObject([{ call_id: "c1", rule: "supervisor-request", text: "I want to speak to a manager", at: T0 + 30_000 }]);
  });

  test("missed utterances are kept once per segment", () => {
    const missed: LiveEvent = { type: "missed", call_id: "c1", seq: 3, speaker: "customer", bot: "banking", text: "jersey trust", best_guesses: [] };
    const s = run([started(), ev(missed), ev(missed)]);
    expect(s.calls.c1.missed.map((m) => m.seq)).toEqual([3]);
  });

  test("lagging is shown until the next final, degraded until the call ends", () => {
    const s = run([
      started(),
      ev({ type: "lagging", call_id: "c1", behind_ms: 4000 }),
      ev({ type: "degraded", call_id: "c1", stage: "asr", reason: "worker restarted", resumed_at_ms: 8000 }),
    ]);
    expect(s.calls.c1.behindMs).toBe(4000);
    expect(reduceCalls(s, seg(1)).calls.c1.behindMs).toBeNull();
    expect(s.calls.c1.degraded).toEqual({ stage: "asr", reason: "worker restarted", resumed_at_ms: 8000 });
    const ended = reduceCalls(s, ev({ type: "call_ended", call_id: "c1", status: "completed", reason: null, audio_ms: 57000, segments: 12 }));
    expect(ended.calls.c1).toMatchObject({ status: "completed", audio_ms: 57000, behindMs: null, partials: [] });
  });

  test("a call the feed saw end stays ended when an older REST answer says live", () => {
    const s = run([started(), ev({ type: "call_ended", call_id: "c1", status: "completed", reason: null, audio_ms: 5000, segments: 1 })]);
    const loaded = reduceCalls(s, { type: "loaded", request: s.stale.c1, at: clock, detail: detail({ status: "live" }) });
    expect(loaded.calls.c1.status).toBe("completed");
    // …but a new start of the same call (a reconnecting client) makes it live again.
    expect(reduceCalls(loaded, started()).calls.c1.status).toBe("live");
  });

  test("the call's end asks for its stored details again, and only an answer after the end gives metrics", () => {
    const live = run([started()]);
    const loadedLive = reduceCalls(live, { type: "loaded", request: live.stale.c1, at: clock, detail: detail({ metrics: metrics(2) }) });
    expect(loadedLive.calls.c1.metrics).toBeNull();
    expect(loadedLive.stale).toEqual({});

    const ended = reduceCalls(loadedLive, ev({ type: "call_ended", call_id: "c1", status: "completed", reason: null, audio_ms: 9000, segments: 2 }));
    expect(ended.stale.c1).toBeDefined();
    const final = reduceCalls(ended, {
      type: "loaded",
      request: ended.stale.c1,
      at: clock,
      detail: detail({ status: "completed", ended_at: "2025-05-01T10:00:09Z", metrics: metrics(9) }),
    });
    expect(final.calls.c1.metrics?.duration_s).toBe(9);
    expect(final.stale).toEqual({});
    // An answer sent before the end, arriving late, does not take the final metrics away…
    const late = reduceCalls(final, { type: "loaded", at: clock, detail: detail({ metrics: metrics(2) }) });
    expect(late.calls.c1).toMatchObject({ status: "completed", metrics: { duration_s: 9 } });
    // …but the same call starting again does, until it ends again.
    expect(reduceCalls(final, started()).calls.c1.metrics).toBeNull();
    // An older server sends no metrics: the ended call has none.
    const older = reduceCalls(ended, { type: "loaded", request: ended.stale.c1, at: clock, detail: detail({ status: "completed" }) });
    expect(older.calls.c1.metrics).toBeNull();
  });

  test("an event for a call not on screen adds it and asks for its details", () => {
    const s = run([seg(1)]);
    expect(s.calls.c1.segments).toHaveLength(1);
    expect(s.stale.c1).toBeDefined();
  });

  test("listing adds only new calls; forget removes one", () => {
    const listed = reduceCalls(initialCallsState(), {
      type: "listed",
      calls: [
        { id: "c1", source: "lca", from_number: "+1", to_number: null, agent_id: "agent-7", queue: null, status: "live", started_at: "2025-05-01T10:00:00Z", ended_at: null, audio_ms: 0, segments: 0 },
      ],
    });
    expect(listed.calls.c1).toMatchObject({ status: "live", startedAt: T0 });
    expect(reduceCalls(listed, { type: "listed", calls: [] })).toBe(listed);
    const forgotten = reduceCalls(listed, { type: "forget", call_id: "c1" });
    expect(forgotten.calls).toEqual({});
    expect(forgotten.stale).toEqual({});
  });

  test("only the most recently ended calls are kept; live ones always stay", () => {
    let s = initialCallsState(2);
    for (const id of ["a", "b", "c", "live"]) s = reduceCalls(s, started(id));
    for (const id of ["a", "b", "c"]) {
      s = reduceCalls(s, ev({ type: "call_ended", call_id: id, status: "completed", reason: null, audio_ms: 1000, segments: 0 }));
    }
    expect(Object.keys(s.calls).sort()).toEqual(["b", "c", "live"]);
  });
});
