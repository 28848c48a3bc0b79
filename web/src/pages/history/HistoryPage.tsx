// A bot's versions, newest first (who, when, why, the gate's report, rollback), beside a diff between any two of them.

import { useState } from "react";
import type { StaffSession } from "../../components/StaffGate";
import { useLoad } from "../../components/useLoad";
import { defaultDiff } from "../../lib/reports";
import { DiffPanel } from "./DiffPanel";
import { VersionCard } from "./VersionCard";

export function HistoryPage({ session }: { session: StaffSession }) {
  const { api } = session;
  const bots = useLoad(() => api.listBots(), "bots");
  const [chosenBot, setBot] = useState<string | null>(null);
  const bot = chosenBot ?? bots.data?.[0]?.name ?? null;
  const versions = useLoad(async () => (bot ? api.versions(bot) : []), `versions:${bot}`);
  const [pair, setPair] = useState<{ bot: string; from: number; to: number } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const list = bot && versions.data?.[0]?.bot === bot ? versions.data : [];
  const fallback = defaultDiff(list);
  const shown = pair && pair.bot === bot ? pair : fallback && bot ? { bot, ...fallback } : null;

  const rollBack = async (version: number) => {
    if (!bot) return;
    const made = await api.rollback(bot, version);
    setDone(`v${made.version} now serves the content of v${version}.`);
    setPair(null);
    await versions.reload();
  };

  return (
    <main className="st-main im-main im-history">
      <div className="im-column">
        <section className="st-card im-toolbar">
          <label className="im-field">
            <span className="st-small">Bot</span>
            <select data-testid="history-bot" value={bot ?? ""} onChange={(e) => {
                setBot(e.target.value);
                setDone(null);
              }}>
              {(bots.data ?? []).map((b) => (
                <option key={b.name} value={b.name}>
                  {b.name} (serving v{b.version})
                </option>
              ))}
            </select>
          </label>
          {done && (
            <p className="im-ok st-small" role="status" data-testid="rollback-done">
              {done}
            </p>
          )}
        </section>
        {(bots.error ?? versions.error) && (
          <p className="st-notice st-small" role="alert" data-testid="load-error">
            Could not load the history: {bots.error ?? versions.error}
          </p>
        )}
        {list.length === 0 && !versions.error && <p className="st-centered st-muted">Loading the versions…</p>}
        <ol className="im-versions" aria-label="Versions, newest first">
          {list.map((v) => (
            <VersionCard key={v.version} version={v} onRollBack={rollBack} onCompare={(from, to) => bot && setPair({ bot, from, to })} />
          ))}
        </ol>
      </div>
      <aside className="im-side">
        {bot && shown && (
          <DiffPanel api={api} bot={bot} versions={list} from={shown.from} to={shown.to} onChange={(from, to) => setPair({ bot, from, to })} />
        )}
      </aside>
    </main>
  );
}
