//! What the overview adds up: per ended call, its figures and labels, written again whenever
//! the call changes (the sums are in `dashboard.rs`).

use chrono::NaiveDate;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::rollup::Contribution;

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

    pub(crate) fn add(&mut self, o: &FactTotals) {
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

pub(crate) fn day_text(d: NaiveDate) -> String {
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
        let adding = Contribution {
            day: day.clone(),
            agent_key: f.agent_id.clone().unwrap_or_default(),
            queue_key: f.queue.clone().unwrap_or_default(),
            sums: [1, nums[0], nums[1], nums[2], nums[3], nums[5]],
            customer_sentiment: f.customer_sentiment,
            agent_sentiment: f.agent_sentiment,
            labels: labels
                .iter()
                .map(|(k, l)| (k.to_string(), l.to_string()))
                .collect(),
            sign: 1,
        };
        let result: std::result::Result<(), sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            if let Some(old) = stored_contribution!(tx, &f.call_id).await? {
                apply_contribution!(tx, &old).await?;
            }
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
            apply_contribution!(tx, &adding).await?;
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
