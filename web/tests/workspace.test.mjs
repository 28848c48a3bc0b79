// The staff pages against the real server: sign-in, then staged calls streamed over LCA's protocol watched live on /agent and /supervisor.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { resolve } from "node:path";
import { browserSuite, newPage, screenshot, text } from "./helpers.mjs";
import {
  CALL_TIMEOUT_MS,
  REPO_ROOT,
  api,
  createToken,
  documentScreenshot,
  eventually,
  openSignedIn,
  sharedToken,
  streamCall,
  uniqueCallId,
} from "./staff.mjs";

/**
 * agent-7's staged call, which must get at least one suggestion: the unknown question call by
 * default (in the lost card call tiny.en mishears the customer, so no suggestion ever comes).
 */
const ASSIST_CALL = process.env.SWITCHBOARD_ASSIST_CALL ?? "call_03_unknown_question";

/** The real recording of Amazon LCA's test call: two people on phone lines, 4 min 5 s. */
const LCA_RECORDING = resolve(REPO_ROOT, "../shared/data/speech/lca-calls/auto_repairs_40.wav");

/** Where the agent's call holds its audio: mid-sentence in the customer's first turn (4.7–10.7 s in call_03, 6.1–10.7 s in call_01). */
const PAUSE_AT_MS = 8_500;

/** The agent workspace is a sidebar beside the softphone; the supervisor view is a wall. */
const AGENT_VIEWPORT = { width: 560, height: 1000 };
const SUPERVISOR_VIEWPORT = { width: 1440, height: 1000 };

/** Key phrases as the workspace lists them: newest segment first, each once, at most 12. */
function expectedKeyPhrases(transcript) {
  const seen = new Set();
  const out = [];
  for (const segment of [...transcript].reverse()) {
    for (const phrase of segment.key_phrases) {
      const key = phrase.trim().toLowerCase();
      if (key && !seen.has(key) && out.length < 12) {
        seen.add(key);
        out.push(phrase.trim());
      }
    }
  }
  return out;
}

/** Seconds as the metrics panel shows them: `m:ss`, rounded to the nearest second (the staged calls are under an hour). */
function clock(seconds) {
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** True when the canvas has pixels of exactly this `#rrggbb` colour (a series' line or points, not just axes). */
function paintedIn(canvas, hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) return true;
  return false;
}

/** The speakers' colours in the sentiment charts (SPEAKER_COLOURS in SentimentChart.tsx). */
const SPEAKER_COLOURS = { customer: "#2f6fb3", agent: "#8a63b8" };

/** Checks a `call-metrics` panel against `metrics` as `GET /v1/calls/{id}` returned them. */
async function assertMetricsShown(panel, metrics) {
  assert.equal(Number(await panel.getByTestId("metrics-duration").getAttribute("data-seconds")), metrics.duration_s);
  assert.equal(await text(panel.getByTestId("metrics-duration")), clock(metrics.duration_s));
  for (const speaker of ["agent", "customer"]) {
    const talk = panel.getByTestId(`metrics-talk-${speaker}`);
    assert.equal(Number(await talk.getAttribute("data-seconds")), metrics.talk_time_s[speaker], `${speaker} talk time`);
    assert.equal(await text(talk), clock(metrics.talk_time_s[speaker]));
    assert.equal(await text(panel.getByTestId(`metrics-wpm-${speaker}`)), `${Math.round(metrics.words_per_minute[speaker])} wpm`);
  }
  assert.equal(Number(await panel.getByTestId("metrics-non-talk").getAttribute("data-seconds")), metrics.non_talk_s);
  assert.equal(Number(await panel.getByTestId("metrics-talk-ratio").getAttribute("data-ratio")), metrics.talk_ratio);
  const [agentShare, customerShare] = (await text(panel.getByTestId("metrics-talk-ratio"))).match(/\d+/g).map(Number);
  assert.equal(agentShare + customerShare, 100);
  assert.ok(Math.abs(agentShare - metrics.talk_ratio * 100) <= 1, `agent ${agentShare} % of talk for a ratio of ${metrics.talk_ratio}`);
  assert.equal(await text(panel.getByTestId("metrics-longest-silence")), clock(metrics.longest_silence_s));
  assert.equal(await panel.getByTestId("metrics-interruptions").getAttribute("data-count"), String(metrics.interruptions.length));
  assert.equal(await text(panel.getByTestId("metrics-overlap")), clock(metrics.overlap_s));
  // The stacked bar adds up to the whole call even when both spoke at once.
  const shares = await panel.getByTestId("talk-share").evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-percent"))));
  assert.equal(shares.reduce((a, b) => a + b, 0), 100);

  const chart = panel.getByTestId("metrics-sentiment-chart");
  const scored = (speaker) => metrics.sentiment_by_quarter[speaker].filter((v) => v !== null).length;
  assert.ok(scored("customer") + scored("agent") > 0, "some speech was scored for sentiment");
  assert.equal(await chart.getAttribute("data-points"), String(scored("customer") + scored("agent")));
  const canvas = chart.locator("canvas").first();
  await canvas.waitFor();
  for (const speaker of ["customer", "agent"]) {
    if (scored(speaker) === 0) continue;
    await eventually(async () => assert.ok(await canvas.evaluate(paintedIn, SPEAKER_COLOURS[speaker]), `${speaker}'s quarters are drawn`));
  }
}

describe("staff sign-in", () => {
  const suite = browserSuite();
  const tokens = {};

  before(async () => {
    tokens.agent = await createToken(suite.base, "sign-in-agent", "agent");
    tokens.supervisor = await createToken(suite.base, "sign-in-supervisor", "supervisor");
    tokens.client = await createToken(suite.base, "browser-client", "client");
  });

  test("sign-in refuses unknown tokens and roles too weak for the page, and remembers the tab's token", async () => {
    const page = await newPage(suite.browser, { width: 900, height: 700 });
    await page.goto(`${suite.base}/supervisor`);

    await page.getByTestId("token-input").fill("not-a-real-token");
    await page.getByTestId("sign-in").click();
    assert.match(await text(page.getByTestId("sign-in-error")), /not recognised/);

    await page.getByTestId("token-input").fill(tokens.client);
    await page.getByTestId("sign-in").click();
    await page.getByTestId("sign-in-error").filter({ hasText: "client" }).waitFor();
    const refusal = await text(page.getByTestId("sign-in-error"));
    assert.match(refusal, /supervisor/);
    assert.match(refusal, /browser-client/);
    await screenshot(page, "sign-in-refused");

    await page.getByTestId("token-input").fill(tokens.agent);
    await page.getByTestId("sign-in").click();
    await page.getByTestId("sign-in-error").filter({ hasText: "role agent" }).waitFor();
    assert.equal(await page.getByTestId("signed-in-as").count(), 0);

    await page.getByTestId("token-input").fill(tokens.supervisor);
    await page.getByTestId("sign-in").click();
    assert.match(await text(page.getByTestId("signed-in-as")), /sign-in-supervisor \(supervisor\)/);
    // A reload signs in again from the tab's storage, without the form.
    await page.reload();
    assert.equal(await page.getByTestId("signed-in-as").getAttribute("data-name"), "sign-in-supervisor");
    assert.equal(await page.getByTestId("token-input").count(), 0);

    await page.getByTestId("sign-out").click();
    await page.getByTestId("token-input").waitFor();
    assert.equal(await page.evaluate(() => window.sessionStorage.getItem("switchboard-staff-token")), null);
    await page.reload();
    await page.getByTestId("token-input").waitFor();

    // The agent page takes agents, but not the public widget's client role.
    await page.goto(`${suite.base}/agent#token=${encodeURIComponent(tokens.client)}`);
    assert.match(await text(page.getByTestId("sign-in-error")), /agent, supervisor or admin/);
    assert.deepEqual(page.consoleErrors.filter((e) => !/401|403/.test(e)), []);
    await page.context().close();
  });
});

describe("a staged call streamed into the server, watched live", () => {
  const suite = browserSuite();
  const tokens = {};
  const run = {};
  const long = { timeout: CALL_TIMEOUT_MS };
  /** agent-7's call (the unknown question by default), and at the same time agent-8's frustrated customer (for alerts). */
  const agentCall = uniqueCallId(`browser-${ASSIST_CALL.replace(/^call_\d+_/, "").replaceAll("_", "-")}`);
  const dispute = uniqueCallId("browser-dispute");
  const header = (status) => run.agent.locator(`[data-testid="call-header"][data-call-id="${agentCall}"][data-status="${status}"]`);
  const row = () => run.supervisor.locator(`[data-testid="call-row"][data-call-id="${agentCall}"]`);
  const detail = () => run.supervisor.locator(`[data-testid="call-detail"][data-call-id="${agentCall}"]`);
  /** A call as the server stored it, read with `token`. */
  const stored = async (token, id) => (await api(suite.base, token, `/v1/calls/${encodeURIComponent(id)}`)).body;

  before(async () => {
    tokens.agent = await sharedToken(suite.base, "agent-7", "agent");
    tokens.otherAgent = await sharedToken(suite.base, "agent-8", "agent");
    tokens.supervisor = await createToken(suite.base, "browser-supervisor", "supervisor");
    run.previous = (await api(suite.base, tokens.agent, "/v1/calls?limit=1")).body;
    run.agent = await openSignedIn(suite.browser, suite.base, "/agent", tokens.agent, AGENT_VIEWPORT);
    run.supervisor = await openSignedIn(suite.browser, suite.base, "/supervisor", tokens.supervisor, SUPERVISOR_VIEWPORT);
  });

  after(async () => {
    await run.streams?.catch(() => {});
    await run.agent?.context().close();
    await run.supervisor?.context().close();
  });

  test("before the call the agent page shows who is signed in and no live call", async () => {
    const { agent } = run;
    assert.doesNotMatch(agent.url(), /token=/, "the token leaves the address bar");
    assert.match(await text(agent.getByTestId("signed-in-as")), /agent-7 \(agent\)/);
    if (run.previous.length === 0) {
      await agent.getByTestId("no-call").waitFor();
    } else {
      // An earlier run's call is shown as ended until the next one begins.
      const shown = agent.getByTestId("call-header");
      assert.equal(await shown.getAttribute("data-call-id"), run.previous[0].id);
      assert.notEqual(await shown.getAttribute("data-status"), "live");
    }
  });

  test("a new call replaces it on the agent page and shows live", async () => {
    const base = suite.base;
    // The agent's call holds its audio mid-sentence until the page showed the partial (or time is
    // up); agent-8's call starts only then, since the server sheds partials when decoders are busy.
    const partialShown = new Promise((resolve) => (run.partialShown = resolve));
    const until = Promise.race([partialShown, new Promise((r) => setTimeout(r, CALL_TIMEOUT_MS))]);
    run.streams = Promise.all([
      streamCall({ base, token: tokens.agent, name: ASSIST_CALL, callId: agentCall, agentId: "agent-7", pause: { atMs: PAUSE_AT_MS, until } }),
      until.then(() =>
        streamCall({ base, token: tokens.otherAgent, name: "call_02_bill_dispute_frustrated", callId: dispute, agentId: "agent-8", fromNumber: "+15550142" }),
      ),
    ]);
    await header("live").waitFor(long);
    assert.equal(await text(run.agent.getByTestId("caller")), "+15550100");
    assert.match(await text(run.agent.getByTestId("call-duration")), /^\d+:\d\d$/);
  });

  test("speech in progress shows as a partial, and finals replace partials", async () => {
    const { agent } = run;
    let speaker;
    let channel;
    try {
      const partial = agent.getByTestId("partial").first();
      await partial.waitFor(long);
      speaker = await partial.getAttribute("data-speaker");
      channel = await partial.getAttribute("data-channel");
      assert.match(speaker ?? "", /^(customer|agent)$/);
      assert.notEqual(await text(partial), "");
    } finally {
      run.partialShown();
    }
    // That speaker's final arrives; a channel never shows more than its one latest partial.
    await agent.locator(`[data-testid="segment"][data-speaker="${speaker}"]`).first().waitFor(long);
    assert.ok((await agent.locator(`[data-testid="partial"][data-channel="${channel}"]`).count()) <= 1);
  });

  test("segments arrive with speakers and sentiment, and the sentiment chart is drawn", async () => {
    const { agent } = run;
    const customerRow = agent.locator('[data-testid="segment"][data-speaker="customer"]').first();
    await customerRow.waitFor(long);
    assert.notEqual(await text(customerRow.getByTestId("segment-text")), "");
    assert.match((await customerRow.getAttribute("data-sentiment")) ?? "", /^(negative|neutral|positive)$/);
    const chart = agent.getByTestId("sentiment-chart");
    await chart.locator("canvas").first().waitFor(long);
    assert.ok(Number(await chart.getAttribute("data-points")) >= 1);
  });

  test("the supervisor sees the call in the table with the customer's current sentiment, and opens it", async () => {
    const { supervisor } = run;
    await row().waitFor(long);
    assert.match(await text(row()), /agent-7/);
    assert.match(await text(row().getByTestId("row-caller")), /\+15550100/);
    const mood = row().locator('[data-testid="sentiment-customer"]:not([data-label="none"])');
    await mood.waitFor(long);
    assert.match((await mood.getAttribute("data-label")) ?? "", /^(negative|neutral|positive)$/);
    assert.match((await mood.getAttribute("data-running")) ?? "", /^-?\d\.\d\d$/);
    await supervisor.locator(`[data-testid="call-row"][data-call-id="${dispute}"]`).waitFor(long);

    await row().click();
    await detail().waitFor();
    await detail().locator('[data-testid="segment"][data-speaker="customer"]').first().waitFor(long);
    assert.equal(await detail().getByTestId("call-header").getAttribute("data-call-id"), agentCall);
  });

  test("a suggestion for the customer's words appears; marking it used shows on both pages and is stored", async () => {
    const { agent } = run;
    // Wait for a suggestion, or for the call to end without one (then say what was heard).
    await agent.waitForFunction(
      (id) =>
        document.querySelector('[data-testid="suggestion"]') ||
        document.querySelector(`[data-testid="call-header"][data-call-id="${id}"]:not([data-status="live"])`),
      agentCall,
      long,
    );
    if ((await agent.getByTestId("suggestion").count()) === 0) {
      const call = await stored(tokens.agent, agentCall);
      assert.fail(
        `no suggestion for ${ASSIST_CALL}. Customer words: ${JSON.stringify(call.transcript.filter((s) => s.speaker === "customer").map((s) => s.text))}; ` +
          `missed: ${JSON.stringify(call.missed.map((m) => [m.text, m.best_guesses]))}`,
      );
    }
    const suggestion = agent.getByTestId("suggestion").first();
    const suggestionId = await suggestion.getAttribute("data-suggestion-id");
    assert.match((await suggestion.getAttribute("data-kind")) ?? "", /^(intent|knowledge)$/);
    assert.equal(await suggestion.getAttribute("data-feedback"), "none");
    assert.match(await text(suggestion.getByTestId("suggestion-source")), /^(intent: \S+|FAQ: \S.*)$/);
    assert.match(await text(suggestion.getByTestId("suggestion-score")), /^\d{1,3} %$/);
    assert.notEqual(await text(suggestion.getByTestId("suggestion-title")), "");

    // The supervisor's open call shows the same suggestion, without feedback buttons.
    const watched = detail().locator(`[data-testid="suggestion"][data-suggestion-id="${suggestionId}"]`);
    await watched.waitFor(long);
    assert.equal(await detail().getByTestId("suggestion-used").count(), 0, "supervisors cannot give feedback");
    assert.equal(await detail().getByTestId("suggestion-not-helpful").count(), 0);

    await suggestion.getByTestId("suggestion-used").click();
    const used = agent.locator(`[data-testid="suggestion"][data-suggestion-id="${suggestionId}"][data-feedback="used"]`);
    await used.waitFor();
    assert.match(await text(used.getByTestId("suggestion-verdict")), /^Used/);
    assert.equal(await used.getByTestId("suggestion-used").count(), 0);
    const seen = detail().locator(`[data-testid="suggestion"][data-suggestion-id="${suggestionId}"][data-feedback="used"]`);
    await seen.waitFor();
    assert.match(await text(seen.getByTestId("suggestion-verdict")), /agent-7/);
    const call = await stored(tokens.supervisor, agentCall);
    assert.deepEqual(
      call.suggestions.filter((s) => s.id === suggestionId).map((s) => [s.feedback, s.feedback_by]),
      [["used", "agent-7"]],
    );
  });

  test("screenshots of both pages during the call", async () => {
    const { agent, supervisor } = run;
    await agent.waitForFunction(
      () => document.querySelectorAll('[data-testid="segment"]').length >= 6 || document.querySelector('[data-testid="call-header"]:not([data-status="live"])'),
      null,
      long,
    );
    if ((await detail().count()) === 0) await row().click();
    await detail().waitFor();
    // The sidebar is taller than a screen: show all of it.
    await documentScreenshot(agent, "agent-workspace", { fullPage: true });
    await documentScreenshot(supervisor, "supervisor-live");
  });

  test("both calls end normally and the agent page keeps the ended call exactly as stored", async () => {
    const { agent } = run;
    assert.deepEqual(await run.streams, [
      { code: 1000, reason: "call ended" },
      { code: 1000, reason: "call ended" },
    ]);
    await header("completed").waitFor(long);
    const final = await stored(tokens.agent, agentCall);
    assert.ok(final.transcript.some((s) => s.speaker === "customer"), "the customer was transcribed");
    // Every segment once, in seq order.
    await agent.waitForFunction((n) => document.querySelectorAll('[data-testid="segment"]').length === n, final.transcript.length, long);
    assert.deepEqual(
      await agent.getByTestId("segment").evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-seq")))),
      final.transcript.map((s) => s.seq),
    );
    assert.equal(await agent.getByTestId("partial").count(), 0, "no partial outlives the call");

    // Missed words are flagged in the transcript; key phrases, categories and alerts match the store.
    for (const m of final.missed) {
      const missedRow = agent.locator(`[data-testid="segment"][data-seq="${m.seq}"]`);
      assert.equal(await missedRow.getAttribute("data-missed"), "true");
      assert.equal(await missedRow.getByTestId("missed-badge").count(), 1);
    }
    assert.equal(await agent.getByTestId("missed").count(), final.missed.length);
    const phrases = expectedKeyPhrases(final.transcript);
    assert.ok(phrases.length > 0, "the call has key phrases");
    await eventually(async () => assert.deepEqual(await agent.getByTestId("key-phrase").allInnerTexts(), phrases));
    await eventually(async () => assert.deepEqual(await agent.getByTestId("category").allInnerTexts(), final.categories));
    const severities = (locator) => locator.evaluateAll((els) => els.map((el) => el.getAttribute("data-severity")).sort());
    await eventually(async () =>
      assert.deepEqual(await severities(agent.getByTestId("alert")), final.rule_hits.filter((h) => h.severity).map((h) => h.severity).sort()),
    );
    // agent-7's page never showed agent-8's call.
    assert.equal(await agent.locator(`[data-call-id="${dispute}"]`).count(), 0);
    await screenshot(agent, "agent-workspace-ended", { fullPage: true });
    assert.deepEqual(agent.consoleErrors, []);
    assert.equal(await agent.getByTestId("feed-notice").count(), 0);
  });

  test("the ended call's metrics show on the agent page and the supervisor's open call exactly as stored", async () => {
    const { agent, supervisor } = run;
    const { metrics } = await stored(tokens.agent, agentCall);
    assert.ok(metrics, "GET /v1/calls/{id} returns the call's metrics");
    const panel = agent.locator(`[data-testid="call-metrics"][data-call-id="${agentCall}"]`);
    await panel.waitFor();
    await assertMetricsShown(panel, metrics);
    if ((await detail().count()) === 0) await supervisor.locator(`[data-testid="call-row"][data-call-id="${agentCall}"]`).click();
    const watched = detail().getByTestId("call-metrics");
    await watched.waitFor();
    await assertMetricsShown(watched, metrics);
    // The panel alone (a locator takes screenshots like a page does).
    await documentScreenshot(panel, "call-metrics");
    assert.deepEqual(agent.consoleErrors, []);
    assert.deepEqual(supervisor.consoleErrors, []);
  });

  test("the frustrated customer's call shows its categories and alerts on the supervisor view", async () => {
    const { supervisor } = run;
    await run.streams;
    const disputed = await stored(tokens.supervisor, dispute);
    assert.ok(disputed.categories.length > 0, `the bill dispute matched no rule: ${JSON.stringify(disputed.transcript.map((s) => s.text))}`);
    const disputeRow = supervisor.locator(`[data-testid="call-row"][data-call-id="${dispute}"][data-status="completed"]`);
    await disputeRow.waitFor(long);
    assert.match(await text(disputeRow), /agent-8/);
    await eventually(async () => assert.deepEqual(await disputeRow.getByTestId("row-category").allInnerTexts(), disputed.categories));
    const alerts = disputed.rule_hits.filter((h) => h.severity);
    await eventually(async () => assert.equal(await disputeRow.getByTestId("alert-count").getAttribute("data-count"), String(alerts.length)));
    const feed = supervisor.getByTestId("alert-feed");
    for (const hit of alerts) {
      const item = feed.locator(`[data-testid="alert"][data-call-id="${dispute}"][data-rule="${hit.rule}"]`);
      assert.equal(await item.getAttribute("data-severity"), hit.severity);
      assert.notEqual(await text(item), "");
    }
    await screenshot(supervisor, "supervisor-ended");
    assert.deepEqual(supervisor.consoleErrors, []);
    assert.equal(await supervisor.getByTestId("feed-notice").count(), 0);
  });
});

describe("the real recording streamed as Amazon LCA's client sends it, watched live", () => {
  const suite = browserSuite();
  const tokens = {};
  const run = {};
  const long = { timeout: CALL_TIMEOUT_MS };
  const callId = uniqueCallId("browser-real-call");
  const detail = () => run.supervisor.locator(`[data-testid="call-detail"][data-call-id="${callId}"]`);

  before(async () => {
    tokens.agent = await sharedToken(suite.base, "agent-9", "agent");
    tokens.supervisor = await createToken(suite.base, "browser-real-supervisor", "supervisor");
    run.agent = await openSignedIn(suite.browser, suite.base, "/agent", tokens.agent, AGENT_VIEWPORT);
    run.supervisor = await openSignedIn(suite.browser, suite.base, "/supervisor", tokens.supervisor, SUPERVISOR_VIEWPORT);
  });

  after(async () => {
    await run.stream?.catch(() => {});
    await run.agent?.context().close();
    await run.supervisor?.context().close();
  });

  test("its turns reach both pages redacted, scored, assisted and categorised, exactly as stored", async () => {
    const { agent, supervisor } = run;
    // The whole file, RIFF header in the first 200 ms chunk, as fast as the server takes it.
    run.stream = streamCall({ base: suite.base, token: tokens.agent, path: LCA_RECORDING, callId, agentId: "agent-9", paceMs: 0 });
    await agent.locator(`[data-testid="call-header"][data-call-id="${callId}"]`).waitFor(long);
    const row = supervisor.locator(`[data-testid="call-row"][data-call-id="${callId}"]`);
    await row.waitFor(long);
    assert.match(await text(row), /agent-9/);
    await row.click();
    await detail().waitFor();
    assert.deepEqual(await run.stream, { code: 1000, reason: "call ended" });

    const final = (await api(suite.base, tokens.agent, `/v1/calls/${encodeURIComponent(callId)}`)).body;
    assert.equal(final.status, "completed");
    for (const speaker of ["customer", "agent"]) {
      assert.ok(final.transcript.filter((s) => s.speaker === speaker).length >= 5, `${speaker} turns were transcribed`);
    }
    await agent.locator(`[data-testid="call-header"][data-call-id="${callId}"][data-status="completed"]`).waitFor(long);
    // Every turn once, in order, with the stored (redacted) words and sentiment, on both pages.
    for (const page of [agent, detail()]) {
      await eventually(async () =>
        assert.deepEqual(
          await page.getByTestId("segment").evaluateAll((els) =>
            els.map((el) => [Number(el.getAttribute("data-seq")), el.getAttribute("data-speaker"), el.getAttribute("data-sentiment")]),
          ),
          final.transcript.map((s) => [s.seq, s.speaker, s.sentiment.label]),
        ),
      );
      assert.deepEqual(
        await page.getByTestId("segment-text").evaluateAll((els) => els.map((el) => el.textContent)),
        final.transcript.map((s) => s.text),
      );
      // What redaction replaced shows as marked tags, never as the words.
      const tags = final.transcript.flatMap((s) => s.text.match(/\[[A-Z][A-Z_]*\]/g) ?? []);
      assert.deepEqual(await page.locator('[data-testid="segment-text"] mark.st-redacted').allInnerTexts(), tags);
    }
    // Assist answered the customer: suggestions shown newest first (at most 12), misses flagged.
    assert.ok(final.suggestions.length + final.missed.length > 0, "assist answered or kept the customer's words");
    const shown = await agent.getByTestId("suggestion").evaluateAll((els) => els.map((el) => el.getAttribute("data-suggestion-id")));
    assert.equal(shown.length, Math.min(12, final.suggestions.length));
    const storedIds = new Set(final.suggestions.map((s) => s.id));
    assert.ok(shown.every((id) => storedIds.has(id)), `${shown} are stored suggestions`);
    for (const m of final.missed) {
      assert.equal(await agent.locator(`[data-testid="segment"][data-seq="${m.seq}"]`).getAttribute("data-missed"), "true");
    }
    assert.equal(await agent.getByTestId("missed").count(), final.missed.length);
    // Categories and alerts as stored, on the agent's page and the supervisor's row.
    await eventually(async () => assert.deepEqual(await agent.getByTestId("category").allInnerTexts(), final.categories));
    const completedRow = supervisor.locator(`[data-testid="call-row"][data-call-id="${callId}"][data-status="completed"]`);
    await eventually(async () => assert.deepEqual(await completedRow.getByTestId("row-category").allInnerTexts(), final.categories));
    const alerts = final.rule_hits.filter((h) => h.severity);
    await eventually(async () => assert.equal(await completedRow.getByTestId("alert-count").getAttribute("data-count"), String(alerts.length)));
    assert.deepEqual(agent.consoleErrors, []);
    assert.deepEqual(supervisor.consoleErrors, []);
  });
});
