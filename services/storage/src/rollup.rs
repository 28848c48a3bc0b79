//! The overview's running sums, kept in the same transaction as each call's figures: per day,
//! agent and queue (`call_fact_groups`), and per kind, day and label (`call_label_days`). A
//! call's figures being replaced or deleted take their old contribution out first; additions
//! are atomic upserts, and the old row is locked before it is read, so concurrent writers on
//! PostgreSQL cannot count a call twice. The overview then reads thousands of rows, not the
//! calls' hundreds of thousands.

/// What one call adds to the running sums (negated to take it out).
#[derive(Debug, Clone)]
pub(crate) struct Contribution {
    pub day: String,
    /// `""` stands for none in the sums' keys.
    pub agent_key: String,
    pub queue_key: String,
    /// calls, duration, agent talk, customer talk, non-talk, interruptions.
    pub sums: [i64; 6],
    pub customer_sentiment: Option<f64>,
    pub agent_sentiment: Option<f64>,
    pub labels: Vec<(String, String)>,
    pub sign: i64,
}

/// One row of `call_facts` as the sums need it.
pub(crate) type FactsRow = (
    String,
    Option<String>,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    i64,
    Option<f64>,
    Option<f64>,
);

impl Contribution {
    /// What a stored row and its labels contributed, to be taken out.
    pub(crate) fn retracting(row: FactsRow, labels: Vec<(String, String)>) -> Self {
        let (day, agent, queue, dur, at, ct, nt, int, cs, ag) = row;
        Self {
            day,
            agent_key: agent.unwrap_or_default(),
            queue_key: queue.unwrap_or_default(),
            sums: [1, dur, at, ct, nt, int],
            customer_sentiment: cs,
            agent_sentiment: ag,
            labels,
            sign: -1,
        }
    }

    pub(crate) fn signed(&self, v: i64) -> i64 {
        v * self.sign
    }

    pub(crate) fn sentiment(&self, s: Option<f64>) -> (f64, i64) {
        s.map_or((0.0, 0), |s| (s * self.sign as f64, self.sign))
    }
}

/// Reads (and, on PostgreSQL, locks) a call's stored figures: `Option<Contribution>`.
macro_rules! stored_contribution {
    ($tx:expr, $call_id:expr) => {
        async {
            // A no-op update takes the row lock, so a concurrent writer waits and then reads
            // what this one left (SQLite has one writer at a time anyway).
            sqlx::query("UPDATE call_facts SET day = day WHERE call_id = $1")
                .bind($call_id)
                .execute(&mut *$tx)
                .await?;
            let row: Option<$crate::rollup::FactsRow> = sqlx::query_as(
                "SELECT day, agent_id, queue, duration_ms, agent_talk_ms, customer_talk_ms, \
                 non_talk_ms, interruptions, customer_sentiment, agent_sentiment \
                 FROM call_facts WHERE call_id = $1",
            )
            .bind($call_id)
            .fetch_optional(&mut *$tx)
            .await?;
            let Some(row) = row else {
                return Ok::<_, sqlx::Error>(None);
            };
            let labels: Vec<(String, String)> =
                sqlx::query_as("SELECT kind, label FROM call_fact_labels WHERE call_id = $1")
                    .bind($call_id)
                    .fetch_all(&mut *$tx)
                    .await?;
            Ok(Some($crate::rollup::Contribution::retracting(row, labels)))
        }
    };
}

/// Adds (or, negated, takes out) a call's contribution to the running sums; sums that reach
/// no calls are deleted.
macro_rules! apply_contribution {
    ($tx:expr, $c:expr) => {
        async {
            let c: &$crate::rollup::Contribution = $c;
            let (cs, csn) = c.sentiment(c.customer_sentiment);
            let (ag, agn) = c.sentiment(c.agent_sentiment);
            sqlx::query(
                "INSERT INTO call_fact_groups (day, agent_key, queue_key, calls, duration_ms, \
                 agent_talk_ms, customer_talk_ms, non_talk_ms, interruptions, \
                 customer_sentiment_sum, customer_sentiment_calls, agent_sentiment_sum, \
                 agent_sentiment_calls) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
                 $12, $13) ON CONFLICT (day, agent_key, queue_key) DO UPDATE SET \
                 calls = call_fact_groups.calls + excluded.calls, \
                 duration_ms = call_fact_groups.duration_ms + excluded.duration_ms, \
                 agent_talk_ms = call_fact_groups.agent_talk_ms + excluded.agent_talk_ms, \
                 customer_talk_ms = call_fact_groups.customer_talk_ms + excluded.customer_talk_ms, \
                 non_talk_ms = call_fact_groups.non_talk_ms + excluded.non_talk_ms, \
                 interruptions = call_fact_groups.interruptions + excluded.interruptions, \
                 customer_sentiment_sum = call_fact_groups.customer_sentiment_sum \
                 + excluded.customer_sentiment_sum, \
                 customer_sentiment_calls = call_fact_groups.customer_sentiment_calls \
                 + excluded.customer_sentiment_calls, \
                 agent_sentiment_sum = call_fact_groups.agent_sentiment_sum \
                 + excluded.agent_sentiment_sum, \
                 agent_sentiment_calls = call_fact_groups.agent_sentiment_calls \
                 + excluded.agent_sentiment_calls",
            )
            .bind(&c.day)
            .bind(&c.agent_key)
            .bind(&c.queue_key)
            .bind(c.signed(c.sums[0]))
            .bind(c.signed(c.sums[1]))
            .bind(c.signed(c.sums[2]))
            .bind(c.signed(c.sums[3]))
            .bind(c.signed(c.sums[4]))
            .bind(c.signed(c.sums[5]))
            .bind(cs)
            .bind(csn)
            .bind(ag)
            .bind(agn)
            .execute(&mut *$tx)
            .await?;
            sqlx::query(
                "DELETE FROM call_fact_groups WHERE day = $1 AND agent_key = $2 \
                 AND queue_key = $3 AND calls <= 0",
            )
            .bind(&c.day)
            .bind(&c.agent_key)
            .bind(&c.queue_key)
            .execute(&mut *$tx)
            .await?;
            for (kind, label) in &c.labels {
                sqlx::query(
                    "INSERT INTO call_label_days (kind, day, label, calls) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (kind, day, label) DO UPDATE SET \
                     calls = call_label_days.calls + excluded.calls",
                )
                .bind(kind)
                .bind(&c.day)
                .bind(label)
                .bind(c.sign)
                .execute(&mut *$tx)
                .await?;
                sqlx::query(
                    "DELETE FROM call_label_days WHERE kind = $1 AND day = $2 AND label = $3 \
                     AND calls <= 0",
                )
                .bind(kind)
                .bind(&c.day)
                .bind(label)
                .execute(&mut *$tx)
                .await?;
            }
            Ok::<(), sqlx::Error>(())
        }
    };
}
