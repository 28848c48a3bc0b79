// Entry of the chat page (`/`), standalone or inside the embed iframe (`/?embed=1`).

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { pageConfig } from "../../lib/config";
import { ChatWidget } from "./ChatWidget";
import "./chat.css";

const config = pageConfig();
document.documentElement.classList.toggle("sb-embedded-page", config.embedded);
const root = document.getElementById("root");
if (!root) throw new Error("index.html lacks the #root element");
createRoot(root).render(
  <StrictMode>
    <ChatWidget config={config} />
  </StrictMode>,
);
