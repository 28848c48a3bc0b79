// Shared set-up for the browser tests: the server under test, Debian's Chromium, and chat steps.

import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

/** Where screenshots go, for a person to look at (gitignored). */
export const RESULTS_DIR = fileURLToPath(new URL("../test-results/", import.meta.url));

/** How long one step may wait for the page or the server before the test fails. */
export const STEP_TIMEOUT_MS = 30_000;

/** The running Switchboard server; the tests never start one themselves and never skip without it. */
export function serverUrl() {
  const raw = process.env.SWITCHBOARD_URL;
  if (!raw) {
    throw new Error(
      "SWITCHBOARD_URL is not set. Start the Switchboard server and export its base URL " +
        "(e.g. SWITCHBOARD_URL=http://127.0.0.1:8080) before running the browser tests.",
    );
  }
  return raw.replace(/\/+$/, "");
}

/** Debian's Chromium, driven headless; the browser path can be overridden with CHROMIUM_PATH. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh page whose waits fail after STEP_TIMEOUT_MS, with console errors collected for diagnosis. */
export async function newPage(browser, viewport = { width: 480, height: 760 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.consoleErrors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") page.consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => page.consoleErrors.push(String(err)));
  return page;
}

/** Saves a screenshot under web/test-results/ (`options` as Playwright's, e.g. `{ fullPage: true }`). */
export async function screenshot(page, name, options = {}) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ ...options, path: `${RESULTS_DIR}${name}.png` });
}

/** Waits until the widget (a page or an iframe's FrameLocator) has a session and shows its greeting. */
export async function waitForOpenChat(scope) {
  await scope.locator('[data-testid="chat-widget"][data-state="open"]').waitFor();
  await scope.locator('[data-testid="message-bot"][data-kind="greeting"]').first().waitFor();
}

/** Types a message, sends it with Enter, and returns the locator of the bot row that answers it. */
export async function ask(scope, text) {
  const botRows = scope.getByTestId("message-bot");
  const before = await botRows.count();
  const input = scope.getByTestId("chat-input");
  await input.fill(text);
  await input.press("Enter");
  const answer = botRows.nth(before);
  await answer.waitFor();
  return answer;
}

/** Reads the trimmed text of a locator. */
export async function text(locator) {
  return (await locator.innerText()).trim();
}

/** Registers suite hooks that check SWITCHBOARD_URL and start Chromium; the fields fill in before the tests run. */
export function browserSuite() {
  const suite = { base: "", browser: null };
  before(async () => {
    suite.base = serverUrl();
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
  });
  return suite;
}

/** Opens the chat page of the server under test and waits for the greeting. */
export async function openChatPage(suite) {
  const page = await newPage(suite.browser);
  await page.goto(`${suite.base}/`);
  await waitForOpenChat(page);
  return page;
}
