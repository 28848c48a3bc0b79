//! FAQ knowledge index: tantivy BM25 fused with embedding similarity.
//!
//! The chatbot falls back to this index when no bot flow matches. Documents come from Markdown
//! files with front matter ([`load`]) or CSV imports; [`KnowledgeIndex`] is one immutable on-disk
//! build (tantivy + stored vectors), and [`Knowledge`] swaps builds atomically so a reindex never
//! interrupts readers. Search never embeds: the caller computes the query vector once per chat
//! turn and shares it with the NLU.

mod dense;
mod document;
pub mod eval;
mod fusion;
mod handle;
mod index;
pub mod load;

pub use document::Document;
pub use fusion::{DEFAULT_MIN_SCORE, Mode};
pub use handle::Knowledge;
pub use index::{Hit, KnowledgeIndex};

use std::path::PathBuf;

use switchboard_embeddings::EmbedError;

/// Why knowledge could not be loaded, built or searched; each variant says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A Markdown file's front matter is missing or malformed; fix the file at that line.
    #[error("{}:{line}: {message}", path.display())]
    FrontMatter {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A CSV file has no usable header; the message lists what was expected and found.
    #[error("{}: bad header: {message}", path.display())]
    BadHeader { path: PathBuf, message: String },
    /// A CSV row is malformed or incomplete; fix the row at that line.
    #[error("{}:{line}: {message}", path.display())]
    Csv {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// Two documents share an id; ids must be unique so answers can be traced.
    #[error("duplicate document id `{id}` in {first} and {second}")]
    DuplicateId {
        id: String,
        first: String,
        second: String,
    },
    /// There is nothing to index; add documents before building.
    #[error("no documents to index")]
    Empty,
    /// The stored index is unreadable or from an incompatible build; rebuild it.
    #[error("{}: corrupt or incompatible index: {message}", path.display())]
    Corrupt { path: PathBuf, message: String },
    /// The query vector does not come from the model the index was built with.
    #[error("query embedding has {got} dimensions, index expects {expected}")]
    DimensionMismatch { expected: usize, got: usize },
    /// The embedding model failed while indexing.
    #[error(transparent)]
    Embed(#[from] EmbedError),
    /// tantivy failed; usually disk trouble in the index directory.
    #[error("search engine: {0}")]
    Engine(#[from] tantivy::TantivyError),
}

/// Builds an [`KnowledgeError::Io`] with the path that failed.
pub(crate) fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> KnowledgeError {
    let path = path.into();
    move |source| KnowledgeError::Io { path, source }
}

#[cfg(test)]
pub(crate) mod testing;
