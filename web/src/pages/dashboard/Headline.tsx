// The headline row of the dashboard: the range's totals a supervisor reads first (calls, length, talk vs silence, customer mood, interruptions).

import type { ReactNode } from "react";
import { formatSeconds } from "../../lib/callMetrics";
import { type Totals, shareText } from "../../lib/dashboard";
import { SentimentValue } from "./Tables";

function Tile(props: { label: string; children: ReactNode; sub?: ReactNode }) {
  return (
    <div className="st-card db-tile">
      <span className="db-tile-label">{props.label}</span>
      <span className="db-tile-value">{props.children}</span>
      {props.sub && <span className="st-muted st-small">{props.sub}</span>}
    </div>
  );
}

export function Headline({ totals: t }: { totals: Totals }) {
  const perCall = t.calls > 0 ? (t.interruptions / t.calls).toFixed(1) : null;
  return (
    <section className="db-headline" aria-label="Totals" data-testid="dashboard-totals">
      <Tile label="Calls" sub={<>{formatSeconds(t.duration_s)} in all</>}>
        <span data-testid="total-calls" data-value={t.calls}>
          {t.calls}
        </span>
      </Tile>
      <Tile label="Mean duration">
        <span data-testid="total-mean-duration" data-value={t.mean_duration_s ?? ""}>
          {t.mean_duration_s === null ? "—" : formatSeconds(t.mean_duration_s)}
        </span>
      </Tile>
      <Tile
        label="Talk / silence"
        sub={
          <>
            agent {formatSeconds(t.agent_talk_s)}, customer {formatSeconds(t.customer_talk_s)}
          </>
        }
      >
        <span data-testid="total-talk-share" data-value={t.talk_share ?? ""}>
          {shareText(t.talk_share)}
        </span>
        <span className="db-slash"> / </span>
        <span data-testid="total-silence-share" data-value={t.silence_share ?? ""}>
          {shareText(t.silence_share)}
        </span>
      </Tile>
      <Tile
        label="Customer sentiment"
        sub={
          <>
            agent <SentimentValue value={t.agent_sentiment} testId="total-agent-sentiment" />
          </>
        }
      >
        <SentimentValue value={t.customer_sentiment} testId="total-customer-sentiment" />
      </Tile>
      <Tile label="Interruptions" sub={perCall === null ? undefined : `${perCall} per call`}>
        <span data-testid="total-interruptions" data-value={t.interruptions}>
          {t.interruptions}
        </span>
      </Tile>
    </section>
  );
}
