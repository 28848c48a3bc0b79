// Candidate new intents: what nobody proposed yet, grouped by meaning, each proposable as one new intent in a click.

import { useState } from "react";
import { useLoad } from "../../components/useLoad";
import type { BotInfo } from "../../lib/improve";
import type { StaffApi } from "../../lib/staffApi";
import { ClusterCard } from "./ClusterCard";

export function Clusters(props: { api: StaffApi; bots: BotInfo[]; onProposed: () => void }) {
  const { api, bots } = props;
  const [chosenBot, setBot] = useState<string | null>(null);
  const bot = chosenBot ?? bots[0]?.name ?? null;
  const clusters = useLoad(async () => (bot ? api.clusters(bot) : []), `clusters:${bot}`);
  const intents = bots.find((b) => b.name === bot)?.intents ?? [];

  const proposed = async () => {
    props.onProposed();
    await clusters.reload();
  };

  return (
    <section className="st-card im-clusters" aria-label="Candidate new intents" data-testid="clusters-panel">
      <h2 className="st-section-title">
        Candidate new intents
        {bots.length > 1 && (
          <select data-testid="cluster-bot" value={bot ?? ""} onChange={(e) => setBot(e.target.value)} aria-label="Bot">
            {bots.map((b) => (
              <option key={b.name} value={b.name}>
                {b.name}
              </option>
            ))}
          </select>
        )}
      </h2>
      <p className="st-muted st-small">
        Missed utterances nobody proposed yet{bot ? ` for ${bot}` : ""}, grouped by meaning. Propose a group as one new intent; it then waits in the
        queue like any proposal.
      </p>
      {clusters.error && <p className="st-error st-small">Could not group them: {clusters.error}</p>}
      {clusters.loading && clusters.data === null && <p className="st-muted st-small">Grouping…</p>}
      {bot && !clusters.loading && clusters.data?.length === 0 && (
        <p className="st-muted st-small" data-testid="clusters-empty">
          No two unproposed utterances say the same thing yet.
        </p>
      )}
      {clusters.data?.map((c) => (
        <ClusterCard key={c.members.map((m) => m.id).join(",")} api={api} cluster={c} intents={intents} onProposed={proposed} />
      ))}
    </section>
  );
}
