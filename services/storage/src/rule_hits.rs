//! Rules that matched a call: its categories, and the alerts supervisors were shown.

use chrono::{DateTime, Utc};

use crate::error::{Result, StoreError, corrupt};
use crate::types::{ALERT_SEVERITIES, NewRuleHit, RuleHitRecord};
use crate::{Store, now};

/// Longest rule name, category, reason or description kept (they come from rule files).
const MAX_FIELD_CHARS: usize = 500;

impl Store {
    /// Records that a rule matched a call at segment `seq`; `false` (nothing written) when the
    /// rule had already matched it, so a resumed call does not raise the same alert twice.
    /// `Invalid`, or `NotFound` for an unknown call or segment, write nothing.
    pub async fn record_rule_hit(&self, call_id: &str, hit: &NewRuleHit) -> Result<bool> {
        validate(call_id, hit)?;
        let result = on_pool!(self, pool => sqlx::query(
            "INSERT INTO call_rule_hits (call_id, rule, category, severity, reason, description, \
             seq, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (call_id, rule) DO NOTHING",
        )
        .bind(call_id)
        .bind(&hit.rule)
        .bind(&hit.category)
        .bind(&hit.severity)
        .bind(&hit.reason)
        .bind(&hit.description)
        .bind(i64::from(hit.seq))
        .bind(now())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()));
        match result {
            Ok(rows) => Ok(rows == 1),
            Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => Err(
                StoreError::NotFound(format!("call {call_id:?} segment {}", hit.seq)),
            ),
            Err(e) => Err(e.into()),
        }
    }

    /// The rules a call matched, in the order its segments did.
    pub async fn call_rule_hits(&self, call_id: &str) -> Result<Vec<RuleHitRecord>> {
        let rows: Vec<HitRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT rule, category, severity, reason, description, seq, created_at \
             FROM call_rule_hits WHERE call_id = $1 ORDER BY seq, created_at, rule",
        )
        .bind(call_id)
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(|r| r.into_record(call_id)).collect()
    }
}

fn validate(call_id: &str, hit: &NewRuleHit) -> Result<()> {
    let invalid = |why: String| {
        Err(StoreError::Invalid(format!(
            "rule hit on call {call_id:?}: {why}"
        )))
    };
    for (name, value) in [
        ("rule", &hit.rule),
        ("category", &hit.category),
        ("reason", &hit.reason),
    ] {
        if value.trim().is_empty() {
            return invalid(format!("empty {name}"));
        }
    }
    for (name, value) in [
        ("rule", &hit.rule),
        ("category", &hit.category),
        ("reason", &hit.reason),
        ("description", &hit.description),
    ] {
        if value.chars().count() > MAX_FIELD_CHARS {
            return invalid(format!("{name} longer than {MAX_FIELD_CHARS} characters"));
        }
    }
    if let Some(s) = hit
        .severity
        .as_deref()
        .filter(|s| !ALERT_SEVERITIES.contains(s))
    {
        return invalid(format!("severity {s:?} is not one of {ALERT_SEVERITIES:?}"));
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct HitRow {
    rule: String,
    category: String,
    severity: Option<String>,
    reason: String,
    description: String,
    seq: i64,
    created_at: DateTime<Utc>,
}

impl HitRow {
    fn into_record(self, call_id: &str) -> Result<RuleHitRecord> {
        let seq = u32::try_from(self.seq)
            .map_err(|_| corrupt(format!("call {call_id:?} rule hit has seq {}", self.seq)))?;
        Ok(RuleHitRecord {
            hit: NewRuleHit {
                rule: self.rule,
                category: self.category,
                severity: self.severity,
                reason: self.reason,
                description: self.description,
                seq,
            },
            created_at: self.created_at,
        })
    }
}
