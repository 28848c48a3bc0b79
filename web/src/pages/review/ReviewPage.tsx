// The agent's review after their chats and calls: what the bot missed, grouped by conversation with its context; picks become proposals for a supervisor.

import { useState } from "react";
import type { StaffSession } from "../../components/StaffGate";
import { useLoad } from "../../components/useLoad";
import type { MissedUtterance } from "../../lib/improve";
import { type Pick, groupByConversation, isOpen, pickFor, pickProblem, proposalsByMissed, proposalsOf, refusalText, refusedItem } from "../../lib/review";
import { ApiError } from "../../lib/staffApi";
import { ConversationCard } from "./ConversationCard";
import { MyProposals } from "./MyProposals";

/** Most missed utterances and proposals listed (the newest). */
const MISSED_LIMIT = 500;
const PROPOSAL_LIMIT = 1000;
/** Conversations shown at once, newest first (each loads its context). */
const CONVERSATIONS = 25;

export function ReviewPage({ session }: { session: StaffSession }) {
  const { api } = session;
  const missed = useLoad(() => api.reviewMissed(MISSED_LIMIT), "missed");
  const mine = useLoad(() => api.listProposals({ limit: PROPOSAL_LIMIT }), "mine");
  const bots = useLoad(() => api.listBots(), "bots");
  const [picks, setPicks] = useState<Record<string, Pick>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const intentsOf = (bot: string) => bots.data?.find((b) => b.name === bot)?.intents ?? [];
  const proposed = proposalsByMissed(mine.data ?? []);
  const conversations = groupByConversation(missed.data ?? []);
  const shown = conversations.slice(0, CONVERSATIONS);
  // A pick whose utterance got proposed meanwhile (another tab, a supervisor) is dropped from the batch.
  const chosen = shown.flatMap((c) => c.missed.filter((m) => picks[m.id] && isOpen(m, proposed.get(m.id))).map((m) => picks[m.id]));
  const blocked = chosen.some((p) => pickProblem(p, intentsOf(p.missed.bot)) !== null);

  const toggle = (m: MissedUtterance) => {
    setDone(null);
    setPicks(({ [m.id]: was, ...rest }) => (was ? rest : { ...rest, [m.id]: pickFor(m, intentsOf(m.bot)) }));
    setErrors(({ [m.id]: _, ...rest }) => rest);
  };
  const change = (id: string, edit: Partial<Pick>) => setPicks((all) => (all[id] ? { ...all, [id]: { ...all[id], ...edit } } : all));

  const submit = async () => {
    if (chosen.length === 0 || blocked || sending) return;
    setSending(true);
    setFailure(null);
    setDone(null);
    setErrors({});
    try {
      const stored = await api.propose(proposalsOf(chosen));
      setPicks({});
      setDone(`Sent ${stored.length} proposal${stored.length === 1 ? "" : "s"} to the supervisors.`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const index = err instanceof ApiError ? refusedItem(message, chosen.map((p) => p.missed.id)) : null;
      if (index !== null) setErrors({ [chosen[index].missed.id]: refusalText(message) });
      setFailure(`Nothing was proposed: ${message}`);
    } finally {
      setSending(false);
      await Promise.all([missed.reload(), mine.reload()]);
    }
  };

  const loadError = missed.error ?? bots.error;
  return (
    <main className="st-main im-main im-review">
      <div className="im-column">
        <p className="st-muted im-intro">
          What the bot could not answer in the conversations you handled. Tick what it should learn, say which intent each belongs to
          (or name a new one), and propose: a supervisor approves or rejects.
        </p>
        {loadError && (
          <p className="st-notice st-small" role="alert" data-testid="load-error">
            Could not load the review: {loadError}
          </p>
        )}
        {missed.data === null && !missed.error && <p className="st-centered st-muted">Loading what the bot missed…</p>}
        {missed.data !== null && conversations.length === 0 && (
          <section className="st-card st-empty" data-testid="review-empty">
            <h2>Nothing to review</h2>
            <p className="st-muted">When the bot hands a chat to you, or misses something in your calls, it shows up here.</p>
          </section>
        )}
        {shown.map((c) => (
          <ConversationCard
            key={c.key}
            api={api}
            conversation={c}
            intents={intentsOf(c.bot)}
            picks={picks}
            errors={errors}
            proposed={proposed}
            onToggle={toggle}
            onChange={change}
          />
        ))}
        {conversations.length > shown.length && (
          <p className="st-muted st-small">The {shown.length} most recent conversations are shown; older ones come once these are reviewed.</p>
        )}
      </div>
      <aside className="im-side">
        <section className="st-card im-submit" aria-label="Propose">
          <h2 className="st-section-title">
            Picked <span className="st-count" data-testid="picked-count">{chosen.length}</span>
          </h2>
          <button type="button" className="st-button" data-testid="propose" disabled={chosen.length === 0 || blocked || sending} onClick={() => void submit()}>
            {sending ? "Proposing…" : `Propose ${chosen.length || ""}`.trim()}
          </button>
          {blocked && <p className="st-warn st-small">Finish each pick first (see the hints beside them).</p>}
          {failure && (
            <p className="st-error st-small" role="alert" data-testid="propose-error">
              {failure}
            </p>
          )}
          {done && (
            <p className="im-ok st-small" role="status" data-testid="propose-done">
              {done}
            </p>
          )}
        </section>
        <MyProposals proposals={mine.data} error={mine.error} />
      </aside>
    </main>
  );
}
