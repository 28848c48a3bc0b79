//! Errors of this crate that are not about a definition's content.

use std::path::PathBuf;

/// What went wrong outside a single bot (content problems are a [`crate::ValidationReport`]).
#[derive(Debug, thiserror::Error)]
pub enum BotsError {
    /// The definitions root cannot be listed: check the path and permissions.
    #[error("cannot read bot definitions directory {path}: {source}")]
    ReadRoot {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
