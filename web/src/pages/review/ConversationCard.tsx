// One chat or call under review: what was said around the bot's misses (loaded on demand), and each missed utterance to pick.

import { Redacted } from "../../components/Redacted";
import { useLoad } from "../../components/useLoad";
import type { MissedUtterance, Proposal } from "../../lib/improve";
import { type ContextLine, callContext, chatContext } from "../../lib/reviewContext";
import type { Conversation, Pick } from "../../lib/review";
import { when } from "../../lib/reports";
import type { StaffApi } from "../../lib/staffApi";
import { MissedItem } from "./MissedItem";

export function ConversationCard(props: {
  api: StaffApi;
  conversation: Conversation;
  intents: string[];
  picks: Record<string, Pick>;
  errors: Record<string, string>;
  proposed: Map<string, Proposal>;
  onToggle: (m: MissedUtterance) => void;
  onChange: (id: string, edit: Partial<Pick>) => void;
}) {
  const { api, conversation: c } = props;
  const texts = c.missed.map((m) => m.text);
  const context = useLoad<ContextLine[]>(
    async () =>
      c.kind === "chat"
        ? chatContext(await api.chatTranscript(c.id), texts)
        : callContext((await api.getCall(c.id)).transcript, c.missed.map((m) => m.seq ?? -1)),
    c.key,
  );
  return (
    <section className="st-card im-conversation" data-testid="review-conversation" data-kind={c.kind} data-id={c.id} aria-label={`${c.kind} ${c.id}`}>
      <h2 className="st-section-title">
        <span>
          {c.kind === "chat" ? "Chat" : "Call"} · {c.bot}
        </span>
        <span className="st-small im-normal-case">{when(c.latest)}</span>
      </h2>
      <details className="im-details" open>
        <summary className="st-small">Conversation</summary>
        {context.error && <p className="st-muted st-small">Could not load the conversation: {context.error}</p>}
        {context.data === null && !context.error && <p className="st-muted st-small">Loading the conversation…</p>}
        {context.data && (
          <ol className="im-context" data-testid="conversation-context">
            {context.data.map((line, i) =>
              line.gap ? (
                <li key={`gap-${i}`} className="im-gap st-muted st-small" aria-label="earlier or later turns left out">
                  …
                </li>
              ) : (
                <li key={i} className={`im-line im-line-${line.speaker}${line.missed ? " im-line-missed" : ""}`} data-testid="context-turn" data-speaker={line.speaker} data-missed={line.missed || undefined}>
                  <span className="st-speaker">{line.speaker}</span> <Redacted text={line.text} />
                  {line.note && <span className="st-muted st-small"> · {line.note}</span>}
                </li>
              ),
            )}
          </ol>
        )}
      </details>
      <ul className="im-items">
        {c.missed.map((m) => (
          <MissedItem
            key={m.id}
            missed={m}
            intents={props.intents}
            pick={props.picks[m.id]}
            error={props.errors[m.id]}
            proposal={props.proposed.get(m.id)}
            onToggle={props.onToggle}
            onChange={props.onChange}
          />
        ))}
      </ul>
    </section>
  );
}
