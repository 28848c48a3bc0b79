// What changed per intent between two chosen versions: utterances and responses added and removed.

import { useLoad } from "../../components/useLoad";
import type { BotVersion } from "../../lib/history";
import type { StaffApi } from "../../lib/staffApi";

function VersionSelect(props: { label: string; testId: string; value: number; versions: BotVersion[]; onChange: (v: number) => void }) {
  return (
    <label className="im-field">
      <span className="st-small">{props.label}</span>
      <select data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(Number(e.target.value))}>
        {props.versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
            {v.active ? " (serving)" : v.status === "rejected_by_gate" ? " (refused)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}

function Lines({ sign, items, testId }: { sign: "+" | "−"; items: string[]; testId: string }) {
  return (
    <>
      {items.map((t) => (
        <li key={`${sign}${t}`} className={sign === "+" ? "im-added" : "im-removed"} data-testid={testId}>
          <span aria-hidden="true">{sign} </span>
          {t}
        </li>
      ))}
    </>
  );
}

export function DiffPanel(props: { api: StaffApi; bot: string; versions: BotVersion[]; from: number; to: number; onChange: (from: number, to: number) => void }) {
  const { api, bot, from, to } = props;
  const diff = useLoad(() => api.diff(bot, from, to), `${bot}:${from}:${to}`);
  return (
    <section className="st-card im-diff" aria-label="Differences between two versions" data-testid="diff-panel" data-from={from} data-to={to}>
      <h2 className="st-section-title">What changed</h2>
      <div className="im-pick">
        <VersionSelect label="From" testId="diff-from" value={from} versions={props.versions} onChange={(v) => props.onChange(v, to)} />
        <VersionSelect label="To" testId="diff-to" value={to} versions={props.versions} onChange={(v) => props.onChange(from, v)} />
      </div>
      {diff.error && <p className="st-error st-small">Could not compare them: {diff.error}</p>}
      {diff.loading && <p className="st-muted st-small">Comparing…</p>}
      {!diff.loading && diff.data?.length === 0 && (
        <p className="st-muted st-small" data-testid="diff-empty">
          v{from} and v{to} have the same intents, utterances and responses.
        </p>
      )}
      {!diff.loading &&
        diff.data?.map((d) => (
          <div key={d.intent} className="im-diff-intent" data-testid="diff-intent" data-intent={d.intent} data-change={d.change}>
            <p>
              <span className={`st-badge im-change-${d.change}`}>{d.change}</span> <strong>{d.intent}</strong>
            </p>
            {(d.added_utterances.length > 0 || d.removed_utterances.length > 0) && (
              <ul className="im-diff-lines">
                <Lines sign="+" items={d.added_utterances} testId="diff-added" />
                <Lines sign="−" items={d.removed_utterances} testId="diff-removed" />
              </ul>
            )}
            {(d.added_responses.length > 0 || d.removed_responses.length > 0) && (
              <>
                <p className="st-small st-muted">Responses</p>
                <ul className="im-diff-lines">
                  <Lines sign="+" items={d.added_responses} testId="diff-added-response" />
                  <Lines sign="−" items={d.removed_responses} testId="diff-removed-response" />
                </ul>
              </>
            )}
          </div>
        ))}
    </section>
  );
}
