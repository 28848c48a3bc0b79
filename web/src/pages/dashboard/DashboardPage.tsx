// The overview of ended calls: a filter bar (UTC days, agent, queue), the totals, four per-day charts and the tables, kept in the address so a view can be linked to.

import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import type { StaffSession } from "../../components/StaffGate";
import { FormError } from "../../lib/callSearch";
import { type Dashboard, type DashboardFilter, NO_FILTER, dashboardQuery, filterFromSearch, filterSearch, scopeText } from "../../lib/dashboard";
import { CategoryChart, SentimentTrend, TalkChart, VolumeChart } from "./DayCharts";
import { Headline } from "./Headline";
import { DayTable, GroupTable, LabelTable } from "./Tables";

function showFilterInUrl(filter: DashboardFilter) {
  const url = new URL(window.location.href);
  url.search = filterSearch(filter);
  window.history.replaceState(null, "", url);
}

/** While loading, the last answer stays on screen (dimmed) so the page does not jump. */
type Answer = { state: "loading"; last: Dashboard | null } | { state: "error"; message: string } | { state: "done"; dashboard: Dashboard };

export function DashboardPage({ session }: { session: StaffSession }) {
  const { api } = session;
  const [form, setForm] = useState<DashboardFilter>(() => filterFromSearch(window.location.search));
  const [answer, setAnswer] = useState<Answer>({ state: "loading", last: null });
  const [applied, setApplied] = useState<DashboardFilter>(form);
  // Finished requests, so a test (or a person's script) can tell a fresh answer from the last one.
  const [loads, setLoads] = useState(0);
  const latest = useRef(0);

  const run = useCallback(
    async (filter: DashboardFilter) => {
      const request = ++latest.current;
      setApplied(filter);
      showFilterInUrl(filter);
      let query: string;
      try {
        query = dashboardQuery(filter);
      } catch (err) {
        setAnswer({ state: "error", message: err instanceof FormError ? err.message : String(err) });
        setLoads((n) => n + 1);
        return;
      }
      setAnswer((a) => ({ state: "loading", last: a.state === "done" ? a.dashboard : a.state === "loading" ? a.last : null }));
      try {
        const dashboard = await api.dashboard(query);
        if (request === latest.current) setAnswer({ state: "done", dashboard });
      } catch (err) {
        if (request === latest.current) setAnswer({ state: "error", message: err instanceof Error ? err.message : String(err) });
      } finally {
        if (request === latest.current) setLoads((n) => n + 1);
      }
    },
    [api],
  );

  // What the address asked for, once signed in.
  useEffect(() => {
    void run(filterFromSearch(window.location.search));
  }, [run]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(form);
  };
  const reset = () => {
    setForm(NO_FILTER);
    void run(NO_FILTER);
  };
  /** A clicked agent or queue narrows what is shown (not what was typed and not applied yet). */
  const pick = (key: "agent" | "queue", value: string) => {
    const next = { ...applied, [key]: value };
    setForm(next);
    void run(next);
  };
  const field = (key: keyof DashboardFilter) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })),
  });

  const d = answer.state === "done" ? answer.dashboard : answer.state === "loading" ? answer.last : null;
  return (
    <main className="st-main db-main" data-testid="dashboard" data-state={answer.state} data-loads={loads}>
      <form className="st-card db-filters" onSubmit={submit} aria-label="Filters" data-testid="dashboard-filters">
        <label>
          From (UTC)
          <input type="date" data-testid="dashboard-from" {...field("from")} />
        </label>
        <label>
          To (UTC)
          <input type="date" data-testid="dashboard-to" {...field("to")} />
        </label>
        <label>
          Agent
          <input type="text" data-testid="dashboard-agent" placeholder="all agents" {...field("agent")} />
        </label>
        <label>
          Queue
          <input type="text" data-testid="dashboard-queue" placeholder="all queues" {...field("queue")} />
        </label>
        <div className="db-filter-actions">
          <button type="submit" className="st-button" data-testid="dashboard-apply" disabled={answer.state === "loading"}>
            {answer.state === "loading" ? "Loading…" : "Apply"}
          </button>
          <button type="button" className="st-button st-quiet" data-testid="dashboard-reset" onClick={reset}>
            Reset
          </button>
        </div>
        <p className="st-muted st-small db-scope" data-testid="dashboard-scope">
          {d ? scopeText(d) : "Days are UTC; without dates, the last 30 days up to today."}
        </p>
      </form>
      {answer.state === "error" && (
        <p className="st-card st-error" role="alert" data-testid="dashboard-error">
          {answer.message}
        </p>
      )}
      {answer.state === "loading" && !d && (
        <p className="st-centered st-muted" role="status">
          Loading the overview…
        </p>
      )}
      {d && (
        <div className={answer.state === "loading" ? "db-overview db-stale" : "db-overview"} aria-busy={answer.state === "loading"}>
          <Overview dashboard={d} onPick={pick} />
        </div>
      )}
    </main>
  );
}

function Overview({ dashboard: d, onPick }: { dashboard: Dashboard; onPick: (key: "agent" | "queue", value: string) => void }) {
  return (
    <>
      <Headline totals={d.totals} />
      {d.totals.calls === 0 ? (
        <section className="st-card st-empty" data-testid="dashboard-empty">
          <h2>No calls</h2>
          <p className="st-muted">
            No ended call matches {scopeText(d)}. A call is counted a little after it ends, once its analysis is stored; widen the
            range or clear the agent and queue.
          </p>
        </section>
      ) : (
        <>
          <div className="db-charts">
            <VolumeChart days={d.days} />
            <SentimentTrend days={d.days} />
            <TalkChart days={d.days} />
            <CategoryChart days={d.days} categoryDays={d.category_days} />
          </div>
          <div className="db-groups">
            <GroupTable dashboard={d} table="agents" title="Agents" noun="agent" rows={d.agents} selected={d.agent} onPick={(k) => onPick("agent", k)} />
            <GroupTable dashboard={d} table="queues" title="Queues" noun="queue" rows={d.queues} selected={d.queue} onPick={(k) => onPick("queue", k)} />
          </div>
          <div className="db-labels">
            <LabelTable dashboard={d} table="categories" title="Categories" noun="Category" rows={d.categories} empty="No call was categorised." />
            <LabelTable dashboard={d} table="phrases" title="Key phrases" noun="Phrase" rows={d.key_phrases} empty="No key phrases." />
            <LabelTable
              dashboard={d}
              table="missed"
              title="Missed intents"
              noun="Bot's best guess"
              rows={d.missed_intents}
              empty="The bot understood every utterance."
            />
          </div>
          <DayTable dashboard={d} days={d.days} />
        </>
      )}
    </>
  );
}
