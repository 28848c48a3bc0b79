// The audit log, newest first: who did what to which subject and when, with the state before and after (collapsed JSON).

import { useState } from "react";
import type { StaffSession } from "../../components/StaffGate";
import { useLoad } from "../../components/useLoad";
import type { AuditEntry } from "../../lib/history";
import { changedFields, describeAction, versionChange, when } from "../../lib/reports";

const LIMITS = [50, 100, 500, 1000] as const;

export function AuditPage({ session }: { session: StaffSession }) {
  const { api } = session;
  const [limit, setLimit] = useState<number>(100);
  const log = useLoad(() => api.audit(limit), `audit:${limit}`);
  const entries = log.data ?? [];
  return (
    <main className="st-main im-main im-audit">
      <section className="st-card im-audit-card">
        <div className="im-bulk-row">
          <h2 className="st-section-title">
            Entries <span className="st-count" data-testid="audit-count">{entries.length}</span>
          </h2>
          <label className="st-small">
            Show the newest{" "}
            <select data-testid="audit-limit" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
              {LIMITS.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="st-button st-quiet" data-testid="audit-refresh" disabled={log.loading} onClick={() => void log.reload()}>
            {log.loading ? "Loading…" : "Refresh"}
          </button>
        </div>
        {log.error && (
          <p className="st-notice st-small" role="alert" data-testid="load-error">
            Could not load the audit log: {log.error}
          </p>
        )}
        {log.data !== null && entries.length === 0 && (
          <p className="st-muted" data-testid="audit-empty">
            Nothing recorded yet: proposals, decisions, published versions and rollbacks appear here.
          </p>
        )}
        {entries.length > 0 && (
          <table className="st-table im-audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Subject</th>
                <th scope="col">Before → after</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <AuditRow key={e.id} entry={e} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}

function AuditRow({ entry: e }: { entry: AuditEntry }) {
  const changed = changedFields(e.before, e.after);
  const moved = versionChange(e.before, e.after);
  return (
    <tr data-testid="audit-entry" data-action={e.action} data-actor={e.actor} data-subject={e.subject}>
      <td className="im-nowrap st-small" data-testid="audit-when">
        <time dateTime={e.at}>{when(e.at)}</time>
      </td>
      <td data-testid="audit-actor">{e.actor}</td>
      <td>
        <span className={`st-badge im-action im-action-${e.action.split(".")[0]}`} title={e.action} data-testid="audit-action">
          {describeAction(e.action)}
        </span>
      </td>
      <td>
        <span className="im-subject" data-testid="audit-subject">
          {e.subject}
        </span>
        {moved && <span className="st-small st-muted"> · {moved}</span>}
      </td>
      <td>
        {e.before === null && e.after === null ? (
          <span className="st-muted">—</span>
        ) : (
          <details className="im-details" data-testid="audit-json">
            <summary className="st-small" data-testid="audit-changed">
              {e.before === null ? `new: ${changed.join(", ")}` : changed.length > 0 ? changed.join(", ") : "no field changed"}
            </summary>
            <div className="im-json-pair">
              <div>
                <p className="st-small st-muted">Before</p>
                <pre className="im-json" data-testid="audit-before">
                  {e.before === null ? "—" : JSON.stringify(e.before, null, 2)}
                </pre>
              </div>
              <div>
                <p className="st-small st-muted">After</p>
                <pre className="im-json" data-testid="audit-after">
                  {e.after === null ? "—" : JSON.stringify(e.after, null, 2)}
                </pre>
              </div>
            </div>
          </details>
        )}
      </td>
    </tr>
  );
}
