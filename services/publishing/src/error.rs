//! The one error type of the crate.

use switchboard_storage::StoreError;

/// Why a review or publishing step failed, phrased for the person who asked for it.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The request is malformed or does not fit the bot (unknown intent, empty text, …);
    /// nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// The bot, version, proposal or conversation named does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// Someone else got there first (another decision, another build); nothing was written.
    #[error("{0}")]
    Conflict(String),
    /// The caller may not do this to that conversation or proposal.
    #[error("{0}")]
    Forbidden(String),
    /// Training or embedding failed; the version serving stays.
    #[error("building {bot} failed: {reason}")]
    Build { bot: String, reason: String },
    /// Storage failed; nothing is known to be written.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for PublishError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => PublishError::NotFound(m),
            StoreError::Conflict(m) => PublishError::Conflict(m),
            StoreError::Invalid(m) => PublishError::Invalid(m),
            other => PublishError::Store(other),
        }
    }
}
