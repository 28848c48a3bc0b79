//! Chat sessions, their transcripts, and the missed utterances found in them.

use chrono::{DateTime, SubsecRound, Utc};

use crate::error::{Result, StoreError, corrupt};
use crate::types::{
    CALL_SPEAKERS, MISSED_REASONS, MissedOrigin, MissedRecord, MissedUtterance, SOURCE_KINDS,
    SessionRecord, Speaker, TurnRecord,
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
    agent_id: Option<String>,
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
            agent_id: self.agent_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MissedRow {
    id: String,
    session_id: Option<String>,
    call_id: Option<String>,
    call_seq: Option<i64>,
    speaker: Option<String>,
    bot: String,
    text: String,
    best_guesses: String,
    reason: String,
    status: String,
    at: DateTime<Utc>,
}

/// The columns of a [`MissedRow`], chats' and calls' alike (a call's carries its own bot); a
/// macro so queries can `concat!` their own clauses onto it.
macro_rules! missed_select {
    () => {
        "SELECT m.id, m.session_id, m.call_id, m.call_seq, m.speaker, \
         COALESCE(s.bot, m.bot) AS bot, m.text, m.best_guesses, m.reason, m.status, m.at \
         FROM missed_utterances m LEFT JOIN sessions s ON s.id = m.session_id"
    };
}
pub(crate) use missed_select;

impl MissedRow {
    pub(crate) fn into_record(self) -> Result<MissedRecord> {
        let best_guesses = serde_json::from_str(&self.best_guesses).map_err(|e| {
            corrupt(format!(
                "missed utterance {} has bad best_guesses: {e}",
                self.id
            ))
        })?;
        let origin = match (self.session_id, self.call_id, self.call_seq, self.speaker) {
            (Some(session_id), None, _, _) => MissedOrigin::Chat { session_id },
            (None, Some(call_id), Some(seq), Some(speaker)) => MissedOrigin::Call {
                seq: u32::try_from(seq)
                    .map_err(|_| corrupt(format!("missed utterance {} has seq {seq}", self.id)))?,
                call_id,
                speaker,
                bot: self.bot.clone(),
            },
            _ => {
                return Err(corrupt(format!(
                    "missed utterance {} has neither a session nor a call segment",
                    self.id
                )));
            }
        };
        Ok(MissedRecord {
            id: self.id,
            bot: self.bot,
            utterance: MissedUtterance {
                origin,
                text: self.text,
                best_guesses,
                reason: self.reason,
                at: self.at,
            },
            status: self.status,
        })
    }
}

pub(crate) fn session_not_found(id: &str) -> StoreError {
    StoreError::NotFound(format!("session {id:?}"))
}

fn validate_turn(turn: &TurnRecord) -> Result<()> {
    if (turn.speaker == Speaker::Agent) != turn.agent_id.is_some() {
        return Err(StoreError::Invalid(
            "an agent's turn names its agent_id, and only an agent's turn does".into(),
        ));
    }
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
    if let MissedOrigin::Call { speaker, bot, .. } = &missed.origin {
        if !CALL_SPEAKERS.contains(&speaker.as_str()) {
            return Err(StoreError::Invalid(format!(
                "speaker {speaker:?} is not one of {CALL_SPEAKERS:?}"
            )));
        }
        if bot.trim().is_empty() {
            return Err(StoreError::Invalid(
                "a call's missed utterance needs its bot".into(),
            ));
        }
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
                     confidence, document_id, latency_ms, at, agent_id) \
                     VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE session_id = $1), \
                     $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING seq",
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
                .bind(&turn.agent_id)
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
            "SELECT speaker, agent_id, text, source_kind, intent, confidence, document_id, \
             latency_ms, at FROM turns WHERE session_id = $1 ORDER BY seq",
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
    /// `NotFound` (nothing written) if its session or call segment does not exist.
    pub async fn record_missed(&self, missed: &MissedUtterance) -> Result<String> {
        validate_missed(missed)?;
        let id = new_id();
        let guesses = serde_json::to_string(&missed.best_guesses)
            .map_err(|e| StoreError::Invalid(format!("best_guesses cannot be encoded: {e}")))?;
        let at = missed.at.trunc_subsecs(6);
        let inserted = match &missed.origin {
            // INSERT … SELECT writes nothing when the session is missing, without a second query.
            MissedOrigin::Chat { session_id } => on_pool!(self, pool => sqlx::query(
                "INSERT INTO missed_utterances (id, session_id, text, best_guesses, reason, at) \
                 SELECT $1, id, $3, $4, $5, $6 FROM sessions WHERE id = $2",
            )
            .bind(&id)
            .bind(session_id)
            .bind(&missed.text)
            .bind(&guesses)
            .bind(&missed.reason)
            .bind(at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())),
            MissedOrigin::Call {
                call_id,
                seq,
                speaker,
                bot,
            } => on_pool!(self, pool => sqlx::query(
                "INSERT INTO missed_utterances (id, call_id, call_seq, speaker, bot, text, \
                 best_guesses, reason, at) \
                 SELECT $1, call_id, seq, $4, $5, $6, $7, $8, $9 FROM call_segments \
                 WHERE call_id = $2 AND seq = $3",
            )
            .bind(&id)
            .bind(call_id)
            .bind(i64::from(*seq))
            .bind(speaker)
            .bind(bot)
            .bind(&missed.text)
            .bind(&guesses)
            .bind(&missed.reason)
            .bind(at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())),
        }?;
        if inserted == 0 {
            return Err(match &missed.origin {
                MissedOrigin::Chat { session_id } => session_not_found(session_id),
                MissedOrigin::Call { call_id, seq, .. } => {
                    StoreError::NotFound(format!("call {call_id:?} segment {seq}"))
                }
            });
        }
        Ok(id)
    }

    /// A chat's missed utterances in the order they were said (the bot's guesses, for the agent
    /// who takes the chat over).
    pub async fn session_missed(&self, session_id: &str) -> Result<Vec<MissedRecord>> {
        let rows: Vec<MissedRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            missed_select!(),
            " WHERE m.session_id = $1 ORDER BY m.at, m.id"
        ))
        .bind(session_id)
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(MissedRow::into_record).collect()
    }

    /// Newest missed utterances first, optionally for one bot only, at most `limit`.
    pub async fn list_missed(&self, bot: Option<&str>, limit: u32) -> Result<Vec<MissedRecord>> {
        let rows: Vec<MissedRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            missed_select!(),
            " WHERE ($1 IS NULL OR COALESCE(s.bot, m.bot) = $1) \
             ORDER BY m.at DESC, m.id DESC LIMIT $2"
        ))
        .bind(bot)
        .bind(sql_limit(limit))
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(MissedRow::into_record).collect()
    }
}
