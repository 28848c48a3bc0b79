// Entry of the supervisor live view (`/supervisor`): every active call, the alert feed, and any call opened read-only.

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { StaffGate, takeStartToken } from "../../components/StaffGate";
import { SupervisorView } from "./SupervisorView";
import "../../components/staff.css";

const startToken = takeStartToken();
const root = document.getElementById("root");
if (!root) throw new Error("supervisor.html lacks the #root element");
createRoot(root).render(
  <StrictMode>
    <StaffGate title="Live calls" page="supervisor view" needed="supervisor" startToken={startToken}>
      {(session) => <SupervisorView session={session} />}
    </StaffGate>
  </StrictMode>,
);
