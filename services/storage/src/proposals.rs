//! Utterances proposed for a bot's intents and the supervisors' decisions on them. Every change
//! is a conditional UPDATE inside one transaction: of two supervisors deciding the same
//! proposal one wins, and a batch is decided whole or not at all.

use chrono::{DateTime, Utc};

use crate::error::{Result, StoreError, conflict_or, corrupt};
use crate::sessions::missed_select;
use crate::{Store, new_id, now, sql_limit};

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalStatus {
    /// Waiting for a supervisor.
    Pending,
    /// Approved; the next version built takes it in.
    Approved,
    /// A supervisor said no.
    Rejected,
    /// Taken into a published version (see [`ProposalRecord::version`]).
    Published,
    /// Approved, but building refused it (see [`ProposalRecord::build_note`]).
    Refused,
}

impl ProposalStatus {
    /// Stable snake_case name stored in the database and shown on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Pending => "pending",
            ProposalStatus::Approved => "approved",
            ProposalStatus::Rejected => "rejected",
            ProposalStatus::Published => "published",
            ProposalStatus::Refused => "refused",
        }
    }

    /// The status named `s`, if it is one.
    pub fn parse(s: &str) -> Option<Self> {
        [
            ProposalStatus::Pending,
            ProposalStatus::Approved,
            ProposalStatus::Rejected,
            ProposalStatus::Published,
            ProposalStatus::Refused,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// An agent's (or supervisor's) pick: this utterance belongs to that intent.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProposal {
    pub bot: String,
    /// The missed utterance it came from, if any (at most one live proposal each).
    pub missed_id: Option<String>,
    pub text: String,
    pub intent: String,
    /// The intent does not exist yet; approving it needs `response`.
    pub new_intent: bool,
    /// The new intent's response.
    pub response: Option<String>,
    pub proposed_by: String,
}

/// A stored proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalRecord {
    pub id: String,
    pub bot: String,
    pub missed_id: Option<String>,
    pub text: String,
    pub intent: String,
    pub new_intent: bool,
    pub response: Option<String>,
    pub status: ProposalStatus,
    pub proposed_by: String,
    pub proposed_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The supervisor's note (why it was rejected, or anything they want kept with it).
    pub note: Option<String>,
    /// Why building left it out: refused, or returned to pending by the gate.
    pub build_note: Option<String>,
    /// The version that published (or refused) it.
    pub version: Option<u32>,
}

/// Which proposals [`Store::list_proposals`] lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProposalFilter {
    pub bot: Option<String>,
    pub status: Option<ProposalStatus>,
    pub proposed_by: Option<String>,
}

/// A supervisor's decision on one pending proposal, optionally editing it first.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: String,
    pub approve: bool,
    /// Replaces the text, intent, new-intent flag or response when set.
    pub text: Option<String>,
    pub intent: Option<String>,
    pub new_intent: Option<bool>,
    pub response: Option<String>,
    /// Why (kept with a rejection).
    pub note: Option<String>,
}

/// What building a version did with one approved proposal.
#[derive(Debug, Clone, PartialEq)]
pub enum ProposalOutcome {
    /// Taken into the version.
    Published,
    /// Left out, for this reason (say, it collides with another intent); final.
    Refused(String),
    /// The version was refused by the gate: back to pending with the reason, for a supervisor
    /// to edit or reject.
    Returned(String),
}

#[derive(sqlx::FromRow)]
struct ProposalRow {
    id: String,
    bot: String,
    missed_id: Option<String>,
    text: String,
    intent: String,
    new_intent: bool,
    response: Option<String>,
    status: String,
    proposed_by: String,
    proposed_at: DateTime<Utc>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    note: Option<String>,
    build_note: Option<String>,
    version: Option<i64>,
}

/// The columns of a [`ProposalRow`]; a macro so queries can `concat!` it into static SQL.
macro_rules! proposal_columns {
    () => {
        "id, bot, missed_id, text, intent, new_intent, response, status, proposed_by, \
         proposed_at, decided_by, decided_at, note, build_note, version"
    };
}

impl ProposalRow {
    fn into_record(self) -> Result<ProposalRecord> {
        let status = ProposalStatus::parse(&self.status)
            .ok_or_else(|| corrupt(format!("proposal {} has status {}", self.id, self.status)))?;
        let version = self
            .version
            .map(|v| {
                u32::try_from(v)
                    .map_err(|_| corrupt(format!("proposal {} has version {v}", self.id)))
            })
            .transpose()?;
        Ok(ProposalRecord {
            id: self.id,
            bot: self.bot,
            missed_id: self.missed_id,
            text: self.text,
            intent: self.intent,
            new_intent: self.new_intent,
            response: self.response,
            status,
            proposed_by: self.proposed_by,
            proposed_at: self.proposed_at,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            note: self.note,
            build_note: self.build_note,
            version,
        })
    }
}

fn check_new(p: &NewProposal) -> Result<()> {
    for (what, value) in [
        ("bot", &p.bot),
        ("text", &p.text),
        ("intent", &p.intent),
        ("proposed_by", &p.proposed_by),
    ] {
        if value.trim().is_empty() {
            return Err(StoreError::Invalid(format!(
                "a proposal's {what} must not be empty"
            )));
        }
    }
    Ok(())
}

impl Store {
    /// Stores proposals, all or none, marking their missed utterances `proposed`. `Conflict`
    /// if one of those already has a live proposal, `NotFound` if one does not exist.
    pub async fn propose(&self, proposals: &[NewProposal]) -> Result<Vec<ProposalRecord>> {
        proposals.iter().try_for_each(check_new)?;
        let at = now();
        let ids: Vec<String> = proposals.iter().map(|_| new_id()).collect();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for (id, p) in ids.iter().zip(proposals) {
                if let Some(missed) = &p.missed_id {
                    let marked = sqlx::query(
                        "UPDATE missed_utterances SET status = 'proposed' WHERE id = $1",
                    )
                    .bind(missed)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if marked == 0 {
                        return Err(StoreError::NotFound(format!("missed utterance {missed:?}")));
                    }
                }
                sqlx::query(
                    "INSERT INTO proposals (id, bot, missed_id, text, intent, new_intent, response, \
                     status, proposed_by, proposed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)",
                )
                .bind(id)
                .bind(&p.bot)
                .bind(&p.missed_id)
                .bind(&p.text)
                .bind(&p.intent)
                .bind(p.new_intent)
                .bind(&p.response)
                .bind(&p.proposed_by)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    conflict_or(e, || {
                        format!(
                            "missed utterance {:?} already has a proposal",
                            p.missed_id.as_deref().unwrap_or_default()
                        )
                    })
                })?;
            }
            tx.commit().await?;
        });
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(
                self.proposal(id)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(id.clone()))?,
            );
        }
        Ok(out)
    }

    /// One proposal by id.
    pub async fn proposal(&self, id: &str) -> Result<Option<ProposalRecord>> {
        let row: Option<ProposalRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ", proposal_columns!(), " FROM proposals WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        row.map(ProposalRow::into_record).transpose()
    }

    /// Proposals matching `filter`, oldest first, at most `limit`.
    pub async fn list_proposals(
        &self,
        filter: &ProposalFilter,
        limit: u32,
    ) -> Result<Vec<ProposalRecord>> {
        let rows: Vec<ProposalRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ", proposal_columns!(), " FROM proposals WHERE ($1 IS NULL OR bot = $1) \
             AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR proposed_by = $3) \
             ORDER BY proposed_at, id LIMIT $4"
        ))
            .bind(&filter.bot)
            .bind(filter.status.map(ProposalStatus::as_str))
            .bind(&filter.proposed_by)
            .bind(sql_limit(limit))
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(ProposalRow::into_record).collect()
    }

    /// Decides a batch, all or none: each proposal must still be pending (`Conflict` naming
    /// who decided it otherwise, `NotFound` if unknown; nothing changes either way).
    pub async fn decide(&self, decisions: &[Decision], by: &str) -> Result<Vec<ProposalRecord>> {
        if by.trim().is_empty() {
            return Err(StoreError::Invalid("a decision needs who made it".into()));
        }
        let at = now();
        let mut failed: Option<String> = None;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for d in decisions {
                let status = if d.approve { "approved" } else { "rejected" };
                let changed = sqlx::query(
                    "UPDATE proposals SET status = $2, decided_by = $3, decided_at = $4, \
                     text = COALESCE($5, text), intent = COALESCE($6, intent), \
                     new_intent = COALESCE($7, new_intent), response = COALESCE($8, response), \
                     note = $9 WHERE id = $1 AND status = 'pending'",
                )
                .bind(&d.id)
                .bind(status)
                .bind(by)
                .bind(at)
                .bind(&d.text)
                .bind(&d.intent)
                .bind(d.new_intent)
                .bind(&d.response)
                .bind(&d.note)
                .execute(&mut *tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(db) if db.is_check_violation() => StoreError::Invalid(
                        format!("proposal {:?} proposes a new intent and has no response", d.id),
                    ),
                    _ => StoreError::Database(e),
                })?
                .rows_affected();
                if changed == 0 {
                    failed = Some(d.id.clone());
                    break;
                }
            }
            if failed.is_none() {
                tx.commit().await?;
            }
        });
        if let Some(id) = failed {
            return Err(match self.proposal(&id).await? {
                None => StoreError::NotFound(format!("proposal {id:?}")),
                Some(p) => StoreError::Conflict(format!(
                    "proposal {id:?} was already {} by {:?}",
                    p.status.as_str(),
                    p.decided_by.unwrap_or_default()
                )),
            });
        }
        let mut out = Vec::with_capacity(decisions.len());
        for d in decisions {
            out.extend(self.proposal(&d.id).await?);
        }
        Ok(out)
    }

    /// Missed utterances from conversations `agent` handled (chats they took over, their
    /// calls), newest first: what they review after a conversation.
    pub async fn missed_handled_by(
        &self,
        agent: &str,
        limit: u32,
    ) -> Result<Vec<crate::MissedRecord>> {
        let rows: Vec<crate::sessions::MissedRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            missed_select!(),
            " LEFT JOIN calls c ON c.id = m.call_id \
             WHERE s.handoff_agent = $1 OR c.agent_id = $1 ORDER BY m.at DESC, m.id DESC LIMIT $2"
        ))
        .bind(agent)
        .bind(sql_limit(limit))
        .fetch_all(pool)
        .await)?;
        rows.into_iter()
            .map(crate::sessions::MissedRow::into_record)
            .collect()
    }

    /// A missed utterance by id (with its bot), so a proposal can be checked against it.
    pub async fn missed(&self, id: &str) -> Result<Option<crate::MissedRecord>> {
        let row: Option<crate::sessions::MissedRow> = on_pool!(self, pool => sqlx::query_as(
            concat!(missed_select!(), " WHERE m.id = $1")
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        row.map(crate::sessions::MissedRow::into_record).transpose()
    }
}
