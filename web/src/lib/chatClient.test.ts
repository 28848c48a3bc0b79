import { describe, expect, test } from "vitest";
import { ChatClient, type ChatClientEvents, type SocketLike } from "./chatClient";

/** A socket the test drives by hand. */
class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  readyState = 0;
  sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
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

function harness(sessionId: string | null = null) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const log: string[] = [];
  const events: ChatClientEvents = {
    state: (s) => log.push(`state:${s}`),
    session: (m, resumed) => log.push(`session:${m.session_id}:${resumed}`),
    reply: (m) => log.push(`reply:${m.text}`),
    person: (m) => log.push(`person:${m.type}:${m.agent ?? ""}`),
    error: (m) => log.push(`error:${m.code}`),
  };
  const client = new ChatClient({
    url: (id) => `ws://x/v1/chat?session=${id ?? ""}`,
    events,
    sessionId,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    backoffMs: (attempt) => 100 * (attempt + 1),
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  });
  return { client, sockets, timers, log };
}

const session = (id: string) => ({ type: "session", session_id: id, bot: "banking", bot_version: 1, greeting: "Hi" });

describe("ChatClient", () => {
  test("only sends once the session frame has arrived", () => {
    const { client, sockets, log } = harness();
    client.start();
    sockets[0].open();
    expect(client.send("too early")).toBe(false);
    sockets[0].receive(session("s1"));
    expect(client.send("hello")).toBe(true);
    expect(sockets[0].sent).toEqual(['{"type":"message","text":"hello"}']);
    expect(log).toEqual(["state:connecting", "state:open", "session:s1:false"]);
  });

  test("reconnects with backoff and resumes the same session", () => {
    const { client, sockets, timers, log } = harness();
    client.start();
    sockets[0].open();
    sockets[0].receive(session("s1"));
    sockets[0].drop();
    expect(client.state).toBe("reconnecting");
    expect(client.send("lost")).toBe(false);
    expect(timers.map((t) => t.ms)).toEqual([100]);
    timers[0].fn();
    expect(sockets[1].url).toBe("ws://x/v1/chat?session=s1");
    sockets[1].drop(); // server still down: the next wait is longer
    expect(timers.map((t) => t.ms)).toEqual([100, 200]);
    timers[1].fn();
    sockets[2].open();
    sockets[2].receive(session("s1"));
    expect(log.at(-1)).toBe("session:s1:true");
    expect(client.state).toBe("open");
  });

  test("starts afresh when the gateway says the session is gone", () => {
    const { client, sockets, timers } = harness("old");
    client.start();
    expect(sockets[0].url).toBe("ws://x/v1/chat?session=old");
    sockets[0].open();
    sockets[0].receive({ type: "error", code: "unknown_session", message: "gone" });
    sockets[0].drop();
    timers[0].fn();
    expect(sockets[1].url).toBe("ws://x/v1/chat?session=");
  });

  test("reports malformed frames as protocol errors and keeps going", () => {
    const { client, sockets, log } = harness();
    client.start();
    sockets[0].open();
    sockets[0].receive(session("s1"));
    sockets[0].receive("{nope");
    sockets[0].receive({ type: "reply", session_id: "s1", turn: 1, text: "ok", source: { kind: "handoff", reason: "r" }, latency_ms: 1 });
    expect(log.slice(-2)).toEqual(["error:protocol", "reply:ok"]);
    expect(client.state).toBe("open");
  });

  test("passes on what the gateway says about the person and skips frame types it does not know", () => {
    const { client, sockets, log } = harness();
    client.start();
    sockets[0].open();
    sockets[0].receive(session("s1"));
    sockets[0].receive({ type: "delivered", agent: null });
    sockets[0].receive({ type: "pong" });
    sockets[0].receive({ type: "agent_joined", agent: "agent-7" });
    sockets[0].receive({ type: "agent_message", agent: "agent-7", text: "Hello" });
    sockets[0].receive({ type: "agent_left", agent: "agent-7" });
    expect(log.slice(3)).toEqual([
      "person:delivered:",
      "person:agent_joined:agent-7",
      "person:agent_message:agent-7",
      "person:agent_left:agent-7",
    ]);
    expect(client.state).toBe("open");
  });

  test("stop closes the socket and does not reconnect", () => {
    const { client, sockets, timers } = harness();
    client.start();
    sockets[0].open();
    client.stop();
    expect(sockets[0].closed).toBe(true);
    sockets[0].drop();
    expect(timers).toEqual([]);
    expect(client.state).toBe("closed");
  });
});
