// The dashboard (/dashboard) against the real server: a supervisor filters by the agent of an uploaded recording, sees its call counted with its queue, the four charts drawn, the agents' CSV, and the server's reason for a backwards range.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import { browserSuite, text } from "./helpers.mjs";
import { nonce, openPage } from "./improve.mjs";
import { CALL_TIMEOUT_MS, createToken, documentScreenshot, eventually } from "./staff.mjs";

/**
 * A staged recording no other browser test uploads: an upload is keyed by its bytes, so a file
 * another test already sent would answer "done before" under that test's agent and queue.
 */
const RECORDING = new URL("../../../shared/data/speech/calls/call_05_transaction_dispute.wav", import.meta.url);

/** How long the overview may take to count a freshly analysed call (it is computed in a pass after the call ends). */
const OVERVIEW_TIMEOUT_MS = 60_000;

/** Does `action` (a click that asks the server) and waits until its answer (or refusal) is on the page. */
async function answered(page, action) {
  const loads = Number(await page.getByTestId("dashboard").getAttribute("data-loads"));
  await action();
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector('[data-testid="dashboard"]');
      return Number(el?.getAttribute("data-loads")) > n && el?.getAttribute("data-state") !== "loading";
    },
    loads,
  );
}

describe("dashboard", () => {
  const suite = browserSuite();
  const run = {};

  before(async () => {
    const id = nonce();
    run.agent = `agent-dash-${id}`;
    run.queue = `roaming-${id}`;
    run.supervisor = await createToken(suite.base, `supervisor-dashboard-${id}`, "supervisor");
    const query = new URLSearchParams({ roles: "customer,agent", agent: run.agent, queue: run.queue, name: "dash.wav" });
    const response = await fetch(`${suite.base}/v1/calls/recordings?${query}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${run.supervisor}`, "content-type": "audio/wav" },
      body: readFileSync(RECORDING),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const body = await response.text();
    assert.equal(response.status, 201, `the upload must be new to this database (a 200 keeps an earlier upload's agent and queue): ${response.status} ${body}`);
    run.report = JSON.parse(body);
    assert.equal(typeof run.report.call_id, "string");
  });

  test("counts the agent's call with its queue, draws the charts, exports CSV and shows a refused range's reason", { timeout: CALL_TIMEOUT_MS }, async () => {
    const page = await openPage(suite, "/dashboard", run.supervisor, { width: 1360, height: 1000 });
    const nav = page.locator('[data-testid="nav-link"][data-page="dashboard"]');
    assert.equal(await text(nav), "Dashboard");
    assert.equal(await nav.getAttribute("aria-current"), "page");
    await page.locator('[data-testid="dashboard"]:not([data-state="loading"])').waitFor();

    // The call is counted once the background pass has stored its facts: apply again until it is.
    await page.getByTestId("dashboard-agent").fill(run.agent);
    await eventually(async () => {
      await answered(page, () => page.getByTestId("dashboard-apply").click());
      assert.equal(await page.getByTestId("dashboard").getAttribute("data-state"), "done");
      assert.equal(await text(page.getByTestId("total-calls")), "1");
    }, OVERVIEW_TIMEOUT_MS);
    assert.ok(page.url().includes(`agent=${run.agent}`), "the filter is in the address");
    assert.match(await text(page.getByTestId("dashboard-scope")), new RegExp(`agent ${run.agent} · all queues`));

    const queues = page.getByTestId("table-queues");
    const queueRow = queues.locator(`[data-testid="group-row"][data-key="${run.queue}"]`);
    assert.equal(await queueRow.count(), 1, "the queue table lists the call's queue");
    assert.equal(await text(queueRow.getByTestId("row-calls")), "1");
    const agentRow = page.getByTestId("table-agents").locator(`[data-testid="group-row"][data-key="${run.agent}"]`);
    assert.equal(await agentRow.getAttribute("class"), "st-row st-row-selected", "the filtered agent is marked");

    // What the headline shows agrees with what the server answers.
    const direct = await fetch(`${suite.base}/v1/calls/dashboard?agent=${encodeURIComponent(run.agent)}`, {
      headers: { Authorization: `Bearer ${run.supervisor}` },
    });
    assert.equal(direct.status, 200);
    const overview = await direct.json();
    assert.equal(overview.totals.calls, 1);
    const sentiment = await text(page.getByTestId("total-customer-sentiment"));
    if (overview.totals.customer_sentiment === null) assert.equal(sentiment, "—");
    else assert.match(sentiment, /^[+-]?\d\.\d\d$/, `sentiment with its sign and two decimals: ${sentiment}`);
    assert.equal(Number(await page.getByTestId("total-interruptions").getAttribute("data-value")), overview.totals.interruptions);

    for (const chart of ["chart-volume", "chart-sentiment", "chart-talk", "chart-categories"]) {
      await page.getByTestId(chart).locator("canvas").first().waitFor();
    }

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("csv-agents").click()]);
    assert.match(download.suggestedFilename(), /^agents-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), "utf8");
    const [header, first] = csv.split("\r\n");
    assert.match(header, /^agent,calls,/);
    assert.ok(first.startsWith(`${run.agent},1,`), `the CSV names the agent: ${JSON.stringify(csv)}`);

    // Clicking the queue narrows the dashboard to it as well.
    await answered(page, () => queueRow.getByTestId("group-filter").click());
    assert.match(await text(page.getByTestId("dashboard-scope")), new RegExp(`agent ${run.agent} · queue ${run.queue}$`));
    assert.equal(await queueRow.getAttribute("class"), "st-row st-row-selected");
    assert.equal(await page.getByTestId("dashboard-queue").inputValue(), run.queue);
    assert.equal(await text(page.getByTestId("total-calls")), "1");

    // The unfiltered view, for the documentation.
    await answered(page, () => page.getByTestId("dashboard-reset").click());
    assert.equal(await page.getByTestId("dashboard-agent").inputValue(), "");
    assert.ok(Number(await text(page.getByTestId("total-calls"))) >= 1, "every agent's calls include this one");
    await page.getByTestId("chart-volume").locator("canvas").first().waitFor();
    await documentScreenshot(page, "dashboard", { fullPage: true });

    // A backwards range: the server's reason shows, not a stale overview.
    await page.getByTestId("dashboard-from").fill("2026-12-07");
    await page.getByTestId("dashboard-to").fill("2026-12-01");
    await answered(page, () => page.getByTestId("dashboard-apply").click());
    const error = page.getByTestId("dashboard-error");
    const message = await text(error);
    assert.match(message, /before/, `the server's reason shows: ${message}`);
    const refused = await fetch(`${suite.base}/v1/calls/dashboard?from=2026-12-07&to=2026-12-01`, {
      headers: { Authorization: `Bearer ${run.supervisor}` },
    });
    assert.equal(refused.status, 400);
    assert.equal(message, (await refused.json()).error.message);
    assert.equal(await page.getByTestId("total-calls").count(), 0);
    assert.deepEqual(page.consoleErrors.filter((e) => !/status of 400/.test(e)), []);
    await page.context().close();
  });
});
