// Entry of the after-conversation review (`/review`): an agent picks what the bot missed in their conversations and proposes intents for it.

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { StaffGate, takeStartToken } from "../../components/StaffGate";
import { ReviewPage } from "./ReviewPage";
import "../../components/staff.css";
import "../../components/improve.css";

const startToken = takeStartToken();
const root = document.getElementById("root");
if (!root) throw new Error("review.html lacks the #root element");
createRoot(root).render(
  <StrictMode>
    <StaffGate title="After-conversation review" page="review" needed="agent" startToken={startToken}>
      {(session) => <ReviewPage session={session} />}
    </StaffGate>
  </StrictMode>,
);
