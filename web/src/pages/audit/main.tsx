// Entry of the audit log (`/audit`): every step of the improvement loop, who took it and what it changed.

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { StaffGate, takeStartToken } from "../../components/StaffGate";
import { AuditPage } from "./AuditPage";
import "../../components/staff.css";
import "../../components/improve.css";

const startToken = takeStartToken();
const root = document.getElementById("root");
if (!root) throw new Error("audit.html lacks the #root element");
createRoot(root).render(
  <StrictMode>
    <StaffGate title="Audit log" page="audit log" needed="admin" startToken={startToken}>
      {(session) => <AuditPage session={session} />}
    </StaffGate>
  </StrictMode>,
);
