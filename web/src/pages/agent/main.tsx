// Entry of the agent workspace (`/agent`): the signed-in agent's current call with live assist.

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { StaffGate, takeStartToken } from "../../components/StaffGate";
import { AgentWorkspace } from "./AgentWorkspace";
import "../../components/staff.css";

const startToken = takeStartToken();
const root = document.getElementById("root");
if (!root) throw new Error("agent.html lacks the #root element");
createRoot(root).render(
  <StrictMode>
    <StaffGate title="Agent workspace" page="agent workspace" needed="agent" startToken={startToken}>
      {(session) => <AgentWorkspace session={session} />}
    </StaffGate>
  </StrictMode>,
);
