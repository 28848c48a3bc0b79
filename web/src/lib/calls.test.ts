import { describe, expect, test } from "vitest";
import {
  describeSuggestionSource,
  parseCallDetail,
  parseCallList,
  parseCallMetrics,
  parseLiveEvent,
  parseMe,
  parseSuggestion,
  percent,
} from "./calls";
import { ProtocolError } from "./json";

const call = {
  id: "c1",
  source: "lca",
  from_number: "+15550100",
  to_number: "+15550199",
  agent_id: "agent-7",
  sample_rate: 8000,
  channel_roles: ["customer", "agent"],
  status: "live",
  started_at: "2025-05-01T10:00:00+00:00",
  ended_at: null,
  audio_ms: 1200,
  connections: 1,
  segments: 1,
};

const storedSuggestion = {
  id: "s1",
  seq: 1,
  rank: 0,
  bot: "banking",
  kind: "intent",
  reference: "lost_card",
  title: "Lost or stolen card",
  text: "Block the card now.",
  score: 0.82,
  feedback: "used",
  feedback_by: "agent-7",
};

describe("REST shapes", () => {
  test("reads the call list and /v1/me", () => {
    expect(parseCallList([call])).toEqual([
      {
        id: "c1",
        source: "lca",
        from_number: "+15550100",
        to_number: "+15550199",
        agent_id: "agent-7",
        queue: null,
        status: "live",
        started_at: "2025-05-01T10:00:00+00:00",
        ended_at: null,
        audio_ms: 1200,
        segments: 1,
      },
    ]);
    expect(parseCallList([{ ...call, queue: "billing" }])[0].queue).toBe("billing");
    expect(parseMe({ name: "agent-7", role: "agent" })).toEqual({ name: "agent-7", role: "agent" });
    expect(() => parseCallList({})).toThrow(new ProtocolError("the call list must be an array"));
  });

  test("reads a call's details with transcript, hits, suggestions and missed words", () => {
    const detail = parseCallDetail({
      ...call,
      transcript: [
        {
          seq: 1,
          channel: 0,
          speaker: "customer",
          start_ms: 6100,
          end_ms: 10700,
          text: "I lost my card [CARD_NUMBER]",
          confidence: 0.9,
          redactions: [{ kind: "card_number", start: 15, end: 28 }],
          sentiment: { label: "negative", score: -0.4, running: -0.3 },
          key_phrases: ["lost card"],
        },
        { seq: 2, channel: 1, speaker: "agent", start_ms: 11000, end_ms: 12000, text: "Sorry", confidence: 0.8, redactions: [], key_phrases: [] },
      ],
      categories: ["Escalation"],
      rule_hits: [
        { rule: "supervisor-request", category: "Escalation", severity: "high", reason: "phrase", description: "d", seq: 1, at: "2025-05-01T10:00:10+00:00" },
        { rule: "repeat-contact", category: "Repeat contact", severity: null, reason: "regex", description: "d", seq: 1, at: "2025-05-01T10:00:10+00:00" },
      ],
      suggestions: [storedSuggestion],
      missed: [
        { id: "m1", call_id: "c1", seq: 2, speaker: "customer", bot: "banking", text: "jersey trust", reason: "no_match", best_guesses: [{ intent: "savings", confidence: 0.2 }], status: "new", at: "x", session_id: null },
      ],
    });
    expect(detail.transcript[0].sentiment).toEqual({ label: "negative", score: -0.4, running: -0.3 });
    expect(detail.transcript[1].sentiment).toBeNull();
    expect(detail.rule_hits.map((h) => [h.rule, h.severity, h.text, h.at])).toEqual([
      ["supervisor-request", "high", null, "2025-05-01T10:00:10+00:00"],
      ["repeat-contact", null, null, "2025-05-01T10:00:10+00:00"],
    ]);
    expect(detail.suggestions[0]).toMatchObject({ id: "s1", seq: 1, rank: 0, feedback: "used", feedback_by: "agent-7" });
    expect(detail.missed[0]).toEqual({ seq: 2, speaker: "customer", bot: "banking", text: "jersey trust", best_guesses: [{ intent: "savings", confidence: 0.2 }] });
  });

  test("reads a call's metrics, and none from an older server that sends no field", () => {
    const metrics = {
      duration_s: 31.2,
      talk_time_s: { agent: 2.75, customer: 4.75 },
      talk_ratio: 0.37,
      non_talk_s: 23.7,
      longest_silence_s: 18.2,
      interruptions: [{ by: "agent", of: "customer", at_s: 8.0, overlap_s: 2.0 }],
      overlap_s: 2.0,
      words_per_minute: { agent: 152.7, customer: 75.8 },
      sentiment_by_quarter: { agent: [null, 0.2, null, null], customer: [-0.4, null, 0.1, null] },
      sentiment_trend: { agent: null, customer: 0.5 },
    };
    const base = { ...call, transcript: [], categories: [], rule_hits: [], suggestions: [], missed: [] };
    expect(parseCallDetail({ ...base, metrics }).metrics).toEqual(metrics);
    expect(parseCallDetail(base).metrics).toBeNull();
    expect(parseCallMetrics(null)).toBeNull();
    expect(() => parseCallMetrics({ ...metrics, sentiment_by_quarter: { agent: [0.1], customer: [null, null, null, null] } })).toThrow(
      new ProtocolError('field "agent" must have 4 quarters, not 1'),
    );
    expect(() => parseCallMetrics({ ...metrics, interruptions: [{ by: "bot", of: "agent", at_s: 1, overlap_s: 1 }] })).toThrow(
      new ProtocolError('field "by" must be one of customer, agent, not "bot"'),
    );
    expect(() => parseCallMetrics({ ...metrics, talk_time_s: { agent: "2" } })).toThrow(new ProtocolError('field "agent" must be a number'));
  });

  test("reads what the call search shows: summary, key phrases, roles (channels in order), queue and kept audio", () => {
    const base = { ...call, status: "completed", transcript: [], categories: [], rule_hits: [], suggestions: [], missed: [] };
    const detail = parseCallDetail({
      ...base,
      queue: "roaming",
      transcript: [{ seq: 0, channel: 0, speaker: "customer", start_ms: 0, end_ms: 900, text: "hi", confidence: 0.9, redactions: [], sentiment: { label: "neutral", score: 0, running: 0 }, key_phrases: [] }],
      summary: [{ part: "next_step", speaker: "agent", at_s: 30, text: "We will call back." }],
      key_phrases: ["roaming"],
      roles: { "10": { role: "agent", confidence: 1, detected: false }, "0": { role: "customer", confidence: 0.83, detected: true, loudness_lufs: -20.5 } },
      audio_url: "/v1/calls/c1/audio",
    });
    expect(detail.roles.map((r) => r.channel)).toEqual(["0", "10"]);
    expect(detail.roles[0]).toEqual({ channel: "0", role: "customer", confidence: 0.83, detected: true, loudness_lufs: -20.5 });
    expect(detail.roles[1].loudness_lufs).toBeNull();
    expect(detail.summary).toEqual([{ part: "next_step", speaker: "agent", at_s: 30, text: "We will call back." }]);
    expect(detail.key_phrases).toEqual(["roaming"]);
    expect(detail.queue).toBe("roaming");
    expect(detail.audio_url).toBe("/v1/calls/c1/audio");
    expect(detail.transcript[0].sentiment).toEqual({ label: "neutral", score: 0, running: 0 });

    // Older servers, or no audio kept: empty lists and nulls, not errors.
    const bare = parseCallDetail({ ...base, audio_url: null });
    expect([bare.summary, bare.key_phrases, bare.roles, bare.queue, bare.audio_url, bare.metrics]).toEqual([[], [], [], null, null, null]);
    expect(() => parseCallDetail({ ...base, summary: [{ part: "why", speaker: "agent", at_s: 1, text: "t" }] })).toThrow(
      new ProtocolError('field "part" must be one of reason, action, next_step, not "why"'),
    );
    expect(() => parseCallDetail({ ...base, roles: { "0": { role: "customer" } } })).toThrow(new ProtocolError('field "confidence" must be a number'));
    expect(() => parseCallDetail({ ...base, audio_url: 7 })).toThrow(new ProtocolError('field "audio_url" must be a string'));
  });

  test("reads the feedback endpoint's answer", () => {
    expect(parseSuggestion({ ...storedSuggestion, feedback: "not_helpful" }).feedback).toBe("not_helpful");
    expect(() => parseSuggestion({ ...storedSuggestion, feedback: "meh" })).toThrow(
      new ProtocolError('field "feedback" must be one of used, not_helpful, not "meh"'),
    );
  });
});

describe("parseLiveEvent", () => {
  test("reads every event type", () => {
    const frames: Record<string, object> = {
      call_started: { type: "call_started", call_id: "c1", from_number: "+1", to_number: null, agent_id: "agent-7", offset_ms: 0 },
      partial: { type: "partial", call_id: "c1", channel: 0, speaker: "customer", start_ms: 10, stable: "I lost", unstable: " my" },
      segment: {
        type: "segment", call_id: "c1", seq: 1, channel: 0, speaker: "customer", start_ms: 10, end_ms: 900, text: "I lost my card", confidence: 0.9,
        sentiment: { label: "negative", score: -0.5, running: -0.5 }, key_phrases: ["card"],
      },
      rule_hit: { type: "rule_hit", call_id: "c1", seq: 1, speaker: "customer", text: "speak to a manager", rule: "supervisor-request", category: "Escalation", severity: "high", reason: "r", description: "d" },
      suggestions: { type: "suggestions", call_id: "c1", seq: 1, bot: "banking", suggestions: [{ id: "a", kind: "intent", reference: "lost_card", title: "Lost card", text: "t", score: 0.9 }, { id: "b", kind: "knowledge", reference: "doc", title: "FAQ", text: "t", score: 0.5 }] },
      suggestion_feedback: { type: "suggestion_feedback", call_id: "c1", suggestion_id: "a", feedback: "used", by: "agent-7" },
      missed: { type: "missed", call_id: "c1", seq: 3, speaker: "customer", bot: "banking", text: "t", best_guesses: [] },
      lagging: { type: "lagging", call_id: "c1", behind_ms: 4000 },
      degraded: { type: "degraded", call_id: "c1", stage: "asr", reason: "crashed", resumed_at_ms: 9000 },
      call_ended: { type: "call_ended", call_id: "c1", status: "completed", reason: null, audio_ms: 57000, segments: 12 },
      skipped: { type: "skipped", events: 42 },
    };
    for (const [type, frame] of Object.entries(frames)) {
      expect(parseLiveEvent(JSON.stringify(frame))?.type).toBe(type);
    }
    const suggestions = parseLiveEvent(JSON.stringify(frames.suggestions));
    expect(suggestions).toMatchObject({
      suggestions: [
        { id: "a", seq: 1, rank: 0, bot: "banking", feedback: null },
        { id: "b", seq: 1, rank: 1, kind: "knowledge" },
      ],
    });
    const segment = parseLiveEvent(JSON.stringify({ ...frames.segment, sentiment: undefined, key_phrases: undefined }));
    expect(segment).toMatchObject({ sentiment: null, key_phrases: [] });
  });

  test("ignores types it does not know, even without the usual fields", () => {
    expect(parseLiveEvent('{"type":"call_transferred","to":"agent-9"}')).toBeNull();
  });

  test.each([
    ["{nope", "frame is not JSON"],
    ["[]", "frame is not a JSON object"],
    ['{"call_id":"c1"}', 'field "type" must be a string'],
    ['{"type":"segment","call_id":"c1","seq":"1"}', 'field "seq" must be a number'],
    ['{"type":"partial","call_id":"c1","channel":0,"speaker":"bot","start_ms":0,"stable":"","unstable":""}', 'field "speaker" must be one of customer, agent, not "bot"'],
    ['{"type":"rule_hit","call_id":"c1","seq":1,"speaker":"customer","text":"t","rule":"r","category":"c","severity":"urgent","reason":"r","description":"d"}', 'field "severity" must be one of info, warning, high, not "urgent"'],
    ['{"type":"suggestions","call_id":"c1","seq":1,"bot":"b","suggestions":{}}', 'field "suggestions" must be an array'],
    ['{"type":"lagging","behind_ms":5}', 'field "call_id" must be a string'],
  ])("rejects %s", (raw, reason) => {
    expect(() => parseLiveEvent(raw)).toThrow(new ProtocolError(reason));
  });
});

describe("display helpers", () => {
  test("name a suggestion's source and score", () => {
    expect(describeSuggestionSource({ kind: "intent", reference: "lost_card", title: "Lost card" })).toBe("intent: lost_card");
    expect(describeSuggestionSource({ kind: "knowledge", reference: "fees", title: "What are the fees?" })).toBe("FAQ: What are the fees?");
    expect(percent(0.826)).toBe("83 %");
    expect(percent(1.2)).toBe("100 %");
  });
});
