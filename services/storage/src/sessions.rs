//! Chat sessions, their transcripts, and the missed utterances found in them.

use chrono::{DateTime, SubsecRound, Utc};

use crate::error::{Result, StoreError, corrupt};
use crate::types::{
    MISSED_REASONS, MissedRecord, MissedUtterance, SOURCE_KINDS, SessionRecord, Speaker, TurnRecord,
};
use crate::{Store, new_id, now, sql_limit};

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: String,
    bot: String,
    bot_version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl SessionRow {
    fn into_record(self) -> Result<SessionRecord> {
        let bot_version = u32::try_from(self.bot_version).map_err(|_| {
            corrupt(format!(
                "session {} has bot_version {}",
                self.id, self.bot_version
            ))
        })?;
        Ok(SessionRecord {
            id: self.id,
            bot: self.bot,
            bot_version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TurnRow {
    speaker: String,
    text: String,
    source_kind: Option<String>,
    intent: Option<String>,
    confidence: Option<f32>,
    document_id: Option<String>,
    latency_ms: Option<i64>,
    at: DateTime<Utc>,
}

impl TurnRow {
    fn into_record(self) -> Result<TurnRecord> {
        let speaker = Speaker::parse(&self.speaker)
            .ok_or_else(|| corrupt(format!("turn has unknown speaker {:?}", self.speaker)))?;
        let latency_ms = self
            .latency_ms
            .map(u32::try_from)
            .transpose()
            .map_err(|_| corrupt(format!("turn has latency_ms {:?}", self.latency_ms)))?;
        Ok(TurnRecord {
            speaker,
            text: self.text,
            source_kind: self.source_kind,
            intent: self.intent,
            confidence: self.confidence,
            document_id: self.document_id,
            latency_ms,
            at: self.at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MissedRow {
    id: String,
    session_id: String,
    bot: String,
    text: String,
    best_guesses: String,
    reason: String,
    status: String,
    at: DateTime<Utc>,
}

impl MissedRow {
    fn into_record(self) -> Result<MissedRecord> {
        let best_guesses = serde_json::from_str(&self.best_guesses).map_err(|e| {
            corrupt(format!(
                "missed utterance {} has bad best_guesses: {e}",
                self.id
            ))
        })?;
        Ok(MissedRecord {
            id: self.id,
            bot: self.bot,
            utterance: MissedUtterance {
                session_id: self.session_id,
                text: self.text,
                best_guesses,
                reason: self.reason,
                at: self.at,
            },
            status: self.status,
        })
    }
}

fn session_not_found(id: &str) -> StoreError {
    StoreError::NotFound(format!("session {id:?}"))
}

fn validate_turn(turn: &TurnRecord) -> Result<()> {
    if let Some(kind) = &turn.source_kind
        && !SOURCE_KINDS.contains(&kind.as_str())
    {
        return Err(StoreError::Invalid(format!(
            "source_kind {kind:?} is not one of {SOURCE_KINDS:?}"
        )));
    }
    if let Some(c) = turn.confidence
        && !c.is_finite()
    {
        return Err(StoreError::Invalid(format!(
            "confidence {c} is not a finite number"
        )));
    }
    Ok(())
}

fn validate_missed(missed: &MissedUtterance) -> Result<()> {
    if !MISSED_REASONS.contains(&missed.reason.as_str()) {
        return Err(StoreError::Invalid(format!(
            "reason {:?} is not one of {MISSED_REASONS:?}",
            missed.reason
        )));
    }
    if let Some((label, score)) = missed.best_guesses.iter().find(|(_, s)| !s.is_finite()) {
        return Err(StoreError::Invalid(format!(
            "best guess {label:?} has score {score}, not a finite number"
        )));
    }
    Ok(())
}

impl Store {
    /// Starts a conversation record so turns and missed utterances have something to hang off.
    pub async fn create_session(&self, bot: &str, bot_version: u32) -> Result<SessionRecord> {
        if bot.trim().is_empty() {
            return Err(StoreError::Invalid("bot name must not be empty".into()));
        }
        let at = now();
        let record = SessionRecord {
            id: new_id(),
            bot: bot.to_owned(),
            bot_version,
            created_at: at,
            updated_at: at,
        };
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO sessions (id, bot, bot_version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&record.id)
        .bind(&record.bot)
        .bind(i64::from(bot_version))
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(record)
    }

    /// Looks a session up, e.g. to resume it or show it to a supervisor; `None` if unknown.
    pub async fn get_session(&self, id: &str) -> Result<Option<SessionRecord>> {
        let row: Option<SessionRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, bot, bot_version, created_at, updated_at FROM sessions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        row.map(SessionRow::into_record).transpose()
    }

    /// Most recently started sessions first, at most `limit`, for dashboards and review.
    pub async fn list_sessions(&self, limit: u32) -> Result<Vec<SessionRecord>> {
        let rows: Vec<SessionRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, bot, bot_version, created_at, updated_at FROM sessions \
             ORDER BY created_at DESC, id DESC LIMIT $1",
        )
        .bind(sql_limit(limit))
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(SessionRow::into_record).collect()
    }

    /// Adds a turn at the end of the session's transcript and returns its 1-based position;
    /// `NotFound` (nothing written) if the session does not exist.
    pub async fn append_turn(&self, session_id: &str, turn: &TurnRecord) -> Result<u64> {
        self.append_turns(session_id, std::slice::from_ref(turn))
            .await
    }

    /// Adds turns (a visitor's message and the bot's reply) in one transaction, so a transcript
    /// never holds a question without its answer and a chat turn pays for one commit; returns
    /// the last one's position. `NotFound` (nothing written) if the session does not exist.
    pub async fn append_turns(&self, session_id: &str, turns: &[TurnRecord]) -> Result<u64> {
        turns.iter().try_for_each(validate_turn)?;
        let seq: i64 = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Touching the session row first both checks it exists and, on PostgreSQL, locks it
            // so concurrent appends to one session get distinct sequence numbers.
            let touched = sqlx::query("UPDATE sessions SET updated_at = $1 WHERE id = $2")
                .bind(now())
                .bind(session_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if touched == 0 {
                return Err(session_not_found(session_id));
            }
            let mut seq = 0;
            for turn in turns {
                seq = sqlx::query_scalar(
                    "INSERT INTO turns (session_id, seq, speaker, text, source_kind, intent, \
                     confidence, document_id, latency_ms, at) \
                     VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE session_id = $1), \
                     $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq",
                )
                .bind(session_id)
                .bind(turn.speaker.as_str())
                .bind(&turn.text)
                .bind(&turn.source_kind)
                .bind(&turn.intent)
                .bind(turn.confidence)
                .bind(&turn.document_id)
                .bind(turn.latency_ms.map(i64::from))
                .bind(turn.at.trunc_subsecs(6))
                .fetch_one(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            seq
        });
        Ok(u64::try_from(seq).unwrap_or_default())
    }

    /// The session's turns in the order they were appended; `NotFound` if the session is unknown.
    pub async fn transcript(&self, session_id: &str) -> Result<Vec<TurnRecord>> {
        let rows: Vec<TurnRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT speaker, text, source_kind, intent, confidence, document_id, latency_ms, at \
             FROM turns WHERE session_id = $1 ORDER BY seq",
        )
        .bind(session_id)
        .fetch_all(pool)
        .await)?;
        if rows.is_empty() && self.get_session(session_id).await?.is_none() {
            return Err(session_not_found(session_id));
        }
        rows.into_iter().map(TurnRow::into_record).collect()
    }

    /// Keeps an utterance the bot could not answer, for later triage; returns its id.
    /// `NotFound` (nothing written) if the session does not exist.
    pub async fn record_missed(&self, missed: &MissedUtterance) -> Result<String> {
        validate_missed(missed)?;
        let id = new_id();
        let guesses = serde_json::to_string(&missed.best_guesses)
            .map_err(|e| StoreError::Invalid(format!("best_guesses cannot be encoded: {e}")))?;
        // INSERT … SELECT writes nothing when the session is missing, without a second query.
        let inserted = on_pool!(self, pool => sqlx::query(
            "INSERT INTO missed_utterances (id, session_id, text, best_guesses, reason, at) \
             SELECT $1, id, $3, $4, $5, $6 FROM sessions WHERE id = $2",
        )
        .bind(&id)
        .bind(&missed.session_id)
        .bind(&missed.text)
        .bind(&guesses)
        .bind(&missed.reason)
        .bind(missed.at.trunc_subsecs(6))
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        if inserted == 0 {
            return Err(session_not_found(&missed.session_id));
        }
        Ok(id)
    }

    /// Newest missed utterances first, optionally for one bot only, at most `limit`.
    pub async fn list_missed(&self, bot: Option<&str>, limit: u32) -> Result<Vec<MissedRecord>> {
        let rows: Vec<MissedRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT m.id, m.session_id, s.bot, m.text, m.best_guesses, m.reason, m.status, m.at \
             FROM missed_utterances m JOIN sessions s ON s.id = m.session_id \
             WHERE ($1 IS NULL OR s.bot = $1) \
             ORDER BY m.at DESC, m.id DESC LIMIT $2",
        )
        .bind(bot)
        .bind(sql_limit(limit))
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(MissedRow::into_record).collect()
    }
}
