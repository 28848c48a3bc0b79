// The ended call in numbers (talk time and ratio, silence, interruptions, pace, sentiment by quarter), so how it went shows at a glance.

import type { CallView } from "../lib/callState";
import { formatPace, formatSeconds, formatTrend, interruptionsBy, talkRatioPercents, talkShares } from "../lib/callMetrics";
import type { CallMetrics } from "../lib/calls";
import "./callMetrics.css";
import { QuarterSentimentChart } from "./QuarterSentimentChart";

const PARTS = [
  { part: "agent", label: "Agent" },
  { part: "customer", label: "Customer" },
  { part: "silence", label: "Silence" },
] as const;

/** Agent, customer and silence as one bar with its legend (times and whole percents). */
function TalkBar({ m }: { m: CallMetrics }) {
  const shares = talkShares(m);
  const seconds = { agent: m.talk_time_s.agent, customer: m.talk_time_s.customer, silence: m.non_talk_s };
  const testIds = { agent: "metrics-talk-agent", customer: "metrics-talk-customer", silence: "metrics-non-talk" };
  return (
    <>
      <div className="st-talk-bar" data-testid="talk-bar" role="img" aria-label={PARTS.map((p) => `${p.label} ${shares[p.part]} %`).join(", ")}>
        {PARTS.map(({ part, label }) =>
          shares[part] > 0 ? (
            <span key={part} className={`st-talk-${part}`} style={{ width: `${shares[part]}%` }} data-testid="talk-share" data-part={part} data-percent={shares[part]} title={`${label} ${shares[part]} %`} />
          ) : null,
        )}
      </div>
      <ul className="st-talk-legend">
        {PARTS.map(({ part, label }) => (
          <li key={part}>
            <span className={`st-swatch st-talk-${part}`} aria-hidden="true" />
            {label}{" "}
            <strong data-testid={testIds[part]} data-seconds={seconds[part]} title={`${seconds[part].toFixed(1)} s`}>
              {formatSeconds(seconds[part])}
            </strong>{" "}
            <span className="st-muted">{shares[part]} %</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Shown once the call has ended and its stored metrics arrived; nothing for live calls or older servers. */
export function CallMetricsPanel({ call }: { call: Pick<CallView, "id" | "metrics"> }) {
  const m = call.metrics;
  if (!m) return null;
  const ratio = talkRatioPercents(m.talk_ratio);
  const interrupted = interruptionsBy(m);
  return (
    <section className="st-card st-metrics-card" aria-label="Call metrics" data-testid="call-metrics" data-call-id={call.id}>
      <h2 className="st-section-title">
        Call metrics
        <span className="st-now st-small" data-testid="metrics-duration" data-seconds={m.duration_s}>
          {formatSeconds(m.duration_s)}
        </span>
      </h2>
      <TalkBar m={m} />
      <dl className="st-metrics">
        <dt>Talk ratio</dt>
        <dd data-testid="metrics-talk-ratio" data-ratio={m.talk_ratio}>
          agent {ratio.agent} % · customer {ratio.customer} %
        </dd>
        <dt>Longest silence</dt>
        <dd data-testid="metrics-longest-silence" data-seconds={m.longest_silence_s}>
          {formatSeconds(m.longest_silence_s)}
        </dd>
        <dt>Interruptions</dt>
        <dd data-testid="metrics-interruptions" data-count={m.interruptions.length}>
          {m.interruptions.length} <span className="st-muted">(by agent {interrupted.agent}, by customer {interrupted.customer})</span>
        </dd>
        <dt>Overlap</dt>
        <dd data-testid="metrics-overlap" data-seconds={m.overlap_s}>
          {formatSeconds(m.overlap_s)}
        </dd>
        <dt>Pace</dt>
        <dd>
          agent <span data-testid="metrics-wpm-agent" data-wpm={m.words_per_minute.agent}>{formatPace(m.words_per_minute.agent)}</span> · customer{" "}
          <span data-testid="metrics-wpm-customer" data-wpm={m.words_per_minute.customer}>{formatPace(m.words_per_minute.customer)}</span>
        </dd>
      </dl>
      <h3 className="st-metrics-subtitle">
        Sentiment by quarter
        <span className="st-muted st-small" data-testid="metrics-trend">
          trend: customer {formatTrend(m.sentiment_trend.customer)} · agent {formatTrend(m.sentiment_trend.agent)}
        </span>
      </h3>
      <QuarterSentimentChart metrics={m} />
    </section>
  );
}
