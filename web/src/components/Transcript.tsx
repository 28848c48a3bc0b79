// The call's words as they arrive: finals with speaker, time and sentiment, partials of speech in progress, missed utterances flagged.

import { useEffect, useRef } from "react";
import type { CallView } from "../lib/callState";
import { formatDuration, missedSeqs } from "../lib/callViews";
import { Redacted } from "./Redacted";

const SPEAKER = { customer: "Customer", agent: "Agent" } as const;

export function Transcript({ call }: { call: CallView }) {
  const listRef = useRef<HTMLOListElement>(null);
  const stickRef = useRef(true);
  const missed = missedSeqs(call);
  const lastPartial = call.partials.map((p) => p.stable + p.unstable).join("|");

  // Follow new words unless the reader scrolled up to look at something.
  useEffect(() => {
    const list = listRef.current;
    if (list && stickRef.current) list.scrollTop = list.scrollHeight;
  }, [call.segments.length, lastPartial]);

  const onScroll = () => {
    const list = listRef.current;
    if (list) stickRef.current = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  };

  return (
    <section className="st-card st-transcript-card" aria-label="Transcript">
      <h2 className="st-section-title">Transcript</h2>
      {call.segments.length === 0 && call.partials.length === 0 && (
        <p className="st-muted st-small" data-testid="transcript-empty">
          {call.status === "live" ? "Waiting for the first words…" : "Nothing was transcribed."}
        </p>
      )}
      <ol className="st-transcript" ref={listRef} onScroll={onScroll} data-testid="transcript" aria-live="polite">
        {call.segments.map((s) => (
          <li
            key={s.seq}
            className={`st-seg st-seg-${s.speaker}${missed.has(s.seq) ? " st-seg-missed" : ""}`}
            data-testid="segment"
            data-seq={s.seq}
            data-speaker={s.speaker}
            data-sentiment={s.sentiment?.label}
            data-missed={missed.has(s.seq) ? "true" : undefined}
          >
            <div className="st-seg-meta">
              <span className="st-speaker">{SPEAKER[s.speaker]}</span>
              <span className="st-time">{formatDuration(s.start_ms)}</span>
              {s.sentiment && (
                <span
                  className={`st-sent-dot st-sent-${s.sentiment.label}`}
                  title={`${s.sentiment.label} (${s.sentiment.score.toFixed(2)})`}
                  aria-label={`sentiment ${s.sentiment.label}`}
                />
              )}
              {missed.has(s.seq) && (
                <span className="st-badge st-badge-missed" data-testid="missed-badge" title="No intent or article matched">
                  missed
                </span>
              )}
            </div>
            <p className="st-seg-text" data-testid="segment-text">
              <Redacted text={s.text} />
            </p>
          </li>
        ))}
        {call.partials.map((p) => (
          <li
            key={`partial-${p.channel}`}
            className={`st-seg st-seg-${p.speaker} st-partial`}
            data-testid="partial"
            data-speaker={p.speaker}
            data-channel={p.channel}
          >
            <div className="st-seg-meta">
              <span className="st-speaker">{SPEAKER[p.speaker]}</span>
              <span className="st-time">{formatDuration(p.start_ms)}</span>
              <span className="st-muted st-small">speaking…</span>
            </div>
            <p className="st-seg-text">
              {p.stable}
              {p.stable && p.unstable ? " " : ""}
              <span className="st-unstable">{p.unstable}</span>
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
