// Where a page finds its chat credentials: the embed script's URL fragment first, then the server's meta tags.

/** What a page needs to open a chat connection. */
export interface ChatConfig {
  token: string | null;
  bot: string;
  /** True inside the embed iframe, where the page drops its own chrome. */
  embedded: boolean;
}

/** Bot used when neither the URL nor the server names one. */
export const DEFAULT_BOT = "banking";

/** Meta tags the server fills in when it serves index.html. */
export const TOKEN_META = "switchboard-token";
export const BOT_META = "switchboard-bot";

/** A meta value the server did not replace (e.g. under `vite dev`) counts as absent. */
function usable(value: string | null | undefined): string | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (trimmed === "" || /^%[A-Z_]+%$/.test(trimmed)) return null;
  return trimmed;
}

/** Reads the chat settings from a page URL and its meta tags (pure, so it can be tested without a DOM). */
export function resolveConfig(href: string, meta: (name: string) => string | null): ChatConfig {
  const url = new URL(href);
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ""));
  const pick = (key: string, metaName: string) =>
    usable(fragment.get(key)) ?? usable(url.searchParams.get(key)) ?? usable(meta(metaName));
  return {
    token: pick("token", TOKEN_META),
    bot: pick("bot", BOT_META) ?? DEFAULT_BOT,
    embedded: url.searchParams.get("embed") === "1",
  };
}

/** Reads the chat settings of the current page. */
export function pageConfig(): ChatConfig {
  return resolveConfig(window.location.href, (name) =>
    document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") ?? null,
  );
}

/** Builds the websocket URL of the chat endpoint on the page's own origin. */
export function chatSocketUrl(
  pageHref: string,
  config: Pick<ChatConfig, "token" | "bot">,
  sessionId: string | null,
): string {
  const page = new URL(pageHref);
  const url = new URL("/v1/chat", page);
  url.protocol = page.protocol === "https:" ? "wss:" : "ws:";
  if (config.token) url.searchParams.set("token", config.token);
  url.searchParams.set("bot", config.bot);
  if (sessionId) url.searchParams.set("session", sessionId);
  return url.toString();
}
