import { describe, expect, test } from "vitest";
import type { SocketLike } from "./chatClient";
import { parseChatLiveEvent } from "./handoffs";
import { LiveFeed, chatLiveUrl, liveFeedUrl } from "./liveFeed";

/** A socket the test drives by hand. */
class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  readyState = 0;
  closed = false;
  constructor(readonly url: string) {}
  send() {}
  close() {
    this.closed = true;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: object | string) {
    this.onmessage?.({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const log: string[] = [];
  const feed = new LiveFeed({
    url: "ws://x/v1/calls/live?token=t",
    events: {
      state: (s) => log.push(`state:${s}`),
      opened: (reconnected) => log.push(`opened:${reconnected}`),
      event: (e) => log.push(`event:${e.type}`),
      protocolError: (m) => log.push(`error:${m}`),
    },
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    backoffMs: (attempt) => 100 * (attempt + 1),
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  });
  return { feed, sockets, timers, log };
}

describe("LiveFeed", () => {
  test("passes events on, skips unknown types and reports malformed frames without stopping", () => {
    const { feed, sockets, log } = harness();
    feed.start();
    sockets[0].open();
    sockets[0].receive({ type: "lagging", call_id: "c1", behind_ms: 100 });
    sockets[0].receive({ type: "hold_music", call_id: "c1" });
    sockets[0].receive("{broken");
    sockets[0].receive({ type: "skipped", events: 2 });
    expect(log).toEqual([
      "state:connecting",
      "state:open",
      "opened:false",
      "event:lagging",
      "error:Unexpected live event from the server: frame is not JSON",
      "event:skipped",
    ]);
    expect(feed.state).toBe("open");
  });

  test("reconnects with growing backoff and says so once open again", () => {
    const { feed, sockets, timers, log } = harness();
    feed.start();
    sockets[0].open();
    sockets[0].drop();
    expect(feed.state).toBe("reconnecting");
    timers[0].fn();
    sockets[1].drop();
    expect(timers.map((t) => t.ms)).toEqual([100, 200]);
    timers[1].fn();
    sockets[2].open();
    expect(log.at(-1)).toBe("opened:true");
    sockets[2].drop();
    expect(timers.at(-1)?.ms).toBe(100); // a successful open resets the backoff
  });

  test("reads another feed's frames with the parser it is given", () => {
    const log: string[] = [];
    const sockets: FakeSocket[] = [];
    const feed = new LiveFeed({
      url: "ws://x/v1/chat/live?token=t",
      parse: parseChatLiveEvent,
      events: {
        state: () => {},
        opened: () => {},
        event: (e) => log.push(e.type === "handoff" ? `handoff:${e.session_id}:${e.state}` : e.type),
        protocolError: (m) => log.push(`error:${m}`),
      },
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
    });
    feed.start();
    sockets[0].open();
    sockets[0].receive({ type: "handoff", session_id: "s1", bot: "banking", state: "waiting", agent_id: null, reason: "no_match", at: "2025-05-01T10:00:00Z" });
    sockets[0].receive({ type: "segment", call_id: "c1" });
    sockets[0].receive({ type: "visitor_message", session_id: "s1" });
    expect(log).toEqual(["handoff:s1:waiting", 'error:Unexpected live event from the server: field "text" must be a string']);
    feed.stop();
  });

  test("stop closes the socket for good", () => {
    const { feed, sockets, timers } = harness();
    feed.start();
    sockets[0].open();
    feed.stop();
    expect(sockets[0].closed).toBe(true);
    sockets[0].drop();
    expect(timers).toEqual([]);
    expect(feed.state).toBe("closed");
  });
});

describe("liveFeedUrl", () => {
  test("uses the page's origin and scheme and carries the token and call", () => {
    const url = new URL(liveFeedUrl("https://sb.example/agent#token=x", "t k", "c1"));
    expect(url.protocol).toBe("wss:");
    expect(url.pathname).toBe("/v1/calls/live");
    expect(url.searchParams.get("token")).toBe("t k");
    expect(url.searchParams.get("call")).toBe("c1");
    expect(url.hash).toBe("");
    expect(new URL(liveFeedUrl("http://127.0.0.1:8080/supervisor", "t")).protocol).toBe("ws:");
  });

  test("the chat feed lives beside it", () => {
    expect(chatLiveUrl("https://sb.example/agent", "t k")).toBe("wss://sb.example/v1/chat/live?token=t+k");
  });
});
