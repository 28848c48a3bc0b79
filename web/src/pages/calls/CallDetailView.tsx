// One call opened from the search: summary, each channel's role, key phrases, metrics and the transcript.

import { CallMetricsPanel } from "../../components/CallMetricsPanel";
import { useLoad } from "../../components/useLoad";
import { formatSeconds } from "../../lib/callMetrics";
import { SUMMARY_PARTS, roleSource } from "../../lib/callSearch";
import { formatDuration } from "../../lib/callViews";
import { when } from "../../lib/reports";
import type { StaffApi } from "../../lib/staffApi";

const capitalised = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);

export function CallDetailView({ api, id, onClose }: { api: StaffApi; id: string; onClose: () => void }) {
  const loaded = useLoad(() => api.getCallReport(id), id);
  const call = loaded.data;
  return (
    <section className="cs-detail" aria-label="Call" data-testid="call-detail" data-call-id={id}>
      <div className="st-card cs-detail-head">
        <h2 className="st-section-title">
          <span className="st-call-id" title={id}>
            Call {id}
          </span>
          <button type="button" className="st-button st-quiet" data-testid="close-call" onClick={onClose}>
            Close
          </button>
        </h2>
        {loaded.loading && !call && <p className="st-muted" role="status">Loading the call…</p>}
        {loaded.error && (
          <p className="st-error" role="alert" data-testid="detail-error">
            Could not load the call: {loaded.error}
          </p>
        )}
        {call && (
          <p className="st-muted st-small">
            {when(call.started_at)} · agent {call.agent_id ?? "—"} · {call.status}
            {call.categories.length > 0 && (
              <span className="st-chips st-chips-tight cs-inline-chips">
                {call.categories.map((c) => (
                  <span key={c} className="st-chip st-chip-category">
                    {c}
                  </span>
                ))}
              </span>
            )}
          </p>
        )}
      </div>
      {call && (
        <>
          <section className="st-card" aria-label="Summary" data-testid="call-summary">
            <h3 className="st-section-title">Summary</h3>
            {call.summary.length === 0 ? (
              <p className="st-muted st-small" data-testid="summary-empty">
                No summary: too little was said.
              </p>
            ) : (
              <dl className="cs-summary">
                {call.summary.map((s, i) => (
                  <div key={i} className="cs-summary-line" data-testid="summary-line" data-part={s.part}>
                    <dt>{SUMMARY_PARTS[s.part]}</dt>
                    <dd>
                      {s.text}{" "}
                      <span className="st-muted st-small">
                        ({s.speaker}, {formatSeconds(s.at_s)})
                      </span>
                    </dd>
                  </div>
                ))}
              </dl>
            )}
          </section>
          <section className="st-card" aria-label="Channels" data-testid="call-roles">
            <h3 className="st-section-title">Channels</h3>
            {call.roles.length === 0 ? (
              <p className="st-muted st-small">No channel roles recorded.</p>
            ) : (
              <ul className="cs-roles">
                {call.roles.map((r) => (
                  <li key={r.channel} data-testid="channel-role" data-channel={r.channel} data-role={r.role} data-detected={r.detected}>
                    Channel {r.channel}: <strong>{capitalised(r.role)}</strong> <span className="st-muted">({roleSource(r)})</span>
                    {r.loudness_lufs !== null && <span className="st-muted st-small"> · {r.loudness_lufs.toFixed(1)} LUFS</span>}
                  </li>
                ))}
              </ul>
            )}
            {call.key_phrases.length > 0 && (
              <>
                <h3 className="st-section-title">Key phrases</h3>
                <div className="st-chips" data-testid="call-key-phrases">
                  {call.key_phrases.map((k) => (
                    <span key={k} className="st-chip">
                      {k}
                    </span>
                  ))}
                </div>
              </>
            )}
          </section>
          <CallMetricsPanel call={{ id: call.id, metrics: call.metrics }} />
          <section className="st-card" aria-label="Transcript">
            <h3 className="st-section-title">Transcript</h3>
            {call.transcript.length === 0 && <p className="st-muted st-small">Nothing was transcribed.</p>}
            <ol className="st-transcript cs-transcript" data-testid="transcript">
              {call.transcript.map((s) => (
                <li
                  key={s.seq}
                  className={`st-seg st-seg-${s.speaker}`}
                  data-testid="segment"
                  data-speaker={s.speaker}
                  data-sentiment={s.sentiment?.label}
                >
                  <div className="st-seg-meta">
                    <span className="st-speaker">{capitalised(s.speaker)}</span>
                    <span className="st-time">{formatDuration(s.start_ms)}</span>
                    {s.sentiment && (
                      <span
                        className={`st-sent-dot st-sent-${s.sentiment.label}`}
                        title={`${s.sentiment.label} (${s.sentiment.score.toFixed(2)})`}
                        aria-label={`sentiment ${s.sentiment.label}`}
                      />
                    )}
                  </div>
                  <p className="st-seg-text" data-testid="segment-text">
                    {s.text}
                  </p>
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </section>
  );
}
