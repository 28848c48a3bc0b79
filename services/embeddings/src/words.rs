//! A lexical stand-in encoder: lets crates above this one test their plumbing without a model.

use crate::{EmbedError, Embedder, Embedding};

/// Hashes lower-cased words into `dim` buckets, unit length: texts sharing words score high,
/// deterministically, and in microseconds.
#[derive(Debug, Clone, Copy)]
pub struct WordHashEmbedder {
    /// Vector length.
    pub dim: usize,
}

impl Embedder for WordHashEmbedder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        Ok(texts.iter().map(|t| self.vector(t)).collect())
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn model_id(&self) -> String {
        format!("word-hash/{}", self.dim)
    }
}

impl WordHashEmbedder {
    fn vector(&self, text: &str) -> Embedding {
        let mut v = vec![0.0f32; self.dim];
        for w in text
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let h = w
                .bytes()
                .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
            v[h as usize % self.dim] += 1.0;
        }
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
        v.iter().map(|x| x / norm).collect()
    }
}
