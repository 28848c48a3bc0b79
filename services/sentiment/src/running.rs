//! A speaker's sentiment over a call: a running score that follows the latest turns.

use crate::{Label, Sentiment};

/// How much the latest turn moves the running score once the call is under way.
const FOLLOW: f32 = 0.4;

/// One speaker's running sentiment (−1…1): an exponentially weighted mean of their turns, so a
/// caller who calms down shows it within a few turns.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunningSentiment {
    score: f32,
    turns: u32,
}

impl RunningSentiment {
    /// Takes the next turn's sentiment and returns the running one.
    pub fn update(&mut self, turn: Sentiment) -> Sentiment {
        self.turns += 1;
        // The first turns average evenly; later ones follow at FOLLOW.
        let alpha = (1.0 / self.turns as f32).max(FOLLOW);
        self.score += alpha * (turn.score - self.score);
        self.current()
    }

    /// The running sentiment so far (neutral before any turn).
    pub fn current(&self) -> Sentiment {
        Sentiment {
            label: Label::of_score(self.score),
            score: self.score,
        }
    }

    pub fn turns(&self) -> u32 {
        self.turns
    }
}
