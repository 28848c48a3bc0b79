// Keeps one chat conversation alive over a websocket that may drop: reconnects with backoff and resumes the session.

import {
  type ErrorMessage,
  type PersonMessage,
  type ReplyMessage,
  type SessionMessage,
  ProtocolError,
  parseServerMessage,
} from "./protocol";

/** What the UI shows about the link; sending is only possible while "open". */
export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

/** The subset of the browser WebSocket the client uses, so tests can drive it without a network. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Callbacks the page reacts to. */
export interface ChatClientEvents {
  state(state: ConnectionState): void;
  /** `resumed` is true when the gateway continued the conversation we asked for. */
  session(message: SessionMessage, resumed: boolean): void;
  reply(message: ReplyMessage): void;
  /** About the person the chat was handed to: delivery acks, joining, their words, leaving. */
  person(message: PersonMessage): void;
  error(message: ErrorMessage): void;
}

/** Wiring of a client; everything but `url` and `events` has a browser default. */
export interface ChatClientOptions {
  /** Builds the websocket URL, with the session to resume if there is one. */
  url(sessionId: string | null): string;
  events: ChatClientEvents;
  sessionId?: string | null;
  createSocket?: (url: string) => SocketLike;
  /** Delay before reconnect attempt `attempt` (0-based). */
  backoffMs?: (attempt: number) => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Error codes with which the gateway says the session to resume no longer exists. */
const STALE_SESSION_CODES = new Set(["unknown_session", "session_not_found", "invalid_session"]);

const OPEN = 1;

/** Exponential backoff capped at 10 s, with jitter so many widgets do not reconnect in step. */
export function defaultBackoff(attempt: number): number {
  const base = Math.min(10_000, 500 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

/** One visitor's conversation with one bot. */
export class ChatClient {
  private socket: SocketLike | null = null;
  private sessionIdValue: string | null;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = false;
  private hasSession = false;
  private stateValue: ConnectionState = "closed";
  private readonly opts: Required<ChatClientOptions>;

  constructor(options: ChatClientOptions) {
    this.opts = {
      sessionId: null,
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      backoffMs: defaultBackoff,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      ...options,
    };
    this.sessionIdValue = this.opts.sessionId;
  }

  /** The conversation this client resumes after a drop. */
  get sessionId(): string | null {
    return this.sessionIdValue;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Opens the first connection. */
  start(): void {
    this.stopped = false;
    this.connect("connecting");
  }

  /** Sends a visitor message; false when there is no open session to send it on. */
  send(text: string): boolean {
    if (this.stateValue !== "open" || !this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify({ type: "message", text }));
    return true;
  }

  /** Closes for good (page unload, widget removed). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.opts.clearTimer(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      detach(socket);
      socket.close(1000, "closed by visitor");
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
    this.hasSession = false;
    const socket = this.opts.createSocket(this.opts.url(this.sessionIdValue));
    this.socket = socket;
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
    let message;
    try {
      message = parseServerMessage(raw);
    } catch (err) {
      const detail = err instanceof ProtocolError ? err.message : String(err);
      this.opts.events.error({ type: "error", code: "protocol", message: `Unexpected reply from the server: ${detail}` });
      return;
    }
    if (message === null) return; // a newer server's frame this widget does not know
    switch (message.type) {
      case "session": {
        const resumed = this.sessionIdValue !== null && this.sessionIdValue === message.session_id;
        this.sessionIdValue = message.session_id;
        this.hasSession = true;
        this.attempt = 0;
        this.setState("open");
        this.opts.events.session(message, resumed);
        break;
      }
      case "reply":
        this.opts.events.reply(message);
        break;
      case "error":
        if (!this.hasSession && STALE_SESSION_CODES.has(message.code)) {
          // The old conversation is gone: the next connection starts a fresh one.
          this.sessionIdValue = null;
          this.attempt = 0;
        }
        this.opts.events.error(message);
        break;
      default:
        this.opts.events.person(message);
    }
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
