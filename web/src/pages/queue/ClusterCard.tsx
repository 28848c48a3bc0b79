// One candidate intent: its suggested name (editable), the utterances in it (each can be left out), a response, and "Propose as new intent".

import { useState } from "react";
import type { Cluster } from "../../lib/improve";
import { clusterProblem, clusterProposals } from "../../lib/queue";
import type { StaffApi } from "../../lib/staffApi";

export function ClusterCard(props: { api: StaffApi; cluster: Cluster; intents: string[]; onProposed: () => Promise<void> }) {
  const { api, cluster: c, intents } = props;
  const [name, setName] = useState(c.name);
  const [response, setResponse] = useState("");
  const [chosen, setChosen] = useState(() => new Set(c.members.map((m) => m.id)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const problem = clusterProblem(chosen.size, name, intents);

  const toggle = (id: string) =>
    setChosen((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const propose = async () => {
    if (problem || busy) return;
    setBusy(true);
    setError(null);
    try {
      await api.propose(clusterProposals(c, chosen, name, response));
      await props.onProposed();
    } catch (err) {
      setError(`Nothing was proposed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="im-cluster" data-testid="cluster" data-name={c.name} data-size={c.size}>
      <p className="im-cluster-head">
        <strong>{c.name}</strong> <span className="st-muted st-small">· {c.size} utterances</span>
      </p>
      <ul className="im-cluster-members">
        {c.members.map((m) => (
          <li key={m.id} data-testid="cluster-member" data-missed-id={m.id}>
            <label className="st-small">
              <input type="checkbox" data-testid="cluster-member-select" checked={chosen.has(m.id)} onChange={() => toggle(m.id)} /> <q>{m.text}</q>
            </label>
          </li>
        ))}
      </ul>
      <div className="im-pick">
        <label className="im-field">
          <span className="st-small">Intent name</span>
          <input data-testid="cluster-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="im-field im-field-wide">
          <span className="st-small">Response (needed before approval)</span>
          <textarea data-testid="cluster-response" rows={2} value={response} onChange={(e) => setResponse(e.target.value)} />
        </label>
      </div>
      {problem && <p className="st-warn st-small">{problem}</p>}
      <button type="button" className="st-button st-quiet" data-testid="cluster-propose" disabled={problem !== null || busy} onClick={() => void propose()}>
        {busy ? "Proposing…" : `Propose ${chosen.size} as new intent`}
      </button>
      {error && (
        <p className="st-error st-small" role="alert" data-testid="cluster-error">
          {error}
        </p>
      )}
    </div>
  );
}
