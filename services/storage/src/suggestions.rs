//! Agent assist on calls: what the bot suggested for each customer segment, the agent's verdict
//! on each suggestion, and the segments nothing matched (missed utterances of the call).

use chrono::{DateTime, Utc};

use crate::error::{Result, StoreError, corrupt};
use crate::sessions::{MissedRow, missed_select};
use crate::types::{
    MissedRecord, NewSuggestion, SUGGESTION_FEEDBACK, SUGGESTION_KINDS, SuggestionRecord,
};
use crate::{Store, new_id, now};

/// Longest suggestion text kept (a knowledge article's body); longer is cut at a character.
const MAX_TEXT_CHARS: usize = 4_000;
/// Longest bot, reference or title.
const MAX_NAME_CHARS: usize = 500;

impl Store {
    /// Records a segment's suggestions in one transaction (all or none) and returns them with
    /// their ids. `Invalid`, or `NotFound` for an unknown call or segment, write nothing.
    pub async fn record_suggestions(
        &self,
        call_id: &str,
        suggestions: &[NewSuggestion],
    ) -> Result<Vec<SuggestionRecord>> {
        for s in suggestions {
            validate(call_id, s)?;
        }
        let created_at = now();
        let records: Vec<SuggestionRecord> = suggestions
            .iter()
            .map(|s| SuggestionRecord {
                id: new_id(),
                suggestion: NewSuggestion {
                    text: s.text.chars().take(MAX_TEXT_CHARS).collect(),
                    ..s.clone()
                },
                feedback: None,
                feedback_by: None,
                feedback_at: None,
                created_at,
            })
            .collect();
        let result: std::result::Result<(), sqlx::Error> = on_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            for r in &records {
                let s = &r.suggestion;
                sqlx::query(
                    "INSERT INTO call_suggestions (id, call_id, seq, rank, bot, kind, reference, \
                     title, text, score, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(&r.id)
                .bind(call_id)
                .bind(i64::from(s.seq))
                .bind(i64::from(s.rank))
                .bind(&s.bot)
                .bind(&s.kind)
                .bind(&s.reference)
                .bind(&s.title)
                .bind(&s.text)
                .bind(s.score)
                .bind(created_at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        }
        .await);
        match result {
            Ok(()) => Ok(records),
            Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
                let seq = suggestions.first().map_or(0, |s| s.seq);
                Err(StoreError::NotFound(format!(
                    "call {call_id:?} segment {seq}"
                )))
            }
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Conflict(
                format!("call {call_id:?} already has suggestions at these ranks"),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Records the agent's verdict on a suggestion of `call_id` (a later verdict replaces an
    /// earlier one: agents correct a mis-click). `NotFound` when the call has no such suggestion;
    /// `Invalid` for a verdict other than [`SUGGESTION_FEEDBACK`].
    pub async fn suggestion_feedback(
        &self,
        call_id: &str,
        id: &str,
        feedback: &str,
        by: &str,
    ) -> Result<SuggestionRecord> {
        if !SUGGESTION_FEEDBACK.contains(&feedback) {
            return Err(StoreError::Invalid(format!(
                "feedback {feedback:?} is not one of {SUGGESTION_FEEDBACK:?}"
            )));
        }
        let row: Option<SuggestionRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "UPDATE call_suggestions SET feedback = $3, feedback_by = $4, feedback_at = $5 \
             WHERE id = $1 AND call_id = $2 RETURNING ",
            suggestion_columns!()
        ))
        .bind(id)
        .bind(call_id)
        .bind(feedback)
        .bind(by)
        .bind(now())
        .fetch_optional(pool)
        .await)?;
        row.ok_or_else(|| StoreError::NotFound(format!("suggestion {id:?} of call {call_id:?}")))?
            .into_record()
    }

    /// A call's suggestions in the order they were made (segment, then rank).
    pub async fn call_suggestions(&self, call_id: &str) -> Result<Vec<SuggestionRecord>> {
        let rows: Vec<SuggestionRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            suggestion_columns!(),
            " FROM call_suggestions WHERE call_id = $1 ORDER BY seq, rank"
        ))
        .bind(call_id)
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(SuggestionRow::into_record).collect()
    }

    /// A call's missed utterances in the order they were said.
    pub async fn call_missed(&self, call_id: &str) -> Result<Vec<MissedRecord>> {
        let rows: Vec<MissedRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            missed_select!(),
            " WHERE m.call_id = $1 ORDER BY m.call_seq, m.id"
        ))
        .bind(call_id)
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(MissedRow::into_record).collect()
    }
}

macro_rules! suggestion_columns {
    () => {
        "id, seq, rank, bot, kind, reference, title, text, score, feedback, feedback_by, \
         feedback_at, created_at"
    };
}
use suggestion_columns;

fn validate(call_id: &str, s: &NewSuggestion) -> Result<()> {
    let invalid = |why: String| {
        Err(StoreError::Invalid(format!(
            "suggestion on call {call_id:?} segment {}: {why}",
            s.seq
        )))
    };
    if !SUGGESTION_KINDS.contains(&s.kind.as_str()) {
        return invalid(format!(
            "kind {:?} is not one of {SUGGESTION_KINDS:?}",
            s.kind
        ));
    }
    for (name, value) in [("bot", &s.bot), ("reference", &s.reference)] {
        if value.trim().is_empty() {
            return invalid(format!("empty {name}"));
        }
    }
    for (name, value) in [
        ("bot", &s.bot),
        ("reference", &s.reference),
        ("title", &s.title),
    ] {
        if value.chars().count() > MAX_NAME_CHARS {
            return invalid(format!("{name} longer than {MAX_NAME_CHARS} characters"));
        }
    }
    if s.text.trim().is_empty() {
        return invalid("empty text".into());
    }
    if !(0.0..=1.0).contains(&s.score) {
        return invalid(format!("score {} is not within 0..=1", s.score));
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SuggestionRow {
    id: String,
    seq: i64,
    rank: i64,
    bot: String,
    kind: String,
    reference: String,
    title: String,
    text: String,
    score: f32,
    feedback: Option<String>,
    feedback_by: Option<String>,
    feedback_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl SuggestionRow {
    fn into_record(self) -> Result<SuggestionRecord> {
        let bad = |what: &str, v: i64| corrupt(format!("suggestion {} has {what} {v}", self.id));
        let seq = u32::try_from(self.seq).map_err(|_| bad("seq", self.seq))?;
        let rank = u32::try_from(self.rank).map_err(|_| bad("rank", self.rank))?;
        Ok(SuggestionRecord {
            id: self.id,
            suggestion: NewSuggestion {
                seq,
                rank,
                bot: self.bot,
                kind: self.kind,
                reference: self.reference,
                title: self.title,
                text: self.text,
                score: self.score,
            },
            feedback: self.feedback,
            feedback_by: self.feedback_by,
            feedback_at: self.feedback_at,
            created_at: self.created_at,
        })
    }
}
