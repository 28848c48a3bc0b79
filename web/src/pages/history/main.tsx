// Entry of the bot history (`/history`): every version of a bot with who made it and why, the gate's reports, diffs and rollback.

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { StaffGate, takeStartToken } from "../../components/StaffGate";
import { HistoryPage } from "./HistoryPage";
import "../../components/staff.css";
import "../../components/improve.css";

const startToken = takeStartToken();
const root = document.getElementById("root");
if (!root) throw new Error("history.html lacks the #root element");
createRoot(root).render(
  <StrictMode>
    <StaffGate title="Bot history" page="bot history" needed="supervisor" startToken={startToken}>
      {(session) => <HistoryPage session={session} />}
    </StaffGate>
  </StrictMode>,
);
