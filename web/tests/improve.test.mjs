// The bot improvement loop end to end against the real server: an agent reviews the chats and a call they handled (/review), a supervisor decides in the queue (/queue), reads the bot's history, diffs and rolls back (/history), and an admin reads it all in the audit log (/audit).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { browserSuite, text } from "./helpers.mjs";
import { handledMiss, nonce, openPage, visitorSays } from "./improve.mjs";
import { CALL_TIMEOUT_MS, adminToken, api, createToken, documentScreenshot, eventually, streamCall, uniqueCallId } from "./staff.mjs";

/** Building, training and gating a version shares the CPU with the other test files' calls. */
const BUILD_TIMEOUT_MS = 300_000;

/** This run's mark in every utterance and intent name (test files share one server). */
const RUN = nonce();

/**
 * Words far from anything the banking bot or the other tests talk about (no pets, money or cards),
 * so teaching them to the bot cannot change how it answers anyone else.
 */
const WORDS = {
  picked: `will the lighthouse keeper give back my accordion ${RUN}`,
  conflicting: `how many meringues fit inside a cathedral ${RUN}`,
  clustered: [`teach my grandmother to juggle flaming pineapples ${RUN}`, `my grandmother wants lessons juggling burning pineapples ${RUN}`],
};
const NEW_INTENT = `accordion_lighthouse_${RUN}`;
const CLUSTER_INTENT = `pineapple_juggling_${RUN}`;
const RESPONSE = "The lighthouse keeper returns borrowed accordions on the first Monday of each month.";
const CLUSTER_RESPONSE = "Juggling lessons are not something the bank offers, flaming pineapples or not.";
/** The staged call whose customer tiny.en mostly mishears, so the bot matches little of it; one of its misses becomes this intent. */
const CALL = "call_01_lost_card";
const CALL_INTENT = `lost_card_call_${RUN}`;
const CALL_RESPONSE = "A lost card is blocked at once; the replacement arrives in three to five working days.";

/** The bot's answer to `words` in a fresh chat. */
async function botAnswer(suite, tokens, words) {
  const { reply } = await visitorSays(suite.base, tokens.client, words);
  assert.equal(reply.type, "reply", JSON.stringify(reply));
  return reply;
}

/** Waits for the decision's build of banking (training and gating take a while) and returns its card. */
async function builtBy(page) {
  const build = page.getByTestId("decision-result").locator('[data-testid="build"][data-bot="banking"]');
  await build.waitFor({ timeout: BUILD_TIMEOUT_MS });
  return build;
}

/** The gate report on the page says what the server stored: verdict, test count, one chart column per intent. */
async function checkReport(report, stored) {
  await report.waitFor();
  assert.equal(await report.getAttribute("data-passed"), String(stored.passed));
  const summary = await text(report.getByTestId("report-summary"));
  if (stored.tests === 0) assert.match(summary, /^No tests to run/);
  else assert.match(summary, new RegExp(` on ${stored.tests} tests?;`));
  const chart = report.getByTestId("report-chart");
  assert.equal(await chart.count(), stored.intents.length > 0 ? 1 : 0);
  if (stored.intents.length > 0) {
    assert.equal(Number(await chart.getAttribute("data-intents")), stored.intents.length);
    assert.equal(await chart.locator("canvas").count(), 1, "uPlot drew the per-intent chart");
  }
}

describe("the bot improvement loop", () => {
  const suite = browserSuite();
  const tokens = {};
  const run = { pages: [] };
  const open = async (path, token) => {
    const page = await openPage(suite, path, token);
    run.pages.push(page);
    return page;
  };
  const item = (page, missed) => page.locator(`[data-testid="review-item"][data-missed-id="${missed.id}"]`);
  const row = (page, proposal) => page.locator(`[data-testid="queue-proposal"][data-proposal-id="${proposal.id}"]`);
  const pending = async () => (await api(suite.base, tokens.supervisor, "/v1/proposals?status=pending&limit=1000")).body;
  const versions = async () => (await api(suite.base, tokens.supervisor, "/v1/bots/banking/versions")).body;

  before(async () => {
    tokens.admin = adminToken();
    run.adminName = (await api(suite.base, tokens.admin, "/v1/me")).body.name;
    tokens.agent = await createToken(suite.base, `agent-review-${RUN}`, "agent");
    tokens.supervisor = await createToken(suite.base, `supervisor-${RUN}`, "supervisor");
    tokens.client = await createToken(suite.base, `visitors-${RUN}`, "client");
    // The call's agent: a call is theirs when it carries their token's name as its agent id.
    run.callAgent = `agent-call-${RUN}`;
    tokens.callAgent = await createToken(suite.base, run.callAgent, "agent");
    run.picked = await handledMiss(suite.base, tokens, WORDS.picked);
    run.conflicting = await handledMiss(suite.base, tokens, WORDS.conflicting);
    run.clustered = [];
    for (const words of WORDS.clustered) run.clustered.push(await handledMiss(suite.base, tokens, words));
  });

  after(async () => {
    for (const page of run.pages) await page.context().close();
  });

  test("each page refuses a weaker role by name", async () => {
    for (const [path, token, needs] of [
      ["/review", tokens.client, "an agent, supervisor or admin token"],
      ["/queue", tokens.agent, "a supervisor or admin token"],
      ["/history", tokens.agent, "a supervisor or admin token"],
      ["/audit", tokens.supervisor, "an admin token"],
    ]) {
      const page = await suite.browser.newPage();
      await page.goto(`${suite.base}${path}#token=${encodeURIComponent(token)}`);
      const error = page.getByTestId("sign-in-error");
      await error.waitFor();
      assert.match(await text(error), new RegExp(needs), path);
      await page.close();
    }
  });

  test("/review: the agent picks what the bot missed in their chats; a pick proposed meanwhile is refused at its item", async () => {
    const page = await open("/review", tokens.agent);
    const { picked, conflicting } = run;

    // Each chat shows its context, the missed words marked, and the guesses the server recorded.
    const chat = page.locator(`[data-testid="review-conversation"][data-id="${picked.sessionId}"]`);
    const missedLine = chat.locator('[data-testid="context-turn"][data-missed="true"]');
    await missedLine.waitFor();
    assert.match(await text(missedLine), new RegExp(WORDS.picked));
    assert.equal(await chat.locator('[data-testid="context-turn"][data-speaker="bot"]').count() > 0, true);
    const guesses = await item(page, picked.missed).getByTestId("review-guess").evaluateAll((els) => els.map((el) => el.dataset.intent));
    assert.deepEqual(guesses, picked.missed.best_guesses.map((g) => g.intent));

    // A new intent: its name is checked as the server checks it; the response may wait for the supervisor.
    await item(page, picked.missed).getByTestId("review-select").check();
    await item(page, picked.missed).getByTestId("review-intent").selectOption({ label: "New intent…" });
    const name = item(page, picked.missed).getByTestId("review-new-name");
    await name.fill("9lives");
    assert.match(await text(item(page, picked.missed).getByTestId("review-problem")), /not starting with a digit/);
    assert.equal(await page.getByTestId("propose").isDisabled(), true);
    await name.fill(NEW_INTENT);
    assert.equal(await item(page, picked.missed).getByTestId("review-problem").count(), 0);

    // An existing intent, offered with the bot's guesses first.
    const bot = (await api(suite.base, tokens.agent, "/v1/bots/banking")).body;
    await item(page, conflicting.missed).getByTestId("review-select").check();
    const options = await item(page, conflicting.missed).locator('[data-testid="review-intent"] option:not([disabled])').evaluateAll((els) => els.map((el) => el.value));
    const ranked = [...conflicting.missed.best_guesses].sort((a, b) => b.confidence - a.confidence).map((g) => g.intent);
    assert.deepEqual(options.slice(0, ranked.length), ranked);
    assert.equal(options.length, bot.intents.length + 1, "every intent once, and a new one");
    const target = ranked[0] ?? bot.intents[0].name;
    await item(page, conflicting.missed).getByTestId("review-intent").selectOption(target);
    assert.equal(await text(page.getByTestId("picked-count")), "2");
    await page.evaluate(() => window.scrollTo(0, 0));
    await documentScreenshot(page, "improve-review", { fullPage: true });

    // The same agent proposes one of them from elsewhere first: the batch is refused (all or none), the error sits at that item.
    const made = await api(suite.base, tokens.agent, "/v1/proposals", {
      method: "POST",
      body: { proposals: [{ missed_id: conflicting.missed.id, intent: target }] },
      expect: [201],
    });
    run.conflictingProposal = made.body[0];
    await page.getByTestId("propose").click();
    const refusal = item(page, conflicting.missed).getByTestId("review-item-error");
    await refusal.waitFor();
    assert.match(await text(refusal), new RegExp(`missed utterance "${conflicting.missed.id}" already has a proposal`));
    assert.match(await text(page.getByTestId("propose-error")), /^Nothing was proposed: /);
    await page.locator(`[data-testid="review-item"][data-missed-id="${conflicting.missed.id}"][data-state="proposed"]`).waitFor();
    assert.equal(await text(page.getByTestId("picked-count")), "1", "the proposed one leaves the batch, the other stays picked");
    assert.equal(await item(page, picked.missed).getByTestId("review-select").isChecked(), true);
    assert.equal((await pending()).filter((p) => p.missed_id === picked.missed.id).length, 0, "nothing of the refused batch was stored");

    await page.getByTestId("propose").click();
    await page.getByTestId("propose-done").waitFor();
    assert.equal(await text(page.getByTestId("propose-done")), "Sent 1 proposal to the supervisors.");
    const mine = (await api(suite.base, tokens.agent, "/v1/proposals")).body.find((p) => p.missed_id === picked.missed.id);
    assert.deepEqual([mine?.intent, mine?.new_intent, mine?.response, mine?.status], [NEW_INTENT, true, null, "pending"]);
    run.pickedProposal = mine;
    const shown = page.locator(`[data-testid="my-proposal"][data-proposal-id="${mine.id}"]`);
    await shown.waitFor();
    assert.equal(await shown.getAttribute("data-status"), "pending");
    assert.equal(await item(page, picked.missed).getAttribute("data-state"), "proposed");
    assert.deepEqual(page.consoleErrors.filter((e) => !/40\d/.test(e)), []);
  });

  test("/queue: similar misses are proposed as one candidate new intent in a click; a rejection builds nothing", async () => {
    const page = await open("/queue", tokens.supervisor);
    const ids = run.clustered.map((c) => c.missed.id);
    const cluster = page.locator('[data-testid="cluster"]').filter({ has: page.locator(`[data-testid="cluster-member"][data-missed-id="${ids[0]}"]`) });
    await cluster.waitFor({ timeout: 60_000 });
    const members = await cluster.getByTestId("cluster-member").evaluateAll((els) => els.map((el) => el.dataset.missedId));
    assert.ok(ids.every((id) => members.includes(id)), `both paraphrases in one cluster: ${JSON.stringify(members)}`);
    // Only this run's utterances: other test files' misses may have joined the group.
    for (const id of members.filter((id) => !ids.includes(id))) {
      await cluster.locator(`[data-testid="cluster-member"][data-missed-id="${id}"]`).getByTestId("cluster-member-select").uncheck();
    }
    await cluster.getByTestId("cluster-name").fill(CLUSTER_INTENT);
    await cluster.getByTestId("cluster-response").fill(CLUSTER_RESPONSE);
    await cluster.getByTestId("cluster-propose").click();
    await cluster.waitFor({ state: "detached", timeout: 60_000 });

    const group = page.locator(`[data-testid="queue-group"][data-intent="${CLUSTER_INTENT}"]`);
    await group.waitFor();
    assert.equal(await group.getAttribute("data-new"), "true");
    const stored = (await pending()).filter((p) => p.intent === CLUSTER_INTENT);
    assert.deepEqual(stored.map((p) => p.missed_id).sort(), [...ids].sort());
    assert.ok(stored.every((p) => p.new_intent && p.response === CLUSTER_RESPONSE && p.proposed_by === `supervisor-${RUN}`));
    assert.equal(await group.getByTestId("queue-proposal").count(), 2);

    // One of the two is rejected: nothing is built, the other stays for later.
    const [kept, dropped] = [stored.find((p) => p.missed_id === ids[0]), stored.find((p) => p.missed_id === ids[1])];
    await row(page, dropped).getByTestId("queue-select").check();
    await page.getByTestId("reject").click();
    const result = page.getByTestId("decision-result");
    await result.waitFor();
    assert.equal(await result.locator(`[data-testid="decided-proposal"][data-proposal-id="${dropped.id}"]`).getAttribute("data-status"), "rejected");
    assert.equal(await result.getByTestId("build").count(), 0, "a rejection builds nothing");
    await row(page, dropped).waitFor({ state: "detached" });
    assert.equal(await group.getByTestId("queue-proposal").count(), 1);
    run.clusterProposal = kept;
  });

  test("/queue: a new intent waits for its response, a proposal decided meanwhile is a 409, and approval publishes a version", async () => {
    const page = await open("/queue", tokens.supervisor);
    const mine = row(page, run.pickedProposal);
    const other = row(page, run.conflictingProposal);
    await mine.waitFor();
    await other.waitFor();
    assert.equal(await page.locator(`[data-testid="queue-group"][data-intent="${NEW_INTENT}"]`).getAttribute("data-new"), "true");

    await mine.getByTestId("queue-select").check();
    await other.getByTestId("queue-select").check();
    assert.equal(await page.getByTestId("approve").isDisabled(), true);
    assert.match(await text(page.getByTestId("approve-blocked")), /A new intent needs a response before it can be approved/);
    await mine.getByTestId("queue-response").fill(RESPONSE);
    assert.equal(await page.getByTestId("approve-blocked").count(), 0);
    await mine.getByTestId("queue-note").fill("a fair question for the bot");

    // Another supervisor (here the admin) rejects the other one first: the whole batch is refused.
    await api(suite.base, tokens.admin, "/v1/proposals/decisions", {
      method: "POST",
      body: { decisions: [{ id: run.conflictingProposal.id, verdict: "reject", note: "not for the bot" }] },
    });
    await page.getByTestId("approve").click();
    const refusal = page.getByTestId("decide-error");
    await refusal.waitFor();
    assert.match(await text(refusal), new RegExp(`Nothing was decided: proposal "${run.conflictingProposal.id}" was already rejected by "${run.adminName}"`));
    await other.waitFor({ state: "detached" });
    assert.equal((await pending()).find((p) => p.id === run.pickedProposal.id)?.status, "pending", "nothing of the refused batch was decided");
    assert.equal(await mine.getByTestId("queue-response").inputValue(), RESPONSE, "the edits survive the refusal");

    const before = (await versions()).find((v) => v.active).version;
    const answered = page.waitForResponse((r) => r.url().endsWith("/v1/proposals/decisions") && r.request().method() === "POST", { timeout: BUILD_TIMEOUT_MS });
    await page.getByTestId("approve").click();
    const build = await builtBy(page);
    const sent = (await answered).request().postDataJSON().decisions;
    assert.deepEqual(sent, [{ id: run.pickedProposal.id, verdict: "approve", response: RESPONSE, note: "a fair question for the bot" }], "only what the supervisor changed");
    assert.equal((await (await answered).json()).proposals[0].note, "a fair question for the bot");
    const published = (await versions())[0];
    assert.deepEqual([published.status, published.active, published.base_version, published.author], ["published", true, before, `supervisor-${RUN}`]);
    assert.equal(await build.getAttribute("data-outcome"), "published");
    assert.equal(Number(await build.getAttribute("data-version")), published.version);
    assert.match(await text(build.getByTestId("build-summary")), new RegExp(`banking v${published.version} published: 1 utterance added, new intent ${NEW_INTENT}\\.`));
    const decided = page.locator(`[data-testid="decided-proposal"][data-proposal-id="${run.pickedProposal.id}"]`);
    assert.equal(await decided.getAttribute("data-status"), "published");
    await checkReport(build.getByTestId("gate-report"), published.report);
    run.published = published;

    const stored = (await api(suite.base, tokens.supervisor, "/v1/proposals?limit=1000")).body.find((p) => p.id === run.pickedProposal.id);
    assert.deepEqual([stored.status, stored.version, stored.response, stored.note], ["published", published.version, RESPONSE, "a fair question for the bot"]);
    const answer = await botAnswer(suite, tokens, WORDS.picked);
    assert.deepEqual([answer.source.kind, answer.source.intent, answer.text], ["intent", NEW_INTENT, RESPONSE]);
    assert.deepEqual(page.consoleErrors.filter((e) => !/409/.test(e)), []);
  });

  test("/queue: the next approval is gated on what the first one taught, and its report is charted", async () => {
    const page = await open("/queue", tokens.supervisor);
    const group = page.locator(`[data-testid="queue-group"][data-intent="${CLUSTER_INTENT}"]`);
    await group.waitFor();
    await group.getByTestId("group-select").check();
    await page.getByTestId("approve").click();
    const build = await builtBy(page);
    const gated = (await versions())[0];
    assert.deepEqual([gated.status, gated.base_version], ["published", run.published.version]);
    assert.equal(await build.getAttribute("data-outcome"), "published");
    // The utterance approved before is now one of the gate's tests, and still answered right.
    const earlier = gated.report.intents.find((s) => s.intent === NEW_INTENT);
    assert.deepEqual([earlier?.tests, earlier?.after, earlier?.lost], [1, 1, 0], JSON.stringify(gated.report));
    await checkReport(build.getByTestId("gate-report"), gated.report);
    run.gated = gated;
    const answer = await botAnswer(suite, tokens, WORDS.clustered[0]);
    assert.deepEqual([answer.source.kind, answer.source.intent], ["intent", CLUSTER_INTENT]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await documentScreenshot(page, "improve-queue", { fullPage: true });
  });

  test("/history: versions with their reports, the diff of any two, and a confirmed rollback", async () => {
    const { published, gated } = run;
    const page = await open("/history", tokens.supervisor);
    const card = page.locator(`[data-testid="version"][data-version="${gated.version}"]`);
    await card.waitFor();
    assert.deepEqual([await card.getAttribute("data-active"), await card.getAttribute("data-status")], ["true", "published"]);
    assert.equal(await text(card.getByTestId("version-author")), `supervisor-${RUN}`);
    assert.equal(await text(card.getByTestId("version-reason")), gated.reason);
    assert.equal(await card.getByTestId("rollback").count(), 0, "the serving version offers no rollback");
    await checkReport(card.getByTestId("gate-report"), gated.report);

    // The diff opens on the serving version against the one it was built on; any two can be chosen.
    const diff = page.getByTestId("diff-panel");
    await diff.locator(`[data-testid="diff-intent"][data-intent="${CLUSTER_INTENT}"][data-change="added"]`).waitFor();
    assert.deepEqual([await diff.getAttribute("data-from"), await diff.getAttribute("data-to")], [String(published.version), String(gated.version)]);
    await diff.getByTestId("diff-from").selectOption(String(published.base_version));
    await diff.getByTestId("diff-to").selectOption(String(published.version));
    const added = diff.locator(`[data-testid="diff-intent"][data-intent="${NEW_INTENT}"]`);
    await added.waitFor();
    assert.equal(await added.getAttribute("data-change"), "added");
    const lines = (testId) => added.getByTestId(testId).evaluateAll((els) => els.map((el) => el.textContent.replace(/^\+\s*/, "")));
    assert.deepEqual(await lines("diff-added"), [WORDS.picked]);
    assert.deepEqual(await lines("diff-added-response"), [RESPONSE]);
    const server = (await api(suite.base, tokens.supervisor, `/v1/bots/banking/diff?from=${published.base_version}&to=${published.version}`)).body;
    assert.deepEqual(await diff.getByTestId("diff-intent").evaluateAll((els) => els.map((el) => el.dataset.intent)), server.map((d) => d.intent));
    await page.evaluate(() => window.scrollTo(0, 0));
    await documentScreenshot(page, "improve-history", { fullPage: true });

    // Rollback asks first; cancelling changes nothing.
    const base = page.locator(`[data-testid="version"][data-version="${published.base_version}"]`);
    await base.getByTestId("rollback").click();
    await base.getByTestId("rollback-cancel").click();
    assert.equal(await base.getByTestId("rollback-confirmation").count(), 0);
    assert.equal((await versions())[0].version, gated.version);
    await base.getByTestId("rollback").click();
    await base.getByTestId("rollback-confirm").click();
    const done = page.getByTestId("rollback-done");
    await done.waitFor({ timeout: BUILD_TIMEOUT_MS });
    const rolled = (await versions())[0];
    assert.deepEqual([rolled.active, rolled.reason, rolled.base_version], [true, `rollback to v${published.base_version}`, gated.version]);
    assert.equal(await text(done), `v${rolled.version} now serves the content of v${published.base_version}.`);
    await page.locator(`[data-testid="version"][data-version="${rolled.version}"][data-active="true"]`).waitFor();
    for (const intent of [NEW_INTENT, CLUSTER_INTENT]) await diff.locator(`[data-testid="diff-intent"][data-intent="${intent}"][data-change="removed"]`).waitFor();

    const answer = await botAnswer(suite, tokens, WORDS.picked);
    assert.notEqual(answer.source.intent, NEW_INTENT, "the rolled-back bot no longer knows the new intent");
    assert.deepEqual(page.consoleErrors, []);
  });

  test("/audit: every step, newest first, with what it changed", async () => {
    const page = await open("/audit", tokens.admin);
    await page.getByTestId("audit-entry").first().waitFor();
    const shown = await page.getByTestId("audit-entry").evaluateAll((els) => els.map((el) => [el.dataset.action, el.dataset.actor, el.dataset.subject]));
    const log = (await api(suite.base, tokens.admin, "/v1/audit?limit=100")).body;
    assert.deepEqual(shown, log.map((e) => [e.action, e.actor, e.subject]), "the page shows the log as the server orders it");
    const at = (action, subject) => shown.findIndex(([a, , s]) => a === action && s === subject);
    const proposal = `proposal:${run.pickedProposal.id}`;
    const order = [at("bot.rollback", "bot:banking"), at("bot.publish", "bot:banking"), at("proposal.approve", proposal), at("proposal.create", proposal)];
    assert.ok(order.every((i) => i >= 0), JSON.stringify(order));
    assert.deepEqual([...order].sort((a, b) => a - b), order, "newest first");
    assert.equal(shown[order[3]][1], `agent-review-${RUN}`);

    const approval = page.locator(`[data-testid="audit-entry"][data-action="proposal.approve"][data-subject="${proposal}"]`);
    assert.equal(await text(approval.getByTestId("audit-changed")), "note, response, status");
    await approval.getByTestId("audit-changed").click();
    const stored = log.find((e) => e.action === "proposal.approve" && e.subject === proposal);
    assert.deepEqual(JSON.parse(await text(approval.getByTestId("audit-before"))), stored.before);
    assert.equal(stored.before.status, "pending");
    assert.equal(JSON.parse(await text(approval.getByTestId("audit-after"))).status, "approved");
    assert.equal(JSON.parse(await text(approval.getByTestId("audit-after"))).response, RESPONSE);
    await page.evaluate(() => window.scrollTo(0, 0));
    await documentScreenshot(page, "improve-audit", { fullPage: true });
    assert.deepEqual(page.consoleErrors, []);
  });

  // Last, so that its call does not share the transcriber with the other files' calls, and its
  // publish and rollback come after the versions and the audit log checked above.
  test("a call's missed words: proposed from the call's context on /review, approved on /queue, published and answered", { timeout: CALL_TIMEOUT_MS + 3 * BUILD_TIMEOUT_MS }, async () => {
    const callId = uniqueCallId("improve");
    const closed = await streamCall({ base: suite.base, token: tokens.callAgent, name: CALL, callId, agentId: run.callAgent });
    assert.deepEqual(closed, { code: 1000, reason: "call ended" });

    // What the bot missed is listed for the call's agent as the call stored it: the customer's words, with their segment.
    const stored = async () => (await api(suite.base, tokens.callAgent, `/v1/calls/${encodeURIComponent(callId)}`)).body;
    const { call, misses } = await eventually(async () => {
      const call = await stored();
      const misses = (await api(suite.base, tokens.callAgent, "/v1/review/missed?limit=1000")).body.filter((m) => m.call_id === callId);
      const heard = JSON.stringify(call.transcript.map((s) => [s.speaker, s.text]));
      assert.ok(call.missed.length > 0, `the bot missed nothing the customer said in ${CALL}; it heard ${heard}`);
      assert.deepEqual(misses.map((m) => m.id).sort(), call.missed.map((m) => m.id).sort(), "the review lists the call's missed utterances");
      return { call, misses };
    });
    assert.equal(call.agent_id, run.callAgent);
    const said = new Map(call.transcript.map((s) => [s.seq, s]));
    for (const m of misses) {
      assert.deepEqual([m.session_id, m.speaker, m.reason, m.bot, m.status], [null, "customer", "no_match", "banking", "new"], JSON.stringify(m));
      assert.deepEqual([said.get(m.seq)?.speaker, said.get(m.seq)?.text], ["customer", m.text], `missed utterance ${m.id} is its segment's words`);
    }
    // The most words without a redaction tag: the most distinctive thing the customer said that the bot missed.
    const words = (m) => m.text.split(/\s+/).filter((w) => /[a-z0-9]/i.test(w)).length;
    const chosen = [...misses].sort((a, b) => Number(a.text.includes("[")) - Number(b.text.includes("[")) || words(b) - words(a) || a.seq - b.seq)[0];

    // /review: the call is one conversation with its segments around the misses, each miss marked and pickable.
    const review = await open("/review", tokens.callAgent);
    const card = review.locator(`[data-testid="review-conversation"][data-kind="call"][data-id="${callId}"]`);
    await card.getByTestId("conversation-context").waitFor();
    assert.match(await card.locator("h2").textContent(), /^Call · banking/);
    const turns = await card.getByTestId("context-turn").evaluateAll((els) =>
      els.map((el) => ({ speaker: el.dataset.speaker, missed: el.dataset.missed === "true", text: el.textContent })),
    );
    const marked = turns.filter((t) => t.missed);
    assert.equal(marked.length, misses.length, `every miss marked in the call's context: ${JSON.stringify(turns)}`);
    assert.ok(marked.every((t) => t.speaker === "customer"));
    for (const m of misses) assert.ok(marked.some((t) => t.text.includes(m.text)), `${JSON.stringify(m.text)} marked in ${JSON.stringify(marked)}`);
    assert.ok(turns.some((t) => t.speaker === "agent"), "the agent's words around them give the context");
    const items = await card.getByTestId("review-item").evaluateAll((els) => els.map((el) => el.dataset.missedId));
    assert.deepEqual(items, [...misses].sort((a, b) => a.seq - b.seq).map((m) => m.id), "the call's misses in the order they were said");
    const pick = card.locator(`[data-testid="review-item"][data-missed-id="${chosen.id}"]`);
    assert.equal(await pick.getByTestId("review-text").textContent(), chosen.text);
    assert.match(await text(pick), /no match/);
    const guesses = await pick.getByTestId("review-guess").evaluateAll((els) => els.map((el) => el.dataset.intent));
    assert.deepEqual(guesses, chosen.best_guesses.map((g) => g.intent));

    await pick.getByTestId("review-select").check();
    await pick.getByTestId("review-intent").selectOption({ label: "New intent…" });
    await pick.getByTestId("review-new-name").fill(CALL_INTENT);
    assert.equal(await pick.getByTestId("review-problem").count(), 0);
    assert.equal(await text(review.getByTestId("picked-count")), "1");
    await review.getByTestId("propose").click();
    await review.getByTestId("propose-done").waitFor();
    assert.equal(await text(review.getByTestId("propose-done")), "Sent 1 proposal to the supervisors.");
    const proposal = (await api(suite.base, tokens.callAgent, "/v1/proposals")).body.find((p) => p.missed_id === chosen.id);
    assert.deepEqual(
      [proposal?.text, proposal?.intent, proposal?.new_intent, proposal?.response, proposal?.status, proposal?.proposed_by],
      [chosen.text, CALL_INTENT, true, null, "pending", run.callAgent],
    );
    await review.locator(`[data-testid="review-item"][data-missed-id="${chosen.id}"][data-state="proposed"]`).waitFor();
    await review.locator(`[data-testid="my-proposal"][data-proposal-id="${proposal.id}"][data-status="pending"]`).waitFor();
    assert.deepEqual(review.consoleErrors, []);

    // /queue: the supervisor gives the new intent its response and approves; the build publishes a version on top of the serving one.
    const before = (await versions()).find((v) => v.active).version;
    const queue = await open("/queue", tokens.supervisor);
    const group = queue.locator(`[data-testid="queue-group"][data-intent="${CALL_INTENT}"]`);
    await group.waitFor();
    assert.equal(await group.getAttribute("data-new"), "true");
    const mine = row(queue, proposal);
    assert.equal(await mine.getByTestId("queue-text").inputValue(), chosen.text);
    await mine.getByTestId("queue-select").check();
    assert.equal(await queue.getByTestId("approve").isDisabled(), true, "a new intent needs its response first");
    await mine.getByTestId("queue-response").fill(CALL_RESPONSE);
    await queue.getByTestId("approve").click();
    const build = await builtBy(queue);
    const published = (await versions())[0];
    assert.deepEqual([published.status, published.active, published.base_version, published.author], ["published", true, before, `supervisor-${RUN}`]);
    assert.ok(published.version > before);
    assert.equal(await build.getAttribute("data-outcome"), "published");
    assert.equal(Number(await build.getAttribute("data-version")), published.version);
    assert.match(await text(build.getByTestId("build-summary")), new RegExp(`banking v${published.version} published: 1 utterance added, new intent ${CALL_INTENT}\\.`));
    assert.equal(await queue.locator(`[data-testid="decided-proposal"][data-proposal-id="${proposal.id}"]`).getAttribute("data-status"), "published");
    assert.deepEqual(queue.consoleErrors, []);

    // The serving bot is that version, knows the new intent, and differs from the one before by exactly the call's words.
    const bot = (await api(suite.base, tokens.supervisor, "/v1/bots/banking")).body;
    assert.equal(bot.version, published.version);
    assert.ok(bot.intents.some((i) => i.name === CALL_INTENT), `${CALL_INTENT} in ${JSON.stringify(bot.intents.map((i) => i.name))}`);
    const diff = (await api(suite.base, tokens.supervisor, `/v1/bots/banking/diff?from=${before}&to=${published.version}`)).body;
    assert.deepEqual(diff, [
      { intent: CALL_INTENT, change: "added", added_utterances: [chosen.text], removed_utterances: [], added_responses: [CALL_RESPONSE], removed_responses: [] },
    ]);
    const answer = await botAnswer(suite, tokens, chosen.text);
    assert.deepEqual([answer.source.kind, answer.source.intent, answer.text], ["intent", CALL_INTENT, CALL_RESPONSE]);
    const decided = (await api(suite.base, tokens.callAgent, "/v1/proposals")).body.find((p) => p.id === proposal.id);
    assert.deepEqual([decided.status, decided.version, decided.response], ["published", published.version, CALL_RESPONSE]);
    const missedNow = (await api(suite.base, tokens.callAgent, "/v1/review/missed?limit=1000")).body.find((m) => m.id === chosen.id);
    assert.notEqual(missedNow?.status, "new", "the taught miss is no longer open for review");

    // The agent sees what became of it on /review.
    const again = await open("/review", tokens.callAgent);
    const shown = again.locator(`[data-testid="my-proposal"][data-proposal-id="${proposal.id}"][data-status="published"]`);
    await shown.waitFor();
    assert.match(await text(shown), new RegExp(`in v${published.version}\\b`));
    assert.equal(await again.locator(`[data-testid="review-item"][data-missed-id="${chosen.id}"]`).getAttribute("data-state"), "proposed");
    assert.deepEqual(again.consoleErrors, []);

    // Leave the bot as this test found it: words from a banking call would otherwise stay an intent of their own.
    const rolled = (await api(suite.base, tokens.supervisor, "/v1/bots/banking/rollback", { method: "POST", body: { version: before } })).body;
    assert.deepEqual([rolled.active, rolled.reason, rolled.base_version], [true, `rollback to v${before}`, published.version]);
    assert.deepEqual((await api(suite.base, tokens.supervisor, `/v1/bots/banking/diff?from=${before}&to=${rolled.version}`)).body, []);
  });
});

