//! Published bot definition versions and which one is active.

use chrono::{DateTime, Utc};

use crate::error::{Result, StoreError, conflict_or, corrupt};
use crate::types::BotVersionRecord;
use crate::{Store, now};

#[derive(sqlx::FromRow)]
struct BotVersionRow {
    bot: String,
    version: i64,
    definition_json: String,
    checksum: String,
    created_at: DateTime<Utc>,
    active: bool,
}

impl BotVersionRow {
    fn into_record(self) -> Result<BotVersionRecord> {
        let version = u32::try_from(self.version)
            .map_err(|_| corrupt(format!("bot {} has version {}", self.bot, self.version)))?;
        Ok(BotVersionRecord {
            bot: self.bot,
            version,
            definition_json: self.definition_json,
            checksum: self.checksum,
            created_at: self.created_at,
            active: self.active,
        })
    }
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
        };
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO bot_versions (bot, version, definition_json, checksum, created_at, active) \
             VALUES ($1, $2, $3, $4, $5, FALSE)",
        )
        .bind(bot)
        .bind(i64::from(version))
        .bind(definition_json)
        .bind(checksum)
        .bind(record.created_at)
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
        let row: Option<BotVersionRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT bot, version, definition_json, checksum, created_at, active \
             FROM bot_versions WHERE bot = $1 AND active",
        )
        .bind(bot)
        .fetch_optional(pool)
        .await)?;
        row.map(BotVersionRow::into_record).transpose()
    }

    /// Makes `version` the active one (deactivating any other) in one transaction; `NotFound`
    /// (nothing changed) if that version was never saved.
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
            let row = sqlx::query_as(
                "UPDATE bot_versions SET active = TRUE WHERE bot = $1 AND version = $2 \
                 RETURNING bot, version, definition_json, checksum, created_at, active",
            )
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
        let rows: Vec<BotVersionRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT bot, version, definition_json, checksum, created_at, active \
             FROM bot_versions WHERE bot = $1 ORDER BY version",
        )
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
}
