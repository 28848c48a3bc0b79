// One version: number, status, whether it serves, who made it and why, its gate report, and rollback (after a confirmation) when it is an older published one.

import { useState } from "react";
import { GateReportView } from "../../components/GateReportView";
import type { BotVersion } from "../../lib/history";
import { canRollBack, when } from "../../lib/reports";

export function VersionCard(props: { version: BotVersion; onRollBack: (version: number) => Promise<void>; onCompare: (from: number, to: number) => void }) {
  const { version: v } = props;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const rollBack = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onRollBack(v.version);
      setConfirming(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`st-card im-version${v.active ? " im-version-active" : ""}`} data-testid="version" data-version={v.version} data-status={v.status} data-active={v.active}>
      <div className="im-version-head">
        <strong className="im-version-number">v{v.version}</strong>
        {v.active && <span className="st-badge im-badge-ok">serving</span>}
        {v.status === "rejected_by_gate" && <span className="st-badge st-badge-high">refused by the gate</span>}
        <span className="st-small st-muted">
          {when(v.created_at)} · <span data-testid="version-author">{v.author ?? "imported from files"}</span>
          {v.base_version !== null && ` · built on v${v.base_version}`}
          {v.basis_version !== null && (
            <span data-testid="version-basis" title="Only the fast half of the model was retrained: the embedding adapter and out-of-scope calibration are those of this version">
              {` · model basis v${v.basis_version}`}
            </span>
          )}
        </span>
      </div>
      <p className="st-small" data-testid="version-reason">
        {v.reason}
      </p>
      <div className="im-version-actions">
        {v.base_version !== null && (
          <button type="button" className="st-link st-small" data-testid="compare-base" onClick={() => props.onCompare(v.base_version ?? v.version, v.version)}>
            What changed from v{v.base_version}
          </button>
        )}
        {canRollBack(v) && !confirming && (
          <button type="button" className="st-button st-quiet" data-testid="rollback" onClick={() => setConfirming(true)}>
            Roll back to v{v.version}
          </button>
        )}
      </div>
      {confirming && (
        <div className="im-confirm" role="alertdialog" aria-label={`Roll back to v${v.version}`} data-testid="rollback-confirmation">
          <p className="st-small">
            Publish v{v.version}'s content again as a new version? It is trained and tested first, then replaces the serving version on every node.
          </p>
          <div className="im-confirm-actions">
            <button type="button" className="st-button" data-testid="rollback-confirm" disabled={busy} onClick={() => void rollBack()}>
              {busy ? "Rolling back…" : `Yes, roll back to v${v.version}`}
            </button>
            <button type="button" className="st-button st-quiet" data-testid="rollback-cancel" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="st-error st-small" role="alert" data-testid="rollback-error">
          {error}
        </p>
      )}
      {v.report ? (
        <details className="im-details" data-testid="version-report" open={v.active || v.status === "rejected_by_gate"}>
          <summary className="st-small">Regression report</summary>
          <GateReportView report={v.report} />
        </details>
      ) : (
        <p className="st-muted st-small">No gate report (imported from files).</p>
      )}
    </li>
  );
}
