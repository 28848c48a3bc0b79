//! Agent assist over HTTP: the agent's verdict on a suggestion (`used` / `not_helpful`). A call's
//! suggestions and missed utterances are part of `GET /v1/calls/{id}`.

use axum::Extension;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use chrono::Utc;
use switchboard_events::Event;
use switchboard_storage::{SUGGESTION_FEEDBACK, TokenInfo};

use crate::AppState;
use crate::call_wire::{Feedback, StoredSuggestion};
use crate::calls_api::visible_call;
use crate::error::ApiError;

/// Records the agent's verdict on one suggestion of a call they may see; everyone watching the
/// call is told.
pub async fn feedback(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Path((call_id, suggestion_id)): Path<(String, String)>,
    body: Result<Json<Feedback>, JsonRejection>,
) -> Result<Json<StoredSuggestion>, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    if !SUGGESTION_FEEDBACK.contains(&body.feedback.as_str()) {
        return Err(ApiError::BadRequest(format!(
            "feedback must be one of {SUGGESTION_FEEDBACK:?}, not {:?}",
            body.feedback
        )));
    }
    visible_call(&state, &who, &call_id).await?;
    let record = state
        .store
        .suggestion_feedback(&call_id, &suggestion_id, &body.feedback, &who.name)
        .await?;
    state.bus.publish(Event::CallSuggestionFeedback {
        call_id,
        suggestion_id,
        feedback: body.feedback,
        by: who.name,
        at: Utc::now(),
    });
    Ok(Json(record.into()))
}
