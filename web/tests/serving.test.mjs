// The server under test serves the built UI: the chat page with its token filled in, the embed script, the demo.

import assert from "node:assert/strict";
import { test } from "node:test";
import { serverUrl } from "./helpers.mjs";

test("SWITCHBOARD_URL names a server that serves the built chat page", async () => {
  const base = serverUrl();
  const response = await fetch(`${base}/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /text\/html/);
  const html = await response.text();
  const token = html.match(/<meta name="switchboard-token" content="([^"]*)"/)?.[1];
  const bot = html.match(/<meta name="switchboard-bot" content="([^"]*)"/)?.[1];
  assert.ok(token && !token.includes("%"), `the server fills in the token meta tag (got ${JSON.stringify(token)})`);
  assert.ok(bot && !bot.includes("%"), `the server fills in the bot meta tag (got ${JSON.stringify(bot)})`);
  const script = html.match(/<script type="module"[^>]* src="([^"]+)"/)?.[1];
  assert.ok(script, "index.html comes from web/dist (it loads the bundled script)");
  assert.equal((await fetch(new URL(script, base))).status, 200);
});

test("the embed script and its demo page are served at stable paths", async () => {
  const base = serverUrl();
  const embed = await fetch(`${base}/embed.js`);
  assert.equal(embed.status, 200);
  assert.match(embed.headers.get("content-type") ?? "", /javascript/);
  assert.doesNotMatch(await embed.text(), /^\s*(import|export)\s/m, "embed.js runs as a classic script");
  const demo = await fetch(`${base}/embed-demo.html`);
  assert.equal(demo.status, 200);
  assert.match(await demo.text(), /<script src="\/embed\.js"/);
});
