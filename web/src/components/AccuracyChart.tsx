// Each intent's share of its own tests answered right (bars, after the change; dots, before) as a uPlot chart, weakest first, so a regression stands out.

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { type IntentAccuracy, chartColumns } from "../lib/reports";

const HEIGHT = 170;
const AFTER = "#1f5fbf";
const BEFORE = "#b7791f";

function options(width: number, rows: IntentAccuracy[]): uPlot.Options {
  const bars = uPlot.paths.bars?.({ size: [0.8, 24], gap: 1 });
  const name = (i: number | null) => (i === null ? "" : (rows[Math.round(i)]?.intent ?? ""));
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: { x: { time: false, range: [-0.5, rows.length - 0.5] }, y: { auto: false, range: [0, 100] } },
    axes: [
      {
        // One tick per intent, named only while the names fit.
        show: rows.length <= 12,
        splits: () => rows.map((_, i) => i),
        values: (_u, ticks) => ticks.map((t) => name(t)),
        grid: { show: false },
        size: 30,
        gap: 2,
      },
      { values: (_u, ticks) => ticks.map((t) => `${t} %`), size: 56, splits: () => [0, 25, 50, 75, 100] },
    ],
    series: [
      { label: "intent", value: (_u, v) => name(v) },
      { label: "after", stroke: AFTER, fill: "rgba(31, 95, 191, 0.55)", width: 0, paths: bars, points: { show: false }, value: (_u, v) => (v == null ? "—" : `${v.toFixed(0)} %`) },
      {
        label: "before",
        stroke: BEFORE,
        width: 0,
        paths: () => null,
        points: { show: true, size: 5, fill: BEFORE },
        value: (_u, v) => (v == null ? "—" : `${v.toFixed(0)} %`),
      },
    ],
  };
}

export function AccuracyChart({ rows }: { rows: IntentAccuracy[] }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const key = JSON.stringify(rows);
  useEffect(() => {
    const box = boxRef.current;
    if (!box || rows.length === 0) return;
    const plot = new uPlot(options(Math.max(240, box.clientWidth), rows), chartColumns(rows) as uPlot.AlignedData, box);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(240, box.clientWidth), height: HEIGHT }));
    observer.observe(box);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
    // The rows are compared by value: a re-render with the same report keeps the chart.
  }, [key]);
  return <div ref={boxRef} className="st-chart im-accuracy-chart" data-testid="report-chart" data-intents={rows.length} aria-hidden="true" />;
}
