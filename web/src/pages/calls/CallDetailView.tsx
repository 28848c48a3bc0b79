// One call opened from the search: its audio and a timeline coloured by sentiment, summary, each channel's role, key phrases, metrics and the transcript.

import { type RefObject, useMemo, useRef, useState } from "react";
import { CallMetricsPanel } from "../../components/CallMetricsPanel";
import { useLoad } from "../../components/useLoad";
import { formatSeconds } from "../../lib/callMetrics";
import { roleSource } from "../../lib/callSearch";
import { formatDuration } from "../../lib/callViews";
import { type CallDetail, SUMMARY_PARTS } from "../../lib/calls";
import { when } from "../../lib/reports";
import type { StaffApi } from "../../lib/staffApi";
import { activeSeqs, buildTimeline, centredScrollTop, pageScrollDelta, playheadPercent, seekSeconds, timelineDuration } from "../../lib/timeline";
import { CallTimeline } from "./CallTimeline";
import { type CallAudio, useCallAudio, usePlayback } from "./useCallAudio";

const capitalised = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);

export function CallDetailView({ api, id, onClose }: { api: StaffApi; id: string; onClose: () => void }) {
  const loaded = useLoad(() => api.getCall(id), id);
  const call = loaded.data;
  const audio = useCallAudio(api, call?.audio_url ?? null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const playback = usePlayback(audioRef, audio.state === "ready" ? audio.src : null);
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const transcriptRef = useRef<HTMLOListElement>(null);
  const playbackRef = useRef<HTMLElement>(null);

  const select = (seq: number, startMs: number) => {
    setSelectedSeq(seq);
    const el = audioRef.current;
    if (el && audio.state === "ready") el.currentTime = seekSeconds({ startMs });
    bringIntoView(seq);
  };

  /** Scrolls the transcript to the line, and the page only if the line is out of sight (below the sticky player). */
  const bringIntoView = (seq: number) => {
    const list = transcriptRef.current;
    const line = list?.querySelector<HTMLElement>(`[data-seq="${seq}"]`);
    if (!list || !line) return;
    list.scrollTop = centredScrollTop(line.offsetTop, line.offsetHeight, list.clientHeight);
    const sticky = playbackRef.current;
    const stickyBottom = sticky && getComputedStyle(sticky).position === "sticky" ? sticky.getBoundingClientRect().bottom : 0;
    const rect = line.getBoundingClientRect();
    const delta = pageScrollDelta({ top: rect.top, bottom: rect.bottom }, { top: Math.max(0, stickyBottom), bottom: window.innerHeight });
    if (delta !== 0) window.scrollBy({ top: delta, behavior: "smooth" });
  };

  const playing = audio.state === "ready" && (playback.playing || playback.currentS > 0) && call ? activeSeqs(call.transcript, playback.currentS * 1000) : [];
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
            {when(call.started_at)} · agent {call.agent_id ?? "—"}
            {call.queue && <> · queue {call.queue}</>} · {call.status}
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
          <Playback
            call={call}
            audio={audio}
            audioRef={audioRef}
            sectionRef={playbackRef}
            durationS={playback.durationS}
            playheadS={audio.state === "ready" ? playback.currentS : null}
            selectedSeq={selectedSeq}
            playingSeqs={playing}
            onSelect={select}
          />
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
            <ol className="st-transcript cs-transcript" data-testid="transcript" ref={transcriptRef}>
              {call.transcript.map((s) => (
                <li
                  key={s.seq}
                  className={`st-seg st-seg-${s.speaker}${s.seq === selectedSeq ? " cs-seg-selected" : ""}${playing.includes(s.seq) ? " cs-seg-playing" : ""}`}
                  data-testid="segment"
                  data-seq={s.seq}
                  data-speaker={s.speaker}
                  data-sentiment={s.sentiment?.label}
                  data-selected={s.seq === selectedSeq || undefined}
                  aria-current={s.seq === selectedSeq ? "true" : undefined}
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

/** The call's audio (fetched with the token) above its timeline; sticks to the top while the transcript scrolls by. */
function Playback({
  call,
  audio,
  audioRef,
  sectionRef,
  durationS,
  playheadS,
  selectedSeq,
  playingSeqs,
  onSelect,
}: {
  call: CallDetail;
  audio: CallAudio;
  audioRef: RefObject<HTMLAudioElement | null>;
  sectionRef: RefObject<HTMLElement | null>;
  durationS: number | null;
  /** Null without audio: no playhead. */
  playheadS: number | null;
  selectedSeq: number | null;
  playingSeqs: readonly number[];
  onSelect: (seq: number, startMs: number) => void;
}) {
  const timeline = useMemo(() => {
    const duration = timelineDuration(call.transcript, [call.metrics ? call.metrics.duration_s * 1000 : null, call.audio_ms, durationS === null ? null : durationS * 1000]);
    return buildTimeline(call.transcript, call.rule_hits, duration);
  }, [call, durationS]);
  return (
    <section className="st-card cs-playback" aria-label="Playback" data-testid="call-playback" ref={sectionRef}>
      <h3 className="st-section-title">Audio and timeline</h3>
      {audio.state === "none" && (
        <p className="st-muted st-small" data-testid="no-audio">
          Audio not kept (recording retention is off); the transcript is stored.
        </p>
      )}
      {audio.state === "loading" && (
        <p className="st-muted st-small" role="status" data-testid="audio-loading">
          Loading audio…
        </p>
      )}
      {audio.state === "error" && (
        <p className="st-error st-small" role="alert" data-testid="audio-error">
          Could not load the audio: {audio.message}
        </p>
      )}
      {audio.state === "ready" && <audio className="cs-audio" controls preload="auto" src={audio.src} ref={audioRef} data-testid="call-audio" />}
      {call.transcript.length === 0 ? (
        <p className="st-muted st-small">Nothing was transcribed, so there is no timeline.</p>
      ) : (
        <CallTimeline
          timeline={timeline}
          playheadPercent={playheadS === null ? null : playheadPercent(playheadS, timeline.durationMs)}
          selectedSeq={selectedSeq}
          playingSeqs={playingSeqs}
          onSelect={onSelect}
        />
      )}
    </section>
  );
}
