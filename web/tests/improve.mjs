// Set-up for the improvement loop's browser tests: visitor chats over the websocket that the bot hands off, taken by an agent, and staff pages without live feeds.

import { newPage } from "./helpers.mjs";
import { api, eventually } from "./staff.mjs";

/** Lowercase letters no other run uses, to keep this run's utterances and intent names apart. */
export function nonce(length = 6) {
  let out = "";
  while (out.length < length) out += String.fromCharCode(97 + Math.floor(Math.random() * 26));
  return out;
}

/** One visitor message over `/v1/chat`: the session it opened and the bot's answer (a `reply` or `error` frame). */
export async function visitorSays(base, token, text, bot = "banking") {
  if (typeof WebSocket !== "function") {
    throw new Error("this Node has no global WebSocket: run the tests with `node --experimental-websocket --test` (Node 20) or Node 22+");
  }
  const url = new URL("/v1/chat", base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("token", token);
  url.searchParams.set("bot", bot);
  const socket = new WebSocket(url);
  const frames = [];
  let wake = () => {};
  socket.addEventListener("message", (ev) => {
    frames.push(JSON.parse(String(ev.data)));
    wake();
  });
  const next = async (types) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const at = frames.findIndex((f) => types.includes(f.type));
      if (at >= 0) return frames.splice(at, 1)[0];
      if (Date.now() > deadline) throw new Error(`no ${types.join("/")} frame for ${JSON.stringify(text)}; got ${JSON.stringify(frames)}`);
      await new Promise((r) => {
        wake = r;
        setTimeout(r, 500);
      });
    }
  };
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error(`cannot open ${url.pathname}`)), { once: true });
  });
  try {
    const session = await next(["session"]);
    socket.send(JSON.stringify({ type: "message", text }));
    const reply = await next(["reply", "error"]);
    return { sessionId: session.session_id, reply };
  } finally {
    socket.close();
  }
}

/**
 * A chat whose first words the bot hands off, taken and closed by `agent` (so the words are theirs
 * to review): the session and the missed utterance as `GET /v1/review/missed` lists it.
 */
export async function handledMiss(base, tokens, text) {
  const { sessionId, reply } = await visitorSays(base, tokens.client, text);
  if (reply.type !== "reply" || reply.source?.kind !== "handoff") {
    throw new Error(`the bot was expected to hand off ${JSON.stringify(text)}, but answered ${JSON.stringify(reply)}`);
  }
  const path = `/v1/chat/handoffs/${encodeURIComponent(sessionId)}`;
  await eventually(() => api(base, tokens.agent, `${path}/take`, { method: "POST" }));
  await api(base, tokens.agent, `${path}/close`, { method: "POST" });
  const missed = await eventually(async () => {
    const found = (await api(base, tokens.agent, "/v1/review/missed?limit=1000")).body.find((m) => m.session_id === sessionId);
    if (!found) throw new Error(`no missed utterance listed for the chat ${sessionId} (${JSON.stringify(text)})`);
    return found;
  });
  return { sessionId, missed };
}

/** Opens a staff page signed in through the URL fragment (these pages have no live feed to wait for). */
export async function openPage(suite, path, token, viewport = { width: 1360, height: 900 }) {
  const page = await newPage(suite.browser, viewport);
  await page.goto(`${suite.base}${path}#token=${encodeURIComponent(token)}`);
  await page.getByTestId("signed-in-as").waitFor();
  return page;
}
