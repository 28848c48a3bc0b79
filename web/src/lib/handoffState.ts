// What the agent workspace knows about chats handed to a person, as a pure reducer over REST answers and `/v1/chat/live` events, so the merge rules are testable without a browser.

import type { ChatLiveEvent, ChatMissed, ChatTurn, Handoff, TakenChat } from "./handoffs";

/** A chat waiting in the queue. */
export interface QueuedChat {
  session_id: string;
  bot: string;
  reason: string;
  /** When it started waiting (epoch ms), for "waiting 1:05". */
  since: number | null;
  /** The visitor's latest words, once the transcript (or a live message) told them. */
  lastWords: string | null;
}

/** A chat the signed-in person holds. */
export interface HeldChat {
  session_id: string;
  bot: string;
  reason: string;
  /** When they took it (epoch ms). */
  since: number | null;
  turns: ChatTurn[];
  /** What the bot could not answer, with its guesses (only the take answer carries them). */
  missed: ChatMissed[];
  /** True once the conversation so far is known (take answer or transcript). */
  loaded: boolean;
}

/** The queue, the chats held, and what must be fetched to keep them right. */
export interface HandoffsState {
  /** The signed-in person's name, which is the agent id the server records. */
  me: string;
  /** Oldest first. */
  queue: QueuedChat[];
  /** In the order they were taken. */
  held: HeldChat[];
  /** Transcripts to (re)fetch, with the request number an answer must carry to clear it. */
  stale: Record<string, number>;
  /** The request number the next `GET /v1/chat/handoffs` answers to; null when none is needed. */
  listStale: number | null;
  nextRequest: number;
  /** Per chat, the request counter when an event last changed it: a list fetched before that must not undo it. */
  touched: Record<string, number>;
  /** The last take another agent was quicker for. */
  refusal: { session_id: string; message: string } | null;
}

export type HandoffsAction =
  /** `GET /v1/chat/handoffs`, fetched for list request `request`. */
  | { type: "listed"; handoffs: Handoff[]; request: number }
  /** A chat's transcript for request `request`, with the bot's guesses when this tab kept them. */
  | { type: "transcript"; session_id: string; turns: ChatTurn[]; missed?: ChatMissed[]; request?: number }
  | { type: "event"; event: ChatLiveEvent }
  /** The take answer. */
  | { type: "taken"; taken: TakenChat }
  /** The take was refused (409): someone else was quicker; `message` says who. */
  | { type: "refused"; session_id: string; message: string }
  /** The stored turn `POST …/messages` answered with. */
  | { type: "said"; session_id: string; turn: ChatTurn }
  /** The close answer. */
  | { type: "closed"; session_id: string }
  /** The chat cannot be read (403/404): it leaves the screen. */
  | { type: "forget"; session_id: string }
  | { type: "dismissRefusal" }
  /** The feed reconnected or skipped events: list again and refetch every chat on screen. */
  | { type: "resync" };

/** Two turns closer than this with the same speaker and words are one (live events and REST disagree by microseconds). */
const SAME_TURN_MS = 2000;

export function initialHandoffsState(me: string): HandoffsState {
  return { me, queue: [], held: [], stale: {}, listStale: 1, nextRequest: 2, touched: {}, refusal: null };
}

function parseTime(value: string): number | null {
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

function sameTurn(a: ChatTurn, b: ChatTurn): boolean {
  if (a.speaker !== b.speaker || a.text !== b.text || (a.agent_id ?? null) !== (b.agent_id ?? null)) return false;
  const ta = parseTime(a.at);
  const tb = parseTime(b.at);
  return ta !== null && tb !== null && Math.abs(ta - tb) <= SAME_TURN_MS;
}

/** `base` then the turns of `extra` it does not already hold (each turn of `base` stands for one of `extra`). */
export function mergeTurns(base: ChatTurn[], extra: ChatTurn[]): ChatTurn[] {
  const used = new Set<number>();
  const out = [...base];
  for (const turn of extra) {
    const match = base.findIndex((b, i) => !used.has(i) && sameTurn(b, turn));
    if (match >= 0) used.add(match);
    else out.push(turn);
  }
  return out;
}

function lastVisitorWords(turns: ChatTurn[]): string | null {
  for (let i = turns.length - 1; i >= 0; i--) if (turns[i].speaker === "visitor") return turns[i].text;
  return null;
}

function liveTurn(speaker: "visitor" | "agent", text: string, at: string, agent_id: string | null = null): ChatTurn {
  return { speaker, agent_id, text, source: null, intent: null, confidence: null, at };
}

function touch(state: HandoffsState, id: string): HandoffsState {
  return { ...state, touched: { ...state.touched, [id]: state.nextRequest } };
}

function markStale(state: HandoffsState, ids: string[]): HandoffsState {
  if (ids.length === 0) return state;
  const stale = { ...state.stale };
  let next = state.nextRequest;
  for (const id of ids) stale[id] = next++;
  return { ...state, stale, nextRequest: next };
}

function unstale(state: HandoffsState, id: string): HandoffsState {
  if (!(id in state.stale)) return state;
  const stale = { ...state.stale };
  delete stale[id];
  return { ...state, stale };
}

function withoutQueued(state: HandoffsState, id: string): HandoffsState {
  return state.queue.some((q) => q.session_id === id) ? { ...state, queue: state.queue.filter((q) => q.session_id !== id) } : state;
}

function withoutHeld(state: HandoffsState, id: string): HandoffsState {
  return state.held.some((h) => h.session_id === id) ? { ...state, held: state.held.filter((h) => h.session_id !== id) } : state;
}

function byWaitingTime(queue: QueuedChat[]): QueuedChat[] {
  return [...queue].sort((a, b) => (a.since ?? Infinity) - (b.since ?? Infinity));
}

/** Adds a chat to the queue (once) and asks for its transcript, for the visitor's words. */
function enqueue(state: HandoffsState, h: { session_id: string; bot: string; reason: string; since: string }): HandoffsState {
  if (state.queue.some((q) => q.session_id === h.session_id)) return state;
  const queued: QueuedChat = { session_id: h.session_id, bot: h.bot, reason: h.reason, since: parseTime(h.since), lastWords: null };
  return markStale({ ...withoutHeld(state, h.session_id), queue: byWaitingTime([...state.queue, queued]) }, [h.session_id]);
}

/** Adds a chat the person holds (once); without its conversation, asks for the transcript. */
function hold(state: HandoffsState, h: { session_id: string; bot: string; reason: string; since: string }, loaded?: { turns: ChatTurn[]; missed: ChatMissed[] }): HandoffsState {
  const next = withoutQueued(state, h.session_id);
  const existing = next.held.find((c) => c.session_id === h.session_id);
  if (existing && !loaded) return next;
  const chat: HeldChat = {
    session_id: h.session_id,
    bot: h.bot,
    reason: h.reason,
    since: parseTime(h.since),
    turns: loaded ? mergeTurns(loaded.turns, existing?.turns ?? []) : [],
    missed: loaded?.missed ?? [],
    loaded: loaded !== undefined,
  };
  const held = existing ? next.held.map((c) => (c.session_id === h.session_id ? chat : c)) : [...next.held, chat];
  return loaded ? unstale({ ...next, held }, h.session_id) : markStale({ ...next, held }, [h.session_id]);
}

function drop(state: HandoffsState, id: string): HandoffsState {
  return unstale(withoutHeld(withoutQueued(state, id), id), id);
}

function mapHeld(state: HandoffsState, id: string, change: (chat: HeldChat) => HeldChat): HandoffsState {
  if (!state.held.some((c) => c.session_id === id)) return state;
  return { ...state, held: state.held.map((c) => (c.session_id === id ? change(c) : c)) };
}

function applyEvent(state: HandoffsState, event: ChatLiveEvent): HandoffsState {
  switch (event.type) {
    case "skipped":
      return reduceHandoffs(state, { type: "resync" });
    case "handoff": {
      const next = touch(state, event.session_id);
      const h = { ...event, since: event.at };
      if (event.state === "waiting") return enqueue(next, h);
      if (event.state === "with_agent" && event.agent_id === state.me) return hold(next, h);
      return drop(next, event.session_id);
    }
    case "visitor_message": {
      const turn = liveTurn("visitor", event.text, event.at);
      const next = mapHeld(state, event.session_id, (c) => ({ ...c, turns: mergeTurns(c.turns, [turn]) }));
      return { ...next, queue: next.queue.map((q) => (q.session_id === event.session_id ? { ...q, lastWords: event.text } : q)) };
    }
    case "agent_message": {
      const turn = liveTurn("agent", event.text, event.at, event.agent_id);
      return mapHeld(state, event.session_id, (c) => ({ ...c, turns: mergeTurns(c.turns, [turn]) }));
    }
  }
}

/** A list snapshot: the queue and the chats held, except where a newer event already said otherwise. */
function applyList(state: HandoffsState, handoffs: Handoff[], request: number): HandoffsState {
  if (state.listStale !== request) return state; // a newer list is on its way
  const fresh = (id: string) => (state.touched[id] ?? 0) <= request;
  const listed = new Set(handoffs.map((h) => h.session_id));
  let next: HandoffsState = { ...state, listStale: null };
  // Gone from the list: taken by someone else or closed while this page was not listening.
  for (const id of [...state.queue, ...state.held].map((c) => c.session_id)) {
    if (!listed.has(id) && fresh(id)) next = drop(next, id);
  }
  for (const h of handoffs) {
    if (!fresh(h.session_id)) continue;
    if (h.state === "waiting") next = enqueue(next, h);
    else if (h.state === "with_agent" && h.agent_id === state.me) next = hold(next, h);
    else next = drop(next, h.session_id);
  }
  const touched = Object.fromEntries(Object.entries(next.touched).filter(([, n]) => n > request));
  return { ...next, touched };
}

export function reduceHandoffs(state: HandoffsState, action: HandoffsAction): HandoffsState {
  switch (action.type) {
    case "listed":
      return applyList(state, action.handoffs, action.request);
    case "transcript": {
      const { session_id: id, turns } = action;
      let next = state;
      if (action.request === undefined || state.stale[id] === action.request) next = unstale(next, id);
      next = mapHeld(next, id, (c) => ({
        ...c,
        turns: mergeTurns(turns, c.turns),
        missed: c.missed.length > 0 ? c.missed : (action.missed ?? []),
        loaded: true,
      }));
      const words = lastVisitorWords(turns);
      return { ...next, queue: next.queue.map((q) => (q.session_id === id && words !== null ? { ...q, lastWords: words } : q)) };
    }
    case "event":
      return applyEvent(state, action.event);
    case "taken": {
      const { handoff, transcript, missed } = action.taken;
      const next = touch(state, handoff.session_id);
      const refusal = next.refusal?.session_id === handoff.session_id ? null : next.refusal;
      return { ...hold(next, handoff, { turns: transcript, missed }), refusal };
    }
    case "refused":
      return { ...drop(touch(state, action.session_id), action.session_id), refusal: { session_id: action.session_id, message: action.message } };
    case "said":
      return mapHeld(state, action.session_id, (c) => ({ ...c, turns: mergeTurns(c.turns, [action.turn]) }));
    case "closed":
    case "forget":
      return drop(touch(state, action.session_id), action.session_id);
    case "dismissRefusal":
      return state.refusal ? { ...state, refusal: null } : state;
    case "resync": {
      const next = { ...state, listStale: state.nextRequest, nextRequest: state.nextRequest + 1 };
      return markStale(next, [...state.queue, ...state.held].map((c) => c.session_id));
    }
  }
}
