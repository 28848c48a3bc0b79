// A chat the bot hands off, end to end against the real server: the visitor's widget, agent-7 taking it on /agent, agent-8 too late, and the bot back after closing.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ask, browserSuite, openChatPage, screenshot, text } from "./helpers.mjs";
import { adminToken, api, documentScreenshot, eventually, openSignedIn, sharedToken } from "./staff.mjs";

/** Something no intent or FAQ article matches, so the bot hands off. */
const UNANSWERABLE = "my parrot keeps reciting tax law at midnight";

/** Wide enough for the call and the chats side by side. */
const AGENT_VIEWPORT = { width: 1280, height: 900 };

/** Opens /agent signed in and waits for both live feeds (calls and chats). */
async function openAgentPage(suite, token, beforeGoto) {
  const page = await openSignedIn(suite.browser, suite.base, "/agent", token, AGENT_VIEWPORT, beforeGoto);
  await page.locator('[data-testid="chat-feed-state"][data-state="open"]').waitFor();
  return page;
}

/** Sends a visitor message the bot does not answer, and returns its row once the server acknowledged it. */
async function tell(page, words) {
  const rows = page.getByTestId("message-visitor");
  const before = await rows.count();
  const input = page.getByTestId("chat-input");
  await input.fill(words);
  await input.press("Enter");
  const row = rows.nth(before);
  await row.locator('[data-testid="delivered"]').waitFor();
  return row;
}

/** The turns an agent page shows for a chat, as [speaker, text]. */
function shownTurns(chat) {
  return chat
    .getByTestId("chat-turn")
    .evaluateAll((els) => els.map((el) => [el.getAttribute("data-speaker"), el.querySelector('[data-testid="chat-turn-text"]').textContent.trim()]));
}

describe("a chat handed off to a person", () => {
  const suite = browserSuite();
  const tokens = {};
  const run = { otherFeed: { held: false, frames: [], send: null } };
  const queued = (page) => page.locator(`[data-testid="queued-chat"][data-session-id="${run.sessionId}"]`);
  const agentChat = () => run.agent.locator(`[data-testid="agent-chat"][data-session-id="${run.sessionId}"]`);
  /** The chat's turns as the server stored them, read as agent-7. */
  const storedTurns = async () =>
    (await api(suite.base, tokens.agent, `/v1/chat/sessions/${encodeURIComponent(run.sessionId)}/transcript`)).body.map((t) => [t.speaker, t.text]);

  before(async () => {
    tokens.agent = await sharedToken(suite.base, "agent-7", "agent");
    tokens.otherAgent = await sharedToken(suite.base, "agent-8", "agent");
    run.agent = await openAgentPage(suite, tokens.agent);
    // agent-8's chat feed passes through the test, which can hold it back: its page then still
    // shows the chat as waiting after agent-7 took it, as a slower network would.
    const feed = run.otherFeed;
    run.other = await openAgentPage(suite, tokens.otherAgent, (page) =>
      page.routeWebSocket(/\/v1\/chat\/live/, (ws) => {
        const server = ws.connectToServer();
        feed.send = (frame) => ws.send(frame);
        server.onMessage((frame) => (feed.held ? feed.frames.push(frame) : ws.send(frame)));
      }),
    );
    run.visitor = await openChatPage(suite);
  });

  after(async () => {
    await run.visitor?.context().close();
    await run.agent?.context().close();
    await run.other?.context().close();
  });

  test("a question nothing matches waits in the agents' queue with the visitor's words", async () => {
    const { visitor, agent, other } = run;
    const answer = await ask(visitor, UNANSWERABLE);
    assert.equal(await answer.getAttribute("data-kind"), "handoff");
    const status = visitor.getByTestId("handoff-status");
    assert.equal(await status.getAttribute("data-state"), "waiting");
    assert.equal(await text(status), "Waiting for an agent…");
    await screenshot(visitor, "widget-waiting-for-agent");
    run.sessionId = await visitor.evaluate(() => window.sessionStorage.getItem("switchboard.session.banking"));
    assert.ok(run.sessionId, "the widget stored its session");

    const listed = (await api(suite.base, tokens.agent, "/v1/chat/handoffs")).body.find((h) => h.session_id === run.sessionId);
    assert.deepEqual([listed?.state, listed?.agent_id], ["waiting", null]);
    for (const page of [agent, other]) {
      const item = queued(page);
      await item.getByTestId("queued-words").waitFor();
      assert.equal(await text(item.getByTestId("queued-words")), UNANSWERABLE);
      assert.equal(await text(item.getByTestId("queued-reason")), listed.reason.replaceAll("_", " "));
      assert.match(await text(item.getByTestId("queued-wait")), /^waiting \d+:\d\d$/);
    }
  });

  test("agent-7 takes it and sees the conversation so far with the bot's guesses; the visitor sees them join", async () => {
    const { visitor, agent } = run;
    run.otherFeed.held = true;
    await queued(agent).getByTestId("take-chat").click();
    const chat = agentChat();
    await chat.getByTestId("chat-turn").first().waitFor();
    await queued(agent).waitFor({ state: "detached" });
    assert.deepEqual(await shownTurns(chat), await storedTurns());
    assert.deepEqual((await shownTurns(chat))[0], ["visitor", UNANSWERABLE]);
    assert.equal(await chat.locator('[data-testid="chat-turn"][data-speaker="bot"]').count(), 1);

    // The guesses are the ones the server recorded for the missed words (read with the admin token).
    const missed = (await api(suite.base, adminToken(), "/v1/missed-utterances?bot=banking&limit=200")).body.filter(
      (m) => m.session_id === run.sessionId,
    );
    const guesses = missed.flatMap((m) => m.best_guesses.map((g) => g.intent));
    assert.ok(guesses.length > 0, `the bot recorded guesses for ${JSON.stringify(UNANSWERABLE)}`);
    assert.deepEqual(await chat.getByTestId("bot-guess").evaluateAll((els) => els.map((el) => el.getAttribute("data-intent"))), guesses);

    const joined = visitor.getByTestId("agent-joined");
    await joined.waitFor();
    assert.equal(await text(joined), "agent-7 joined the chat");
    assert.equal(await visitor.getByTestId("handoff-status").getAttribute("data-state"), "agent");
  });

  test("agent-8, too late, gets a 409 naming agent-7 and its page drops the chat from the queue", async () => {
    const { other } = run;
    const refused = await api(suite.base, tokens.otherAgent, `/v1/chat/handoffs/${encodeURIComponent(run.sessionId)}/take`, {
      method: "POST",
      expect: [409],
    });
    assert.match(refused.body.error.message, /agent-7/);

    // Its feed is held back, so its page still offers the chat: taking it there is refused the same way.
    await queued(other).getByTestId("take-chat").click();
    const notice = other.locator(`[data-testid="take-refused"][data-session-id="${run.sessionId}"]`);
    await notice.waitFor();
    assert.match(await text(notice), /agent-7/);
    assert.equal(await queued(other).count(), 0);
    assert.equal(await other.locator(`[data-testid="agent-chat"][data-session-id="${run.sessionId}"]`).count(), 0);

    run.otherFeed.held = false;
    for (const frame of run.otherFeed.frames.splice(0)) run.otherFeed.send(frame);
    await other.locator('[data-testid="chat-feed-state"][data-state="open"]').waitFor();
    assert.equal(await queued(other).count(), 0, "the held-back events do not bring it back");
    assert.deepEqual(other.consoleErrors.filter((e) => !/409/.test(e)), []);
  });

  test("the visitor's words reach the agent live (redacted), and the agent's reach the visitor", async () => {
    const { visitor, agent } = run;
    const chat = agentChat();
    const bots = await visitor.getByTestId("message-bot").count();
    const row = await tell(visitor, "Are you a real person? My card is 4111 1111 1111 1111");
    assert.equal(await row.getAttribute("data-delivered"), "agent");
    assert.equal(await text(row.getByTestId("delivered")), "delivered to agent-7");
    await visitor.getByTestId("typing-indicator").waitFor({ state: "detached" });

    const heard = chat.locator('[data-testid="chat-turn"][data-speaker="visitor"]').filter({ hasText: "real person" });
    await heard.waitFor();
    const words = await text(heard.getByTestId("chat-turn-text"));
    assert.match(words, /\[CARD_NUMBER\]/);
    assert.doesNotMatch(words, /4111/);

    const reply = "Yes, I'm a person. Let me look into your parrot's tax questions.";
    await chat.getByTestId("agent-chat-input").fill(reply);
    await chat.getByTestId("agent-chat-send").click();
    const bubble = visitor.getByTestId("message-agent");
    await bubble.waitFor();
    assert.equal(await bubble.getAttribute("data-agent"), "agent-7");
    assert.equal(await text(bubble.getByTestId("agent-name")), "agent-7");
    assert.equal(await text(bubble.getByTestId("message-text")), reply);
    assert.equal(await visitor.getByTestId("message-bot").count(), bots, "the bot stays out while a person holds the chat");
    // The composer clears when the send answer arrives, which under load can come after the visitor's bubble.
    await eventually(async () => assert.equal(await chat.getByTestId("agent-chat-input").inputValue(), ""));
    // Each turn once, although the send answer and the live feed both bring the agent's.
    await eventually(async () => assert.deepEqual(await shownTurns(chat), await storedTurns()));
    await documentScreenshot(agent, "chat-handoff-agent");
  });

  test("a reload of the agent page keeps the chat, its conversation and the bot's guesses", async () => {
    const { agent } = run;
    const guesses = await agentChat().getByTestId("bot-guess").count();
    await agent.reload();
    await agent.locator('[data-testid="chat-feed-state"][data-state="open"]').waitFor();
    await agentChat().getByTestId("chat-turn").first().waitFor();
    await eventually(async () => assert.deepEqual(await shownTurns(agentChat()), await storedTurns()));
    assert.equal(await agentChat().getByTestId("bot-guess").count(), guesses);
    assert.equal(await queued(agent).count(), 0);
  });

  test("closing gives the chat back to the bot", async () => {
    const { visitor, agent } = run;
    await agentChat().getByTestId("close-chat").click();
    await agentChat().waitFor({ state: "detached" });
    const left = visitor.getByTestId("agent-left");
    await left.waitFor();
    assert.equal(await text(left), "agent-7 left the chat; the assistant is back");
    assert.equal(await visitor.getByTestId("handoff-status").count(), 0);

    const answer = await ask(visitor, "I still haven't received my card");
    assert.equal(await answer.getAttribute("data-kind"), "intent");
    assert.equal(await answer.getByTestId("source-intent").getAttribute("data-intent"), "card_arrival");
    const listed = (await api(suite.base, tokens.agent, "/v1/chat/handoffs")).body;
    assert.equal(listed.filter((h) => h.session_id === run.sessionId).length, 0);
    await documentScreenshot(visitor, "chat-handoff-widget");
    await screenshot(agent, "chat-handoff-agent-closed");
    assert.deepEqual(visitor.consoleErrors, []);
    assert.deepEqual(agent.consoleErrors, []);
    assert.equal(await agent.getByTestId("handoff-notice").count(), 0);
  });
});
