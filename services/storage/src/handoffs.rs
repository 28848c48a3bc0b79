//! Chats handed to a person: the queue agents take them from, who holds each, and when the
//! bot may answer again. Every change is one conditional UPDATE, so of two agents taking the
//! same chat exactly one wins.

use chrono::{DateTime, Utc};

use crate::error::{Result, StoreError, corrupt};
use crate::sessions::session_not_found;
use crate::types::{Handoff, HandoffFilter, HandoffState};
use crate::{Store, now, sql_limit};

/// The columns of a [`HandoffRow`]; a macro so queries can `concat!` their clauses onto it.
macro_rules! handoff_select {
    () => {
        "SELECT id, bot, handoff, handoff_agent, handoff_reason, handoff_at, created_at \
         FROM sessions"
    };
}

/// Longest handoff reason kept.
const MAX_REASON_CHARS: usize = 200;

impl Store {
    /// Puts a chat in the queue for a person. A chat already waiting or with an agent stays as
    /// it is (the visitor asking twice is one request); a closed one is queued again.
    /// `NotFound` if the session does not exist.
    pub async fn request_handoff(&self, session_id: &str, reason: &str) -> Result<Handoff> {
        if reason.trim().is_empty() || reason.chars().count() > MAX_REASON_CHARS {
            return Err(StoreError::Invalid(format!(
                "a handoff reason is 1 to {MAX_REASON_CHARS} characters"
            )));
        }
        on_pool!(self, pool => sqlx::query(
            "UPDATE sessions SET handoff = 'waiting', handoff_agent = NULL, handoff_reason = $2, \
             handoff_at = $3 WHERE id = $1 AND (handoff IS NULL OR handoff = 'closed')",
        )
        .bind(session_id)
        .bind(reason)
        .bind(now())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        self.handoff(session_id)
            .await?
            .ok_or_else(|| session_not_found(session_id))
    }

    /// Gives a waiting chat to `agent`. Taking a chat one already holds is a no-op; a chat
    /// another agent holds, or one not waiting, is a `Conflict` naming why (nothing changes).
    pub async fn take_handoff(&self, session_id: &str, agent: &str) -> Result<Handoff> {
        if agent.trim().is_empty() {
            return Err(StoreError::Invalid("an agent id must not be empty".into()));
        }
        let taken = on_pool!(self, pool => sqlx::query(
            "UPDATE sessions SET handoff = 'with_agent', handoff_agent = $2, handoff_at = $3 \
             WHERE id = $1 AND handoff = 'waiting'",
        )
        .bind(session_id)
        .bind(agent)
        .bind(now())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        match self.existing_handoff(session_id).await? {
            Some(h) if taken == 1 || holds(&h, agent) => Ok(h),
            Some(Handoff {
                state: HandoffState::WithAgent,
                agent_id: Some(other),
                ..
            }) => Err(StoreError::Conflict(format!(
                "chat {session_id:?} was already taken by {other:?}"
            ))),
            _ => Err(StoreError::Conflict(format!(
                "chat {session_id:?} is not waiting for an agent"
            ))),
        }
    }

    /// Hands a chat back to the bot. Only the agent holding it may close it (`Conflict`
    /// otherwise, nothing changed); closing a closed chat is a no-op.
    pub async fn close_handoff(&self, session_id: &str, agent: &str) -> Result<Handoff> {
        let closed = on_pool!(self, pool => sqlx::query(
            "UPDATE sessions SET handoff = 'closed', handoff_at = $3 \
             WHERE id = $1 AND handoff = 'with_agent' AND handoff_agent = $2",
        )
        .bind(session_id)
        .bind(agent)
        .bind(now())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        match self.existing_handoff(session_id).await? {
            Some(h) if closed == 1 || h.state == HandoffState::Closed => Ok(h),
            Some(Handoff {
                state: HandoffState::WithAgent,
                agent_id: Some(other),
                ..
            }) => Err(StoreError::Conflict(format!(
                "chat {session_id:?} is held by {other:?}, not {agent:?}"
            ))),
            _ => Err(StoreError::Conflict(format!(
                "chat {session_id:?} has not been taken by an agent"
            ))),
        }
    }

    /// The chat's handoff, if the bot ever handed it off; `NotFound` for an unknown session.
    async fn existing_handoff(&self, session_id: &str) -> Result<Option<Handoff>> {
        match self.handoff(session_id).await? {
            Some(h) => Ok(Some(h)),
            None if self.get_session(session_id).await?.is_some() => Ok(None),
            None => Err(session_not_found(session_id)),
        }
    }

    /// The chat's handoff; `None` when the session is unknown, and a session the bot never
    /// handed off reads as `Ok(None)` too — callers that need to tell them apart use
    /// [`Store::get_session`].
    pub async fn handoff(&self, session_id: &str) -> Result<Option<Handoff>> {
        let row: Option<HandoffRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            handoff_select!(),
            " WHERE id = $1 AND handoff IS NOT NULL"
        ))
        .bind(session_id)
        .fetch_optional(pool)
        .await)?;
        row.map(HandoffRow::into_handoff).transpose()
    }

    /// Handoffs, longest in their state first (the queue's order), at most `limit`.
    pub async fn list_handoffs(&self, filter: &HandoffFilter, limit: u32) -> Result<Vec<Handoff>> {
        let rows: Vec<HandoffRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            handoff_select!(),
            " WHERE handoff IS NOT NULL AND ($1 IS NULL OR handoff = $1) \
             AND ($2 IS NULL OR handoff_agent = $2) ORDER BY handoff_at, id LIMIT $3"
        ))
        .bind(filter.state.map(HandoffState::as_str))
        .bind(filter.agent_id.as_deref())
        .bind(sql_limit(limit))
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(HandoffRow::into_handoff).collect()
    }
}

fn holds(handoff: &Handoff, agent: &str) -> bool {
    handoff.state == HandoffState::WithAgent && handoff.agent_id.as_deref() == Some(agent)
}

#[derive(sqlx::FromRow)]
struct HandoffRow {
    id: String,
    bot: String,
    handoff: String,
    handoff_agent: Option<String>,
    handoff_reason: Option<String>,
    handoff_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl HandoffRow {
    fn into_handoff(self) -> Result<Handoff> {
        let state = HandoffState::parse(&self.handoff).ok_or_else(|| {
            corrupt(format!(
                "session {} has handoff {:?}",
                self.id, self.handoff
            ))
        })?;
        Ok(Handoff {
            session_id: self.id,
            bot: self.bot,
            state,
            agent_id: self.handoff_agent,
            reason: self.handoff_reason.unwrap_or_default(),
            since: self.handoff_at.unwrap_or(self.created_at),
            started_at: self.created_at,
        })
    }
}
