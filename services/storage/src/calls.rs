//! Live calls (keyed by the client's call id) and their transcript segments, so a dropped
//! connection can resume a call where its audio stopped.

mod rows;
mod validate;

use chrono::{DateTime, Utc};

use crate::error::{Result, StoreError, corrupt};
use crate::types::{CallFilter, CallRecord, CallSegmentRecord, CallStart, NewCallSegment};
use crate::{Store, now, sql_limit};
use rows::{CallRow, SegmentRow};
use validate::{format_of, sql_ms, validate_segment, validate_start};

/// The columns of a [`CallRow`]; a macro so queries can `concat!` their own clauses onto it.
macro_rules! call_select {
    () => {
        "SELECT c.id, c.source, c.from_number, c.to_number, c.agent_id, c.queue, c.sample_rate, \
         c.encoding, c.channel_roles, c.status, c.started_at, c.updated_at, c.ended_at, \
         c.audio_ms, c.connections, \
         (SELECT COUNT(*) FROM call_segments s WHERE s.call_id = c.id) AS segments \
         FROM calls c"
    };
}

fn call_not_found(id: &str) -> StoreError {
    StoreError::NotFound(format!("call {id:?}"))
}

impl Store {
    /// Registers a connection streaming a call: a new id starts a `live` call; a known id that is
    /// not live is a reconnect (live again, `connections` + 1, audio continues at the returned
    /// `audio_ms`). `Conflict` (nothing changed) if the call is already live or the reconnect's
    /// audio format differs from the stored one. Atomic: of concurrent starts, exactly one wins.
    pub async fn start_call(&self, start: &CallStart) -> Result<CallRecord> {
        validate_start(start)?;
        let roles = serde_json::to_string(&start.channel_roles)
            .map_err(|e| StoreError::Invalid(format!("channel_roles cannot be encoded: {e}")))?;
        let at = now();
        let (applied, row): (bool, CallRow) = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO calls (id, source, from_number, to_number, agent_id, queue, sample_rate, \
                 encoding, channel_roles, status, started_at, updated_at, audio_ms, connections) \
                 VALUES ($1, $2, $3, $4, $5, $10, $6, $7, $8, 'live', $9, $9, 0, 1) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&start.id)
            .bind(&start.source)
            .bind(&start.from_number)
            .bind(&start.to_number)
            .bind(&start.agent_id)
            .bind(i64::from(start.sample_rate))
            .bind(&start.encoding)
            .bind(&roles)
            .bind(at)
            .bind(&start.queue)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            // The status and format conditions make the resume all-or-nothing: of two racing
            // reconnects only one sees a non-live row (PostgreSQL re-checks after the row lock).
            let resumed = if inserted == 0 {
                sqlx::query(
                    "UPDATE calls SET status = 'live', connections = connections + 1, \
                     ended_at = NULL, updated_at = $2, from_number = COALESCE(from_number, $3), \
                     to_number = COALESCE(to_number, $4), agent_id = COALESCE(agent_id, $5), \
                     queue = COALESCE(queue, $9) WHERE id = $1 AND status <> 'live' AND sample_rate = $6 AND encoding = $7 \
                     AND channel_roles = $8",
                )
                .bind(&start.id)
                .bind(at)
                .bind(&start.from_number)
                .bind(&start.to_number)
                .bind(&start.agent_id)
                .bind(i64::from(start.sample_rate))
                .bind(&start.encoding)
                .bind(&roles)
                .bind(&start.queue)
                .execute(&mut *tx)
                .await?
                .rows_affected()
            } else {
                0
            };
            let row: CallRow = sqlx::query_as(concat!(call_select!(), " WHERE c.id = $1"))
                .bind(&start.id)
                .fetch_one(&mut *tx)
                .await?;
            let applied = inserted + resumed > 0;
            if applied {
                tx.commit().await?;
            }
            (applied, row)
        });
        if applied {
            return row.into_record();
        }
        let stored = row.into_record()?;
        let id = &start.id;
        let ours = format_of(start.sample_rate, &start.encoding, &start.channel_roles);
        let theirs = format_of(stored.sample_rate, &stored.encoding, &stored.channel_roles);
        Err(StoreError::Conflict(if stored.status == "live" {
            format!("call {id:?} is already streaming")
        } else if ours != theirs {
            format!("call {id:?} was streamed as {theirs}; this connection sends {ours}")
        } else {
            format!("call {id:?} changed while resuming; retry")
        }))
    }

    /// Adds a finished transcript segment to a call and returns its `seq` (0, 1, … per call,
    /// distinct under concurrency). `Invalid` or `NotFound` (unknown call) write nothing.
    pub async fn append_call_segment(&self, call_id: &str, seg: &NewCallSegment) -> Result<u32> {
        validate_segment(call_id, seg)?;
        let start_ms = sql_ms("start_ms", seg.start_ms)?;
        let end_ms = sql_ms("end_ms", seg.end_ms)?;
        let redactions = to_json(&seg.insights.redactions)?;
        let key_phrases = to_json(&seg.insights.key_phrases)?;
        let sentiment = seg.insights.sentiment.as_ref();
        let seq: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Touching the call first checks it exists and serialises appends to it (row lock on
            // PostgreSQL, write lock on SQLite), so MAX(seq) + 1 cannot collide.
            let touched = sqlx::query("UPDATE calls SET updated_at = $1 WHERE id = $2")
                .bind(now())
                .bind(call_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if touched == 0 {
                return Err(call_not_found(call_id));
            }
            let seq = sqlx::query_scalar(
                "INSERT INTO call_segments (call_id, seq, channel, speaker, start_ms, end_ms, \
                 text, confidence, created_at, redactions, sentiment_label, sentiment_score, \
                 running_sentiment, key_phrases) VALUES ($1, \
                 (SELECT COALESCE(MAX(seq) + 1, 0) FROM call_segments WHERE call_id = $1), \
                 $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING seq",
            )
            .bind(call_id)
            .bind(i64::from(seg.channel))
            .bind(&seg.speaker)
            .bind(start_ms)
            .bind(end_ms)
            .bind(&seg.text)
            .bind(seg.confidence)
            .bind(now())
            .bind(&redactions)
            .bind(sentiment.map(|s| s.label.as_str()))
            .bind(sentiment.map(|s| s.score))
            .bind(sentiment.map(|s| s.running))
            .bind(&key_phrases)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            seq
        });
        u32::try_from(seq).map_err(|_| corrupt(format!("call {call_id:?} reached seq {seq}")))
    }

    /// Records how much audio a call has received, so a reconnect knows where to continue;
    /// never moves backwards. `NotFound` for an unknown call.
    pub async fn update_call_audio(&self, call_id: &str, audio_ms: u64) -> Result<()> {
        let ms = sql_ms("audio_ms", audio_ms)?;
        let touched = on_pool!(self, pool => sqlx::query(
            "UPDATE calls SET audio_ms = CASE WHEN audio_ms < $2 THEN $2 ELSE audio_ms END, \
             updated_at = $3 WHERE id = $1",
        )
        .bind(call_id)
        .bind(ms)
        .bind(now())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        if touched == 0 {
            return Err(call_not_found(call_id));
        }
        Ok(())
    }

    /// Closes a call's current connection as "completed" or "incomplete" (also on a call that
    /// already ended, so a late hang-up event can upgrade it); `audio_ms` never moves backwards.
    pub async fn end_call(&self, call_id: &str, status: &str, audio_ms: u64) -> Result<CallRecord> {
        if !["completed", "incomplete"].contains(&status) {
            return Err(StoreError::Invalid(format!(
                "call {call_id:?}: end status {status:?} is not \"completed\" or \"incomplete\""
            )));
        }
        let ms = sql_ms("audio_ms", audio_ms)?;
        let row: Option<CallRow> = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let touched = sqlx::query(
                "UPDATE calls SET status = $2, ended_at = $3, updated_at = $3, \
                 audio_ms = CASE WHEN audio_ms < $4 THEN $4 ELSE audio_ms END WHERE id = $1",
            )
            .bind(call_id)
            .bind(status)
            .bind(now())
            .bind(ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let row = if touched == 0 {
                None
            } else {
                sqlx::query_as(concat!(call_select!(), " WHERE c.id = $1"))
                    .bind(call_id)
                    .fetch_optional(&mut *tx)
                    .await?
            };
            tx.commit().await?;
            row
        });
        row.ok_or_else(|| call_not_found(call_id))?.into_record()
    }

    /// One call with its segment count; `NotFound` naming the id if unknown.
    pub async fn get_call(&self, id: &str) -> Result<CallRecord> {
        let row: Option<CallRow> = on_pool!(self, pool => sqlx::query_as(
            concat!(call_select!(), " WHERE c.id = $1"),
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        row.ok_or_else(|| call_not_found(id))?.into_record()
    }

    /// Most recently started calls first, at most `limit`, of one agent and/or in one status
    /// when `filter` says (an agent's workspace, the live wall).
    pub async fn list_calls(&self, filter: &CallFilter, limit: u32) -> Result<Vec<CallRecord>> {
        let rows: Vec<CallRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            call_select!(),
            " WHERE ($1 IS NULL OR c.agent_id = $1) AND ($2 IS NULL OR c.status = $2) \
             ORDER BY c.started_at DESC, c.id DESC LIMIT $3"
        ))
        .bind(filter.agent_id.as_deref())
        .bind(filter.status.as_deref())
        .bind(sql_limit(limit))
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(CallRow::into_record).collect()
    }

    /// Calls that ended (completed or incomplete) and changed after `after` (a call's
    /// `updated_at` and id, exclusive), oldest change first, at most `limit`: what a follower such
    /// as the search index has not seen yet.
    pub async fn calls_changed_since(
        &self,
        after: Option<(DateTime<Utc>, String)>,
        limit: u32,
    ) -> Result<Vec<CallRecord>> {
        // Before any call (and inside PostgreSQL's timestamp range, which `MIN_UTC` is not).
        let epoch = DateTime::<Utc>::from_timestamp(0, 0).expect("the epoch is a time");
        let (at, id) = after.unwrap_or((epoch, String::new()));
        let rows: Vec<CallRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            call_select!(),
            " WHERE c.status <> 'live' AND (c.updated_at > $1 OR (c.updated_at = $1 AND c.id > $2)) \
             ORDER BY c.updated_at, c.id LIMIT $3"
        ))
        .bind(at)
        .bind(&id)
        .bind(sql_limit(limit))
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(CallRow::into_record).collect()
    }

    /// A call's transcript in audio order (start time, then append order); `NotFound` if the
    /// call is unknown.
    pub async fn call_segments(&self, call_id: &str) -> Result<Vec<CallSegmentRecord>> {
        let rows: Vec<SegmentRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, channel, speaker, start_ms, end_ms, text, confidence, created_at, \
             redactions, sentiment_label, sentiment_score, running_sentiment, key_phrases \
             FROM call_segments WHERE call_id = $1 ORDER BY start_ms, seq",
        )
        .bind(call_id)
        .fetch_all(pool)
        .await)?;
        if rows.is_empty() {
            self.get_call(call_id).await?;
        }
        rows.into_iter().map(|r| r.into_record(call_id)).collect()
    }

    /// At server start, marks calls a crash left `live` as `incomplete` (so they can be resumed)
    /// and returns how many there were.
    pub async fn mark_live_calls_incomplete(&self) -> Result<u64> {
        let at = now();
        let marked = on_pool!(self, pool => sqlx::query(
            "UPDATE calls SET status = 'incomplete', ended_at = $1, updated_at = $1 \
             WHERE status = 'live'",
        )
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(marked)
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Invalid(format!("unencodable segment insights: {e}")))
}
