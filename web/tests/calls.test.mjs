// Call search (/calls) against the real server: a supervisor finds an uploaded recording by a word it contains, opens it (summary, channel roles, transcript), and sees the server's reason for a query it cannot read.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import { browserSuite, text } from "./helpers.mjs";
import { nonce, openPage } from "./improve.mjs";
import { CALL_TIMEOUT_MS, createToken, documentScreenshot, eventually } from "./staff.mjs";

/** A staged recording in which the customer asks to turn roaming on. */
const RECORDING = new URL("../../../shared/data/speech/calls/call_04_roaming_activation.wav", import.meta.url);

/** How long the search index may take to pick up a freshly analysed call. */
const INDEX_TIMEOUT_MS = 60_000;

describe("call search", () => {
  const suite = browserSuite();
  const run = {};

  before(async () => {
    run.supervisor = await createToken(suite.base, `supervisor-calls-${nonce()}`, "supervisor");
    const response = await fetch(`${suite.base}/v1/calls/recordings?roles=customer,agent&agent=agent-7&name=roaming.wav`, {
      method: "POST",
      headers: { Authorization: `Bearer ${run.supervisor}`, "content-type": "audio/wav" },
      body: readFileSync(RECORDING),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const body = await response.text();
    assert.ok([200, 201].includes(response.status), `the upload answered ${response.status}: ${body}`);
    run.report = JSON.parse(body);
    assert.equal(typeof run.report.call_id, "string");
  });

  test("finds the call by a word, opens it, and shows a bad query's reason", { timeout: CALL_TIMEOUT_MS }, async () => {
    const page = await openPage(suite, "/calls", run.supervisor, { width: 1280, height: 900 });
    const nav = page.locator('[data-testid="nav-link"][data-page="calls"]');
    assert.equal(await text(nav), "Calls");
    assert.equal(await nav.getAttribute("aria-current"), "page");

    // The index catches up with the new call within seconds: search again until it is there.
    const hit = page.locator(`[data-testid="call-hit"][data-call-id="${run.report.call_id}"]`);
    await page.getByTestId("search-words").fill("roaming");
    await eventually(async () => {
      await page.getByTestId("search-submit").click();
      await page.locator('[data-testid="hit-count"]').waitFor();
      await page.waitForFunction(() => !document.querySelector('[data-testid="search-submit"]')?.disabled);
      assert.ok((await hit.count()) === 1, "the uploaded call is among the hits");
    }, INDEX_TIMEOUT_MS);

    assert.equal(await text(hit.getByTestId("hit-agent")), "agent-7");
    const marks = await hit.locator('[data-testid="snippet"] mark').allInnerTexts();
    assert.ok(marks.length > 0, "a snippet marks the matched word");
    assert.ok(
      marks.some((m) => /roaming/i.test(m)),
      `a marked word is "roaming": ${JSON.stringify(marks)}`,
    );
    assert.ok((await hit.getByTestId("snippet").count()) <= 3);

    await hit.getByTestId("open-call").click();
    const detail = page.locator(`[data-testid="call-detail"][data-call-id="${run.report.call_id}"]`);
    await detail.getByTestId("call-summary").waitFor();
    assert.ok(page.url().includes(`id=${encodeURIComponent(run.report.call_id)}`), "the opened call is in the address");
    const lines = detail.getByTestId("summary-line");
    if ((await lines.count()) > 0) {
      assert.match(await text(lines.first().locator("dt")), /^(Reason|Action|Next step)$/);
    } else {
      await detail.getByTestId("summary-empty").waitFor();
    }
    const channel0 = detail.locator('[data-testid="channel-role"][data-channel="0"]');
    assert.equal(await channel0.getAttribute("data-role"), "customer");
    assert.match(await text(channel0), /^Channel 0: Customer \(as labelled\)/);
    const segments = detail.getByTestId("segment");
    assert.ok((await segments.count()) > 0, "the transcript has lines");
    assert.match(await text(segments.first().locator(".st-speaker")), /^(Customer|Agent)$/);
    assert.ok(
      (await detail.getByTestId("segment-text").allInnerTexts()).some((t) => /roaming/i.test(t)),
      "the transcript holds the word searched for",
    );
    await detail.getByTestId("call-metrics").waitFor();

    await documentScreenshot(page, "call-search");

    // A query the server cannot read: its reason shows, not a stale list.
    await page.getByTestId("search-words").fill('"unclosed');
    await page.getByTestId("search-submit").click();
    const error = page.getByTestId("search-error");
    await error.waitFor();
    const message = await text(error);
    assert.ok(message.length > 0 && !/^HTTP \d+$/.test(message), `the server's message shows: ${message}`);
    const direct = await fetch(`${suite.base}/v1/calls/search?q=${encodeURIComponent('"unclosed')}`, {
      headers: { Authorization: `Bearer ${run.supervisor}` },
    });
    assert.equal(direct.status, 400);
    assert.equal(message, (await direct.json()).error.message);
    assert.equal(await page.getByTestId("call-hit").count(), 0);
    assert.deepEqual(page.consoleErrors.filter((e) => !/status of 400/.test(e)), []);
    await page.context().close();
  });
});
