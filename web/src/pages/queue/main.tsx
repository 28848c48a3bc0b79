// Entry of the review queue (`/queue`): supervisors approve or reject proposals in bulk and see what each build published.

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { StaffGate, takeStartToken } from "../../components/StaffGate";
import { QueuePage } from "./QueuePage";
import "../../components/staff.css";
import "../../components/improve.css";

const startToken = takeStartToken();
const root = document.getElementById("root");
if (!root) throw new Error("queue.html lacks the #root element");
createRoot(root).render(
  <StrictMode>
    <StaffGate title="Review queue" page="review queue" needed="supervisor" startToken={startToken}>
      {(session) => <QueuePage session={session} />}
    </StaffGate>
  </StrictMode>,
);
