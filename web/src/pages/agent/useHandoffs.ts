// Binds `/v1/chat/live` and the handoff API to the handoff reducer: lists the queue, applies events, fetches transcripts, takes, writes, closes.

import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { ConnectionState } from "../../lib/chatClient";
import { type ChatLiveEvent, type ChatMissed, parseChatLiveEvent } from "../../lib/handoffs";
import { type HandoffsState, initialHandoffsState, reduceHandoffs } from "../../lib/handoffState";
import { LiveFeed, chatLiveUrl } from "../../lib/liveFeed";
import { ApiError, type StaffApi } from "../../lib/staffApi";

/** Most notices (bad frames, failed fetches) kept on screen. */
const MAX_NOTICES = 3;

/** How long to wait before fetching again after a failure. */
const RETRY_MS = 3000;

/** Fetch attempts per request before the chat is left as it is until the next resync. */
const MAX_ATTEMPTS = 5;

/** The in-flight key of the list request (session ids are UUIDs, so it cannot clash). */
const LIST = "\u0000list";

/** Where this tab keeps the bot's guesses of the chats it took: only the take answer carries them, and a reload must not lose them. */
const GUESSES_KEY = "switchboard-chat-guesses";

function loadGuesses(): Record<string, ChatMissed[]> {
  try {
    const raw = window.sessionStorage.getItem(GUESSES_KEY);
    return raw ? (JSON.parse(raw) as Record<string, ChatMissed[]>) : {};
  } catch {
    return {}; // storage blocked or garbled: the guesses are a nicety
  }
}

function saveGuesses(sessionId: string, missed: ChatMissed[] | null): void {
  try {
    const all = loadGuesses();
    if (missed === null) delete all[sessionId];
    else all[sessionId] = missed;
    window.sessionStorage.setItem(GUESSES_KEY, JSON.stringify(all));
  } catch {
    // the page works without them
  }
}

export interface Handoffs {
  state: HandoffsState;
  connection: ConnectionState;
  notices: string[];
  dismissNotice(index: number): void;
  dismissRefusal(): void;
  /** Takes a waiting chat; a 409 becomes the refusal shown in the queue. */
  take(sessionId: string): Promise<void>;
  /** Writes to the visitor; rejects with a readable error. */
  say(sessionId: string, text: string): Promise<void>;
  /** Gives the chat back to the bot; rejects with a readable error. */
  close(sessionId: string): Promise<void>;
}

export function useHandoffs(options: { api: StaffApi; token: string; me: string }): Handoffs {
  const { api, token, me } = options;
  const [state, dispatch] = useReducer(reduceHandoffs, me, initialHandoffsState);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [notices, setNotices] = useState<string[]>([]);
  const [retryTick, setRetryTick] = useState(0);
  const [listening, setListening] = useState(false);
  const inFlight = useRef(new Map<string, number>());
  const attempts = useRef(new Map<string, number>());
  const alive = useRef(true);

  const notify = useCallback((message: string) => {
    setNotices((list) => [message, ...list.filter((m) => m !== message)].slice(0, MAX_NOTICES));
  }, []);

  const dismissNotice = useCallback((index: number) => {
    setNotices((list) => list.filter((_, i) => i !== index));
  }, []);

  /** Counts a failed fetch of `key`; retries later unless it failed too often. */
  const failed = useCallback(
    (key: string, request: number, what: string, err: unknown) => {
      const tries = (attempts.current.get(key) ?? 0) + 1;
      attempts.current.set(key, tries);
      if (tries >= MAX_ATTEMPTS) {
        notify(`Could not load ${what}: ${describe(err)}`);
        return;
      }
      setTimeout(() => {
        if (inFlight.current.get(key) === request) inFlight.current.delete(key);
        if (alive.current) setRetryTick((n) => n + 1);
      }, RETRY_MS);
    },
    [notify],
  );

  // The list waits for the feed to open, so no event between the two is lost (the reducer merges both).
  useEffect(() => {
    alive.current = true;
    const feed = new LiveFeed<ChatLiveEvent>({
      url: chatLiveUrl(window.location.href, token),
      parse: parseChatLiveEvent,
      events: {
        state: setConnection,
        opened: (reconnected) => {
          setListening(true);
          if (reconnected) dispatch({ type: "resync" });
        },
        event: (event) => dispatch({ type: "event", event }),
        protocolError: notify,
      },
    });
    feed.start();
    return () => {
      alive.current = false;
      feed.stop();
    };
  }, [token, notify]);

  useEffect(() => {
    const request = state.listStale;
    if (!listening || request === null || inFlight.current.get(LIST) === request) return;
    inFlight.current.set(LIST, request);
    api
      .listHandoffs()
      .then((handoffs) => {
        attempts.current.delete(LIST);
        if (alive.current) dispatch({ type: "listed", handoffs, request });
      })
      .catch((err) => alive.current && failed(LIST, request, "the chat queue", err));
  }, [listening, state.listStale, api, failed, retryTick]);

  useEffect(() => {
    for (const [id, request] of Object.entries(state.stale)) {
      if (inFlight.current.get(id) === request) continue;
      inFlight.current.set(id, request);
      api
        .chatTranscript(id)
        .then((turns) => {
          attempts.current.delete(id);
          if (alive.current) dispatch({ type: "transcript", session_id: id, turns, missed: loadGuesses()[id], request });
        })
        .catch((err) => {
          if (!alive.current) return;
          // Taken by someone else or gone meanwhile: the feed says so too, but do not wait for it.
          if (err instanceof ApiError && (err.status === 403 || err.status === 404)) dispatch({ type: "forget", session_id: id });
          else failed(id, request, `chat ${id}`, err);
        });
    }
  }, [state.stale, api, failed, retryTick]);

  const take = useCallback(
    async (sessionId: string) => {
      try {
        const taken = await api.takeChat(sessionId);
        saveGuesses(sessionId, taken.missed);
        dispatch({ type: "taken", taken });
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) dispatch({ type: "refused", session_id: sessionId, message: err.message });
        else notify(`Could not take the chat: ${describe(err)}`);
      }
    },
    [api, notify],
  );

  const say = useCallback(
    async (sessionId: string, text: string) => {
      const turn = await api.sayInChat(sessionId, text);
      dispatch({ type: "said", session_id: sessionId, turn });
    },
    [api],
  );

  const close = useCallback(
    async (sessionId: string) => {
      await api.closeChat(sessionId);
      saveGuesses(sessionId, null);
      dispatch({ type: "closed", session_id: sessionId });
    },
    [api],
  );

  const dismissRefusal = useCallback(() => dispatch({ type: "dismissRefusal" }), []);

  return { state, connection, notices, dismissNotice, dismissRefusal, take, say, close };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
