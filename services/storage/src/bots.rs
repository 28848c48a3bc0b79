//! Published bot definition versions and which one is active.

use chrono::{DateTime, Utc};

use crate::error::{Result, StoreError, conflict_or, corrupt};
use crate::proposals::ProposalOutcome;
use crate::types::{BotVersionRecord, NewBotVersion, VersionStatus};
use crate::{Store, now};

/// The columns of a [`BotVersionRow`]; a macro so queries can `concat!` it into static SQL.
macro_rules! version_columns {
    () => {
        "bot, version, definition_json, checksum, created_at, active, status, author, reason, \
         base_version, report_json, basis_version"
    };
}

#[derive(sqlx::FromRow)]
struct BotVersionRow {
    bot: String,
    version: i64,
    definition_json: String,
    checksum: String,
    created_at: DateTime<Utc>,
    active: bool,
    status: String,
    author: Option<String>,
    reason: String,
    base_version: Option<i64>,
    report_json: Option<String>,
    basis_version: Option<i64>,
}

impl BotVersionRow {
    fn into_record(self) -> Result<BotVersionRecord> {
        let version = u32::try_from(self.version)
            .map_err(|_| corrupt(format!("bot {} has version {}", self.bot, self.version)))?;
        let status = VersionStatus::parse(&self.status).ok_or_else(|| {
            corrupt(format!(
                "bot {} v{version} has status {}",
                self.bot, self.status
            ))
        })?;
        let version_of = |v: Option<i64>, what: &str| {
            v.map(|v| {
                u32::try_from(v)
                    .map_err(|_| corrupt(format!("bot {} has {what} version {v}", self.bot)))
            })
            .transpose()
        };
        let base_version = version_of(self.base_version, "base")?;
        let basis_version = version_of(self.basis_version, "basis")?;
        Ok(BotVersionRecord {
            bot: self.bot,
            version,
            definition_json: self.definition_json,
            checksum: self.checksum,
            created_at: self.created_at,
            active: self.active,
            status,
            author: self.author,
            reason: self.reason,
            base_version,
            report_json: self.report_json,
            basis_version,
        })
    }
}

/// Sets each proposal's outcome (only while it is still approved) and the version it went into,
/// inside the transaction `$tx`; evaluates to the first proposal no longer approved, if any. A
/// macro so the one loop compiles for both backends.
macro_rules! apply_outcomes {
    ($tx:expr, $outcomes:expr, $version:expr) => {{
        let mut lost: Option<String> = None;
        for (id, outcome) in $outcomes {
            let (status, build_note) = match outcome {
                ProposalOutcome::Published => ("published", None),
                ProposalOutcome::Refused(why) => ("refused", Some(why.as_str())),
                ProposalOutcome::Returned(why) => ("pending", Some(why.as_str())),
            };
            let changed = sqlx::query(
                "UPDATE proposals SET status = $2, build_note = $3, version = $4 \
                 WHERE id = $1 AND status = 'approved'",
            )
            .bind(id)
            .bind(status)
            .bind(build_note)
            .bind($version)
            .execute(&mut *$tx)
            .await?
            .rows_affected();
            if changed == 0 {
                lost = Some(id.clone());
                break;
            }
        }
        lost
    }};
}

impl Store {
    /// Records a new (inactive) version; `Conflict` if that version exists, which is left as is.
    pub async fn save_bot_version(
        &self,
        bot: &str,
        version: u32,
        definition_json: &str,
        checksum: &str,
    ) -> Result<BotVersionRecord> {
        if bot.trim().is_empty() {
            return Err(StoreError::Invalid("bot name must not be empty".into()));
        }
        serde_json::from_str::<serde::de::IgnoredAny>(definition_json).map_err(|e| {
            StoreError::Invalid(format!(
                "definition of bot {bot:?} version {version} is not JSON: {e}"
            ))
        })?;
        let record = BotVersionRecord {
            bot: bot.to_owned(),
            version,
            definition_json: definition_json.to_owned(),
            checksum: checksum.to_owned(),
            created_at: now(),
            active: false,
            status: VersionStatus::Published,
            author: None,
            reason: IMPORTED.to_owned(),
            base_version: None,
            report_json: None,
            basis_version: None,
        };
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO bot_versions (bot, version, definition_json, checksum, created_at, active, \
             reason) VALUES ($1, $2, $3, $4, $5, FALSE, $6)",
        )
        .bind(bot)
        .bind(i64::from(version))
        .bind(definition_json)
        .bind(checksum)
        .bind(record.created_at)
        .bind(IMPORTED)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
        .map_err(|e| {
            conflict_or(e, || {
                format!("bot {bot:?} already has a version {version}; publish a higher version")
            })
        })?;
        Ok(record)
    }

    /// The version new sessions of `bot` should use, if one was activated.
    pub async fn active_bot_version(&self, bot: &str) -> Result<Option<BotVersionRecord>> {
        let row: Option<BotVersionRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ", version_columns!(), " FROM bot_versions WHERE bot = $1 AND active"
        ))
        .bind(bot)
        .fetch_optional(pool)
        .await)?;
        row.map(BotVersionRow::into_record).transpose()
    }

    /// Makes `version` the active one (deactivating any other) in one transaction; `NotFound`
    /// (nothing changed) if that version was never saved or the gate refused it.
    pub async fn activate_bot_version(&self, bot: &str, version: u32) -> Result<BotVersionRecord> {
        let version_i = i64::from(version);
        let row: Option<BotVersionRow> = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Deactivate first: the one-active-per-bot index is checked row by row.
            sqlx::query("UPDATE bot_versions SET active = FALSE WHERE bot = $1 AND active AND version <> $2")
                .bind(bot)
                .bind(version_i)
                .execute(&mut *tx)
                .await?;
            let row = sqlx::query_as(concat!(
                "UPDATE bot_versions SET active = TRUE WHERE bot = $1 AND version = $2 \
                 AND status = 'published' RETURNING ",
                version_columns!()
            ))
            .bind(bot)
            .bind(version_i)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| conflict_or(e, || format!("bot {bot:?} was activated concurrently; retry")))?;
            if row.is_some() {
                tx.commit().await?;
            }
            row
        });
        row.ok_or_else(|| StoreError::NotFound(format!("bot {bot:?} version {version}")))?
            .into_record()
    }

    /// Every saved version of `bot`, lowest version first.
    pub async fn list_bot_versions(&self, bot: &str) -> Result<Vec<BotVersionRecord>> {
        let rows: Vec<BotVersionRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ", version_columns!(), " FROM bot_versions WHERE bot = $1 ORDER BY version"
        ))
        .bind(bot)
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(BotVersionRow::into_record).collect()
    }

    /// Names of the bots with at least one saved version, so start-up can load each one.
    pub async fn list_bots(&self) -> Result<Vec<String>> {
        let names: Vec<String> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT DISTINCT bot FROM bot_versions ORDER BY bot",
        )
        .fetch_all(pool)
        .await)?;
        Ok(names)
    }

    /// One stored version.
    pub async fn bot_version(&self, bot: &str, version: u32) -> Result<Option<BotVersionRecord>> {
        let row: Option<BotVersionRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ", version_columns!(), " FROM bot_versions WHERE bot = $1 AND version = $2"
        ))
            .bind(bot)
            .bind(i64::from(version))
            .fetch_optional(pool)
            .await)?;
        row.map(BotVersionRow::into_record).transpose()
    }

    /// Stores a built version and what it did to the proposals it took in, all in one
    /// transaction: a published one becomes the active version. `Conflict` (nothing written)
    /// when that version number exists or a proposal is no longer approved — another build
    /// got there first, so rebuild on the newest version.
    pub async fn commit_version(
        &self,
        v: &NewBotVersion,
        outcomes: &[(String, ProposalOutcome)],
    ) -> Result<BotVersionRecord> {
        serde_json::from_str::<serde::de::IgnoredAny>(&v.definition_json).map_err(|e| {
            StoreError::Invalid(format!("definition of bot {:?} is not JSON: {e}", v.bot))
        })?;
        let at = now();
        let published = v.status == VersionStatus::Published;
        let version_i = i64::from(v.version);
        let lost: Option<String>;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            if published {
                sqlx::query("UPDATE bot_versions SET active = FALSE WHERE bot = $1 AND active")
                    .bind(&v.bot)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO bot_versions (bot, version, definition_json, checksum, created_at, \
                 active, status, author, reason, base_version, report_json, basis_version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(&v.bot)
            .bind(version_i)
            .bind(&v.definition_json)
            .bind(&v.checksum)
            .bind(at)
            .bind(published)
            .bind(v.status.as_str())
            .bind(&v.author)
            .bind(&v.reason)
            .bind(v.base_version.map(i64::from))
            .bind(&v.report_json)
            .bind(v.basis_version.map(i64::from))
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                conflict_or(e, || {
                    format!("bot {:?} version {} was built concurrently; rebuild on it", v.bot, v.version)
                })
            })?;
            lost = apply_outcomes!(tx, outcomes, version_i);
            if lost.is_none() {
                tx.commit().await?;
            }
        });
        if let Some(id) = lost {
            return Err(no_longer_approved(&id));
        }
        self.bot_version(&v.bot, v.version)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("bot {:?} version {}", v.bot, v.version)))
    }

    /// Settles approved proposals against an existing version (a build that added nothing, or
    /// one that could not be built), all or none; `Conflict` if one is no longer approved.
    pub async fn settle_proposals(
        &self,
        bot: &str,
        version: u32,
        outcomes: &[(String, ProposalOutcome)],
    ) -> Result<()> {
        let version_i = i64::from(version);
        let lost: Option<String>;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            lost = apply_outcomes!(tx, outcomes, version_i);
            if lost.is_none() {
                tx.commit().await?;
            }
        });
        match lost {
            Some(id) => Err(no_longer_approved(&id)),
            None => {
                tracing::debug!(%bot, version, settled = outcomes.len(), "proposals settled");
                Ok(())
            }
        }
    }
}

/// The message when a proposal was settled by someone else first.
fn no_longer_approved(id: &str) -> StoreError {
    StoreError::Conflict(format!(
        "proposal {id:?} is no longer approved (another build took it in); rebuild"
    ))
}

/// The reason recorded for versions read from the definition files.
const IMPORTED: &str = "imported from files";
