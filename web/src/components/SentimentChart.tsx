// Each speaker's running sentiment over the call as a uPlot line chart, so a conversation turning sour is visible at a glance.

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { CallView } from "../lib/callState";
import { RUNNING_NEUTRAL_BAND, currentSentiment, formatDuration, sentimentSeries } from "../lib/callViews";

const HEIGHT = 150;
/** Time ticks at whole, readable steps (seconds). */
const TICK_SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
/** Each speaker's line colour, shared with the other sentiment charts so a party keeps its colour. */
export const SPEAKER_COLOURS = { customer: "#2f6fb3", agent: "#8a63b8" } as const;

/** Tints the positive and negative bands behind the lines, green above and red below. */
function bands(u: uPlot) {
  const { ctx, bbox } = u;
  const y = (v: number) => u.valToPos(v, "y", true);
  ctx.save();
  ctx.fillStyle = "rgba(46, 139, 87, 0.08)";
  ctx.fillRect(bbox.left, y(1), bbox.width, y(RUNNING_NEUTRAL_BAND) - y(1));
  ctx.fillStyle = "rgba(192, 57, 43, 0.08)";
  ctx.fillRect(bbox.left, y(-RUNNING_NEUTRAL_BAND), bbox.width, y(-1) - y(-RUNNING_NEUTRAL_BAND));
  ctx.restore();
}

function options(width: number): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false }, y: { auto: false, range: [-1, 1] } },
    axes: [
      { incrs: TICK_SECONDS, values: (_u, ticks) => ticks.map((t) => formatDuration(t * 1000)), size: 28 },
      { values: (_u, ticks) => ticks.map((t) => (t > 0 ? `+${t}` : `${t}`)), size: 44, splits: () => [-1, -0.5, 0, 0.5, 1] },
    ],
    series: [
      { label: "time" },
      { label: "Customer", stroke: SPEAKER_COLOURS.customer, width: 2, spanGaps: true, points: { size: 5 } },
      { label: "Agent", stroke: SPEAKER_COLOURS.agent, width: 2, spanGaps: true, points: { size: 5 } },
    ],
    hooks: { drawAxes: [bands] },
  };
}

export function SentimentChart({ call }: { call: CallView }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const series = sentimentSeries(call.segments);
  const points = series.seconds.length;
  const data: uPlot.AlignedData = [series.seconds, series.customer, series.agent];

  // Redraw only when the points change, not on every partial that re-renders the page.
  const key = JSON.stringify(data);
  useEffect(() => {
    const box = boxRef.current;
    if (!box || points === 0) return;
    if (!plotRef.current) {
      plotRef.current = new uPlot(options(Math.max(200, box.clientWidth)), data, box);
    } else {
      plotRef.current.setData(data);
    }
  }, [key]);

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const observer = new ResizeObserver(() => {
      plotRef.current?.setSize({ width: Math.max(200, box.clientWidth), height: HEIGHT });
    });
    observer.observe(box);
    return () => {
      observer.disconnect();
      plotRef.current?.destroy();
      plotRef.current = null;
    };
  }, []);

  const customer = currentSentiment(call.segments, "customer");
  const agent = currentSentiment(call.segments, "agent");
  return (
    <section className="st-card st-sentiment-card" aria-label="Sentiment trend" data-testid="sentiment-chart" data-points={points}>
      <h2 className="st-section-title">
        Sentiment
        <span className="st-now st-small">
          {customer && <span className={`st-sent-text st-sent-${customer.label}`}>customer {customer.label}</span>}
          {agent && <span className={`st-sent-text st-sent-${agent.label}`}>agent {agent.label}</span>}
        </span>
      </h2>
      {points === 0 && <p className="st-muted st-small">The trend appears once someone has spoken.</p>}
      <div ref={boxRef} className="st-chart" aria-hidden="true" />
    </section>
  );
}
