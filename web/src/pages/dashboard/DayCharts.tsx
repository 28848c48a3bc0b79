// The dashboard's four per-day uPlot charts (volume, sentiment, talk vs silence, top categories) on one UTC day axis, so the trends line up.

import { type ReactNode, useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { SPEAKER_COLOURS } from "../../components/SentimentChart";
import {
  type CategoryDay,
  type DayTotals,
  axisDay,
  categoryColumns,
  sentimentColumns,
  talkColumns,
  tickEvery,
  volumeColumns,
} from "../../lib/dashboard";

const HEIGHT = 170;
const MIN_WIDTH = 260;
const HALF_DAY = 43_200;
/** Colours of the category lines, in the order the categories are ranked. */
const CATEGORY_COLOURS = ["#1f5fbf", "#b7791f", "#2e8b57", "#8a63b8", "#c0392b", "#4b8b9b"];

type Columns = (number | null)[][];

/** Options every chart shares: days as x (UTC starts in seconds), labelled as often as they fit. */
function dayOptions(width: number, series: uPlot.Series[], y: uPlot.Scale, yAxis: Partial<uPlot.Axis>): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      // Half a day either side, so a one-day range and the outer bars still show.
      x: { time: false, range: (u) => [(u.data[0][0] ?? 0) - HALF_DAY, (u.data[0].at(-1) ?? 0) + HALF_DAY] },
      y,
    },
    axes: [
      {
        splits: (u) => {
          const xs = Array.from(u.data[0]);
          const every = tickEvery(xs.length, u.bbox.width / uPlot.pxRatio);
          return xs.filter((_, i) => i % every === 0);
        },
        values: (_u, ticks) => ticks.map(axisDay),
        grid: { show: false },
        size: 30,
      },
      { size: 44, ...yAxis },
    ],
    series: [{ label: "day", value: (_u, v) => (v == null ? "—" : axisDay(v)) }, ...series],
  };
}

/** A uPlot chart drawn into its box, redrawn only when its numbers or its series' names change. */
function Chart({ data, options, names = [] }: { data: Columns; options: (width: number) => uPlot.Options; names?: string[] }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const key = JSON.stringify([data, names]);
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const width = () => Math.max(MIN_WIDTH, box.clientWidth);
    const plot = new uPlot(optionsRef.current(width()), data as uPlot.AlignedData, box);
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: HEIGHT }));
    observer.observe(box);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
    // Compared by value: a reload with the same numbers keeps the chart.
  }, [key]);
  return <div ref={boxRef} className="st-chart" aria-hidden="true" />;
}

function ChartCard(props: { testId: string; title: string; note?: string; children: ReactNode }) {
  return (
    <section className="st-card db-chart" aria-label={props.title} data-testid={props.testId}>
      <h2 className="st-section-title">
        {props.title}
        {props.note && <span className="st-muted st-small db-note">{props.note}</span>}
      </h2>
      {props.children}
    </section>
  );
}

const line = (label: string, stroke: string, format: (v: number) => string): uPlot.Series => ({
  label,
  stroke,
  width: 2,
  // A day without calls is a gap, not a line drawn through it.
  spanGaps: false,
  points: { show: true, size: 5, fill: stroke },
  value: (_u, v) => (v == null ? "—" : format(v)),
});

const signed = (v: number) => `${v > 0 ? "+" : ""}${v.toFixed(2)}`;
const percent = (v: number) => `${v.toFixed(1)} %`;
const whole = (v: number) => String(Math.round(v));
/** Whole steps for count axes, so one call never shows as 0.5. */
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];
const countScale: uPlot.Scale = { range: (_u, _min, max) => [0, Math.max(1, max)] };
const countAxis: Partial<uPlot.Axis> = { incrs: COUNT_STEPS, values: (_u, ticks) => ticks.map(whole) };

function volumeOptions(width: number): uPlot.Options {
  const bars = uPlot.paths.bars?.({ size: [0.7, 36], gap: 1 });
  return dayOptions(
    width,
    [{ label: "Calls", stroke: "#1f5fbf", fill: "rgba(31, 95, 191, 0.55)", width: 0, paths: bars, points: { show: false }, value: (_u, v) => (v == null ? "—" : whole(v)) }],
    countScale,
    countAxis,
  );
}

function sentimentOptions(width: number): uPlot.Options {
  return dayOptions(
    width,
    [line("Customer", SPEAKER_COLOURS.customer, signed), line("Agent", SPEAKER_COLOURS.agent, signed)],
    { auto: false, range: [-1, 1] },
    { splits: () => [-1, -0.5, 0, 0.5, 1], values: (_u, ticks) => ticks.map((t) => (t > 0 ? `+${t}` : `${t}`)) },
  );
}

function talkOptions(width: number): uPlot.Options {
  return dayOptions(
    width,
    [line("Talk", "#2e8b57", percent), line("Silence", "#7b8794", percent)],
    { auto: false, range: [0, 100] },
    { splits: () => [0, 25, 50, 75, 100], values: (_u, ticks) => ticks.map((t) => `${t} %`), size: 52 },
  );
}

export function VolumeChart({ days }: { days: DayTotals[] }) {
  return (
    <ChartCard testId="chart-volume" title="Calls per day">
      <Chart data={volumeColumns(days)} options={volumeOptions} />
    </ChartCard>
  );
}

export function SentimentTrend({ days }: { days: DayTotals[] }) {
  return (
    <ChartCard testId="chart-sentiment" title="Mean sentiment per day" note="−1…+1, gaps where nothing was scored">
      <Chart data={sentimentColumns(days)} options={sentimentOptions} />
    </ChartCard>
  );
}

export function TalkChart({ days }: { days: DayTotals[] }) {
  return (
    <ChartCard testId="chart-talk" title="Talk vs silence" note="share of each day's call time">
      <Chart data={talkColumns(days)} options={talkOptions} />
    </ChartCard>
  );
}

export function CategoryChart({ days, categoryDays }: { days: DayTotals[]; categoryDays: CategoryDay[] }) {
  const { labels, columns } = categoryColumns(days, categoryDays);
  const options = (width: number) =>
    dayOptions(
      width,
      labels.map((l, i) => line(l, CATEGORY_COLOURS[i % CATEGORY_COLOURS.length], whole)),
      countScale,
      countAxis,
    );
  return (
    <ChartCard testId="chart-categories" title="Top categories per day">
      {labels.length === 0 && <p className="st-muted st-small">No call in this range was categorised.</p>}
      <Chart data={columns} options={options} names={labels} />
    </ChartCard>
  );
}
