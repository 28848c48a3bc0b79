// The regression gate's report in words and a chart: accuracy before and after, why it refused, the intents that lost tests, every intent on demand.

import type { GateReport } from "../lib/history";
import { intentAccuracies, losers, pct1, reportSummary } from "../lib/reports";
import { AccuracyChart } from "./AccuracyChart";

export function GateReportView({ report }: { report: GateReport }) {
  const rows = intentAccuracies(report);
  const lost = losers(report);
  return (
    <div className="im-report" data-testid="gate-report" data-passed={report.passed}>
      <p className="im-report-head">
        <span className={`st-badge ${report.passed ? "im-badge-ok" : "st-badge-high"}`} data-testid="report-verdict">
          {report.passed ? "gate passed" : "gate refused"}
        </span>{" "}
        <span data-testid="report-summary">{reportSummary(report)}</span>
      </p>
      {report.reasons.length > 0 && (
        <ul className="im-reasons">
          {report.reasons.map((r) => (
            <li key={r} className="st-error st-small" data-testid="report-reason">
              {r}
            </li>
          ))}
        </ul>
      )}
      {rows.length > 0 && <AccuracyChart rows={rows} />}
      {lost.length > 0 && (
        <p className="st-small" data-testid="report-losers">
          Lost tests:{" "}
          {lost.map((s, i) => (
            <span key={s.intent}>
              {i > 0 && ", "}
              <strong>{s.intent}</strong> {s.lost} of {s.tests}
            </span>
          ))}
        </p>
      )}
      {rows.length > 0 && (
        <details className="im-details">
          <summary className="st-small">Every intent ({rows.length})</summary>
          <table className="st-table im-report-table">
            <thead>
              <tr>
                <th scope="col">Intent</th>
                <th scope="col">Tests</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
                <th scope="col">Lost</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.intent} data-testid="report-intent" data-intent={r.intent}>
                  <td>{r.intent}</td>
                  <td>{r.tests}</td>
                  <td>{r.before === null ? "—" : pct1(r.before)}</td>
                  <td>{pct1(r.after)}</td>
                  <td className={r.lost > 0 ? "st-error" : undefined}>{r.lost}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
