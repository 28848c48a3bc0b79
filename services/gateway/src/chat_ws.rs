//! `/v1/chat`: the chatbot over a websocket, one session per connection. When the bot hands
//! the chat to a person, the visitor's messages go to them and theirs arrive here (over the
//! event bus, from whichever node the agent is on) until they close it.
//!
//! Bad input never closes the connection unless the frame itself is unacceptable (larger than
//! `max_frame_bytes`): every other problem is answered with an `error` message carrying a code,
//! and nothing is stored for it.

use std::num::NonZeroU32;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use switchboard_chat::{ChatError, Said, SessionInfo};
use switchboard_events::{Event, Received, Subscription};
use switchboard_storage::HandoffState;

use crate::AppState;
use crate::error::ApiError;
use crate::wire::{ClientMessage, ServerMessage, WireSource};
use crate::ws_close::{ReceiveFailure, close, receive_failure};

/// Query parameters of the websocket URL.
#[derive(Debug, Deserialize)]
pub struct ChatParams {
    /// Bot to talk to; the configured default when absent.
    bot: Option<String>,
    /// Session to resume after a reconnect.
    session: Option<String>,
}

/// Checks the bot before upgrading, so a wrong name is a plain HTTP 404.
pub async fn upgrade(
    State(state): State<AppState>,
    Query(params): Query<ChatParams>,
    ws: WebSocketUpgrade,
) -> Response {
    let bot = params.bot.unwrap_or_else(|| state.web.default_bot.clone());
    if state.chat.bots().get(&bot).is_none() {
        return ApiError::NotFound(format!("no bot named `{bot}` is loaded")).into_response();
    }
    let max = state.limits.max_frame_bytes;
    ws.max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| run(socket, state, bot, params.session))
}

async fn run(mut socket: WebSocket, state: AppState, bot: String, resume: Option<String>) {
    metrics::gauge!("switchboard_chat_connections").increment(1.0);
    let Some(mut session) = open(&mut socket, &state, &bot, resume.as_deref()).await else {
        metrics::gauge!("switchboard_chat_connections").decrement(1.0);
        return;
    };
    let per_second = NonZeroU32::new(state.limits.messages_per_second.max(1)).expect("non-zero");
    let limiter = RateLimiter::direct(Quota::per_second(per_second));
    // Once a person is involved, they may write from any node: their words arrive over the
    // bus. Chats the bot handles alone never listen, so they cost the bus nothing.
    let mut events: Option<Subscription> = None;
    // Who the visitor was last told holds the chat: the store and the bus may both report the
    // same join when a person takes the chat just as this socket starts listening.
    let mut holder: Option<String> = None;
    if handed_off(&state, &session.id).await {
        events = Some(state.bus.subscribe());
        match announce_holder(&mut socket, &state, &session.id).await {
            Ok(told) => holder = told,
            Err(()) => {
                metrics::gauge!("switchboard_chat_connections").decrement(1.0);
                return;
            }
        }
    }
    loop {
        let frame = tokio::select! {
            _ = state.shutdown.cancelled() => {
                close(&mut socket, close_code::AWAY, "server shutting down").await;
                break;
            }
            received = next_event(&mut events) => {
                match received {
                    Received::Event(event) => {
                        let message = from_person(&session.id, event)
                            .filter(|m| is_news(m, &mut holder));
                        if let Some(message) = message
                            && send(&mut socket, &message).await.is_err()
                        {
                            break;
                        }
                    }
                    Received::Lagged(n) => {
                        tracing::warn!(session = %session.id, missed = n, "chat websocket fell behind the event bus");
                    }
                    Received::Closed => events = None,
                }
                continue;
            }
            frame = socket.recv() => frame,
        };
        let text = match frame {
            None | Some(Ok(Message::Close(_))) => break,
            Some(Err(e)) => {
                match receive_failure(e, state.limits.max_frame_bytes) {
                    ReceiveFailure::Rejected(code, reason) => {
                        close(&mut socket, code, &reason).await
                    }
                    ReceiveFailure::Lost(why) => {
                        tracing::debug!(session = %session.id, "chat websocket: {why}")
                    }
                }
                break;
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Binary(_))) => {
                reply_error(
                    &mut socket,
                    "unsupported_frame",
                    "binary frames are not accepted; send JSON text frames".into(),
                )
                .await;
                continue;
            }
            Some(Ok(Message::Text(t))) => t,
        };
        let reply = handle(&state, &limiter, &mut session, text.as_str()).await;
        if send(&mut socket, &reply).await.is_err() {
            break;
        }
        let to_person = matches!(
            reply,
            ServerMessage::Delivered { .. }
                | ServerMessage::Reply {
                    source: WireSource::Handoff { .. },
                    ..
                }
        );
        if to_person && events.is_none() {
            // Subscribed after the handoff was queued: an agent who took it in between is
            // announced from the store instead.
            events = Some(state.bus.subscribe());
            match announce_holder(&mut socket, &state, &session.id).await {
                Ok(told) => holder = told,
                Err(()) => break,
            }
        }
    }
    metrics::gauge!("switchboard_chat_connections").decrement(1.0);
}

/// Whether a person holds the chat or it waits for one.
async fn handed_off(state: &AppState, session_id: &str) -> bool {
    matches!(state.store.handoff(session_id).await, Ok(Some(h)) if h.state.is_open())
}

/// Tells the visitor which person holds the chat, if one does, and returns who was announced;
/// `Err` when the socket is gone.
async fn announce_holder(
    socket: &mut WebSocket,
    state: &AppState,
    session_id: &str,
) -> Result<Option<String>, ()> {
    let Ok(Some(handoff)) = state.store.handoff(session_id).await else {
        return Ok(None);
    };
    if handoff.state != HandoffState::WithAgent {
        return Ok(None);
    }
    let agent = handoff.agent_id.unwrap_or_default();
    let joined = ServerMessage::AgentJoined {
        agent: agent.clone(),
    };
    send(socket, &joined).await.map_err(|_| ())?;
    Ok(Some(agent))
}

/// Whether the visitor has not been shown `message` yet, keeping `holder` current: a join
/// already announced from the store is not announced again when its bus event arrives.
fn is_news(message: &ServerMessage, holder: &mut Option<String>) -> bool {
    match message {
        ServerMessage::AgentJoined { agent } => {
            let repeat = holder.as_deref() == Some(agent.as_str());
            *holder = Some(agent.clone());
            !repeat
        }
        ServerMessage::AgentLeft { .. } => {
            *holder = None;
            true
        }
        _ => true,
    }
}

/// The next bus event once the chat listens; never, before.
async fn next_event(events: &mut Option<Subscription>) -> Received {
    match events {
        Some(events) => events.recv().await,
        None => std::future::pending().await,
    }
}

/// What the visitor of `session_id` is shown of an event: a person joining, writing, leaving.
fn from_person(session_id: &str, event: Event) -> Option<ServerMessage> {
    match event {
        Event::ChatHandoff {
            session_id: s,
            state,
            agent_id,
            ..
        } if s == session_id => match state.as_str() {
            "with_agent" => Some(ServerMessage::AgentJoined {
                agent: agent_id.unwrap_or_default(),
            }),
            "closed" => Some(ServerMessage::AgentLeft { agent: agent_id }),
            _ => None,
        },
        Event::ChatAgentMessage {
            session_id: s,
            agent_id,
            text,
            ..
        } if s == session_id => Some(ServerMessage::AgentMessage {
            agent: agent_id,
            text,
        }),
        _ => None,
    }
}

/// Opens (or resumes) the session and greets; `None` when the socket is already gone.
async fn open(
    socket: &mut WebSocket,
    state: &AppState,
    bot: &str,
    resume: Option<&str>,
) -> Option<SessionInfo> {
    let session = match state.chat.open_session(bot, resume).await {
        Ok(s) => s,
        Err(ChatError::UnknownSession(id)) => {
            let msg =
                format!("session `{id}` does not exist for bot `{bot}`; a new session was started");
            reply_error(socket, "unknown_session", msg).await;
            match state.chat.open_session(bot, None).await {
                Ok(s) => s,
                Err(e) => return fail(socket, e).await,
            }
        }
        Err(e) => return fail(socket, e).await,
    };
    let hello = ServerMessage::Session {
        session_id: session.id.clone(),
        bot: session.bot.clone(),
        bot_version: session.bot_version,
        greeting: session.greeting.clone(),
    };
    send(socket, &hello).await.ok()?;
    Some(session)
}

async fn fail(socket: &mut WebSocket, e: ChatError) -> Option<SessionInfo> {
    tracing::error!(error = %e, "could not open chat session");
    close(
        socket,
        close_code::ERROR,
        "could not open a session; try again",
    )
    .await;
    None
}

/// Validates one text frame and answers it.
async fn handle(
    state: &AppState,
    limiter: &DefaultDirectRateLimiter,
    session: &mut SessionInfo,
    raw: &str,
) -> ServerMessage {
    if limiter.check().is_err() {
        let msg = format!(
            "more than {} messages a second; this one was dropped",
            state.limits.messages_per_second
        );
        return error("rate_limited", msg);
    }
    let text = match parse(raw) {
        Ok(ClientMessage::Ping) => return ServerMessage::Pong,
        Ok(ClientMessage::Message { text }) => text,
        Err(e) => return e,
    };
    let chars = text.chars().count();
    if chars > state.limits.max_text_chars {
        return error(
            "text_too_long",
            format!(
                "text has {chars} characters; the limit is {}",
                state.limits.max_text_chars
            ),
        );
    }
    if text.trim().is_empty() {
        return error("empty_text", "text is empty".into());
    }
    match state.chat.turn(session, text.trim()).await {
        Ok(Said::Bot(outcome)) => outcome.into(),
        Ok(Said::ToAgent(handoff)) => ServerMessage::Delivered {
            agent: handoff
                .agent_id
                .filter(|_| handoff.state == HandoffState::WithAgent),
        },
        Err(ChatError::Busy) => error("busy", ChatError::Busy.to_string()),
        Err(e) => {
            tracing::error!(error = %e, session = %session.id, "chat turn failed");
            error(
                "internal",
                "the bot could not answer this message; please try again".into(),
            )
        }
    }
}

/// Parses a client frame, telling apart broken JSON, unknown types and bad fields.
fn parse(raw: &str) -> Result<ClientMessage, ServerMessage> {
    let value: serde_json::Value = serde_json::from_str(raw)
        .map_err(|e| error("invalid_json", format!("message is not valid JSON: {e}")))?;
    let kind = value
        .get("type")
        .and_then(|t| t.as_str())
        .map(str::to_owned);
    match kind.as_deref() {
        None => Err(error(
            "unknown_type",
            "message has no string field `type`; expected `message` or `ping`".into(),
        )),
        Some("message" | "ping") => serde_json::from_value(value).map_err(|e| {
            error(
                "invalid_message",
                format!("malformed `{}` message: {e}", kind.unwrap_or_default()),
            )
        }),
        Some(other) => Err(error(
            "unknown_type",
            format!("unknown message type `{other}`; expected `message` or `ping`"),
        )),
    }
}

fn error(code: &'static str, message: String) -> ServerMessage {
    ServerMessage::Error { code, message }
}

async fn reply_error(socket: &mut WebSocket, code: &'static str, message: String) {
    let _ = send(socket, &error(code, message)).await;
}

async fn send(socket: &mut WebSocket, msg: &ServerMessage) -> Result<(), axum::Error> {
    let json = serde_json::to_string(msg).expect("server messages serialise");
    socket.send(Message::Text(json.into())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<ClientMessage, ServerMessage>) -> &'static str {
        match r {
            Err(ServerMessage::Error { code, .. }) => code,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn frames_are_classified_precisely() {
        assert!(
            matches!(parse(r#"{"type":"message","text":"hi"}"#), Ok(ClientMessage::Message { text }) if text == "hi")
        );
        assert!(matches!(
            parse(r#"{"type":"ping"}"#),
            Ok(ClientMessage::Ping)
        ));
        assert_eq!(code(parse("not json")), "invalid_json");
        assert_eq!(code(parse(r#"{"text":"hi"}"#)), "unknown_type");
        assert_eq!(
            code(parse(r#"{"type":"shout","text":"hi"}"#)),
            "unknown_type"
        );
        assert_eq!(code(parse(r#"{"type":"message"}"#)), "invalid_message");
        assert_eq!(
            code(parse(r#"{"type":"message","text":5}"#)),
            "invalid_message"
        );
        assert_eq!(
            code(parse(r#"{"type":"message","text":"a","extra":1}"#)),
            "invalid_message"
        );
    }

    #[test]
    fn a_join_reported_by_both_store_and_bus_is_shown_once() {
        let joined = |a: &str| ServerMessage::AgentJoined { agent: a.into() };
        let mut holder = Some("ana".to_string());
        assert!(!is_news(&joined("ana"), &mut holder));
        assert!(is_news(&joined("ben"), &mut holder));
        assert!(is_news(
            &ServerMessage::AgentLeft { agent: None },
            &mut holder
        ));
        assert_eq!(holder, None);
        assert!(is_news(&joined("ben"), &mut holder));
        let said = ServerMessage::AgentMessage {
            agent: "ben".into(),
            text: "hi".into(),
        };
        assert!(is_news(&said, &mut holder));
    }
}
