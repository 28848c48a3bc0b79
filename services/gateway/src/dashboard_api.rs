//! `GET /v1/calls/dashboard`: the overview of ended calls over a UTC date range — volume,
//! sentiment, talk and silence per day, per agent and per queue, and the most frequent
//! categories, key phrases and missed intents.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use switchboard_storage::{DashboardQuery, FactTotals, LabelCount};

use crate::AppState;
use crate::error::ApiError;

/// Days covered when the query names none.
const DEFAULT_DAYS: u64 = 30;
/// Labels, agents and queues listed when the query does not say; at most [`MAX_TOP`].
const DEFAULT_TOP: u32 = 10;
const MAX_TOP: u32 = 100;

/// Query of an overview; every part optional.
#[derive(Debug, Deserialize)]
pub struct DashboardParams {
    /// First and last UTC day, `YYYY-MM-DD` (default: the 30 days up to today).
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    agent: Option<String>,
    queue: Option<String>,
    top: Option<u32>,
}

/// Sums and means over a group of calls; times in seconds, shares 0…1 of the calls' duration.
#[derive(Debug, Serialize)]
pub struct TotalsView {
    calls: u64,
    duration_s: f64,
    mean_duration_s: Option<f64>,
    agent_talk_s: f64,
    customer_talk_s: f64,
    non_talk_s: f64,
    talk_share: Option<f64>,
    silence_share: Option<f64>,
    interruptions: u64,
    /// Mean of the calls' mean customer (agent) sentiment, −1…1.
    customer_sentiment: Option<f64>,
    agent_sentiment: Option<f64>,
}

impl From<&FactTotals> for TotalsView {
    fn from(t: &FactTotals) -> Self {
        let s = |ms: u64| ms as f64 / 1000.0;
        let share = |ms: u64| (t.duration_ms > 0).then(|| ms as f64 / t.duration_ms as f64);
        Self {
            calls: t.calls,
            duration_s: s(t.duration_ms),
            mean_duration_s: (t.calls > 0).then(|| s(t.duration_ms) / t.calls as f64),
            agent_talk_s: s(t.agent_talk_ms),
            customer_talk_s: s(t.customer_talk_ms),
            non_talk_s: s(t.non_talk_ms),
            talk_share: share(t.duration_ms.saturating_sub(t.non_talk_ms)),
            silence_share: share(t.non_talk_ms),
            interruptions: t.interruptions,
            customer_sentiment: t.customer_sentiment(),
            agent_sentiment: t.agent_sentiment(),
        }
    }
}

/// One day; days without calls are listed with zeros, so charts have an even axis.
#[derive(Debug, Serialize)]
pub struct DayView {
    day: NaiveDate,
    #[serde(flatten)]
    totals: TotalsView,
}

/// One agent's or queue's calls (`key` null: calls that named none).
#[derive(Debug, Serialize)]
pub struct GroupView {
    key: Option<String>,
    #[serde(flatten)]
    totals: TotalsView,
}

#[derive(Debug, Serialize)]
pub struct LabelView {
    label: String,
    calls: u64,
}

#[derive(Debug, Serialize)]
pub struct CategoryDayView {
    day: NaiveDate,
    label: String,
    calls: u64,
}

/// The answer.
#[derive(Debug, Serialize)]
pub struct DashboardView {
    from: NaiveDate,
    to: NaiveDate,
    agent: Option<String>,
    queue: Option<String>,
    totals: TotalsView,
    days: Vec<DayView>,
    agents: Vec<GroupView>,
    queues: Vec<GroupView>,
    categories: Vec<LabelView>,
    key_phrases: Vec<LabelView>,
    missed_intents: Vec<LabelView>,
    category_days: Vec<CategoryDayView>,
}

fn labels(v: Vec<LabelCount>) -> Vec<LabelView> {
    v.into_iter()
        .map(|l| LabelView {
            label: l.label,
            calls: l.calls,
        })
        .collect()
}

fn groups(v: &[(Option<String>, FactTotals)]) -> Vec<GroupView> {
    v.iter()
        .map(|(key, t)| GroupView {
            key: key.clone(),
            totals: t.into(),
        })
        .collect()
}

pub async fn dashboard(
    State(state): State<AppState>,
    Query(p): Query<DashboardParams>,
) -> Result<Json<DashboardView>, ApiError> {
    let today = Utc::now().date_naive();
    let to = p.to.unwrap_or(today);
    let from = p.from.unwrap_or_else(|| {
        to.checked_sub_days(Days::new(DEFAULT_DAYS - 1))
            .unwrap_or(to)
    });
    let top = p.top.unwrap_or(DEFAULT_TOP);
    if !(1..=MAX_TOP).contains(&top) {
        return Err(ApiError::BadRequest(format!("top must be 1–{MAX_TOP}")));
    }
    let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let query = DashboardQuery {
        from,
        to,
        agent_id: blank(p.agent),
        queue: blank(p.queue),
        top,
    };
    let d = state.store.dashboard(&query).await?;
    let mut days = Vec::new();
    let mut stored = d.days.iter().peekable();
    for day in from.iter_days().take_while(|day| *day <= to) {
        let totals = match stored.next_if(|(d, _)| *d == day) {
            Some((_, t)) => t.into(),
            None => (&FactTotals::default()).into(),
        };
        days.push(DayView { day, totals });
    }
    Ok(Json(DashboardView {
        from,
        to,
        agent: query.agent_id,
        queue: query.queue,
        totals: (&d.totals).into(),
        days,
        agents: groups(&d.agents),
        queues: groups(&d.queues),
        categories: labels(d.categories),
        key_phrases: labels(d.key_phrases),
        missed_intents: labels(d.missed_intents),
        category_days: d
            .category_days
            .into_iter()
            .map(|(day, label, calls)| CategoryDayView { day, label, calls })
            .collect(),
    }))
}
