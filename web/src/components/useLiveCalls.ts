// Binds the live feed and the calls API to the calls reducer: discovers calls, applies events, refetches what is stale.

import { type Dispatch, useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { ConnectionState } from "../lib/chatClient";
import type { CallSummary } from "../lib/calls";
import { type CallsAction, type CallsState, initialCallsState, reduceCalls } from "../lib/callState";
import { LiveFeed, liveFeedUrl } from "../lib/liveFeed";
import { ApiError, type StaffApi } from "../lib/staffApi";

/** Most notices (bad frames, failed fetches) kept on screen. */
const MAX_NOTICES = 3;

/** How long to wait before fetching a call's details again after a failure. */
const RETRY_MS = 3000;

/** Fetch attempts per request before a call's details are left as the feed built them. */
const MAX_ATTEMPTS = 5;

export interface LiveCalls {
  state: CallsState;
  connection: ConnectionState;
  /** False until the first discovery answered (or failed), so pages do not flash an empty state. */
  ready: boolean;
  notices: string[];
  dismissNotice(index: number): void;
  dispatch: Dispatch<CallsAction>;
  /** Records a problem for the person to see (non-fatal). */
  notify(message: string): void;
}

/**
 * Keeps `state` current for a signed-in person: `discover` lists the calls to show (on load and
 * after every reconnect), the live feed applies events, and stale calls are refetched.
 */
export function useLiveCalls(options: {
  api: StaffApi;
  token: string;
  discover: (api: StaffApi) => Promise<CallSummary[]>;
  keepEnded: number;
}): LiveCalls {
  const { api, token, discover, keepEnded } = options;
  const [state, dispatch] = useReducer(reduceCalls, keepEnded, initialCallsState);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [notices, setNotices] = useState<string[]>([]);
  const [ready, setReady] = useState(false);
  const [retryTick, setRetryTick] = useState(0);
  const inFlight = useRef(new Map<string, number>());
  const attempts = useRef(new Map<string, number>());
  const alive = useRef(true);

  const notify = useCallback((message: string) => {
    setNotices((list) => [message, ...list.filter((m) => m !== message)].slice(0, MAX_NOTICES));
  }, []);

  const dismissNotice = useCallback((index: number) => {
    setNotices((list) => list.filter((_, i) => i !== index));
  }, []);

  // Feed first, then discovery, so no event between the two is lost (the reducer merges both).
  useEffect(() => {
    alive.current = true;
    const sync = () =>
      discover(api)
        .then((calls) => alive.current && dispatch({ type: "listed", calls }))
        .catch((err) => alive.current && notify(`Could not list calls: ${describe(err)}`))
        .finally(() => alive.current && setReady(true));
    const feed = new LiveFeed({
      url: liveFeedUrl(window.location.href, token),
      events: {
        state: setConnection,
        opened: (reconnected) => {
          if (!reconnected) return;
          dispatch({ type: "resync" });
          void sync();
        },
        event: (event) => dispatch({ type: "event", event, at: Date.now() }),
        protocolError: notify,
      },
    });
    feed.start();
    void sync();
    return () => {
      alive.current = false;
      feed.stop();
    };
  }, [api, token, discover, notify]);

  useEffect(() => {
    for (const [id, request] of Object.entries(state.stale)) {
      if (inFlight.current.get(id) === request) continue;
      inFlight.current.set(id, request);
      api
        .getCall(id)
        .then((detail) => {
          attempts.current.delete(id);
          if (alive.current) dispatch({ type: "loaded", detail, request, at: Date.now() });
        })
        .catch((err) => {
          if (!alive.current) return;
          if (err instanceof ApiError && err.status === 403) {
            dispatch({ type: "forget", call_id: id });
            return;
          }
          const tries = (attempts.current.get(id) ?? 0) + 1;
          attempts.current.set(id, tries);
          if (tries >= MAX_ATTEMPTS) {
            notify(`Could not load call ${id}: ${describe(err)}`);
            return; // stays as the feed built it until the next resync asks again
          }
          setTimeout(() => {
            if (inFlight.current.get(id) === request) inFlight.current.delete(id);
            if (alive.current) setRetryTick((n) => n + 1);
          }, RETRY_MS);
        });
    }
  }, [state.stale, api, notify, retryTick]);

  return { state, connection, ready, notices, dismissNotice, dispatch, notify };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
