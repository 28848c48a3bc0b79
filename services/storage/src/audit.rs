//! Who changed a bot or a proposal, when, and the state before and after, for admins.

use chrono::{DateTime, Utc};

use crate::error::{Result, StoreError};
use crate::{Store, new_id, now, sql_limit};

/// One action to record.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Token name of whoever did it.
    pub actor: String,
    /// What they did, e.g. `proposal.approve`, `bot.publish`, `bot.rollback`.
    pub action: String,
    /// What it was done to, e.g. `proposal:<id>` or `bot:banking:v3`.
    pub subject: String,
    /// State before and after, as JSON, when there is one.
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// A recorded action.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub id: String,
    pub at: DateTime<Utc>,
    pub entry: AuditEntry,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    at: DateTime<Utc>,
    actor: String,
    action: String,
    subject: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl Store {
    /// Appends one action to the audit log.
    pub async fn record_audit(&self, entry: &AuditEntry) -> Result<AuditRecord> {
        if entry.actor.trim().is_empty() || entry.action.trim().is_empty() {
            return Err(StoreError::Invalid(
                "an audit entry needs an actor and an action".into(),
            ));
        }
        let record = AuditRecord {
            id: new_id(),
            at: now(),
            entry: entry.clone(),
        };
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO audit_log (id, at, actor, action, subject, before_json, after_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&record.id)
        .bind(record.at)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.subject)
        .bind(&entry.before_json)
        .bind(&entry.after_json)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(record)
    }

    /// Newest actions first, at most `limit`.
    pub async fn list_audit(&self, limit: u32) -> Result<Vec<AuditRecord>> {
        let rows: Vec<AuditRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, at, actor, action, subject, before_json, after_json FROM audit_log \
             ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(sql_limit(limit))
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|r| AuditRecord {
                id: r.id,
                at: r.at,
                entry: AuditEntry {
                    actor: r.actor,
                    action: r.action,
                    subject: r.subject,
                    before_json: r.before_json,
                    after_json: r.after_json,
                },
            })
            .collect())
    }
}
