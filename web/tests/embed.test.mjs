// The one-tag embed: the demo page and a page on another origin open the widget in an iframe and chat.

import assert from "node:assert/strict";
import { createServer } from "node:http";
import { describe, test } from "node:test";
import { ask, browserSuite, newPage, screenshot, text, waitForOpenChat } from "./helpers.mjs";

/** The client token the server puts into its own chat page, for the page that embeds it elsewhere. */
async function serverToken(base) {
  const html = await (await fetch(`${base}/`)).text();
  const match = html.match(/<meta name="switchboard-token" content="([^"]*)"/);
  assert.ok(match && match[1] && !match[1].startsWith("%"), "the server filled in the token meta tag of index.html");
  return match[1];
}

/** Serves a third-party page carrying the embed tag from another origin (a loopback port of its own). */
async function thirdPartySite(base, token) {
  const html = `<!doctype html><html><head><title>Shop</title><link rel="icon" href="data:,"></head><body>
    <h1>Some other company's shop</h1>
    <script src="${base}/embed.js" data-token="${token}" data-bot="banking"></script>
  </body></html>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("embed script", () => {
  const suite = browserSuite();

  test("embed-demo.html opens the widget from the floating button and chats", async () => {
    const page = await newPage(suite.browser, { width: 1100, height: 780 });
    const response = await page.goto(`${suite.base}/embed-demo.html`);
    assert.equal(response?.status(), 200);
    const launcher = page.getByTestId("switchboard-launcher");
    assert.equal(await launcher.getAttribute("aria-expanded"), "false");
    assert.equal(await page.getByTestId("switchboard-frame").count(), 0, "the iframe loads only on first open");

    await launcher.click();
    assert.equal(await launcher.getAttribute("aria-expanded"), "true");
    const frameElement = page.getByTestId("switchboard-frame");
    await frameElement.waitFor();
    const src = new URL(await frameElement.getAttribute("src"));
    assert.equal(src.origin, new URL(suite.base).origin);
    assert.equal(src.pathname, "/");
    assert.equal(src.searchParams.get("embed"), "1");

    const frame = page.frameLocator('[data-testid="switchboard-frame"]');
    await waitForOpenChat(frame);
    const answer = await ask(frame, "I still haven't received my card");
    assert.equal(await answer.getByTestId("source-intent").getAttribute("data-intent"), "card_arrival");
    await screenshot(page, "embed-demo");

    await frame.getByTestId("chat-close").click();
    await page.getByTestId("switchboard-panel").waitFor({ state: "hidden" });
    assert.equal(await launcher.getAttribute("aria-expanded"), "false");
    await launcher.click();
    await page.getByTestId("switchboard-panel").waitFor({ state: "visible" });
    assert.equal(await frame.getByTestId("message-visitor").count(), 1, "reopening keeps the conversation");
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  test("a page on another origin embeds the widget with its data-token", async (t) => {
    const token = await serverToken(suite.base);
    const page = await newPage(suite.browser, { width: 1000, height: 760 });
    const site = await thirdPartySite(suite.base, token);
    t.after(() => site.close());
    assert.notEqual(new URL(site.url).origin, new URL(suite.base).origin);
    await page.goto(site.url);
    await page.getByTestId("switchboard-launcher").click();

    const frame = page.frameLocator('[data-testid="switchboard-frame"]');
    await waitForOpenChat(frame);
    const src = new URL(await page.getByTestId("switchboard-frame").getAttribute("src"));
    assert.equal(new URLSearchParams(src.hash.slice(1)).get("token"), token);
    const answer = await ask(frame, "What are your opening hours?");
    assert.match(await text(answer.getByTestId("source-knowledge")), /^answered from FAQ: \S/);
    await page.context().close();
  });

  test("the data-token of the tag is preferred over the chat page's own token", async (t) => {
    const page = await newPage(suite.browser, { width: 1000, height: 760 });
    const site = await thirdPartySite(suite.base, "not-a-real-token");
    t.after(() => site.close());
    const socket = page.waitForEvent("websocket", (ws) => ws.url().includes("/v1/chat"));
    await page.goto(site.url);
    await page.getByTestId("switchboard-launcher").click();

    const url = new URL((await socket).url());
    assert.equal(url.searchParams.get("token"), "not-a-real-token");
    assert.equal(url.searchParams.get("bot"), "banking");
    const frame = page.frameLocator('[data-testid="switchboard-frame"]');
    // The server refuses the token, so the widget never gets a session and keeps the input disabled.
    await frame.locator('[data-testid="chat-widget"][data-state="reconnecting"]').waitFor();
    assert.equal(await frame.getByTestId("chat-input").isDisabled(), true);
    await page.context().close();
  });
});
