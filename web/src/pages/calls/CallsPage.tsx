// Search across calls: a form of words and filters, one row per matching call with its marked snippets, the results as CSV, and the call opened beside the list.

import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import type { StaffSession } from "../../components/StaffGate";
import { downloadText } from "../../components/download";
import { formatSeconds } from "../../lib/callMetrics";
import { EMPTY_FORM, FormError, type SearchForm, type SearchHit, hitsCsv, searchQuery, sentimentCue } from "../../lib/callSearch";
import { when } from "../../lib/reports";
import { CallDetailView } from "./CallDetailView";
import { Fragment } from "./Fragment";

/** The call opened through `?id=`, so a call can be linked to. */
function idFromUrl(): string | null {
  return new URLSearchParams(window.location.search).get("id");
}

function showIdInUrl(id: string | null) {
  const url = new URL(window.location.href);
  if (id) url.searchParams.set("id", id);
  else url.searchParams.delete("id");
  window.history.replaceState(null, "", url);
}

type Results = { state: "idle" } | { state: "loading" } | { state: "error"; message: string } | { state: "done"; hits: SearchHit[]; words: string };

export function CallsPage({ session }: { session: StaffSession }) {
  const { api } = session;
  const [form, setForm] = useState<SearchForm>(EMPTY_FORM);
  const [results, setResults] = useState<Results>({ state: "idle" });
  const [openId, setOpenId] = useState<string | null>(idFromUrl);
  const latest = useRef(0);

  const run = useCallback(
    async (f: SearchForm) => {
      const request = ++latest.current;
      let query: string;
      try {
        query = searchQuery(f);
      } catch (err) {
        setResults({ state: "error", message: err instanceof FormError ? err.message : String(err) });
        return;
      }
      setResults({ state: "loading" });
      try {
        const hits = await api.searchCalls(query);
        if (request === latest.current) setResults({ state: "done", hits, words: f.words.trim() });
      } catch (err) {
        if (request === latest.current) setResults({ state: "error", message: err instanceof Error ? err.message : String(err) });
      }
    },
    [api],
  );

  // The newest calls, before anything was typed.
  useEffect(() => {
    void run(EMPTY_FORM);
  }, [run]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(form);
  };
  const open = (id: string | null) => {
    setOpenId(id);
    showIdInUrl(id);
  };
  const field = (key: keyof SearchForm) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })),
  });

  const hits = results.state === "done" ? results.hits : [];
  return (
    <main className="st-main cs-main">
      <form className="st-card cs-form" onSubmit={submit} role="search" data-testid="search-form">
        <div className="cs-words-row">
          <label className="cs-words">
            <span className="st-visually-hidden">Words</span>
            <input
              type="search"
              placeholder='Words, "a phrase", OR, -word (empty: newest calls)'
              data-testid="search-words"
              {...field("words")}
            />
          </label>
          <button type="submit" className="st-button" data-testid="search-submit" disabled={results.state === "loading"}>
            {results.state === "loading" ? "Searching…" : "Search"}
          </button>
        </div>
        <div className="cs-filters">
          <label>
            From (UTC)
            <input type="date" data-testid="filter-from" {...field("from")} />
          </label>
          <label>
            To (UTC)
            <input type="date" data-testid="filter-to" {...field("to")} />
          </label>
          <label>
            Agent
            <input type="text" data-testid="filter-agent" placeholder="agent-7" {...field("agent")} />
          </label>
          <label>
            Category
            <input type="text" data-testid="filter-category" {...field("category")} />
          </label>
          <label>
            Sentiment ≥
            <input type="number" step="0.1" min="-1" max="1" data-testid="filter-min-sentiment" {...field("minSentiment")} />
          </label>
          <label>
            Sentiment ≤
            <input type="number" step="0.1" min="-1" max="1" data-testid="filter-max-sentiment" {...field("maxSentiment")} />
          </label>
          <label>
            Min minutes
            <input type="number" step="0.5" min="0" data-testid="filter-min-minutes" {...field("minMinutes")} />
          </label>
          <label>
            Max minutes
            <input type="number" step="0.5" min="0" data-testid="filter-max-minutes" {...field("maxMinutes")} />
          </label>
        </div>
      </form>
      <div className={`cs-grid${openId ? " cs-grid-open" : ""}`}>
        <section className="st-card cs-results" aria-label="Results">
          <div className="cs-results-head">
            <h2 className="st-section-title">
              Calls <span className="st-count" data-testid="hit-count">{hits.length}</span>
              {results.state === "done" && (
                <span className="st-muted st-small">{results.words ? ` matching “${results.words}”, best first` : " newest first"}</span>
              )}
            </h2>
            <DownloadCsv hits={hits} />
          </div>
          {results.state === "error" && (
            <p className="st-error" role="alert" data-testid="search-error">
              {results.message}
            </p>
          )}
          {results.state === "done" && hits.length === 0 && (
            <p className="st-muted" data-testid="search-empty">
              No call matches.
            </p>
          )}
          {hits.length > 0 && (
            <table className="st-table cs-table">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Categories</th>
                  <th scope="col">Customer sentiment</th>
                </tr>
              </thead>
              {hits.map((h) => (
                <HitRows key={h.call_id} hit={h} selected={h.call_id === openId} onOpen={() => open(h.call_id)} />
              ))}
            </table>
          )}
        </section>
        {openId && <CallDetailView key={openId} api={api} id={openId} onClose={() => open(null)} />}
      </div>
    </main>
  );
}

function HitRows({ hit: h, selected, onOpen }: { hit: SearchHit; selected: boolean; onOpen: () => void }) {
  const cue = sentimentCue(h.sentiment);
  const cls = selected ? "cs-hit st-row-selected" : "cs-hit";
  return (
    <tbody className={cls} data-testid="call-hit" data-call-id={h.call_id} onClick={onOpen}>
      <tr>
        <td className="im-nowrap">
          <button type="button" className="cs-open" data-testid="open-call" aria-pressed={selected} onClick={(e) => (e.stopPropagation(), onOpen())}>
            <time dateTime={h.started_at}>{when(h.started_at)}</time>
          </button>
        </td>
        <td data-testid="hit-agent">{h.agent_id ?? <span className="st-muted">—</span>}</td>
        <td data-testid="hit-duration" data-seconds={h.duration_s}>
          {formatSeconds(h.duration_s)}
        </td>
        <td>
          <span className="st-chips st-chips-tight">
            {h.categories.map((c) => (
              <span key={c} className="st-chip st-chip-category" data-testid="hit-category">
                {c}
              </span>
            ))}
          </span>
        </td>
        <td data-testid="hit-sentiment">
          {cue.label && <span className={`st-sent-dot st-sent-${cue.label}`} aria-hidden="true" />} {cue.text}
        </td>
      </tr>
      {h.snippets.length > 0 && (
        <tr className="cs-snippet-row">
          <td colSpan={5}>
            <ul className="cs-snippets">
              {h.snippets.slice(0, 3).map((s, i) => (
                <li key={i} data-testid="snippet" data-speaker={s.speaker}>
                  <span className="st-muted st-small cs-snippet-meta">
                    {s.speaker} {formatSeconds(s.at_s)}
                  </span>{" "}
                  <Fragment fragment={s.fragment} highlights={s.highlights} />
                </li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </tbody>
  );
}

/** The shown results as a CSV file, built in the browser. */
function DownloadCsv({ hits }: { hits: SearchHit[] }) {
  const download = () => downloadText("calls.csv", hitsCsv(hits));
  return (
    <button type="button" className="st-button st-quiet" data-testid="download-csv" disabled={hits.length === 0} onClick={download}>
      Download CSV
    </button>
  );
}
