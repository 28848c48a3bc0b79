// Keeps a staff live feed (`/v1/calls/live`, `/v1/chat/live`) connected: reconnects with backoff and says when it did, so the page refetches what it missed.

import { type ConnectionState, type SocketLike, defaultBackoff } from "./chatClient";
import { type LiveEvent, parseLiveEvent } from "./calls";
import { ProtocolError } from "./json";

/** Callbacks the page reacts to. */
export interface LiveFeedEvents<E = LiveEvent> {
  state(state: ConnectionState): void;
  /** The socket is open; `reconnected` is true when an earlier one dropped (events may have been missed). */
  opened(reconnected: boolean): void;
  event(event: E): void;
  /** A frame that does not match the contract; the feed carries on. */
  protocolError(message: string): void;
}

/** Wiring of a feed; everything but `url` and `events` has a default (the call feed's parser, the browser's socket and timers). */
export interface LiveFeedOptions<E = LiveEvent> {
  url: string;
  events: LiveFeedEvents<E>;
  /** Reads one frame; null for a type the page does not know. Throws a ProtocolError for a malformed one. */
  parse?: (raw: string) => E | null;
  createSocket?: (url: string) => SocketLike;
  backoffMs?: (attempt: number) => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** A feed's websocket URL on the page's origin, with the token in the query (browsers cannot set headers on websockets). */
function feedUrl(pageHref: string, path: string, token: string): URL {
  const page = new URL(pageHref);
  const url = new URL(path, page);
  url.protocol = page.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("token", token);
  return url;
}

/** The call feed's URL: `ws(s)://host/v1/calls/live?token=…[&call=…]`. */
export function liveFeedUrl(pageHref: string, token: string, callId?: string): string {
  const url = feedUrl(pageHref, "/v1/calls/live", token);
  if (callId) url.searchParams.set("call", callId);
  return url.toString();
}

/** The handed-off chats feed's URL: `ws(s)://host/v1/chat/live?token=…`. */
export function chatLiveUrl(pageHref: string, token: string): string {
  return feedUrl(pageHref, "/v1/chat/live", token).toString();
}

/** One page's subscription to the live events it may see. */
export class LiveFeed<E = LiveEvent> {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = false;
  private everOpened = false;
  private stateValue: ConnectionState = "closed";
  private readonly opts: Required<LiveFeedOptions<E>>;

  constructor(options: LiveFeedOptions<E>) {
    this.opts = {
      parse: parseLiveEvent as unknown as (raw: string) => E | null,
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      backoffMs: defaultBackoff,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  start(): void {
    this.stopped = false;
    this.connect("connecting");
  }

  /** Closes for good (sign-out, page unload). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.opts.clearTimer(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      detach(socket);
      socket.close(1000, "page closed");
    }
    this.setState("closed");
  }

  private setState(state: ConnectionState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.opts.events.state(state);
  }

  private connect(state: ConnectionState): void {
    this.timer = null;
    if (this.stopped) return;
    this.setState(state);
    const socket = this.opts.createSocket(this.opts.url);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.setState("open");
      this.opts.events.opened(reconnected);
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket && typeof ev.data === "string") this.handleFrame(ev.data);
    };
    socket.onclose = () => {
      if (this.socket === socket) this.handleClose();
    };
    socket.onerror = () => {
      // A close event always follows; reconnecting is decided there.
    };
  }

  private handleFrame(raw: string): void {
    let event: E | null;
    try {
      event = this.opts.parse(raw);
    } catch (err) {
      const detail = err instanceof ProtocolError ? err.message : String(err);
      this.opts.events.protocolError(`Unexpected live event from the server: ${detail}`);
      return;
    }
    if (event) this.opts.events.event(event);
  }

  private handleClose(): void {
    if (this.socket) detach(this.socket);
    this.socket = null;
    if (this.stopped) return;
    const delay = this.opts.backoffMs(this.attempt);
    this.attempt += 1;
    this.setState("reconnecting");
    this.timer = this.opts.setTimer(() => this.connect("reconnecting"), delay);
  }
}

function detach(socket: SocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  socket.onerror = null;
}
