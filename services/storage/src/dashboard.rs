//! The overview's sums over a date range. Two scans, each along its covering index: the
//! figures grouped by day, agent and queue (folded here into days, agents, queues and totals),
//! and the labels grouped by kind, day and label (folded into the top labels and the daily
//! counts of the top categories). Groups number in the thousands even for 100,000 calls.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::Store;
use crate::error::{Result, StoreError, corrupt};
use crate::facts::{
    Dashboard, DashboardQuery, FactTotals, LabelCount, MAX_DASHBOARD_DAYS, day_text,
};

/// Categories whose calls per day are listed (for a chart).
const CHARTED_CATEGORIES: usize = 5;

/// Sums of one (day, agent, queue) group.
type FactRow = (
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<f64>,
    i64,
    Option<f64>,
    i64,
);

fn date(day: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map_err(|e| corrupt(format!("the overview has day {day:?} ({e})")))
}

fn totals(r: &FactRow) -> FactTotals {
    let n = |v: Option<i64>| v.unwrap_or(0).max(0) as u64;
    FactTotals {
        calls: r.3.max(0) as u64,
        duration_ms: n(r.4),
        agent_talk_ms: n(r.5),
        customer_talk_ms: n(r.6),
        non_talk_ms: n(r.7),
        interruptions: n(r.8),
        customer_sentiment_sum: r.9.unwrap_or(0.0),
        customer_sentiment_calls: r.10.max(0) as u64,
        agent_sentiment_sum: r.11.unwrap_or(0.0),
        agent_sentiment_calls: r.12.max(0) as u64,
    }
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
        let facts: Vec<FactRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT day, agent_id, queue, COUNT(*), CAST(SUM(duration_ms) AS BIGINT), \
             CAST(SUM(agent_talk_ms) AS BIGINT), CAST(SUM(customer_talk_ms) AS BIGINT), \
             CAST(SUM(non_talk_ms) AS BIGINT), CAST(SUM(interruptions) AS BIGINT), \
             SUM(customer_sentiment), COUNT(customer_sentiment), SUM(agent_sentiment), \
             COUNT(agent_sentiment) FROM call_facts \
             WHERE day >= $1 AND day <= $2 AND ($3 IS NULL OR agent_id = $3) \
             AND ($4 IS NULL OR queue = $4) GROUP BY day, agent_id, queue",
        )
        .bind(&from)
        .bind(&to)
        .bind(agent)
        .bind(queue)
        .fetch_all(pool)
        .await)?;
        let mut d = Dashboard::default();
        let mut days: HashMap<String, FactTotals> = HashMap::new();
        let mut agents: HashMap<Option<String>, FactTotals> = HashMap::new();
        let mut queues: HashMap<Option<String>, FactTotals> = HashMap::new();
        for row in &facts {
            let t = totals(row);
            d.totals.add(&t);
            days.entry(row.0.clone()).or_default().add(&t);
            agents.entry(row.1.clone()).or_default().add(&t);
            queues.entry(row.2.clone()).or_default().add(&t);
        }
        for (day, t) in days {
            d.days.push((date(&day)?, t));
        }
        d.days.sort_by_key(|(day, _)| *day);
        d.agents = ranked(agents, top);
        d.queues = ranked(queues, top);

        let labels: Vec<(String, String, String, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT kind, day, label, COUNT(*) FROM call_fact_labels \
             WHERE kind IN ('category', 'key_phrase', 'missed_intent') AND day >= $1 \
             AND day <= $2 AND ($3 IS NULL OR agent_id = $3) AND ($4 IS NULL OR queue = $4) \
             GROUP BY kind, day, label",
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
