// One-tag embed for third-party sites: a floating button that opens the chat page in an iframe.
// Built to the unhashed `dist/embed.js`; it must stay free of imports so it runs as a classic script.

interface SwitchboardEmbedApi {
  open(): void;
  close(): void;
  toggle(): void;
}

declare global {
  interface Window {
    Switchboard?: SwitchboardEmbedApi;
  }
}

(() => {
  if (window.Switchboard) return; // the tag was included twice

  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    Array.from(document.querySelectorAll<HTMLScriptElement>('script[src*="embed.js"]')).pop() ??
    null;
  if (!script) return;

  /** An attribute left as a server placeholder (e.g. "%SWITCHBOARD_TOKEN%") counts as absent. */
  const usable = (value: string | undefined): string | null => {
    const trimmed = value?.trim();
    return trimmed && !/^%[A-Z_]+%$/.test(trimmed) ? trimmed : null;
  };

  const origin = new URL(script.src, window.location.href).origin;
  const token = usable(script.dataset.token);
  const bot = usable(script.dataset.bot);
  const frameUrl = new URL("/", origin);
  frameUrl.searchParams.set("embed", "1");
  // Credentials go in the fragment: it never reaches server logs or Referer headers.
  const fragment = new URLSearchParams();
  if (token) fragment.set("token", token);
  if (bot) fragment.set("bot", bot);
  frameUrl.hash = fragment.toString();

  const CHAT_ICON =
    '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" fill="currentColor">' +
    '<path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  const CLOSE_ICON =
    '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" fill="none" stroke="currentColor" ' +
    'stroke-width="2.4" stroke-linecap="round"><path d="M6 6l12 12M18 6L6 18"/></svg>';

  const host = document.createElement("div");
  host.id = "switchboard-embed";
  const shadow = host.attachShadow({ mode: "open" });
  shadow.innerHTML = `
    <style>
      :host { all: initial; }
      .launcher {
        position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
        width: 60px; height: 60px; border: 0; border-radius: 50%;
        display: flex; align-items: center; justify-content: center;
        background: #1f5fbf; color: #fff; cursor: pointer;
        box-shadow: 0 6px 20px rgba(20, 30, 50, 0.3);
      }
      .launcher:focus-visible { outline: 3px solid #1b1f24; outline-offset: 3px; }
      .panel {
        position: fixed; right: 20px; bottom: 92px; z-index: 2147483000;
        width: 380px; height: min(600px, calc(100vh - 112px));
        border-radius: 14px; overflow: hidden; background: #fff;
        box-shadow: 0 10px 40px rgba(20, 30, 50, 0.3);
      }
      .panel[hidden] { display: none; }
      iframe { width: 100%; height: 100%; border: 0; display: block; }
      @media (max-width: 480px) {
        .panel { inset: 0; width: auto; height: auto; border-radius: 0; }
        .panel:not([hidden]) + .launcher { display: none; }
      }
    </style>
    <div class="panel" id="panel" data-testid="switchboard-panel" hidden></div>
    <button type="button" class="launcher" data-testid="switchboard-launcher"
      aria-label="Open chat" aria-expanded="false" aria-controls="panel">${CHAT_ICON}</button>
  `;
  const panel = shadow.querySelector<HTMLDivElement>(".panel")!;
  const launcher = shadow.querySelector<HTMLButtonElement>(".launcher")!;
  let frame: HTMLIFrameElement | null = null;
  let isOpen = false;

  const setOpen = (open: boolean) => {
    if (open && !frame) {
      // Loaded on first open, so pages that never chat do not pay for the widget.
      frame = document.createElement("iframe");
      frame.src = frameUrl.toString();
      frame.title = "Chat with us";
      frame.dataset.testid = "switchboard-frame";
      frame.allow = "clipboard-write";
      panel.append(frame);
    }
    isOpen = open;
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    launcher.innerHTML = open ? CLOSE_ICON : CHAT_ICON;
    if (open) frame?.focus();
    else launcher.focus();
  };

  launcher.addEventListener("click", () => setOpen(!isOpen));
  window.addEventListener("message", (event) => {
    const data = event.data as { type?: unknown } | null;
    if (event.origin === origin && frame && event.source === frame.contentWindow && data?.type === "switchboard:close") {
      setOpen(false);
    }
  });

  window.Switchboard = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen),
  };

  const mount = () => document.body.append(host);
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();

export {};
