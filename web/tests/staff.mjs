// Shared set-up for the staff page tests: tokens made through the admin API, signed-in pages, REST reads, and staged calls streamed like Amazon LCA does.

import { createHash } from "node:crypto";
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RESULTS_DIR, newPage, screenshot } from "./helpers.mjs";

/** The repository root (web/tests/ is two levels down). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Where the README's screenshots live; the tests rewrite them so they stay current. */
const DOCS_SCREENSHOTS = `${REPO_ROOT}docs/screenshots/`;

/** Staged call recordings, shared by every checkout (as tests/call_clients.rs finds them). */
export function callsDir() {
  return process.env.SWITCHBOARD_CALLS_DIR ?? resolve(REPO_ROOT, "../shared/data/speech/calls");
}

/** How long a test waits for the server to transcribe part of a call (Whisper shares the CPU). */
export const CALL_TIMEOUT_MS = 240_000;

/**
 * Opens a staff page signed in through the URL fragment and waits for the live feed; `beforeGoto`
 * may set the page up first (e.g. route its websockets).
 */
export async function openSignedIn(browser, base, path, token, viewport, beforeGoto = async () => {}) {
  const page = await newPage(browser, viewport);
  await beforeGoto(page);
  await page.goto(`${base}${path}#token=${encodeURIComponent(token)}`);
  await page.getByTestId("signed-in-as").waitFor();
  await page.locator('[data-testid="feed-state"][data-state="open"]').waitFor();
  return page;
}

/** Saves a screenshot under web/test-results/ and copies it to docs/screenshots/. */
export async function documentScreenshot(page, name, options = {}) {
  await screenshot(page, name, options);
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  copyFileSync(`${RESULTS_DIR}${name}.png`, `${DOCS_SCREENSHOTS}${name}.png`);
}

/** The admin token scripts/browser-tests.sh created before starting the server. */
export function adminToken() {
  const token = process.env.SWITCHBOARD_ADMIN_TOKEN;
  if (!token) {
    throw new Error(
      "SWITCHBOARD_ADMIN_TOKEN is not set. Create one with `switchboard token create --role admin --name browser-tests` " +
        "against the server's database and export it (scripts/browser-tests.sh does this).",
    );
  }
  return token;
}

/** A JSON request to the server under test; fails the test on an unexpected status. */
export async function api(base, token, path, { method = "GET", body, expect = [200] } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!expect.includes(response.status)) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  }
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Issues a token named `name`; an active token of that name (from an earlier run) is revoked first. */
export async function createToken(base, name, role) {
  const admin = adminToken();
  const made = await api(base, admin, "/v1/tokens", { method: "POST", body: { name, role }, expect: [200, 201, 409] });
  if (made.status !== 409) return made.body.secret;
  const { body: tokens } = await api(base, admin, "/v1/tokens");
  for (const t of tokens.filter((t) => t.name === name && !t.revoked)) {
    await api(base, admin, `/v1/tokens/${encodeURIComponent(t.id)}`, { method: "DELETE", expect: [200, 204] });
  }
  return (await api(base, admin, "/v1/tokens", { method: "POST", body: { name, role }, expect: [200, 201] })).body.secret;
}

/**
 * The token named `name` that every test file of this run shares. `node --test` runs files in
 * parallel processes, and issuing a name revokes its earlier token, so two files both issuing
 * `agent-7` would sign each other out: the first file to ask issues it and leaves the secret in a
 * directory private to this server and admin token, the others read it from there.
 */
export async function sharedToken(base, name, role) {
  const run = createHash("sha256").update(`${base}\n${adminToken()}`).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), "switchboard-browser-tests", run);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${name}.${role}`);
  const lock = `${file}.lock`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return readFileSync(file, "utf8");
    } catch {
      // not issued yet
    }
    let locked = false;
    try {
      closeSync(openSync(lock, "wx"));
      locked = true;
    } catch {
      if (Date.now() > deadline) throw new Error(`waited a minute for another test file to issue the ${name} token (${lock})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!locked) continue;
    try {
      const secret = await createToken(base, name, role);
      writeFileSync(`${file}.tmp`, secret, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      return secret;
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

/** The format and PCM offset of a WAV file, so audio frames stay whole samples. */
export function readWav(path) {
  const bytes = readFileSync(path);
  if (bytes.toString("ascii", 0, 4) !== "RIFF" || bytes.toString("ascii", 8, 12) !== "WAVE") {
    throw new Error(`${path} is not a WAV file`);
  }
  let format = null;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString("ascii", at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === "fmt ") {
      format = {
        channels: bytes.readUInt16LE(at + 10),
        sampleRate: bytes.readUInt32LE(at + 12),
        bitsPerSample: bytes.readUInt16LE(at + 22),
      };
    } else if (id === "data") {
      if (!format) throw new Error(`${path}: data before fmt`);
      return { bytes, format, dataOffset: at + 8 };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** A call id no other run uses. */
export function uniqueCallId(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Streams a staged call (or the recording at `path`) to `/v1/calls/ingest` as Amazon LCA's client
 * does: START, binary audio (the first frame carrying the WAV header) paced at about real time
 * (`paceMs: 0`: as fast as the server takes it), END. With `pause`, the
 * client stops sending once `pause.atMs` of audio went out until `pause.until` settles (a
 * speaker mid-sentence then stays mid-sentence, so a partial must show). Resolves with the close
 * code and reason once the server has transcribed everything and closed.
 */
export async function streamCall({
  base,
  token,
  name,
  path = resolve(callsDir(), `${name}.wav`),
  callId,
  agentId,
  fromNumber = "+15550100",
  toNumber = "+15550199",
  chunkMs = 200,
  paceMs = chunkMs,
  pause = null,
}) {
  if (typeof WebSocket !== "function") {
    throw new Error("this Node has no global WebSocket: run the tests with `node --experimental-websocket --test` (Node 20) or Node 22+");
  }
  const { bytes, format, dataOffset } = readWav(path);
  if (format.bitsPerSample !== 16 || format.channels !== 2) {
    throw new Error(`${path}: expected stereo PCM16, found ${JSON.stringify(format)}`);
  }
  const frameBytes = (format.sampleRate * format.channels * 2 * chunkMs) / 1000;
  const url = new URL("/v1/calls/ingest", base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("token", token);
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  const closed = new Promise((resolveClose) => {
    socket.addEventListener("close", (ev) => resolveClose({ code: ev.code, reason: ev.reason }));
  });
  await new Promise((resolveOpen, reject) => {
    socket.addEventListener("open", resolveOpen, { once: true });
    socket.addEventListener("error", () => reject(new Error(`cannot open ${url.pathname}`)), { once: true });
  });
  socket.send(
    JSON.stringify({
      callEvent: "START",
      callId,
      fromNumber,
      toNumber,
      agentId,
      samplingRate: format.sampleRate,
    }),
  );
  const pauseAt = pause ? dataOffset + (format.sampleRate * format.channels * 2 * pause.atMs) / 1000 : Infinity;
  for (let at = 0; at < bytes.length; ) {
    const end = at === 0 ? dataOffset + frameBytes : at + frameBytes;
    socket.send(bytes.subarray(at, Math.min(end, bytes.length)));
    if (at < pauseAt && end >= pauseAt) await pause.until;
    at = end;
    if (socket.readyState !== WebSocket.OPEN) break;
    if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs));
  }
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ callEvent: "END", callId }));
  return closed;
}

/** Retries an assertion until it holds or `timeoutMs` passes, then throws its last failure (for state that settles after an event). */
export async function eventually(check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
