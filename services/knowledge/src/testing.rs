//! Test helpers: a deterministic embedder and the shared data path.

use std::path::PathBuf;

use switchboard_embeddings::{EmbedError, Embedder, Embedding};

/// Hashes lower-cased words into buckets: texts sharing words get high cosine, like a tiny
/// lexical "model". Deterministic, so tests can reason about rankings.
pub(crate) struct HashEmbedder;

pub(crate) const DIM: usize = 64;

impl HashEmbedder {
    pub(crate) fn one(&self, text: &str) -> Embedding {
        self.embed(&[text]).unwrap().remove(0)
    }
}

impl Embedder for HashEmbedder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        Ok(texts.iter().map(|t| hash_vector(t)).collect())
    }
    fn dim(&self) -> usize {
        DIM
    }
    fn model_id(&self) -> String {
        "word-hash/64".into()
    }
}

fn hash_vector(text: &str) -> Embedding {
    let mut v = vec![0f32; DIM];
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
    {
        let h = word.to_lowercase().bytes().fold(2166136261u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(16777619)
        });
        v[h as usize % DIM] += 1.0;
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// `shared/data` beside the repository (CI lays it out the same way).
pub(crate) fn shared_data() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("../../../shared/data")
}

/// A few bank FAQ entries written for tests.
pub(crate) fn faq() -> Vec<crate::Document> {
    let doc = |id: &str, title: &str, body: &str| crate::Document {
        id: id.into(),
        title: title.into(),
        body: body.into(),
        tags: vec![],
        source: format!("test/{id}.md"),
    };
    vec![
        doc(
            "card-delivery",
            "How long does a new card take to arrive?",
            "New cards are delivered by post within five working days.",
        ),
        doc(
            "lost-card",
            "I lost my card",
            "Freeze the card in the app immediately, then order a replacement.",
        ),
        doc(
            "opening-hours",
            "When are branches open?",
            "Branches open Monday to Friday from nine to five.",
        ),
        doc(
            "transfer-limit",
            "What is the daily transfer limit?",
            "You can transfer up to 10,000 euros per day online.",
        ),
    ]
}
