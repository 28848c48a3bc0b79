//! Search across every call's transcript: one tantivy document per call (its redacted words, and
//! what the filters need: when, which agent, categories, the customer's sentiment, length), its
//! own index beside the knowledge one. Hits come back as calls, best first, each with the
//! segments that matched and the matched words marked, so a result links to the moment.
//!
//! Takes and returns plain types; the caller decides when a call is (re)indexed.

mod index;

pub use index::CallIndex;

use chrono::{DateTime, Utc};

/// What a call is filtered and listed by.
#[derive(Debug, Clone, PartialEq)]
pub struct CallFacts {
    pub call_id: String,
    pub started_at: DateTime<Utc>,
    pub agent_id: Option<String>,
    pub duration_ms: u64,
    pub categories: Vec<String>,
    /// The customer's mean sentiment over the call, −1…1; `None` when nothing was scored.
    pub sentiment: Option<f32>,
}

/// What one call contributes to search.
#[derive(Debug, Clone, PartialEq)]
pub struct CallDoc {
    pub facts: CallFacts,
    pub segments: Vec<DocSegment>,
}

/// One transcript segment as search shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DocSegment {
    pub speaker: String,
    pub start_ms: u64,
    pub text: String,
}

/// A search: words (all must occur; `"quoted phrases"` in order; `OR`, `-word` as usual) and
/// filters, each optional. Empty words list calls by the filters alone, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallQuery {
    pub text: String,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub agent_id: Option<String>,
    pub category: Option<String>,
    pub min_sentiment: Option<f32>,
    pub max_sentiment: Option<f32>,
    pub min_duration_ms: Option<u64>,
    pub max_duration_ms: Option<u64>,
    pub limit: usize,
}

/// A call that matched, with the segments that show why.
#[derive(Debug, Clone, PartialEq)]
pub struct CallHit {
    pub facts: CallFacts,
    /// BM25 relevance (0 when listing by filters alone).
    pub score: f32,
    /// At most [`SNIPPETS_PER_HIT`] matching segments, in call order.
    pub snippets: Vec<Snippet>,
}

/// A matching segment's words around the match, with the matched words' byte ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    pub speaker: String,
    pub start_ms: u64,
    pub fragment: String,
    pub highlights: Vec<std::ops::Range<usize>>,
}

/// Segments shown per hit.
pub const SNIPPETS_PER_HIT: usize = 3;
/// Most hits one search returns.
pub const MAX_HITS: usize = 200;

/// Why a search or an update failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The words are not a query (an unclosed quote, a field that does not exist…).
    #[error("cannot read the search {query:?}: {message}")]
    Query { query: String, message: String },
    /// A filter that cannot match anything as given (from after to, min above max).
    #[error("{0}")]
    Filter(String),
    /// tantivy failed; usually disk trouble in the index directory.
    #[error("call search index: {0}")]
    Engine(#[from] tantivy::TantivyError),
    #[error("call search index at {path}: {message}")]
    Io { path: String, message: String },
}

#[cfg(test)]
mod tests;
