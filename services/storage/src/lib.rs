//! Persistence for sessions, transcripts, missed utterances, bot versions, API tokens and live
//! calls, on SQLite or PostgreSQL; the only crate in Switchboard that writes SQL.
//!
//! Open a [`Store`] with [`Store::connect`], which applies the embedded migrations:
//! - `sqlite://path/to/file.db` (relative, or `sqlite:///abs/path.db`; file and directory created
//!   if missing; WAL, foreign keys, 5 s busy timeout),
//!   `sqlite::memory:` for throwaway runs (single connection).
//! - `postgres://user[:pass]@host[:port]/db` (or `postgresql://`); add
//!   `?options[search_path]=myschema` to keep all tables in one schema.
//!
//! Operations (all `async`, all return [`Result`] with [`StoreError`]):
//! - tokens: [`Store::create_token`], [`Store::verify_token`], [`Store::revoke_token`],
//!   [`Store::list_tokens`], [`Store::count_tokens_with_role`]
//! - sessions and transcripts: [`Store::create_session`], [`Store::get_session`],
//!   [`Store::append_turn`], [`Store::transcript`], [`Store::list_sessions`]
//! - chats handed to a person: [`Store::request_handoff`], [`Store::take_handoff`],
//!   [`Store::close_handoff`], [`Store::handoff`], [`Store::list_handoffs`]
//! - missed utterances (chats' and calls'): [`Store::record_missed`], [`Store::list_missed`],
//!   [`Store::call_missed`]
//! - bot versions: [`Store::save_bot_version`], [`Store::active_bot_version`],
//!   [`Store::activate_bot_version`], [`Store::list_bot_versions`], [`Store::bot_version`],
//!   [`Store::commit_version`]
//! - the improvement loop: [`Store::propose`], [`Store::decide`], [`Store::list_proposals`],
//!   [`Store::proposal`], [`Store::missed`], [`Store::record_audit`], [`Store::list_audit`]
//! - live calls: [`Store::start_call`], [`Store::append_call_segment`],
//!   [`Store::update_call_audio`], [`Store::end_call`], [`Store::get_call`], [`Store::list_calls`],
//!   [`Store::call_segments`], [`Store::mark_live_calls_incomplete`]
//! - rules and assist on calls: [`Store::record_rule_hit`], [`Store::call_rule_hits`],
//!   [`Store::record_suggestions`], [`Store::suggestion_feedback`], [`Store::call_suggestions`]
//! - the overview: [`Store::save_call_facts`], [`Store::dashboard`]
//! - health: [`Store::ping`]
//!
//! Times are UTC and stored with microsecond precision (what PostgreSQL keeps); ids are UUID v7
//! strings, so they sort by creation time (calls keep the client's call id instead).

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// Runs `$body` with `$pool` bound to whichever concrete pool the store holds, so each query is
/// written once and compiled for both backends (SQLite accepts the `$1` placeholders too).
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}

#[macro_use]
mod rollup;

mod audit;
mod bots;
mod calls;
mod dashboard;
mod error;
mod facts;
mod handoffs;
mod proposals;
mod recordings;
mod rule_hits;
mod sessions;
mod suggestions;
mod tokens;
mod types;

#[cfg(test)]
mod tests;

pub use audit::{AuditEntry, AuditRecord};
pub use error::{Result, StoreError};
pub use facts::{
    CallFacts, Dashboard, DashboardQuery, FACT_LABEL_KINDS, FactTotals, LabelCount,
    MAX_DASHBOARD_DAYS,
};
pub use proposals::{
    Decision, NewProposal, ProposalFilter, ProposalOutcome, ProposalRecord, ProposalStatus,
};
pub use recordings::{ChannelRecord, RecordingRecord};
pub use types::{
    ALERT_SEVERITIES, BotVersionRecord, CALL_SOURCES, CALL_SPEAKERS, CALL_STATUSES, CallFilter,
    CallRecord, CallSegmentRecord, CallStart, Handoff, HandoffFilter, HandoffState, MISSED_REASONS,
    MissedOrigin, MissedRecord, MissedUtterance, NewBotVersion, NewCallSegment, NewRuleHit,
    NewSuggestion, RedactionRecord, Role, RuleHitRecord, SOURCE_KINDS, SUGGESTION_FEEDBACK,
    SUGGESTION_KINDS, SegmentInsights, SegmentSentiment, SessionRecord, Speaker, SuggestionRecord,
    TokenInfo, TurnRecord, VersionStatus,
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Handle to the database shared by all services; cheap to clone (it wraps a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

impl Store {
    /// Opens the database named by `url` and brings its schema up to date, so callers get a
    /// ready store or a clear error at start-up rather than at first use.
    pub async fn connect(url: &str) -> Result<Store> {
        let store = if url.starts_with("sqlite:") {
            Store::open_sqlite(url).await?
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Store::open_postgres(url).await?
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            return Err(StoreError::Invalid(format!(
                "unsupported database URL scheme {scheme:?}; use sqlite://path/to/file.db or postgres://user@host/db"
            )));
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn open_sqlite(url: &str) -> Result<Store> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Invalid(format!("bad SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        // An in-memory database lives as long as its connection: keep exactly one, forever.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory && let Some(dir) = options.get_filename().parent() {
            // "Create if missing" should cover a fresh data directory too.
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Invalid(format!("cannot create directory {}: {e}", dir.display()))
            })?;
        }
        let pool_options = if in_memory {
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(4)
        };
        let pool = pool_options.connect_with(options).await?;
        Ok(Store {
            backend: Backend::Sqlite(pool),
        })
    }

    async fn open_postgres(url: &str) -> Result<Store> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Invalid(format!("bad PostgreSQL URL: {e}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Store {
            backend: Backend::Postgres(pool),
        })
    }

    /// Applies pending migrations; idempotent, already run by [`Store::connect`].
    pub async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Backend::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Which backend is in use ("sqlite" or "postgres"), for logs and readiness output.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Round-trips a trivial query so `/readyz` reflects whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Waits for in-flight queries and closes all connections, for a clean shutdown.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// The current time at the precision the store keeps, so values read back compare equal.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A fresh time-ordered id.
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Converts a caller-supplied limit to what SQL binds expect.
pub(crate) fn sql_limit(limit: u32) -> i64 {
    i64::from(limit)
}
