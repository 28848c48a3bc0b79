// Entry of the call search (`/calls`): words and filters over every ended call, a call opened with its summary, roles, metrics and transcript.

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { StaffGate, takeStartToken } from "../../components/StaffGate";
import { CallsPage } from "./CallsPage";
import "../../components/staff.css";
import "../../components/improve.css";
import "./calls.css";

const startToken = takeStartToken();
const root = document.getElementById("root");
if (!root) throw new Error("calls.html lacks the #root element");
createRoot(root).render(
  <StrictMode>
    <StaffGate title="Call search" page="call search" needed="supervisor" startToken={startToken}>
      {(session) => <CallsPage session={session} />}
    </StaffGate>
  </StrictMode>,
);
