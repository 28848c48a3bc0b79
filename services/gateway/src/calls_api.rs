//! Calls over HTTP: list, one call with its transcript, and the live feed of call events.
//! An agent token sees only its own calls (those whose `agentId` is the token's name).

use std::collections::{BTreeMap, HashSet};

use axum::Extension;
use axum::Json;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use switchboard_calls::CallError;
use switchboard_events::Event;
use switchboard_storage::{
    CALL_STATUSES, CallFilter, CallRecord, CallSegmentRecord, Role, RuleHitRecord, TokenInfo,
};

use crate::AppState;
use crate::api::list_limit;
use crate::call_metrics::MetricsView;
use crate::call_wire::{LiveMessage, SentimentView, StoredSuggestion};
use crate::error::ApiError;
use crate::report_wire::{self, RoleView, SummaryView};
use crate::wire::{Guess, MissedView};
use crate::ws_feed::bus_feed;

/// What a call id keeps unescaped in a URL path: letters, digits and `-_.~`.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A call as the API shows it.
#[derive(Debug, Serialize)]
pub struct CallView {
    id: String,
    source: String,
    from_number: Option<String>,
    to_number: Option<String>,
    agent_id: Option<String>,
    queue: Option<String>,
    sample_rate: u32,
    channel_roles: Vec<String>,
    status: String,
    started_at: String,
    ended_at: Option<String>,
    audio_ms: u64,
    connections: u32,
    segments: u32,
}

impl From<CallRecord> for CallView {
    fn from(c: CallRecord) -> Self {
        Self {
            id: c.id,
            source: c.source,
            from_number: c.from_number,
            to_number: c.to_number,
            agent_id: c.agent_id,
            queue: c.queue,
            sample_rate: c.sample_rate,
            channel_roles: c.channel_roles,
            status: c.status,
            started_at: c.started_at.to_rfc3339(),
            ended_at: c.ended_at.map(|t| t.to_rfc3339()),
            audio_ms: c.audio_ms,
            connections: c.connections,
            segments: c.segments,
        }
    }
}

/// One stored utterance of a call.
#[derive(Debug, Serialize)]
pub struct SegmentView {
    seq: u32,
    channel: u32,
    speaker: String,
    start_ms: u64,
    end_ms: u64,
    text: String,
    confidence: f32,
    /// Kinds of personal data replaced by tags in `text`, with where each tag sits.
    redactions: Vec<RedactionView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentiment: Option<SentimentView>,
    key_phrases: Vec<String>,
}

/// Where a redaction tag sits in a segment's text (byte offsets) and what it replaced.
#[derive(Debug, Serialize)]
pub struct RedactionView {
    kind: String,
    start: u32,
    end: u32,
}

impl From<CallSegmentRecord> for SegmentView {
    fn from(s: CallSegmentRecord) -> Self {
        Self {
            seq: s.seq,
            channel: s.channel,
            speaker: s.speaker,
            start_ms: s.start_ms,
            end_ms: s.end_ms,
            text: s.text,
            confidence: s.confidence,
            redactions: s
                .insights
                .redactions
                .into_iter()
                .map(|r| RedactionView {
                    kind: r.kind,
                    start: r.start,
                    end: r.end,
                })
                .collect(),
            sentiment: s.insights.sentiment.map(Into::into),
            key_phrases: s.insights.key_phrases,
        }
    }
}

/// A rule that matched a call; with a severity it was an alert.
#[derive(Debug, Serialize)]
pub struct RuleHitView {
    rule: String,
    category: String,
    severity: Option<String>,
    reason: String,
    description: String,
    /// The segment that made it match.
    seq: u32,
    at: String,
}

impl From<RuleHitRecord> for RuleHitView {
    fn from(r: RuleHitRecord) -> Self {
        Self {
            rule: r.hit.rule,
            category: r.hit.category,
            severity: r.hit.severity,
            reason: r.hit.reason,
            description: r.hit.description,
            seq: r.hit.seq,
            at: r.created_at.to_rfc3339(),
        }
    }
}

/// A call, its transcript so far, and what the rules found in it.
#[derive(Debug, Serialize)]
pub struct CallDetail {
    #[serde(flatten)]
    call: CallView,
    transcript: Vec<SegmentView>,
    /// Categories its rule hits recorded, each once, in the order they were first matched.
    categories: Vec<String>,
    rule_hits: Vec<RuleHitView>,
    /// What the bot offered the agent, per segment and rank, with the agent's verdicts.
    suggestions: Vec<StoredSuggestion>,
    /// Customer words nothing matched, kept for the improvement loop.
    missed: Vec<MissedView>,
    /// Talk time, silence, interruptions, pace and sentiment over the call, from its segments.
    metrics: MetricsView,
    /// Verbatim sentences: why they called, what was done, what happens next.
    summary: Vec<SummaryView>,
    /// The call's topics.
    key_phrases: Vec<String>,
    /// Each channel's role (detected or given) and loudness, keyed by channel index.
    roles: BTreeMap<String, RoleView>,
    /// Where its audio can be played from (`GET …/audio`); `None` when none is kept.
    audio_url: Option<String>,
}

/// Query of the call list.
#[derive(Debug, Deserialize)]
pub struct CallListParams {
    limit: Option<u32>,
    /// Only calls in this status (`live`, `completed`, `incomplete`).
    status: Option<String>,
}

/// Newest calls first: an agent's own, or every call for supervisors.
pub async fn list_calls(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Query(p): Query<CallListParams>,
) -> Result<Json<Vec<CallView>>, ApiError> {
    if let Some(s) = p.status.as_deref().filter(|s| !CALL_STATUSES.contains(s)) {
        return Err(ApiError::BadRequest(format!(
            "status must be one of {CALL_STATUSES:?}, not {s:?}"
        )));
    }
    let filter = CallFilter {
        agent_id: (who.role == Role::Agent).then(|| who.name.clone()),
        status: p.status,
    };
    let calls = state
        .store
        .list_calls(&filter, list_limit(p.limit)?)
        .await?;
    Ok(Json(calls.into_iter().map(CallView::from).collect()))
}

/// Calls an agent token may see: those whose `agentId` is the token's name. Supervisors and
/// admins see every call.
fn may_see(who: &TokenInfo, agent_id: Option<&str>) -> bool {
    who.role != Role::Agent || agent_id == Some(who.name.as_str())
}

/// The call `id` if `who` may see it: 404 when there is none, 403 when it is another agent's.
pub(crate) async fn visible_call(
    state: &AppState,
    who: &TokenInfo,
    id: &str,
) -> Result<CallRecord, ApiError> {
    let call = state.store.get_call(id).await?;
    if !may_see(who, call.agent_id.as_deref()) {
        return Err(ApiError::Forbidden(format!(
            "call {id:?} is another agent's: an agent token sees only calls whose agentId is its name ({:?})",
            who.name
        )));
    }
    Ok(call)
}

pub async fn get_call(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<Json<CallDetail>, ApiError> {
    visible_call(&state, &who, &id).await?;
    let report = switchboard_calls::report(&state.store, &id)
        .await
        .map_err(|e| match e {
            CallError::Store(e) => ApiError::from(e),
            other => ApiError::Internal(other.to_string()),
        })?;
    let suggestions = state.store.call_suggestions(&id).await?;
    let missed = state.store.call_missed(&id).await?;
    let kept = match state.calls.as_ref().and_then(|c| c.archive()) {
        Some(archive) => archive.read(&id).await.ok().flatten().is_some(),
        None => false,
    };
    let audio_url = kept.then(|| {
        let id = percent_encoding::utf8_percent_encode(&id, PATH_SEGMENT);
        format!("/v1/calls/{id}/audio")
    });
    Ok(Json(CallDetail {
        audio_url,
        roles: report_wire::roles(&report.call, &report.channels),
        summary: report_wire::summary(report.summary),
        key_phrases: report.key_phrases,
        metrics: report.metrics.into(),
        call: report.call.into(),
        transcript: report.segments.into_iter().map(SegmentView::from).collect(),
        categories: report.categories,
        rule_hits: report
            .rule_hits
            .into_iter()
            .map(RuleHitView::from)
            .collect(),
        suggestions: suggestions
            .into_iter()
            .map(StoredSuggestion::from)
            .collect(),
        missed: missed.into_iter().map(MissedView::from).collect(),
    }))
}

/// Query of the live feed.
#[derive(Debug, Deserialize)]
pub struct LiveParams {
    /// Only this call's events.
    call: Option<String>,
}

/// Live partials, segments and call starts/ends as they happen (the agent sidebar and the
/// supervisor wall read this).
pub async fn live(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Query(p): Query<LiveParams>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let scope = Scope::of(&state, &who).await?;
    Ok(ws.on_upgrade(move |socket| feed(socket, state, p.call, scope)))
}

/// Whose calls a live feed carries.
enum Scope {
    Every,
    /// An agent's: the calls that started with its id, learnt from the store at connect and
    /// from `call_started` events after.
    Agent {
        id: String,
        calls: HashSet<String>,
    },
}

/// An agent's most recent calls a feed starts out knowing: the live ones, and the ended ones
/// still on screen, whose suggestions the agent may still mark.
const AGENT_RECENT_CALLS: u32 = 100;

impl Scope {
    async fn of(state: &AppState, who: &TokenInfo) -> Result<Self, ApiError> {
        if who.role != Role::Agent {
            return Ok(Scope::Every);
        }
        let mine = CallFilter {
            agent_id: Some(who.name.clone()),
            status: None,
        };
        let calls = state
            .store
            .list_calls(&mine, AGENT_RECENT_CALLS)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        Ok(Scope::Agent {
            id: who.name.clone(),
            calls,
        })
    }

    /// Whether the feed passes this message on (learning the agent's new calls as they start).
    fn admits(&mut self, call_id: &str, message: &LiveMessage) -> bool {
        match self {
            Scope::Every => true,
            Scope::Agent { id, calls } => {
                if let LiveMessage::CallStarted { agent_id, .. } = message
                    && agent_id.as_deref() == Some(id.as_str())
                {
                    calls.insert(call_id.to_string());
                }
                calls.contains(call_id)
            }
        }
    }
}

async fn feed(socket: WebSocket, state: AppState, only: Option<String>, mut scope: Scope) {
    let pick = move |event| {
        let (call_id, message) = live_message(event)?;
        let wanted = only.as_deref().is_none_or(|c| c == call_id);
        (wanted && scope.admits(&call_id, &message)).then_some(message)
    };
    bus_feed(socket, state, pick, |events| LiveMessage::Skipped {
        events,
    })
    .await;
}

fn live_message(event: Event) -> Option<(String, LiveMessage)> {
    Some(match event {
        Event::CallStarted {
            call_id,
            from_number,
            to_number,
            agent_id,
            offset_ms,
            ..
        } => (
            call_id.clone(),
            LiveMessage::CallStarted {
                call_id,
                from_number,
                to_number,
                agent_id,
                offset_ms,
            },
        ),
        Event::CallPartial {
            call_id,
            channel,
            speaker,
            start_ms,
            stable,
            unstable,
        } => (
            call_id.clone(),
            LiveMessage::Partial {
                call_id,
                channel,
                speaker,
                start_ms,
                stable,
                unstable,
            },
        ),
        Event::CallSegment {
            call_id,
            seq,
            channel,
            speaker,
            start_ms,
            end_ms,
            text,
            confidence,
            sentiment,
            key_phrases,
        } => (
            call_id.clone(),
            LiveMessage::Segment {
                call_id,
                seq,
                channel,
                speaker,
                start_ms,
                end_ms,
                text,
                confidence,
                sentiment: sentiment.map(Into::into),
                key_phrases,
            },
        ),
        Event::CallRuleHit {
            call_id,
            seq,
            speaker,
            text,
            rule,
            category,
            severity,
            reason,
            description,
            ..
        } => (
            call_id.clone(),
            LiveMessage::RuleHit {
                call_id,
                seq,
                speaker,
                text,
                rule,
                category,
                severity,
                reason,
                description,
            },
        ),
        Event::CallSuggestions {
            call_id,
            seq,
            bot,
            suggestions,
            ..
        } => (
            call_id.clone(),
            LiveMessage::Suggestions {
                call_id,
                seq,
                bot,
                suggestions: suggestions.into_iter().map(Into::into).collect(),
            },
        ),
        Event::CallSuggestionFeedback {
            call_id,
            suggestion_id,
            feedback,
            by,
            ..
        } => (
            call_id.clone(),
            LiveMessage::SuggestionFeedback {
                call_id,
                suggestion_id,
                feedback,
                by,
            },
        ),
        Event::CallMissedUtterance {
            call_id,
            seq,
            speaker,
            bot,
            text,
            best_guesses,
            ..
        } => (
            call_id.clone(),
            LiveMessage::Missed {
                call_id,
                seq,
                speaker,
                bot,
                text,
                best_guesses: Guess::all(best_guesses),
            },
        ),
        Event::CallLagging { call_id, behind_ms } => {
            (call_id.clone(), LiveMessage::Lagging { call_id, behind_ms })
        }
        Event::CallDegraded {
            call_id,
            stage,
            reason,
            resumed_at_ms,
        } => (
            call_id.clone(),
            LiveMessage::Degraded {
                call_id,
                stage,
                reason,
                resumed_at_ms,
            },
        ),
        Event::CallEnded {
            call_id,
            status,
            reason,
            audio_ms,
            segments,
            ..
        } => (
            call_id.clone(),
            LiveMessage::CallEnded {
                call_id,
                status,
                reason,
                audio_ms,
                segments,
            },
        ),
        Event::ChatTurn { .. }
        | Event::MissedUtterance { .. }
        | Event::ChatHandoff { .. }
        | Event::ChatVisitorMessage { .. }
        | Event::ChatAgentMessage { .. }
        | Event::BotPublished { .. } => return None,
    })
}
