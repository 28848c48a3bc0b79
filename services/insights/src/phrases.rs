//! Stage three: what the segment is about.

use std::sync::Arc;

use futures::future::join_all;
use switchboard_chat::EmbedQueue;
use switchboard_storage::NewCallSegment;

use crate::keyphrases::{KeyPhrases, PER_SEGMENT, rank};

/// Picks each segment's key phrases by embedding its candidates next to the segment.
pub struct KeyPhraseStage {
    finder: Arc<KeyPhrases>,
    embed: EmbedQueue,
}

impl KeyPhraseStage {
    pub fn new(finder: Arc<KeyPhrases>, embed: EmbedQueue) -> Self {
        Self { finder, embed }
    }

    /// Sets the segment's key phrases; a candidate the encoder could not take is left out.
    pub async fn apply(&self, segment: &mut NewCallSegment, embedding: &[f32]) {
        let candidates = self.finder.candidates(&segment.text);
        if candidates.is_empty() {
            return;
        }
        // Queued together, the candidates share one forward pass (and repeat ones the cache).
        let vectors = join_all(candidates.iter().map(|c| self.embed.embed(c))).await;
        let embedded: Vec<(String, Vec<f32>)> = candidates
            .into_iter()
            .zip(vectors)
            .filter_map(|(c, v)| v.ok().map(|v| (c, v)))
            .collect();
        segment.insights.key_phrases = rank(embedding, &embedded, PER_SEGMENT);
    }
}
