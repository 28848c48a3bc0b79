//! Sentence embeddings computed in Rust (candle), shared by NLU and knowledge retrieval.
//!
//! Everything downstream takes `&dyn Embedder`, so the encoder behind it can be swapped without
//! touching classifiers or indexes. [`SentenceEncoder`] runs the shipped encoders (MiniLM for
//! intents, MPNet for knowledge); [`CachedEmbedder`] puts a bounded exact-text cache in front of
//! any encoder.

mod cache;
mod encoder;
mod finetune;
mod int8;
mod kernel;
mod persist;
mod sentence;
mod words;

pub use cache::{CacheStats, CachedEmbedder};
pub use encoder::dot;
pub use finetune::{FineTuneOptions, TuneProgress, fine_tune};
pub use sentence::{
    DEFAULT_BATCH, MAX_TOKENS, MINILM_DIR, MPNET_DIR, SentenceEncoder, models_root,
};
pub use words::WordHashEmbedder;

/// How an encoder's linear layers compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// f16 weights with f32 arithmetic (f32 where the AVX2 kernel cannot run): reference results.
    #[default]
    Full,
    /// Int8 weights and activations where AVX-512 VNNI runs (elsewhere `Full`): about three
    /// times faster for a large encoder, at a small cost in precision.
    Int8,
}

/// A unit-length sentence vector; cosine similarity is a plain dot product.
pub type Embedding = Vec<f32>;

/// Turns texts into L2-normalised vectors, one per input, in input order.
pub trait Embedder: Send + Sync {
    /// Embeds a batch; callers batch to amortise the forward pass.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError>;
    /// Vector length, so indexes can size storage before the first call.
    fn dim(&self) -> usize;
    /// Names the model and its arithmetic, so stored vectors are rebuilt when either changes.
    fn model_id(&self) -> String {
        format!("unnamed-{}d", self.dim())
    }
}

impl<E: Embedder + ?Sized> Embedder for std::sync::Arc<E> {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        (**self).embed(texts)
    }
    fn dim(&self) -> usize {
        (**self).dim()
    }
    fn model_id(&self) -> String {
        (**self).model_id()
    }
}

impl<E: Embedder + ?Sized> Embedder for &E {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        (**self).embed(texts)
    }
    fn dim(&self) -> usize {
        (**self).dim()
    }
    fn model_id(&self) -> String {
        (**self).model_id()
    }
}

/// Cosine similarity of two unit vectors (their dot product); shared so callers agree on it.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Why an embedding could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The model files are missing or unreadable; the message names the path and the fix.
    #[error("embedding model not available: {0}")]
    ModelUnavailable(String),
    /// The encoder failed while running.
    #[error("embedding failed: {0}")]
    Inference(String),
}

#[cfg(test)]
mod tests;
