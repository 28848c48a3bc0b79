//! Chats handed to a person, over HTTP for agents: the queue, taking a chat (with everything
//! said so far), writing to the visitor, closing; and `/v1/chat/live`, the feed that keeps an
//! agent's workspace current. An agent sees the queue and the chats they hold; supervisors all.

use std::collections::HashSet;

use axum::extract::rejection::JsonRejection;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use switchboard_chat::ChatError;
use switchboard_events::Event;
use switchboard_storage::{HandoffFilter, HandoffState, Role, TokenInfo};

use crate::AppState;
use crate::api::ListParams;
use crate::error::ApiError;
use crate::wire::{AgentText, ChatLiveMessage, HandoffView, MissedView, TakenView, TurnView};
use crate::ws_feed::bus_feed;

/// The queue (every waiting chat) and the chats the caller holds; supervisors see every chat
/// a person holds too.
pub async fn list(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<HandoffView>>, ApiError> {
    let limit = p.limit()?;
    let waiting = HandoffFilter {
        state: Some(HandoffState::Waiting),
        agent_id: None,
    };
    let held = HandoffFilter {
        state: Some(HandoffState::WithAgent),
        agent_id: (who.role == Role::Agent).then(|| who.name.clone()),
    };
    let mut chats = state.store.list_handoffs(&waiting, limit).await?;
    chats.extend(state.store.list_handoffs(&held, limit).await?);
    Ok(Json(chats.into_iter().map(HandoffView::from).collect()))
}

/// Takes a waiting chat: 409 when another agent was quicker (their name is in the message).
pub async fn take(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<Json<TakenView>, ApiError> {
    let taken = state
        .chat
        .take_chat(&id, &who.name)
        .await
        .map_err(chat_error)?;
    Ok(Json(TakenView {
        handoff: taken.handoff.into(),
        transcript: taken.transcript.into_iter().map(TurnView::from).collect(),
        missed: taken.missed.into_iter().map(MissedView::from).collect(),
    }))
}

/// Writes to the visitor of a chat the caller holds.
pub async fn say(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Path(id): Path<String>,
    body: Result<Json<AgentText>, JsonRejection>,
) -> Result<(StatusCode, Json<TurnView>), ApiError> {
    let Json(body) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let text = body.text.trim();
    let chars = text.chars().count();
    if chars == 0 {
        return Err(ApiError::BadRequest("text is empty".into()));
    }
    if chars > state.limits.max_text_chars {
        return Err(ApiError::BadRequest(format!(
            "text has {chars} characters; the limit is {}",
            state.limits.max_text_chars
        )));
    }
    let turn = state
        .chat
        .agent_says(&id, &who.name, text)
        .await
        .map_err(chat_error)?;
    Ok((StatusCode::CREATED, Json(turn.into())))
}

/// Gives a chat the caller holds back to the bot.
pub async fn close_chat(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<Json<HandoffView>, ApiError> {
    let handoff = state
        .chat
        .close_chat(&id, &who.name)
        .await
        .map_err(chat_error)?;
    Ok(Json(handoff.into()))
}

/// An agent may read a chat waiting in the queue, or one they hold or held.
pub(crate) async fn agent_may_read(
    state: &AppState,
    who: &TokenInfo,
    session_id: &str,
) -> Result<(), ApiError> {
    let handoff = state.store.handoff(session_id).await?;
    let allowed = handoff.is_some_and(|h| {
        h.state == HandoffState::Waiting || h.agent_id.as_deref() == Some(who.name.as_str())
    });
    if allowed {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "chat `{session_id}` is not in the queue and not held by {:?}",
            who.name
        )))
    }
}

fn chat_error(e: ChatError) -> ApiError {
    match e {
        ChatError::UnknownSession(id) => {
            ApiError::NotFound(format!("session `{id}` does not exist"))
        }
        ChatError::Handoff(why) => ApiError::Conflict(why),
        ChatError::NotYours(why) => ApiError::Forbidden(why),
        other => ApiError::Internal(other.to_string()),
    }
}

/// `/v1/chat/live`: queue changes for everyone; the visitor's and agents' words of the chats
/// the caller holds (every chat for supervisors).
pub async fn live(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let scope = if who.role == Role::Agent {
        let mine = HandoffFilter {
            state: Some(HandoffState::WithAgent),
            agent_id: Some(who.name.clone()),
        };
        let held = state.store.list_handoffs(&mine, 1_000).await?;
        Some((who.name, held.into_iter().map(|h| h.session_id).collect()))
    } else {
        None
    };
    Ok(ws.on_upgrade(move |socket| feed(socket, state, scope)))
}

/// An agent's name and the chats they hold (learnt from handoff events); `None`: everything.
type Scope = Option<(String, HashSet<String>)>;

async fn feed(socket: WebSocket, state: AppState, mut scope: Scope) {
    let pick = move |event| admit(&mut scope, event);
    bus_feed(socket, state, pick, |events| ChatLiveMessage::Skipped {
        events,
    })
    .await;
}

/// The feed's message for an event, when the scope lets it through.
fn admit(scope: &mut Scope, event: Event) -> Option<ChatLiveMessage> {
    let holds = |scope: &Scope, session: &str| {
        scope
            .as_ref()
            .is_none_or(|(_, held)| held.contains(session))
    };
    match event {
        Event::ChatHandoff {
            session_id,
            bot,
            state,
            agent_id,
            reason,
            at,
        } => {
            if let Some((me, held)) = scope.as_mut() {
                if state == "with_agent" && agent_id.as_deref() == Some(me.as_str()) {
                    held.insert(session_id.clone());
                } else {
                    held.remove(&session_id);
                }
            }
            Some(ChatLiveMessage::Handoff {
                session_id,
                bot,
                state,
                agent_id,
                reason,
                at: at.to_rfc3339(),
            })
        }
        Event::ChatVisitorMessage {
            session_id,
            text,
            at,
            ..
        } if holds(scope, &session_id) => Some(ChatLiveMessage::VisitorMessage {
            session_id,
            text,
            at: at.to_rfc3339(),
        }),
        Event::ChatAgentMessage {
            session_id,
            agent_id,
            text,
            at,
        } if holds(scope, &session_id) => Some(ChatLiveMessage::AgentMessage {
            session_id,
            agent_id,
            text,
            at: at.to_rfc3339(),
        }),
        _ => None,
    }
}
