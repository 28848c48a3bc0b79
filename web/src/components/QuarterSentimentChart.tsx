// Each party's mean sentiment per quarter of the call as a small uPlot chart, so a call that soured (or recovered) shows at a glance.

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { QUARTERS, quarterSeries, scoredQuarters } from "../lib/callMetrics";
import type { CallMetrics } from "../lib/calls";
import { SPEAKER_COLOURS } from "./SentimentChart";

const HEIGHT = 130;
const MIN_WIDTH = 200;

function options(width: number): uPlot.Options {
  const party = (label: string, colour: string): uPlot.Series => ({
    label,
    stroke: colour,
    width: 2,
    // A quarter without scored speech is a gap, not a line drawn through it.
    spanGaps: false,
    points: { show: true, size: 7, fill: colour },
  });
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: [0.7, 4.3] }, y: { auto: false, range: [-1, 1] } },
    axes: [
      { splits: () => QUARTERS, values: (_u, ticks) => ticks.map((t) => `Q${t}`), grid: { show: false }, size: 28 },
      { values: (_u, ticks) => ticks.map((t) => (t > 0 ? `+${t}` : `${t}`)), size: 44, splits: () => [-1, -0.5, 0, 0.5, 1] },
    ],
    series: [{ label: "quarter" }, party("Customer", SPEAKER_COLOURS.customer), party("Agent", SPEAKER_COLOURS.agent)],
  };
}

/** The chart, or a short note when nobody said anything scored. */
export function QuarterSentimentChart({ metrics }: { metrics: Pick<CallMetrics, "sentiment_by_quarter"> }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const data = quarterSeries(metrics);
  const points = scoredQuarters(metrics);
  // Compared by value: a re-render with the same metrics keeps the chart.
  const key = JSON.stringify(data);
  useEffect(() => {
    const box = boxRef.current;
    if (!box || points === 0) return;
    const plot = new uPlot(options(Math.max(MIN_WIDTH, box.clientWidth)), data as uPlot.AlignedData, box);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(MIN_WIDTH, box.clientWidth), height: HEIGHT }));
    observer.observe(box);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [key]);
  return (
    <div data-testid="metrics-sentiment-chart" data-points={points}>
      {points === 0 && <p className="st-muted st-small">Nothing said was scored for sentiment.</p>}
      <div ref={boxRef} className="st-chart" aria-hidden="true" />
    </div>
  );
}
