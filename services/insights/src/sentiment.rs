//! Stage two: how the segment sounds, and how its speaker's call is going.

use std::collections::HashMap;
use std::sync::Arc;

use ::sentiment::{RunningSentiment, SentimentModel};
use switchboard_storage::{NewCallSegment, SegmentSentiment};

/// Scores each segment and keeps a running score per speaker.
pub struct SentimentStage {
    model: Arc<SentimentModel>,
    running: HashMap<String, RunningSentiment>,
}

impl SentimentStage {
    pub fn new(model: Arc<SentimentModel>) -> Self {
        Self {
            model,
            running: HashMap::new(),
        }
    }

    /// Adds the segment's sentiment (and its speaker's running score) from its embedding.
    pub fn apply(&mut self, segment: &mut NewCallSegment, embedding: &[f32]) {
        let turn = self.model.score(&segment.text, embedding);
        let running = self
            .running
            .entry(segment.speaker.clone())
            .or_default()
            .update(turn);
        segment.insights.sentiment = Some(SegmentSentiment {
            label: turn.label.as_str().to_string(),
            score: turn.score.clamp(-1.0, 1.0),
            running: running.score.clamp(-1.0, 1.0),
        });
    }
}
