//! The overview's sums over a date range, read from the running sums `rollup.rs` keeps: per
//! day, agent and queue (grouped here by each), and per kind, day and label (folded into the top
//! labels and the daily counts of the top categories). The labels of one agent's or queue's
//! calls come from the calls' labels through their indexes. Rows read number in the thousands
//! even for 100,000 calls.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::Store;
use crate::error::{Result, StoreError, corrupt};
use crate::facts::{
    Dashboard, DashboardQuery, FactTotals, LabelCount, MAX_DASHBOARD_DAYS, day_text,
};

/// Categories whose calls per day are listed (for a chart).
const CHARTED_CATEGORIES: usize = 5;

/// Sums of one group of the running sums, keyed by what it was grouped on.
type GroupRow = (
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<f64>,
    Option<i64>,
    Option<f64>,
    Option<i64>,
);

/// The sums over the running sums in a range, grouped by `$key`; a macro so each grouping
/// `concat!`s its key onto one query.
macro_rules! groups_select {
    ($key:literal) => {
        concat!(
            "SELECT ",
            $key,
            ", CAST(SUM(calls) AS BIGINT), CAST(SUM(duration_ms) AS BIGINT), \
             CAST(SUM(agent_talk_ms) AS BIGINT), CAST(SUM(customer_talk_ms) AS BIGINT), \
             CAST(SUM(non_talk_ms) AS BIGINT), CAST(SUM(interruptions) AS BIGINT), \
             SUM(customer_sentiment_sum), CAST(SUM(customer_sentiment_calls) AS BIGINT), \
             SUM(agent_sentiment_sum), CAST(SUM(agent_sentiment_calls) AS BIGINT) \
             FROM call_fact_groups WHERE day >= $1 AND day <= $2 \
             AND ($3 IS NULL OR agent_key = $3) AND ($4 IS NULL OR queue_key = $4) GROUP BY ",
            $key
        )
    };
}

/// Labels per kind, day and label of the calls of one agent, one queue, or both.
const AGENT_LABELS: &str = "SELECT kind, day, label, COUNT(*) FROM call_fact_labels \
     WHERE agent_id = $3 AND kind IN ('category', 'key_phrase', 'missed_intent') \
     AND day >= $1 AND day <= $2 AND ($4 IS NULL OR queue = $4) GROUP BY kind, day, label";
const QUEUE_LABELS: &str = "SELECT kind, day, label, COUNT(*) FROM call_fact_labels \
     WHERE queue = $4 AND kind IN ('category', 'key_phrase', 'missed_intent') \
     AND day >= $1 AND day <= $2 AND ($3 IS NULL OR agent_id = $3) GROUP BY kind, day, label";
const ALL_LABELS: &str = "SELECT kind, day, label, calls FROM call_label_days \
     WHERE kind IN ('category', 'key_phrase', 'missed_intent') AND day >= $1 AND day <= $2 \
     AND ($3 IS NULL OR $3 = '') AND ($4 IS NULL OR $4 = '')";

fn date(day: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map_err(|e| corrupt(format!("the overview has day {day:?} ({e})")))
}

fn totals(r: &GroupRow) -> (Option<String>, FactTotals) {
    let n = |v: Option<i64>| v.unwrap_or(0).max(0) as u64;
    let key = (!r.0.is_empty()).then(|| r.0.clone());
    (
        key,
        FactTotals {
            calls: n(r.1),
            duration_ms: n(r.2),
            agent_talk_ms: n(r.3),
            customer_talk_ms: n(r.4),
            non_talk_ms: n(r.5),
            interruptions: n(r.6),
            customer_sentiment_sum: r.7.unwrap_or(0.0),
            customer_sentiment_calls: n(r.8),
            agent_sentiment_sum: r.9.unwrap_or(0.0),
            agent_sentiment_calls: n(r.10),
        },
    )
}

/// Busiest first, then by name, calls with no name last; at most `top`.
fn ranked(
    groups: HashMap<Option<String>, FactTotals>,
    top: usize,
) -> Vec<(Option<String>, FactTotals)> {
    let mut v: Vec<_> = groups.into_iter().collect();
    v.sort_by(|(a, x), (b, y)| {
        y.calls
            .cmp(&x.calls)
            .then_with(|| a.is_none().cmp(&b.is_none()))
            .then_with(|| a.cmp(b))
    });
    v.truncate(top);
    v
}

impl Store {
    /// The overview of the calls in `q`'s range: totals, per day, per agent, per queue, and the
    /// most frequent labels. `Invalid` for a backwards or too long range.
    pub async fn dashboard(&self, q: &DashboardQuery) -> Result<Dashboard> {
        let span = (q.to - q.from).num_days();
        if span < 0 {
            return Err(StoreError::Invalid(format!(
                "the range ends ({}) before it starts ({})",
                q.to, q.from
            )));
        }
        if span >= MAX_DASHBOARD_DAYS {
            return Err(StoreError::Invalid(format!(
                "the range covers {} days; at most {MAX_DASHBOARD_DAYS}",
                span + 1
            )));
        }
        let (from, to) = (day_text(q.from), day_text(q.to));
        let (agent, queue) = (q.agent_id.as_deref(), q.queue.as_deref());
        let top = q.top as usize;
        let by = |rows: Vec<GroupRow>| -> HashMap<Option<String>, FactTotals> {
            rows.iter().map(totals).collect()
        };
        let by_day: Vec<GroupRow> = on_pool!(self, pool => sqlx::query_as(groups_select!("day"))
            .bind(&from).bind(&to).bind(agent).bind(queue)
            .fetch_all(pool)
            .await)?;
        let by_agent: Vec<GroupRow> = on_pool!(self, pool => sqlx::query_as(
            groups_select!("agent_key")
        )
        .bind(&from).bind(&to).bind(agent).bind(queue)
        .fetch_all(pool)
        .await)?;
        let by_queue: Vec<GroupRow> = on_pool!(self, pool => sqlx::query_as(
            groups_select!("queue_key")
        )
        .bind(&from).bind(&to).bind(agent).bind(queue)
        .fetch_all(pool)
        .await)?;
        let mut d = Dashboard::default();
        for (day, t) in by(by_day) {
            d.totals.add(&t);
            d.days.push((date(&day.unwrap_or_default())?, t));
        }
        d.days.sort_by_key(|(day, _)| *day);
        d.agents = ranked(by(by_agent), top);
        d.queues = ranked(by(by_queue), top);

        let labels_sql = match (agent, queue) {
            (Some(_), _) => AGENT_LABELS,
            (None, Some(_)) => QUEUE_LABELS,
            (None, None) => ALL_LABELS,
        };
        let labels: Vec<(String, String, String, i64)> = on_pool!(self, pool => sqlx::query_as(
            labels_sql
        )
        .bind(&from)
        .bind(&to)
        .bind(agent)
        .bind(queue)
        .fetch_all(pool)
        .await)?;
        let mut counts: HashMap<(&str, &str), u64> = HashMap::new();
        for (kind, _, label, n) in &labels {
            *counts.entry((kind, label)).or_default() += n.max(&0).unsigned_abs();
        }
        let top_of = |kind: &str| -> Vec<LabelCount> {
            let mut v: Vec<LabelCount> = counts
                .iter()
                .filter(|((k, _), _)| *k == kind)
                .map(|((_, label), n)| LabelCount {
                    label: (*label).to_string(),
                    calls: *n,
                })
                .collect();
            v.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.label.cmp(&b.label)));
            v.truncate(top);
            v
        };
        d.categories = top_of("category");
        d.key_phrases = top_of("key_phrase");
        d.missed_intents = top_of("missed_intent");
        let charted: Vec<&str> = d
            .categories
            .iter()
            .take(CHARTED_CATEGORIES)
            .map(|c| c.label.as_str())
            .collect();
        for (kind, day, label, n) in &labels {
            if kind == "category" && charted.contains(&label.as_str()) {
                d.category_days
                    .push((date(day)?, label.clone(), n.max(&0).unsigned_abs()));
            }
        }
        d.category_days
            .sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        Ok(d)
    }
}
