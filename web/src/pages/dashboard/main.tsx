// Entry of the dashboard (`/dashboard`): the overview of ended calls over a range of UTC days — totals, trends per day, agents, queues and what callers talked about.

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { StaffGate, takeStartToken } from "../../components/StaffGate";
import { DashboardPage } from "./DashboardPage";
import "../../components/staff.css";
import "./dashboard.css";

const startToken = takeStartToken();
const root = document.getElementById("root");
if (!root) throw new Error("dashboard.html lacks the #root element");
createRoot(root).render(
  <StrictMode>
    <StaffGate title="Dashboard" page="dashboard" needed="supervisor" startToken={startToken}>
      {(session) => <DashboardPage session={session} />}
    </StaffGate>
  </StrictMode>,
);
