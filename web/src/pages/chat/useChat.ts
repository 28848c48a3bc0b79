// Binds a ChatClient to React state for the chat panel.

import { useCallback, useEffect, useReducer, useRef } from "react";
import { ChatClient } from "../../lib/chatClient";
import { type ChatConfig, chatSocketUrl } from "../../lib/config";
import { type Conversation, initialConversation, reduce } from "./conversation";

/** Remembers the session per tab and bot, so a page reload continues the same conversation. */
function sessionKey(bot: string): string {
  return `switchboard.session.${bot}`;
}

function loadSession(bot: string): string | null {
  try {
    return window.sessionStorage.getItem(sessionKey(bot));
  } catch {
    return null; // storage blocked (e.g. third-party iframe with strict settings)
  }
}

function saveSession(bot: string, id: string): void {
  try {
    window.sessionStorage.setItem(sessionKey(bot), id);
  } catch {
    // the in-memory id still resumes after a dropped connection
  }
}

/** The panel's state plus a send function that reports whether the message went out. */
export function useChat(config: ChatConfig): { conversation: Conversation; send: (text: string) => boolean } {
  const [conversation, dispatch] = useReducer(reduce, undefined, () =>
    initialConversation(config.token ? "connecting" : "closed"),
  );
  const clientRef = useRef<ChatClient | null>(null);

  useEffect(() => {
    if (!config.token) {
      dispatch({
        type: "error",
        message: { type: "error", code: "no_token", message: "This chat page has no access token, so it cannot connect." },
      });
      return;
    }
    const client = new ChatClient({
      url: (sessionId) => chatSocketUrl(window.location.href, config, sessionId),
      sessionId: loadSession(config.bot),
      events: {
        state: (state) => dispatch({ type: "connection", state }),
        session: (message, resumed) => {
          saveSession(config.bot, message.session_id);
          dispatch({ type: "session", message, resumed });
        },
        reply: (message) => dispatch({ type: "reply", message }),
        person: (message) => dispatch({ type: "person", message }),
        error: (message) => dispatch({ type: "error", message }),
      },
    });
    clientRef.current = client;
    client.start();
    return () => {
      client.stop();
      clientRef.current = null;
    };
  }, [config.token, config.bot]);

  const send = useCallback((text: string) => {
    const client = clientRef.current;
    if (!client || !client.send(text)) return false;
    dispatch({ type: "sent", text });
    return true;
  }, []);

  return { conversation, send };
}
