//! `GET /v1/calls/search`: words and filters over every ended call's transcript; hits link to
//! the call and show the segments that matched with the matched words marked.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_search::{CallHit, CallQuery, SearchError};

use crate::AppState;
use crate::error::ApiError;

/// Hits returned when the query does not say.
const DEFAULT_LIMIT: usize = 50;

/// Query of a search; every part optional.
#[derive(Debug, Deserialize)]
pub struct SearchParams {
    /// Words (all must occur), `"quoted phrases"`, `OR`, `-word`.
    q: Option<String>,
    /// Calls started at or after / before this RFC 3339 time.
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    agent: Option<String>,
    category: Option<String>,
    /// The customer's mean sentiment, −1…1.
    min_sentiment: Option<f32>,
    max_sentiment: Option<f32>,
    min_duration_s: Option<f64>,
    max_duration_s: Option<f64>,
    limit: Option<usize>,
}

/// One matching segment; `highlights` are byte ranges of `fragment`.
#[derive(Debug, Serialize)]
pub struct SnippetView {
    speaker: String,
    at_s: f64,
    fragment: String,
    highlights: Vec<[usize; 2]>,
}

/// A call that matched.
#[derive(Debug, Serialize)]
pub struct HitView {
    call_id: String,
    started_at: String,
    agent_id: Option<String>,
    duration_s: f64,
    categories: Vec<String>,
    sentiment: Option<f32>,
    score: f32,
    snippets: Vec<SnippetView>,
}

/// The answer: hits, best first (newest first without words).
#[derive(Debug, Serialize)]
pub struct SearchView {
    hits: Vec<HitView>,
}

impl From<CallHit> for HitView {
    fn from(h: CallHit) -> Self {
        Self {
            call_id: h.facts.call_id,
            started_at: h.facts.started_at.to_rfc3339(),
            agent_id: h.facts.agent_id,
            duration_s: h.facts.duration_ms as f64 / 1000.0,
            categories: h.facts.categories,
            sentiment: h.facts.sentiment,
            score: h.score,
            snippets: h
                .snippets
                .into_iter()
                .map(|s| SnippetView {
                    speaker: s.speaker,
                    at_s: s.start_ms as f64 / 1000.0,
                    fragment: s.fragment,
                    highlights: s.highlights.into_iter().map(|r| [r.start, r.end]).collect(),
                })
                .collect(),
        }
    }
}

fn millis(what: &str, seconds: Option<f64>) -> Result<Option<u64>, ApiError> {
    match seconds {
        Some(s) if !(s.is_finite() && s >= 0.0) => Err(ApiError::BadRequest(format!(
            "{what} must be a number of seconds, 0 or more"
        ))),
        Some(s) => Ok(Some((s * 1000.0).round() as u64)),
        None => Ok(None),
    }
}

pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> Result<Json<SearchView>, ApiError> {
    let index = state
        .call_search
        .clone()
        .ok_or_else(|| ApiError::Unavailable("call search is not running on this server".into()))?;
    let query = CallQuery {
        text: p.q.unwrap_or_default(),
        from: p.from,
        to: p.to,
        agent_id: p.agent,
        category: p.category,
        min_sentiment: p.min_sentiment,
        max_sentiment: p.max_sentiment,
        min_duration_ms: millis("min_duration_s", p.min_duration_s)?,
        max_duration_ms: millis("max_duration_s", p.max_duration_s)?,
        limit: p.limit.unwrap_or(DEFAULT_LIMIT),
    };
    let hits = tokio::task::spawn_blocking(move || index.search(&query))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| match e {
            SearchError::Query { .. } | SearchError::Filter(_) => {
                ApiError::BadRequest(e.to_string())
            }
            other => ApiError::Internal(other.to_string()),
        })?;
    Ok(Json(SearchView {
        hits: hits.into_iter().map(HitView::from).collect(),
    }))
}
