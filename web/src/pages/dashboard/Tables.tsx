// The dashboard's tables (agents, queues, the most frequent labels, every day), each with its CSV; an agent or queue row narrows the dashboard to it.

import type { ReactNode } from "react";
import { downloadText } from "../../components/download";
import { formatSeconds } from "../../lib/callMetrics";
import { sentimentCue } from "../../lib/callSearch";
import {
  type Dashboard,
  type DayTotals,
  type GroupTotals,
  type LabelCount,
  type TableName,
  type Totals,
  csvFileName,
  dayText,
  groupName,
  shareText,
  tableCsv,
} from "../../lib/dashboard";

/** Downloads one table of the shown answer, built in the browser. */
export function CsvButton({ dashboard, table, empty }: { dashboard: Dashboard; table: TableName; empty: boolean }) {
  return (
    <button
      type="button"
      className="st-button st-quiet db-csv"
      data-testid={`csv-${table}`}
      disabled={empty}
      title={`Download this table as CSV (${csvFileName(dashboard, table)})`}
      onClick={() => downloadText(csvFileName(dashboard, table), tableCsv(dashboard, table))}
    >
      CSV
    </button>
  );
}

/** A −1…1 sentiment with its sign, two decimals and the red/grey/green dot of the other pages. */
export function SentimentValue({ value, testId }: { value: number | null; testId?: string }) {
  const cue = sentimentCue(value);
  return (
    <span className="st-sent-text" data-testid={testId} data-value={value ?? ""}>
      {cue.label && <span className={`st-sent-dot st-sent-${cue.label}`} aria-hidden="true" />} {cue.text}
    </span>
  );
}

function Card(props: { testId: string; title: string; count?: number; action: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`st-card db-table-card ${props.className ?? ""}`} aria-label={props.title} data-testid={props.testId}>
      <div className="db-card-head">
        <h2 className="st-section-title">
          {props.title}
          {props.count !== undefined && <span className="st-count">{props.count}</span>}
        </h2>
        {props.action}
      </div>
      {props.children}
    </section>
  );
}

const TOTALS_HEADERS = ["Calls", "Mean duration", "Talk", "Silence", "Interruptions", "Customer sentiment", "Agent sentiment"];

function TotalsHead({ first }: { first: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {TOTALS_HEADERS.map((h) => (
          <th key={h} scope="col" className="db-num">
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function TotalsCells({ t }: { t: Totals }) {
  return (
    <>
      <td className="db-num" data-testid="row-calls">
        {t.calls}
      </td>
      <td className="db-num">{t.mean_duration_s === null ? "—" : formatSeconds(t.mean_duration_s)}</td>
      <td className="db-num">{shareText(t.talk_share)}</td>
      <td className="db-num">{shareText(t.silence_share)}</td>
      <td className="db-num">{t.interruptions}</td>
      <td className="db-num">
        <SentimentValue value={t.customer_sentiment} />
      </td>
      <td className="db-num">
        <SentimentValue value={t.agent_sentiment} />
      </td>
    </>
  );
}

/** Agents or queues, busiest first; a named one is a link that filters the dashboard by it. */
export function GroupTable(props: {
  dashboard: Dashboard;
  table: "agents" | "queues";
  title: string;
  /** What one row is, e.g. "agent". */
  noun: string;
  rows: GroupTotals[];
  /** The key the dashboard is filtered by, shown selected. */
  selected: string | null;
  onPick: (key: string) => void;
}) {
  const { rows, noun, selected, onPick } = props;
  return (
    <Card
      testId={`table-${props.table}`}
      title={props.title}
      count={rows.length}
      action={<CsvButton dashboard={props.dashboard} table={props.table} empty={rows.length === 0} />}
    >
      {rows.length === 0 ? (
        <p className="st-muted st-small">No calls in this range.</p>
      ) : (
        <div className="db-scroll">
          <table className="st-table db-table">
            <TotalsHead first={noun[0].toUpperCase() + noun.slice(1)} />
            <tbody>
              {rows.map((r) => {
                const key = r.key;
                const cls = [key !== null && "st-row", key !== null && key === selected && "st-row-selected"].filter(Boolean).join(" ");
                return (
                  <tr key={key ?? "\u0000none"} className={cls} data-testid="group-row" data-key={key ?? ""} onClick={key === null ? undefined : () => onPick(key)}>
                    <th scope="row" className="db-key">
                      {key === null ? (
                        <span className="st-muted" title={`Calls that named no ${noun}`}>
                          {groupName(null)}
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="st-link"
                          data-testid="group-filter"
                          title={`Show only ${noun} ${key}`}
                          aria-pressed={key === selected}
                          onClick={(e) => (e.stopPropagation(), onPick(key))}
                        >
                          {key}
                        </button>
                      )}
                    </th>
                    <TotalsCells t={r} />
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** The most frequent labels with how many calls had each, and a bar against the first. */
export function LabelTable(props: { dashboard: Dashboard; table: "categories" | "phrases" | "missed"; title: string; noun: string; rows: LabelCount[]; empty: string }) {
  const { rows } = props;
  const most = Math.max(1, ...rows.map((r) => r.calls));
  return (
    <Card testId={`table-${props.table}`} title={props.title} count={rows.length} action={<CsvButton dashboard={props.dashboard} table={props.table} empty={rows.length === 0} />}>
      {rows.length === 0 ? (
        <p className="st-muted st-small">{props.empty}</p>
      ) : (
        <table className="st-table db-table">
          <thead>
            <tr>
              <th scope="col">{props.noun}</th>
              <th scope="col" className="db-num">
                Calls
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label} data-testid="label-row" data-label={r.label}>
                <td className="db-label">
                  <span className="db-bar" style={{ width: `${(r.calls / most) * 100}%` }} aria-hidden="true" />
                  <span className="db-label-text">{r.label}</span>
                </td>
                <td className="db-num">{r.calls}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

/** Every day of the range, folded away by default (the charts show the same numbers). */
export function DayTable({ dashboard, days }: { dashboard: Dashboard; days: DayTotals[] }) {
  return (
    <Card testId="table-days" title="Per day" count={days.length} action={<CsvButton dashboard={dashboard} table="days" empty={days.length === 0} />}>
      <details className="db-days">
        <summary className="st-small">Show every day</summary>
        <div className="db-scroll">
          <table className="st-table db-table">
            <TotalsHead first="Day (UTC)" />
            <tbody>
              {days.map((d) => (
                <tr key={d.day} className={d.calls === 0 ? "db-quiet" : undefined}>
                  <th scope="row" className="db-key">
                    <time dateTime={d.day}>{dayText(d.day)}</time>
                  </th>
                  <TotalsCells t={d} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </Card>
  );
}
