// The chat page at `/` against the real server: intent, FAQ and handoff answers, refused input, reconnects.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ask, browserSuite, newPage, openChatPage, screenshot, text, waitForOpenChat } from "./helpers.mjs";

describe("chat widget", () => {
  const suite = browserSuite();

  test("an intent answer shows the intent and its confidence", async () => {
    const page = await openChatPage(suite);
    assert.equal(await text(page.getByTestId("chat-status")), "Online");

    const answer = await ask(page, "I still haven't received my card");
    assert.equal(await text(page.getByTestId("message-visitor").last().getByTestId("message-text")), "I still haven't received my card");
    assert.equal(await answer.getAttribute("data-kind"), "intent");
    const source = answer.getByTestId("source-intent");
    assert.equal(await source.getAttribute("data-intent"), "card_arrival");
    assert.match(await text(source), /^intent: card_arrival \(\d{1,3} %\)$/);
    assert.notEqual(await text(answer.getByTestId("message-text")), "");
    await page.getByTestId("typing-indicator").waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("chat-input").inputValue(), "", "the input is cleared after sending");

    await screenshot(page, "widget");
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });

  test("a knowledge-base answer names the FAQ entry it came from", async () => {
    const page = await openChatPage(suite);

    const answer = await ask(page, "What are your opening hours?");
    assert.equal(await answer.getAttribute("data-kind"), "knowledge");
    const source = answer.getByTestId("source-knowledge");
    assert.match(await text(source), /^answered from FAQ: \S.*$/);
    assert.notEqual(await source.getAttribute("data-document-id"), "");
    assert.equal(await answer.getByTestId("handoff-banner").count(), 0);
    await page.context().close();
  });

  test("a question nothing matches hands off to an agent with a banner", async () => {
    const page = await openChatPage(suite);

    const answer = await ask(page, "I want to speak to someone about my grandmother's estate and a poem about turnips");
    assert.equal(await answer.getAttribute("data-kind"), "handoff");
    assert.equal(await text(answer.getByTestId("handoff-banner")), "connecting you to an agent");
    assert.notEqual(await text(answer.getByTestId("message-text")), "");
    assert.equal(await answer.getByTestId("source-intent").count(), 0);
    await screenshot(page, "widget-handoff");
    await page.context().close();
  });

  test("an over-long message is refused inline and the chat keeps working", async () => {
    const page = await openChatPage(suite);

    const input = page.getByTestId("chat-input");
    await input.fill("x".repeat(2001));
    assert.match(await text(page.getByTestId("char-count")), /^2001 \/ 2000 characters/);
    await input.press("Enter");
    const error = page.getByTestId("chat-error");
    await error.waitFor();
    assert.equal(await error.getAttribute("data-code"), "text_too_long");
    assert.notEqual(await text(error), "");
    assert.equal(await page.getByTestId("message-visitor").last().getAttribute("data-failed"), "true");
    await page.getByTestId("typing-indicator").waitFor({ state: "detached" });
    await screenshot(page, "widget-error");

    const answer = await ask(page, "I still haven't received my card");
    assert.equal(await answer.getAttribute("data-kind"), "intent");
    assert.equal(await page.getByTestId("chat-error").count(), 1);
    assert.equal(await page.getByTestId("message-visitor").last().getAttribute("data-failed"), null);
    assert.equal(await page.getByTestId("chat-widget").getAttribute("data-state"), "open");
    await page.context().close();
  });

  test("a dropped connection reconnects and resumes the same session", async () => {
    const page = await newPage(suite.browser);
    const sockets = [];
    const sessionFrames = [];
    // Pass the socket through to the real server, keeping a handle to cut it like a flaky network would.
    await page.routeWebSocket(/\/v1\/chat/, (ws) => {
      const server = ws.connectToServer();
      sockets.push({ url: ws.url(), ws });
      server.onMessage((frame) => {
        const message = JSON.parse(String(frame));
        if (message.type === "session") sessionFrames.push(message.session_id);
        ws.send(frame);
      });
    });
    await page.goto(`${suite.base}/`);
    await waitForOpenChat(page);
    await ask(page, "I still haven't received my card");
    const firstSession = sessionFrames[0];
    assert.ok(firstSession, "the server sent a session frame");
    assert.equal(new URL(sockets[0].url).searchParams.get("session"), null);

    await sockets[0].ws.close({ code: 1012, reason: "test cuts the connection" });
    await page.locator('[data-testid="chat-widget"][data-state="reconnecting"]').waitFor();
    assert.equal(await page.getByTestId("chat-input").isDisabled(), true);
    await page.locator('[data-testid="chat-widget"][data-state="open"]').waitFor();

    assert.equal(sockets.length, 2);
    assert.equal(new URL(sockets[1].url).searchParams.get("session"), firstSession);
    assert.equal(sessionFrames[1], firstSession, "the server resumed the conversation");
    assert.equal(await page.locator('[data-testid="message-bot"][data-kind="greeting"]').count(), 1);

    const answer = await ask(page, "What are your opening hours?");
    assert.equal(await answer.getAttribute("data-kind"), "knowledge");
    await page.context().close();
  });

  test("a session the server no longer knows is replaced by a new one without an error", async () => {
    const page = await newPage(suite.browser);
    // As after a reload in a tab whose stored session the server has since forgotten.
    await page.addInitScript(() => window.sessionStorage.setItem("switchboard.session.banking", "no-such-session"));
    const socket = page.waitForEvent("websocket", (ws) => ws.url().includes("/v1/chat"));
    await page.goto(`${suite.base}/`);
    assert.equal(new URL((await socket).url()).searchParams.get("session"), "no-such-session");
    await waitForOpenChat(page);
    assert.equal(await page.getByTestId("chat-error").count(), 0);
    const stored = await page.evaluate(() => window.sessionStorage.getItem("switchboard.session.banking"));
    assert.notEqual(stored, "no-such-session");
    const answer = await ask(page, "I still haven't received my card");
    assert.equal(await answer.getAttribute("data-kind"), "intent");
    await page.context().close();
  });
});
