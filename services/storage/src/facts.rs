//! What the overview adds up: per ended call, its figures and labels, written again whenever
//! the call changes; and the sums over a date range, per day, agent and queue.

use chrono::NaiveDate;

use crate::error::{Result, StoreError};
use crate::{Store, sql_limit};

/// Kinds of label a call carries into the overview.
pub const FACT_LABEL_KINDS: [&str; 3] = ["category", "key_phrase", "missed_intent"];

/// Longest date range one overview query covers.
pub const MAX_DASHBOARD_DAYS: i64 = 400;

/// The figures of one ended call the overview adds up.
#[derive(Debug, Clone, PartialEq)]
pub struct CallFacts {
    pub call_id: String,
    /// UTC date the call started.
    pub day: NaiveDate,
    pub agent_id: Option<String>,
    pub queue: Option<String>,
    pub duration_ms: u64,
    pub agent_talk_ms: u64,
    pub customer_talk_ms: u64,
    pub non_talk_ms: u64,
    pub longest_silence_ms: u64,
    pub interruptions: u32,
    pub overlap_ms: u64,
    /// Mean of the party's scored segments, −1…1; `None` when nothing they said was scored.
    pub customer_sentiment: Option<f64>,
    pub agent_sentiment: Option<f64>,
    /// Categories matched, each once.
    pub categories: Vec<String>,
    pub key_phrases: Vec<String>,
    /// The bot's best guess for each utterance it missed on the call, each once.
    pub missed_intents: Vec<String>,
}

/// Which calls an overview covers: a UTC date range, optionally one agent and one queue.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardQuery {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub agent_id: Option<String>,
    pub queue: Option<String>,
    /// Labels listed per kind, and agents and queues listed.
    pub top: u32,
}

/// Sums over a group of calls; means are derived so groups add up exactly.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactTotals {
    pub calls: u64,
    pub duration_ms: u64,
    pub agent_talk_ms: u64,
    pub customer_talk_ms: u64,
    pub non_talk_ms: u64,
    pub interruptions: u64,
    pub customer_sentiment_sum: f64,
    /// Calls with a customer sentiment (the mean's denominator).
    pub customer_sentiment_calls: u64,
    pub agent_sentiment_sum: f64,
    pub agent_sentiment_calls: u64,
}

impl FactTotals {
    /// Mean customer sentiment over the calls that have one.
    pub fn customer_sentiment(&self) -> Option<f64> {
        mean(self.customer_sentiment_sum, self.customer_sentiment_calls)
    }

    /// Mean agent sentiment over the calls that have one.
    pub fn agent_sentiment(&self) -> Option<f64> {
        mean(self.agent_sentiment_sum, self.agent_sentiment_calls)
    }

    fn add(&mut self, o: &FactTotals) {
        self.calls += o.calls;
        self.duration_ms += o.duration_ms;
        self.agent_talk_ms += o.agent_talk_ms;
        self.customer_talk_ms += o.customer_talk_ms;
        self.non_talk_ms += o.non_talk_ms;
        self.interruptions += o.interruptions;
        self.customer_sentiment_sum += o.customer_sentiment_sum;
        self.customer_sentiment_calls += o.customer_sentiment_calls;
        self.agent_sentiment_sum += o.agent_sentiment_sum;
        self.agent_sentiment_calls += o.agent_sentiment_calls;
    }
}

fn mean(sum: f64, n: u64) -> Option<f64> {
    (n > 0).then(|| sum / n as f64)
}

/// How many calls in the range carry a label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelCount {
    pub label: String,
    pub calls: u64,
}

/// The overview of a date range.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dashboard {
    pub totals: FactTotals,
    /// Days with calls, oldest first.
    pub days: Vec<(NaiveDate, FactTotals)>,
    /// Busiest agents first, then by name (`None`, calls with no agent, last).
    pub agents: Vec<(Option<String>, FactTotals)>,
    /// Busiest queues first.
    pub queues: Vec<(Option<String>, FactTotals)>,
    pub categories: Vec<LabelCount>,
    pub key_phrases: Vec<LabelCount>,
    pub missed_intents: Vec<LabelCount>,
    /// Calls per day of each listed category, oldest day first.
    pub category_days: Vec<(NaiveDate, String, u64)>,
}

/// The summed columns of a group, keyed by what it was grouped on.
type TotalsRow = (
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

/// The sums of a [`TotalsRow`]; a macro so each grouping `concat!`s its own key onto it.
macro_rules! totals_select {
    ($key:literal) => {
        concat!(
            "SELECT ",
            $key,
            " AS k, COUNT(*), CAST(SUM(duration_ms) AS BIGINT), \
             CAST(SUM(agent_talk_ms) AS BIGINT), CAST(SUM(customer_talk_ms) AS BIGINT), \
             CAST(SUM(non_talk_ms) AS BIGINT), CAST(SUM(interruptions) AS BIGINT), \
             SUM(customer_sentiment), COUNT(customer_sentiment), SUM(agent_sentiment), \
             COUNT(agent_sentiment) FROM call_facts \
             WHERE day >= $1 AND day <= $2 AND ($3 IS NULL OR agent_id = $3) \
             AND ($4 IS NULL OR queue = $4) GROUP BY ",
            $key
        )
    };
}

fn totals(
    (key, calls, dur, at, ct, nt, int, cs, csn, ag, agn): TotalsRow,
) -> (Option<String>, FactTotals) {
    let n = |v: Option<i64>| v.unwrap_or(0).max(0) as u64;
    (
        key,
        FactTotals {
            calls: calls.max(0) as u64,
            duration_ms: n(dur),
            agent_talk_ms: n(at),
            customer_talk_ms: n(ct),
            non_talk_ms: n(nt),
            interruptions: n(int),
            customer_sentiment_sum: cs.unwrap_or(0.0),
            customer_sentiment_calls: csn.max(0) as u64,
            agent_sentiment_sum: ag.unwrap_or(0.0),
            agent_sentiment_calls: agn.max(0) as u64,
        },
    )
}

fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn sql_u64(what: &str, v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| StoreError::Invalid(format!("{what} {v} is out of range")))
}

impl Store {
    /// Stores (or replaces) a call's figures and labels in one transaction; `NotFound` for an
    /// unknown call and `Invalid` for figures out of range write nothing.
    pub async fn save_call_facts(&self, f: &CallFacts) -> Result<()> {
        validate(f)?;
        let day = day_text(f.day);
        let labels: Vec<(&str, &String)> = FACT_LABEL_KINDS
            .iter()
            .zip([&f.categories, &f.key_phrases, &f.missed_intents])
            .flat_map(|(kind, labels)| labels.iter().map(move |l| (*kind, l)))
            .collect();
        let nums = [
            sql_u64("duration_ms", f.duration_ms)?,
            sql_u64("agent_talk_ms", f.agent_talk_ms)?,
            sql_u64("customer_talk_ms", f.customer_talk_ms)?,
            sql_u64("non_talk_ms", f.non_talk_ms)?,
            sql_u64("longest_silence_ms", f.longest_silence_ms)?,
            i64::from(f.interruptions),
            sql_u64("overlap_ms", f.overlap_ms)?,
        ];
        let result: std::result::Result<(), sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            // Labels hang off the facts row, so this clears the old labels too.
            sqlx::query("DELETE FROM call_facts WHERE call_id = $1")
                .bind(&f.call_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO call_facts (call_id, day, agent_id, queue, duration_ms, \
                 agent_talk_ms, customer_talk_ms, non_talk_ms, longest_silence_ms, interruptions, \
                 overlap_ms, customer_sentiment, agent_sentiment) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(&f.call_id)
            .bind(&day)
            .bind(&f.agent_id)
            .bind(&f.queue)
            .bind(nums[0])
            .bind(nums[1])
            .bind(nums[2])
            .bind(nums[3])
            .bind(nums[4])
            .bind(nums[5])
            .bind(nums[6])
            .bind(f.customer_sentiment)
            .bind(f.agent_sentiment)
            .execute(&mut *tx)
            .await?;
            for (kind, label) in &labels {
                sqlx::query(
                    "INSERT INTO call_fact_labels (call_id, kind, label, day, agent_id, queue) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                )
                .bind(&f.call_id)
                .bind(*kind)
                .bind(*label)
                .bind(&day)
                .bind(&f.agent_id)
                .bind(&f.queue)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        }
        .await);
        match result {
            Ok(()) => Ok(()),
            Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
                Err(StoreError::NotFound(format!("call {:?}", f.call_id)))
            }
            Err(e) => Err(e.into()),
        }
    }

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
        let top = sql_limit(q.top);
        let grouped = |rows: Vec<TotalsRow>| -> Vec<(Option<String>, FactTotals)> {
            rows.into_iter().map(totals).collect()
        };
        let by_day: Vec<TotalsRow> = on_pool!(self, pool => sqlx::query_as(
            concat!(totals_select!("day"), " ORDER BY k")
        )
        .bind(&from).bind(&to).bind(agent).bind(queue)
        .fetch_all(pool)
        .await)?;
        let by_agent: Vec<TotalsRow> = on_pool!(self, pool => sqlx::query_as(
            concat!(
                totals_select!("agent_id"),
                " ORDER BY COUNT(*) DESC, agent_id IS NULL, agent_id LIMIT $5"
            )
        )
        .bind(&from).bind(&to).bind(agent).bind(queue).bind(top)
        .fetch_all(pool)
        .await)?;
        let by_queue: Vec<TotalsRow> = on_pool!(self, pool => sqlx::query_as(
            concat!(
                totals_select!("queue"),
                " ORDER BY COUNT(*) DESC, queue IS NULL, queue LIMIT $5"
            )
        )
        .bind(&from).bind(&to).bind(agent).bind(queue).bind(top)
        .fetch_all(pool)
        .await)?;
        let mut d = Dashboard::default();
        for (day, t) in grouped(by_day) {
            let day = day.unwrap_or_default();
            let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                .map_err(|e| crate::error::corrupt(format!("call_facts has day {day:?} ({e})")))?;
            d.totals.add(&t);
            d.days.push((day, t));
        }
        d.agents = grouped(by_agent);
        d.queues = grouped(by_queue);
        d.categories = self.top_labels("category", q, top).await?;
        d.key_phrases = self.top_labels("key_phrase", q, top).await?;
        d.missed_intents = self.top_labels("missed_intent", q, top).await?;
        d.category_days = self.category_days(q, &d.categories).await?;
        Ok(d)
    }

    async fn top_labels(
        &self,
        kind: &str,
        q: &DashboardQuery,
        top: i64,
    ) -> Result<Vec<LabelCount>> {
        let rows: Vec<(String, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT label, COUNT(*) FROM call_fact_labels WHERE kind = $1 AND day >= $2 \
             AND day <= $3 AND ($4 IS NULL OR agent_id = $4) AND ($5 IS NULL OR queue = $5) \
             GROUP BY label ORDER BY COUNT(*) DESC, label LIMIT $6",
        )
        .bind(kind)
        .bind(day_text(q.from))
        .bind(day_text(q.to))
        .bind(q.agent_id.as_deref())
        .bind(q.queue.as_deref())
        .bind(top)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(label, n)| LabelCount {
                label,
                calls: n.max(0) as u64,
            })
            .collect())
    }

    /// Calls per day of the listed categories (at most the five most frequent, for a chart).
    async fn category_days(
        &self,
        q: &DashboardQuery,
        listed: &[LabelCount],
    ) -> Result<Vec<(NaiveDate, String, u64)>> {
        let mut out = Vec::new();
        for c in listed.iter().take(5) {
            let rows: Vec<(String, i64)> = on_pool!(self, pool => sqlx::query_as(
                "SELECT day, COUNT(*) FROM call_fact_labels WHERE kind = 'category' AND label = $1 \
                 AND day >= $2 AND day <= $3 AND ($4 IS NULL OR agent_id = $4) \
                 AND ($5 IS NULL OR queue = $5) GROUP BY day ORDER BY day",
            )
            .bind(&c.label)
            .bind(day_text(q.from))
            .bind(day_text(q.to))
            .bind(q.agent_id.as_deref())
            .bind(q.queue.as_deref())
            .fetch_all(pool)
            .await)?;
            for (day, n) in rows {
                let date = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|e| {
                    crate::error::corrupt(format!("call_fact_labels has day {day:?} ({e})"))
                })?;
                out.push((date, c.label.clone(), n.max(0) as u64));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        Ok(out)
    }
}

fn validate(f: &CallFacts) -> Result<()> {
    let invalid = |why: String| {
        Err(StoreError::Invalid(format!(
            "facts of call {:?}: {why}",
            f.call_id
        )))
    };
    for (who, s) in [
        ("customer", f.customer_sentiment),
        ("agent", f.agent_sentiment),
    ] {
        if s.is_some_and(|s| !(-1.0..=1.0).contains(&s)) {
            return invalid(format!("{who} sentiment {s:?} is outside −1…1"));
        }
    }
    for l in f
        .categories
        .iter()
        .chain(&f.key_phrases)
        .chain(&f.missed_intents)
    {
        if l.trim().is_empty() || l.chars().count() > 200 {
            return invalid(format!("label {l:?} must be 1–200 characters"));
        }
    }
    Ok(())
}
