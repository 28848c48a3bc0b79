//! The improvement loop over HTTP: agents propose missed utterances for intents, supervisors
//! decide (approval builds, gates and publishes a version), read a bot's history and diffs, and
//! roll back; admins read the audit log.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use switchboard_publishing::{PublishError, Reviewer, definition_of, no_progress};
use switchboard_storage::{ProposalFilter, ProposalStatus, Role, TokenInfo};

use crate::AppState;
use crate::api::list_limit;
use crate::error::ApiError;
use crate::improve_wire::{
    AuditView, BuildView, ClusterView, DecideBody, DecidedView, IntentDiffView, ProposalView,
    ProposeBody, RollbackBody, VersionView,
};
use crate::wire::MissedView;

impl From<PublishError> for ApiError {
    fn from(e: PublishError) -> Self {
        match e {
            PublishError::Invalid(m) => ApiError::BadRequest(m),
            PublishError::NotFound(m) => ApiError::NotFound(m),
            PublishError::Conflict(m) => ApiError::Conflict(m),
            PublishError::Forbidden(m) => ApiError::Forbidden(m),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

fn json<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(b)| b)
        .map_err(|e| ApiError::BadRequest(e.body_text()))
}

/// Stores an agent's picks (only from conversations they handled; supervisors any).
pub async fn propose(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    body: Result<Json<ProposeBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Vec<ProposalView>>), ApiError> {
    let body = json(body)?;
    let inputs: Vec<_> = body.proposals.into_iter().map(Into::into).collect();
    let reviewer = Reviewer {
        name: &who.name,
        sees_all: who.role.permits(Role::Supervisor),
    };
    let stored = state.publisher.propose(&inputs, reviewer).await?;
    Ok((
        StatusCode::CREATED,
        Json(stored.into_iter().map(Into::into).collect()),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalParams {
    bot: Option<String>,
    status: Option<String>,
    limit: Option<u32>,
}

/// Proposals, oldest first: supervisors see all, agents their own.
pub async fn list_proposals(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Query(p): Query<ProposalParams>,
) -> Result<Json<Vec<ProposalView>>, ApiError> {
    let status = p
        .status
        .as_deref()
        .map(|s| {
            ProposalStatus::parse(s).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "status must be pending, approved, rejected, published or refused, not {s:?}"
                ))
            })
        })
        .transpose()?;
    let filter = ProposalFilter {
        bot: p.bot,
        status,
        proposed_by: (!who.role.permits(Role::Supervisor)).then(|| who.name.clone()),
    };
    let list = state
        .store
        .list_proposals(&filter, list_limit(p.limit)?)
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Approves or rejects a batch (all or none); each bot with an approval gets a new version.
pub async fn decide(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    body: Result<Json<DecideBody>, JsonRejection>,
) -> Result<Json<DecidedView>, ApiError> {
    let body = json(body)?;
    let decisions = body
        .decisions
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            d.into_decision()
                .map_err(|m| ApiError::BadRequest(format!("decision {}: {m}", i + 1)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let decided = state
        .publisher
        .decide(&decisions, &who.name, &no_progress())
        .await?;
    Ok(Json(DecidedView {
        proposals: decided.proposals.into_iter().map(Into::into).collect(),
        builds: decided
            .builds
            .into_iter()
            .map(|(bot, r)| BuildView::new(bot, r))
            .collect(),
    }))
}

/// Every stored version of a bot, newest first, with who made it, why, and its gate report.
pub async fn versions(
    State(state): State<AppState>,
    Path(bot): Path<String>,
) -> Result<Json<Vec<VersionView>>, ApiError> {
    let mut versions = state.store.list_bot_versions(&bot).await?;
    if versions.is_empty() {
        return Err(ApiError::NotFound(format!(
            "no bot named `{bot}` is stored"
        )));
    }
    versions.reverse();
    Ok(Json(versions.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffParams {
    from: u32,
    to: u32,
}

/// Utterances and responses added and removed per intent from one version to another.
pub async fn diff(
    State(state): State<AppState>,
    Path(bot): Path<String>,
    Query(p): Query<DiffParams>,
) -> Result<Json<Vec<IntentDiffView>>, ApiError> {
    let mut defs = Vec::with_capacity(2);
    for v in [p.from, p.to] {
        let record = state
            .store
            .bot_version(&bot, v)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("bot `{bot}` has no version {v}")))?;
        defs.push(definition_of(&record)?);
    }
    let changes = switchboard_publishing::diff::diff(&defs[0], &defs[1]);
    Ok(Json(changes.into_iter().map(Into::into).collect()))
}

/// Publishes an earlier version's content as a new version, on every node.
pub async fn rollback(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Path(bot): Path<String>,
    body: Result<Json<RollbackBody>, JsonRejection>,
) -> Result<Json<VersionView>, ApiError> {
    let body = json(body)?;
    let record = state
        .publisher
        .rollback(&bot, body.version, &who.name, &no_progress())
        .await?;
    Ok(Json(record.into()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    limit: Option<u32>,
}

/// Newest actions first.
pub async fn audit(
    State(state): State<AppState>,
    Query(p): Query<AuditParams>,
) -> Result<Json<Vec<AuditView>>, ApiError> {
    let log = state.store.list_audit(list_limit(p.limit)?).await?;
    Ok(Json(log.into_iter().map(Into::into).collect()))
}

/// Missed utterances from the conversations this agent handled, newest first (what they review
/// after a call or chat).
pub async fn my_missed(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Query(p): Query<AuditParams>,
) -> Result<Json<Vec<MissedView>>, ApiError> {
    let missed = state
        .store
        .missed_handled_by(&who.name, list_limit(p.limit)?)
        .await?;
    Ok(Json(missed.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterParams {
    bot: String,
}

/// Unproposed missed utterances of a bot grouped by meaning: candidate new intents, largest
/// first, each with a suggested name.
pub async fn clusters(
    State(state): State<AppState>,
    Query(p): Query<ClusterParams>,
) -> Result<Json<Vec<ClusterView>>, ApiError> {
    let clusters = state.publisher.clusters(&p.bot).await?;
    Ok(Json(
        clusters
            .into_iter()
            .map(|c| ClusterView {
                name: c.name,
                size: c.members.len(),
                members: c.members.into_iter().map(Into::into).collect(),
            })
            .collect(),
    ))
}
