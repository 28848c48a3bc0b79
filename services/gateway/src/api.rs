//! HTTP handlers of the `/v1` API, health probes and the OpenAPI document.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde::Deserialize;
use switchboard_storage::{Role, TokenInfo};

use crate::AppState;
use crate::error::ApiError;
use crate::wire::*;

const OPENAPI: &str = include_str!("../openapi.json");

/// Liveness: the process is up and serving.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Whom the caller's token speaks for, so a page knows its agent id and role before it connects.
pub async fn me(Extension(who): Extension<TokenInfo>) -> Json<Me> {
    Json(Me {
        name: who.name,
        role: who.role.as_str(),
    })
}

/// Readiness: the database answers and at least one bot and the knowledge index are loaded.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let db = state.store.ping().await.map_err(|e| e.to_string());
    let bots = state.chat.bots().list();
    let ready = db.is_ok() && !bots.is_empty();
    let body = serde_json::json!({
        "ready": ready,
        "database": db.as_ref().map(|_| "ok").unwrap_or_else(|e| e.as_str()),
        "bots": bots.iter().map(|(n, v)| serde_json::json!({"name": n, "version": v})).collect::<Vec<_>>(),
        "knowledge_documents": state.knowledge.snapshot().len(),
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

/// The OpenAPI 3.1 description of the HTTP API.
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

pub async fn list_bots(State(state): State<AppState>) -> Json<Vec<BotView>> {
    let bots = state.chat.bots();
    Json(
        bots.list()
            .into_iter()
            .filter_map(|(name, _)| bots.get(&name))
            .map(|b| bot_view(&b.definition))
            .collect(),
    )
}

pub async fn show_bot(
    State(state): State<AppState>,
    Path(bot): Path<String>,
) -> Result<Json<BotView>, ApiError> {
    let loaded = state
        .chat
        .bots()
        .get(&bot)
        .ok_or_else(|| ApiError::NotFound(format!("no bot named `{bot}`")))?;
    Ok(Json(bot_view(&loaded.definition)))
}

fn bot_view(def: &switchboard_bots::BotDefinition) -> BotView {
    BotView {
        name: def.name.clone(),
        version: def.version,
        locale: def.locale.clone(),
        description: def.description.clone(),
        intents: def
            .intents
            .iter()
            .map(|i| IntentView {
                name: i.name.clone(),
                utterances: i.utterances.len(),
                slots: i.slots.iter().map(|s| s.name.clone()).collect(),
            })
            .collect(),
    }
}

/// `?limit=` for list routes, capped so one request cannot ask for everything.
#[derive(Debug, Deserialize)]
pub struct ListParams {
    limit: Option<u32>,
    bot: Option<String>,
}

impl ListParams {
    pub(crate) fn limit(&self) -> Result<u32, ApiError> {
        list_limit(self.limit)
    }
}

/// A list route's `?limit=`: 100 when absent, 1 to 1000.
pub(crate) fn list_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(100),
        Some(n @ 1..=1000) => Ok(n),
        Some(n) => Err(ApiError::BadRequest(format!(
            "limit must be between 1 and 1000, got {n}"
        ))),
    }
}

pub async fn list_sessions(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<SessionView>>, ApiError> {
    let sessions = state.store.list_sessions(p.limit()?).await?;
    Ok(Json(
        sessions
            .into_iter()
            .map(|s| SessionView {
                id: s.id,
                bot: s.bot,
                bot_version: s.bot_version,
                created_at: s.created_at.to_rfc3339(),
            })
            .collect(),
    ))
}

/// A chat's transcript: supervisors read any; an agent reads chats waiting in the queue and
/// the ones they hold or held.
pub async fn transcript(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<Json<Vec<TurnView>>, ApiError> {
    if state.store.get_session(&id).await?.is_none() {
        return Err(ApiError::NotFound(format!("session `{id}` does not exist")));
    }
    if who.role == Role::Agent {
        crate::handoff_api::agent_may_read(&state, &who, &id).await?;
    }
    let turns = state.store.transcript(&id).await?;
    Ok(Json(turns.into_iter().map(TurnView::from).collect()))
}

pub async fn list_missed(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<MissedView>>, ApiError> {
    let missed = state
        .store
        .list_missed(p.bot.as_deref(), p.limit()?)
        .await?;
    Ok(Json(missed.into_iter().map(MissedView::from).collect()))
}

pub async fn search_knowledge(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Vec<HitView>>, ApiError> {
    let q = params.get("q").map(|q| q.trim()).filter(|q| !q.is_empty());
    let q = q.ok_or_else(|| ApiError::BadRequest("query parameter `q` is required".into()))?;
    if q.chars().count() > 2_000 {
        return Err(ApiError::BadRequest(
            "`q` is longer than 2000 characters".into(),
        ));
    }
    let hits = state
        .chat
        .search_knowledge(q, 5)
        .await
        .map_err(|e| match e {
            switchboard_chat::ChatError::Busy => ApiError::Unavailable(e.to_string()),
            other => ApiError::Internal(other.to_string()),
        })?;
    Ok(Json(
        hits.into_iter()
            .map(|h| HitView {
                document_id: h.id,
                title: h.title,
                score: h.score,
                text: h.body,
            })
            .collect(),
    ))
}

pub async fn reindex(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let n = blocking_job(state.reindex.clone()).await?;
    Ok(Json(serde_json::json!({ "documents": n })))
}

/// Runs an admin job that reads files off the async threads; its error is the input's fault.
async fn blocking_job(job: crate::Reindexer) -> Result<usize, ApiError> {
    tokio::task::spawn_blocking(move || job())
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::BadRequest)
}

/// The call rules in force, as supervisors see them beside the categories and alerts they raise.
pub async fn list_rules(State(state): State<AppState>) -> Json<Vec<RuleView>> {
    let set = state.rules.current();
    Json(
        set.rules
            .iter()
            .map(|r| RuleView {
                name: r.name.clone(),
                category: r.category.clone(),
                description: r.description.clone(),
                speaker: r.speaker.clone(),
                alert: r.alert.map(|s| s.as_str()),
                condition: r.condition.to_string(),
            })
            .collect(),
    )
}

/// Re-reads the rule files: calls that start from now on follow the new set. A set with any
/// problem is refused with every problem (file, line, column) and the running rules stay.
pub async fn reload_rules(
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let n = blocking_job(state.reload_rules.clone()).await?;
    Ok(Json(serde_json::json!({ "rules": n })))
}

pub async fn list_tokens(State(state): State<AppState>) -> Result<Json<Vec<TokenView>>, ApiError> {
    Ok(Json(
        state
            .store
            .list_tokens()
            .await?
            .into_iter()
            .map(token_view)
            .collect(),
    ))
}

pub async fn create_token(
    State(state): State<AppState>,
    body: Result<Json<CreateToken>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let Json(body) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let role: Role = body.role.parse().map_err(|_| {
        ApiError::BadRequest(format!(
            "unknown role `{}`; use admin, supervisor, agent or client",
            body.role
        ))
    })?;
    let name = body.name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(ApiError::BadRequest(
            "name must be 1 to 100 characters".into(),
        ));
    }
    let (info, secret) = state.store.create_token(name, role).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: token_view(info),
            secret,
        }),
    ))
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.store.revoke_token(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn token_view(t: switchboard_storage::TokenInfo) -> TokenView {
    TokenView {
        id: t.id,
        name: t.name,
        role: t.role.as_str(),
        created_at: t.created_at.to_rfc3339(),
        revoked: t.revoked_at.is_some(),
    }
}
