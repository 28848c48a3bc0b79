// Wire types of the calls API (`/v1/calls…`) and the live call feed, checked field by field so the staff pages agree with the gateway.

import {
  type Json,
  ProtocolError,
  arr,
  num,
  obj,
  oneOf,
  optStr,
  parseObject,
  str,
  strItem,
} from "./json";

export const SPEAKERS = ["customer", "agent"] as const;
export type Speaker = (typeof SPEAKERS)[number];

export const SENTIMENT_LABELS = ["negative", "neutral", "positive"] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export const CALL_STATUSES = ["live", "completed", "incomplete"] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export const SEVERITIES = ["info", "warning", "high"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const FEEDBACK = ["used", "not_helpful"] as const;
export type Feedback = (typeof FEEDBACK)[number];

export const SUGGESTION_KINDS = ["intent", "knowledge"] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];

/** A segment's sentiment (−1…1) and its speaker's running score after it. */
export interface Sentiment {
  label: SentimentLabel;
  score: number;
  running: number;
}

/** One call as the list shows it. */
export interface CallSummary {
  id: string;
  source: string;
  from_number: string | null;
  to_number: string | null;
  agent_id: string | null;
  /** The queue the call came in through; null when none was given (and from older servers). */
  queue: string | null;
  status: CallStatus;
  started_at: string;
  ended_at: string | null;
  audio_ms: number;
  segments: number;
}

/** One final utterance; `text` is already redacted. */
export interface Segment {
  seq: number;
  channel: number;
  speaker: Speaker;
  start_ms: number;
  end_ms: number;
  text: string;
  confidence: number;
  sentiment: Sentiment | null;
  key_phrases: string[];
}

/** A rule that matched the call; with a severity it is an alert. */
export interface RuleHit {
  rule: string;
  category: string;
  severity: Severity | null;
  reason: string;
  description: string;
  seq: number;
  /** The (redacted) words that matched; only the live feed carries them. */
  text: string | null;
  /** When it was recorded (RFC3339); only the REST answer carries it. */
  at: string | null;
}

/** A reply or article the bot offers the agent for a customer segment. */
export interface Suggestion {
  id: string;
  seq: number;
  rank: number;
  bot: string;
  kind: SuggestionKind;
  reference: string;
  title: string;
  text: string;
  score: number;
  feedback: Feedback | null;
  feedback_by: string | null;
}

export interface Guess {
  intent: string;
  confidence: number;
}

/** Customer words nothing matched. */
export interface Missed {
  seq: number;
  speaker: string;
  bot: string;
  text: string;
  best_guesses: Guess[];
}

/** One party starting while the other spoke (overlapping at least 0.5 s), as the metrics count it. */
export interface Interruption {
  by: Speaker;
  of: Speaker;
  at_s: number;
  overlap_s: number;
}

/** A value per party. */
export type PerSpeaker<T> = Record<Speaker, T>;

/** Post-call metrics measured from the stored segments (seconds), so talk time and pace need no client arithmetic. */
export interface CallMetrics {
  duration_s: number;
  talk_time_s: PerSpeaker<number>;
  /** The agent's share of all talk time, 0…1. */
  talk_ratio: number;
  non_talk_s: number;
  longest_silence_s: number;
  interruptions: Interruption[];
  overlap_s: number;
  words_per_minute: PerSpeaker<number>;
  /** Mean sentiment (−1…1) per quarter of the call, null where the party said nothing scored. */
  sentiment_by_quarter: PerSpeaker<(number | null)[]>;
  sentiment_trend: PerSpeaker<number | null>;
}

/** The parts of a call's extractive summary, with the heading each is shown under. */
export const SUMMARY_PARTS = { reason: "Reason", action: "Action", next_step: "Next step" } as const;
export type SummaryPart = keyof typeof SUMMARY_PARTS;

/** A sentence of the summary, verbatim from the transcript. */
export interface SummaryLine {
  part: SummaryPart;
  speaker: string;
  at_s: number;
  text: string;
}

/** One channel's role: as given, or detected from the words with how sure. */
export interface ChannelRole {
  /** The channel index, as the server keys it ("0", "1"). */
  channel: string;
  role: string;
  confidence: number;
  detected: boolean;
  /** Integrated loudness, when the recording was kept long enough to measure it. */
  loudness_lufs: number | null;
}

/** `GET /v1/calls/{id}`: the call, its transcript so far and what the rules and the bot made of it. */
export interface CallDetail extends CallSummary {
  transcript: Segment[];
  categories: string[];
  rule_hits: RuleHit[];
  suggestions: Suggestion[];
  missed: Missed[];
  /** Null from servers older than the metrics. */
  metrics: CallMetrics | null;
  /** Why they called, what was done, what happens next; empty when too little was said (or from older servers). */
  summary: SummaryLine[];
  /** The call's topics. */
  key_phrases: string[];
  /** Each channel's role, ordered by channel number. */
  roles: ChannelRole[];
  /** The path of the call's kept audio (`GET` it with the token for a WAV); null when none is kept. */
  audio_url: string | null;
}

/** Whom a staff token speaks for (`GET /v1/me`). */
export interface Me {
  name: string;
  role: string;
}

/** Everything the live feed sends that the pages act on. */
export type LiveEvent =
  | { type: "call_started"; call_id: string; from_number: string | null; to_number: string | null; agent_id: string | null; offset_ms: number }
  | { type: "partial"; call_id: string; channel: number; speaker: Speaker; start_ms: number; stable: string; unstable: string }
  | ({ type: "segment"; call_id: string } & Segment)
  | ({ type: "rule_hit"; call_id: string; speaker: string } & RuleHit)
  | { type: "suggestions"; call_id: string; seq: number; bot: string; suggestions: Suggestion[] }
  | { type: "suggestion_feedback"; call_id: string; suggestion_id: string; feedback: Feedback; by: string }
  | ({ type: "missed"; call_id: string } & Missed)
  | { type: "lagging"; call_id: string; behind_ms: number }
  | { type: "degraded"; call_id: string; stage: string; reason: string; resumed_at_ms: number }
  | { type: "call_ended"; call_id: string; status: CallStatus; reason: string | null; audio_ms: number; segments: number }
  | { type: "skipped"; events: number };

function severity(o: Json): Severity | null {
  return o.severity == null ? null : oneOf(o, "severity", SEVERITIES);
}

function feedback(o: Json, key = "feedback"): Feedback | null {
  return o[key] == null ? null : oneOf(o, key, FEEDBACK);
}

function sentiment(o: Json): Sentiment | null {
  if (o.sentiment == null) return null;
  const s = obj(o.sentiment, "sentiment");
  return { label: oneOf(s, "label", SENTIMENT_LABELS), score: num(s, "score"), running: num(s, "running") };
}

function guess(value: unknown, key: string): Guess {
  const g = obj(value, key);
  return { intent: str(g, "intent"), confidence: num(g, "confidence") };
}

function segmentFields(o: Json): Segment {
  return {
    seq: num(o, "seq"),
    channel: num(o, "channel"),
    speaker: oneOf(o, "speaker", SPEAKERS),
    start_ms: num(o, "start_ms"),
    end_ms: num(o, "end_ms"),
    text: str(o, "text"),
    confidence: num(o, "confidence"),
    sentiment: sentiment(o),
    key_phrases: arr(o, "key_phrases", strItem, true),
  };
}

function ruleHitFields(o: Json): RuleHit {
  return {
    rule: str(o, "rule"),
    category: str(o, "category"),
    severity: severity(o),
    reason: str(o, "reason"),
    description: str(o, "description"),
    seq: num(o, "seq"),
    text: optStr(o, "text"),
    at: optStr(o, "at"),
  };
}

/** A suggestion card; the live feed gives `seq`, `rank` and `bot` from its envelope. */
function suggestionFields(o: Json, context: { seq: number; rank: number; bot: string }): Suggestion {
  return {
    id: str(o, "id"),
    seq: context.seq,
    rank: context.rank,
    bot: context.bot,
    kind: oneOf(o, "kind", SUGGESTION_KINDS),
    reference: str(o, "reference"),
    title: str(o, "title"),
    text: str(o, "text"),
    score: num(o, "score"),
    feedback: feedback(o),
    feedback_by: optStr(o, "feedback_by"),
  };
}

function missedFields(o: Json): Missed {
  return {
    seq: num(o, "seq"),
    speaker: str(o, "speaker"),
    bot: str(o, "bot"),
    text: str(o, "text"),
    best_guesses: arr(o, "best_guesses", guess, true),
  };
}

function optNum(o: Json, key: string): number | null {
  return o[key] == null ? null : num(o, key);
}

function perSpeaker<T>(o: Json, key: string, read: (o: Json, speaker: Speaker) => T): PerSpeaker<T> {
  const p = obj(o[key], key);
  return { agent: read(p, "agent"), customer: read(p, "customer") };
}

function numOrNullItem(value: unknown, key: string): number | null {
  if (value == null) return null;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ProtocolError(`field "${key}" must be a number or null`);
  return value;
}

/** The quarters of one party: exactly four numbers or nulls. */
function quarters(o: Json, key: string): (number | null)[] {
  const values = arr(o, key, numOrNullItem);
  if (values.length !== 4) throw new ProtocolError(`field "${key}" must have 4 quarters, not ${values.length}`);
  return values;
}

function interruption(value: unknown, key: string): Interruption {
  const i = obj(value, key);
  return { by: oneOf(i, "by", SPEAKERS), of: oneOf(i, "of", SPEAKERS), at_s: num(i, "at_s"), overlap_s: num(i, "overlap_s") };
}

/** The `metrics` of a call detail; null when the server sends none (older servers). */
export function parseCallMetrics(value: unknown): CallMetrics | null {
  if (value == null) return null;
  const o = obj(value, "metrics");
  return {
    duration_s: num(o, "duration_s"),
    talk_time_s: perSpeaker(o, "talk_time_s", num),
    talk_ratio: num(o, "talk_ratio"),
    non_talk_s: num(o, "non_talk_s"),
    longest_silence_s: num(o, "longest_silence_s"),
    interruptions: arr(o, "interruptions", interruption),
    overlap_s: num(o, "overlap_s"),
    words_per_minute: perSpeaker(o, "words_per_minute", num),
    sentiment_by_quarter: perSpeaker(o, "sentiment_by_quarter", quarters),
    sentiment_trend: perSpeaker(o, "sentiment_trend", optNum),
  };
}

/** A stored suggestion as `GET /v1/calls/{id}` and the feedback endpoint return it. */
export function parseSuggestion(value: unknown): Suggestion {
  const o = obj(value, "suggestion");
  return suggestionFields(o, { seq: num(o, "seq"), rank: num(o, "rank"), bot: str(o, "bot") });
}

export function parseCallSummary(value: unknown): CallSummary {
  const o = obj(value, "call");
  return {
    id: str(o, "id"),
    source: str(o, "source"),
    from_number: optStr(o, "from_number"),
    to_number: optStr(o, "to_number"),
    agent_id: optStr(o, "agent_id"),
    queue: optStr(o, "queue"),
    status: oneOf(o, "status", CALL_STATUSES),
    started_at: str(o, "started_at"),
    ended_at: optStr(o, "ended_at"),
    audio_ms: num(o, "audio_ms"),
    segments: num(o, "segments"),
  };
}

/** The body of `GET /v1/calls`. */
export function parseCallList(value: unknown): CallSummary[] {
  if (!Array.isArray(value)) throw new ProtocolError("the call list must be an array");
  return value.map(parseCallSummary);
}

function summaryLine(value: unknown, key: string): SummaryLine {
  const s = obj(value, key);
  return {
    part: oneOf(s, "part", Object.keys(SUMMARY_PARTS) as SummaryPart[]),
    speaker: str(s, "speaker"),
    at_s: num(s, "at_s"),
    text: str(s, "text"),
  };
}

/** The `roles` object (keyed by channel index) as a list ordered by channel number. */
function channelRoles(value: unknown): ChannelRole[] {
  if (value == null) return [];
  return Object.entries(obj(value, "roles"))
    .map(([channel, v]) => {
      const r = obj(v, `roles.${channel}`);
      return {
        channel,
        role: str(r, "role"),
        confidence: num(r, "confidence"),
        detected: r.detected === true,
        loudness_lufs: optNum(r, "loudness_lufs"),
      };
    })
    .sort((a, b) => Number(a.channel) - Number(b.channel));
}

/** The body of `GET /v1/calls/{id}`, for the agent and supervisor workspaces and the call search alike. */
export function parseCallDetail(value: unknown): CallDetail {
  const o = obj(value, "call");
  return {
    ...parseCallSummary(o),
    transcript: arr(o, "transcript", (v, k) => segmentFields(obj(v, k))),
    categories: arr(o, "categories", strItem, true),
    rule_hits: arr(o, "rule_hits", (v, k) => ruleHitFields(obj(v, k)), true),
    suggestions: arr(o, "suggestions", parseSuggestion, true),
    missed: arr(o, "missed", (v, k) => missedFields(obj(v, k)), true),
    metrics: parseCallMetrics(o.metrics),
    summary: arr(o, "summary", summaryLine, true),
    key_phrases: arr(o, "key_phrases", strItem, true),
    roles: channelRoles(o.roles),
    audio_url: optStr(o, "audio_url"),
  };
}

export function parseMe(value: unknown): Me {
  const o = obj(value, "me");
  return { name: str(o, "name"), role: str(o, "role") };
}

/** Frame types this page understands; any other is skipped (forward compatible). */
const LIVE_TYPES = new Set<string>([
  "call_started",
  "partial",
  "segment",
  "rule_hit",
  "suggestions",
  "suggestion_feedback",
  "missed",
  "lagging",
  "degraded",
  "call_ended",
  "skipped",
]);

/** Reads one frame of the live feed; null for a type this page does not know (newer servers may add some). */
export function parseLiveEvent(raw: string): LiveEvent | null {
  const o = parseObject(raw);
  const type = str(o, "type");
  if (!LIVE_TYPES.has(type)) return null;
  if (type === "skipped") return { type, events: num(o, "events") };
  const call_id = str(o, "call_id");
  switch (type) {
    case "call_started":
      return {
        type,
        call_id,
        from_number: optStr(o, "from_number"),
        to_number: optStr(o, "to_number"),
        agent_id: optStr(o, "agent_id"),
        offset_ms: o.offset_ms == null ? 0 : num(o, "offset_ms"),
      };
    case "partial":
      return {
        type,
        call_id,
        channel: num(o, "channel"),
        speaker: oneOf(o, "speaker", SPEAKERS),
        start_ms: num(o, "start_ms"),
        stable: str(o, "stable"),
        unstable: str(o, "unstable"),
      };
    case "segment":
      return { type, call_id, ...segmentFields(o) };
    case "rule_hit":
      return { type, call_id, speaker: str(o, "speaker"), ...ruleHitFields(o) };
    case "suggestions": {
      const seq = num(o, "seq");
      const bot = str(o, "bot");
      const suggestions = arr(o, "suggestions", (v, k) => obj(v, k)).map((s, rank) =>
        suggestionFields(s, { seq, rank, bot }),
      );
      return { type, call_id, seq, bot, suggestions };
    }
    case "suggestion_feedback":
      return {
        type,
        call_id,
        suggestion_id: str(o, "suggestion_id"),
        feedback: oneOf(o, "feedback", FEEDBACK),
        by: str(o, "by"),
      };
    case "missed":
      return { type, call_id, ...missedFields(o) };
    case "lagging":
      return { type, call_id, behind_ms: num(o, "behind_ms") };
    case "degraded":
      return {
        type,
        call_id,
        stage: str(o, "stage"),
        reason: str(o, "reason"),
        resumed_at_ms: num(o, "resumed_at_ms"),
      };
    case "call_ended":
      return {
        type,
        call_id,
        status: oneOf(o, "status", CALL_STATUSES),
        reason: optStr(o, "reason"),
        audio_ms: num(o, "audio_ms"),
        segments: num(o, "segments"),
      };
    default:
      return null;
  }
}

/** The source line of a suggestion: which intent or FAQ article it came from. */
export function describeSuggestionSource(s: Pick<Suggestion, "kind" | "reference" | "title">): string {
  return s.kind === "intent" ? `intent: ${s.reference}` : `FAQ: ${s.title}`;
}

/** A 0…1 score as the whole percentage shown beside a suggestion. */
export function percent(score: number): string {
  return `${Math.round(Math.max(0, Math.min(1, score)) * 100)} %`;
}
