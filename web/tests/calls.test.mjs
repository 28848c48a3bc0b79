// Call search (/calls) against the real server: a supervisor finds an uploaded recording by a word it contains, opens it (summary, channel roles, transcript, the kept audio and the timeline coloured by sentiment, a block of which seeks the audio and marks its line), and sees the server's reason for a query it cannot read.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import { STEP_TIMEOUT_MS, browserSuite, text } from "./helpers.mjs";
import { nonce, openPage } from "./improve.mjs";
import { CALL_TIMEOUT_MS, api, createToken, documentScreenshot, eventually } from "./staff.mjs";

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

    // The timeline: a block per transcript line, each speaker's in its lane, and the rule hits pinned where they matched.
    const timeline = detail.getByTestId("call-timeline");
    await timeline.waitFor();
    const blocks = timeline.getByTestId("timeline-segment");
    assert.equal(await blocks.count(), await segments.count(), "a timeline block per transcript line");
    for (const speaker of ["customer", "agent"]) {
      const lane = timeline.locator(`[data-testid="timeline-lane"][data-speaker="${speaker}"]`);
      assert.ok((await lane.getByTestId("timeline-segment").count()) >= 1, `the ${speaker} lane has a block`);
    }
    const { body: stored } = await api(suite.base, run.supervisor, `/v1/calls/${encodeURIComponent(run.report.call_id)}`);
    assert.equal(typeof stored.audio_url, "string", "the test server keeps call audio");
    const transcribed = new Set(stored.transcript.map((s) => s.seq));
    assert.equal(
      await timeline.getByTestId("timeline-hit").count(),
      stored.rule_hits.filter((h) => transcribed.has(h.seq)).length,
      "a marker per rule hit",
    );

    // The kept audio, fetched with the token, is playable: its length is known once loaded.
    const audio = detail.getByTestId("call-audio");
    await audio.waitFor();
    await eventually(async () => {
      const duration = await audio.evaluate((el) => el.duration);
      assert.ok(Number.isFinite(duration) && duration > 10, `the audio's duration is ${duration}`);
    }, STEP_TIMEOUT_MS);
    await timeline.getByTestId("timeline-playhead").waitFor();
    assert.equal(await detail.getByTestId("no-audio").count(), 0);

    await documentScreenshot(page, "call-search");

    // A block (the longest after the start) seeks the audio to its segment and marks that transcript line.
    const picked = await blocks.evaluateAll((els) =>
      els
        .map((e) => ({ seq: e.dataset.seq, start: Number(e.dataset.startMs), length: Number(e.dataset.endMs) - Number(e.dataset.startMs) }))
        .filter((b) => b.start > 0)
        .sort((a, b) => b.length - a.length)[0],
    );
    assert.ok(picked, "a block starts after the beginning of the call");
    const block = timeline.locator(`[data-testid="timeline-segment"][data-seq="${picked.seq}"]`);
    const startS = Number(await block.getAttribute("data-start-ms")) / 1000;
    await block.click();
    await eventually(async () => {
      const at = await audio.evaluate((el) => el.currentTime);
      assert.ok(Math.abs(at - startS) <= 0.5, `the audio is at ${at} s, the segment starts at ${startS} s`);
    }, STEP_TIMEOUT_MS);
    const line = detail.locator(`[data-testid="segment"][data-seq="${picked.seq}"]`);
    await eventually(async () => assert.equal(await line.getAttribute("data-selected"), "true", "the clicked segment's line is highlighted"));
    assert.equal(await detail.locator('[data-testid="segment"][data-selected="true"]').count(), 1);
    assert.equal(await block.getAttribute("data-selected"), "true");
    // The whole detail (metrics and transcript below the timeline), with the clicked turn marked.
    await documentScreenshot(page, "call-detail", { fullPage: true });

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
