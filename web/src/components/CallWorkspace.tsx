// One call as the agent sees it: header, metrics once ended, alerts, suggestions, transcript, sentiment, key phrases, missed words; read-only without onFeedback.

import type { CallView } from "../lib/callState";
import { Alerts } from "./Alerts";
import { CallHeader } from "./CallHeader";
import { CallMetricsPanel } from "./CallMetricsPanel";
import { KeyPhrases } from "./KeyPhrases";
import { MissedList } from "./MissedList";
import { SentimentChart } from "./SentimentChart";
import { type SendFeedback, Suggestions } from "./Suggestions";
import { Transcript } from "./Transcript";

export function CallWorkspace({ call, onFeedback }: { call: CallView; onFeedback?: SendFeedback }) {
  return (
    <div className="st-workspace" data-call-id={call.id}>
      <div className="st-workspace-grid">
        <div className="st-col st-col-main">
          <CallHeader call={call} />
          <CallMetricsPanel call={call} />
          <Alerts call={call} />
          <Transcript call={call} />
        </div>
        <div className="st-col st-col-assist">
          <Suggestions call={call} onFeedback={onFeedback} />
          <SentimentChart call={call} />
          <KeyPhrases call={call} />
          <MissedList call={call} />
        </div>
      </div>
    </div>
  );
}
