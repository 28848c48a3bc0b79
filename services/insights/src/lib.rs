//! Live call intelligence: what each final segment of a call passes through before it is stored,
//! shown and published, in the order data flows — redact → (embed once) → sentiment — each stage
//! a small type with one job. Key phrases, rules and alerts, and assist join the same chain.
//!
//! [`Insights`] is the [`StagesFactory`] the server hands the call service; every call gets its
//! own [`CallInsights`] (a redaction conversation, running sentiment per speaker). The call path
//! knows none of this: only that a final passes through its stages.

mod redact;
mod sentiment;

use std::sync::Arc;

use ::sentiment::SentimentModel;
use futures::future::BoxFuture;
use redaction::Redactor;
use switchboard_calls::{CallStages, CallStart, StagesFactory};
use switchboard_chat::EmbedQueue;
use switchboard_storage::NewCallSegment;

pub use redact::RedactStage;
pub use sentiment::SentimentStage;

/// The stages of every call, configured once per process.
pub struct Insights {
    redactor: Redactor,
    /// The NLU encoder's queue: one embedding per segment, shared by the stages after it.
    embed: EmbedQueue,
    sentiment: Arc<SentimentModel>,
}

impl Insights {
    pub fn new(redactor: Redactor, embed: EmbedQueue, sentiment: Arc<SentimentModel>) -> Self {
        Self {
            redactor,
            embed,
            sentiment,
        }
    }
}

impl StagesFactory for Insights {
    fn open(&self, _call: &CallStart) -> Box<dyn CallStages> {
        Box::new(CallInsights {
            redact: RedactStage::new(&self.redactor),
            embed: self.embed.clone(),
            sentiment: SentimentStage::new(Arc::clone(&self.sentiment)),
        })
    }
}

/// One call's stages.
pub struct CallInsights {
    redact: RedactStage,
    embed: EmbedQueue,
    sentiment: SentimentStage,
}

impl CallStages for CallInsights {
    fn partial(&mut self, speaker: &str, text: &str) -> String {
        self.redact.partial(speaker, text)
    }

    fn segment<'a>(&'a mut self, segment: &'a mut NewCallSegment) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            self.redact.apply(segment);
            // The redacted words are embedded (no personal data reaches the encoder's cache).
            let vector = match self.embed.embed(&segment.text).await {
                Ok(v) => v,
                Err(error) => {
                    // Overload or a model error costs this segment its insights, never its text.
                    metrics::counter!("switchboard_insights_skipped_total", "reason" => "embedding").increment(1);
                    tracing::warn!(%error, "segment not enriched: embedding failed");
                    return;
                }
            };
            self.sentiment.apply(segment, &vector);
        })
    }

    fn stored<'a>(&'a mut self, _seq: u32, _segment: &'a NewCallSegment) -> BoxFuture<'a, ()> {
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests;
