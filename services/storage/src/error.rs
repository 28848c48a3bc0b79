//! The one error type of the crate.

/// Why a storage call failed, phrased so the caller knows whether to fix input, retry, or report.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing named does not exist (or, for tokens, is already revoked): a 404 for callers.
    #[error("not found: {0}")]
    NotFound(String),
    /// A uniqueness rule would be broken; existing data is unchanged: pick another name/version.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input is malformed (bad URL, bad field value); nothing was written: fix the input.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// The database failed or is unreachable; nothing is known to be written: retry or alert.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the schema migrations failed: the database is not usable by this version.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// Shorthand used by every operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Maps a unique-constraint violation to `Conflict(message)`, anything else to `Database`.
pub(crate) fn conflict_or(err: sqlx::Error, message: impl FnOnce() -> String) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(message()),
        _ => StoreError::Database(err),
    }
}

/// A stored value this code cannot read back (e.g. an unknown role string): data corruption.
pub(crate) fn corrupt(what: String) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(what.into()))
}
