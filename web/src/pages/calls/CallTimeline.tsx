// The call as a timeline: a lane per speaker with each segment coloured by its sentiment, rule hits pinned where they matched, and the playhead of the audio. Layout and colours come from lib/timeline.

import type { Timeline, TimelineBlock } from "../../lib/timeline";
import { SENTIMENT_RGB } from "../../lib/timeline";

const LANE_LABEL = { customer: "Customer", agent: "Agent" } as const;

/** Height of one row of rule hits (px). */
const HIT_ROW_PX = 14;

const rgb = (c: readonly number[]) => `rgb(${c.join(", ")})`;

export function CallTimeline({
  timeline,
  playheadPercent,
  selectedSeq,
  playingSeqs,
  onSelect,
}: {
  timeline: Timeline;
  /** Null when there is no audio to follow. */
  playheadPercent: number | null;
  selectedSeq: number | null;
  playingSeqs: readonly number[];
  onSelect: (seq: number, startMs: number) => void;
}) {
  const block = (b: TimelineBlock) => {
    const selected = b.seq === selectedSeq;
    const playing = playingSeqs.includes(b.seq);
    return (
      <button
        key={b.seq}
        type="button"
        className={`cs-tl-block${selected ? " cs-tl-selected" : ""}${playing ? " cs-tl-playing" : ""}`}
        style={{ left: `${b.left}%`, width: `${b.width}%`, background: b.colour }}
        title={b.title}
        aria-label={b.title.replace("\n", " — ")}
        aria-pressed={selected}
        data-testid="timeline-segment"
        data-seq={b.seq}
        data-speaker={b.speaker}
        data-start-ms={b.startMs}
        data-end-ms={b.endMs}
        data-score={b.score ?? undefined}
        data-selected={selected || undefined}
        onClick={() => onSelect(b.seq, b.startMs)}
      />
    );
  };
  return (
    <div className="cs-timeline" data-testid="call-timeline" data-duration-ms={timeline.durationMs}>
      <div className="cs-tl-body">
        {timeline.hitRows > 0 && (
          <div className="cs-tl-row cs-tl-hits-row">
            <span className="cs-tl-label">Rules</span>
            <div className="cs-tl-track cs-tl-hits" style={{ height: timeline.hitRows * HIT_ROW_PX }}>
              {timeline.hits.map((h, i) => (
                <button
                  key={i}
                  type="button"
                  className={`cs-tl-hit cs-tl-hit-${h.severity ?? "category"}`}
                  style={{ left: `${h.left}%`, top: h.row * HIT_ROW_PX }}
                  title={h.title}
                  aria-label={h.title.replace("\n", " — ")}
                  data-testid="timeline-hit"
                  data-seq={h.seq}
                  data-kind={h.kind}
                  data-category={h.category}
                  data-severity={h.severity ?? undefined}
                  onClick={() => onSelect(h.seq, h.startMs)}
                />
              ))}
            </div>
          </div>
        )}
        {timeline.lanes.map((lane) => (
          <div key={lane.speaker} className={`cs-tl-row cs-tl-lane-${lane.speaker}`} data-testid="timeline-lane" data-speaker={lane.speaker}>
            <span className="cs-tl-label">{LANE_LABEL[lane.speaker]}</span>
            <div className="cs-tl-track cs-tl-lane">
              {timeline.hits
                .filter((h) => h.speaker === lane.speaker)
                .map((h, i) => (
                  <span key={`hit-${i}`} className="cs-tl-hit-line" style={{ left: `${h.left}%` }} aria-hidden="true" />
                ))}
              {lane.blocks.map(block)}
            </div>
          </div>
        ))}
        <div className="cs-tl-row cs-tl-axis-row" aria-hidden="true">
          <span className="cs-tl-label" />
          <div className="cs-tl-track cs-tl-axis">
            {timeline.ticks.map((t) => (
              <span key={t.ms} className="cs-tl-tick" style={{ left: `${t.left}%` }}>
                {t.label}
              </span>
            ))}
          </div>
        </div>
        {playheadPercent !== null && (
          <div className="cs-tl-overlay" aria-hidden="true">
            <span className="cs-tl-playhead" data-testid="timeline-playhead" data-percent={playheadPercent.toFixed(2)} style={{ left: `${playheadPercent}%` }} />
          </div>
        )}
      </div>
      <ul className="cs-tl-legend st-small st-muted" aria-label="Legend">
        <li>
          <span className="cs-tl-swatch" style={{ background: rgb(SENTIMENT_RGB.negative) }} /> negative
        </li>
        <li>
          <span className="cs-tl-swatch" style={{ background: rgb(SENTIMENT_RGB.neutral) }} /> neutral
        </li>
        <li>
          <span className="cs-tl-swatch" style={{ background: rgb(SENTIMENT_RGB.positive) }} /> positive
        </li>
        <li>
          <span className="cs-tl-swatch" style={{ background: rgb(SENTIMENT_RGB.unscored) }} /> not scored
        </li>
        <li>
          <span className="cs-tl-hit cs-tl-hit-high cs-tl-hit-static" /> alert
        </li>
        <li>
          <span className="cs-tl-hit cs-tl-hit-category cs-tl-hit-static" /> category
        </li>
      </ul>
    </div>
  );
}
