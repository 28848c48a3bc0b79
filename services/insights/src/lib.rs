//! Live call intelligence: what each final segment of a call passes through before it is stored,
//! shown and published, in the order data flows — redact → (embed once) → sentiment → key
//! phrases, then, once stored, the deployment's rules and assist (a customer's words through the
//! call's bot) — each stage a small type with one job.
//!
//! [`Insights`] is the [`StagesFactory`] the server hands the call service; every call gets its
//! own [`CallInsights`] (a redaction conversation, running sentiment per speaker, its progress
//! through the rules). The call path knows none of this: only that a final passes through its
//! stages, and that the stages may report rules that matched.

mod assist;
pub mod keyphrases;
mod phrases;
mod redact;
mod rule_stage;
mod sentiment;

use std::sync::Arc;

use ::rules::{RuleSet, Rules};
use ::sentiment::SentimentModel;
use futures::future::BoxFuture;
use redaction::Redactor;
use switchboard_calls::Assistance;
use switchboard_calls::{CallStages, CallStart, StagesFactory};
use switchboard_chat::{ChatService, EmbedQueue};
use switchboard_storage::{NewCallSegment, NewRuleHit};

pub use assist::{AssistBots, AssistStage, MIN_WORDS};
pub use keyphrases::KeyPhrases;
pub use phrases::KeyPhraseStage;
pub use redact::RedactStage;
pub use rule_stage::RuleStage;
pub use sentiment::SentimentStage;

/// The stages of every call, configured once per process.
pub struct Insights {
    redactor: Redactor,
    /// The NLU encoder's queue: one embedding per segment, shared by the stages after it.
    embed: EmbedQueue,
    sentiment: Arc<SentimentModel>,
    phrases: Arc<KeyPhrases>,
    rules: Arc<Rules>,
    /// The chat service whose bots assist agents, and which bot assists whom.
    assist: Option<(Arc<ChatService>, AssistBots)>,
}

impl Insights {
    /// Stages with no rules; see [`Insights::with_rules`].
    pub fn new(redactor: Redactor, embed: EmbedQueue, sentiment: Arc<SentimentModel>) -> Self {
        Self {
            redactor,
            embed,
            sentiment,
            phrases: Arc::new(KeyPhrases::default()),
            rules: Arc::new(Rules::new(RuleSet::default())),
            assist: None,
        }
    }

    /// Offers agents what `chat`'s bots would answer to their customers (the bot per agent from
    /// `bots`). `chat` must embed with the same encoder as these stages.
    pub fn with_assist(mut self, chat: Arc<ChatService>, bots: AssistBots) -> Self {
        self.assist = Some((chat, bots));
        self
    }

    /// Checks calls against `rules` (a call keeps the set it started under across reloads).
    pub fn with_rules(mut self, rules: Arc<Rules>) -> Self {
        self.rules = rules;
        self
    }
}

impl StagesFactory for Insights {
    fn open(&self, call: &CallStart) -> Box<dyn CallStages> {
        let assist = match &self.assist {
            Some((chat, bots)) => {
                let bot = bots.for_agent(call.agent_id.as_deref());
                if chat.bots().get(bot).is_none() {
                    tracing::warn!(call = %call.call_id, bot, "no such bot: the call gets no suggestions");
                }
                let chat = chat.bots().get(bot).map(|_| Arc::clone(chat));
                AssistStage::new(chat, call.call_id.clone(), bot.to_string())
            }
            None => AssistStage::new(None, call.call_id.clone(), String::new()),
        };
        Box::new(CallInsights {
            redact: RedactStage::new(&self.redactor),
            embed: self.embed.clone(),
            sentiment: SentimentStage::new(Arc::clone(&self.sentiment)),
            phrases: KeyPhraseStage::new(Arc::clone(&self.phrases), self.embed.clone()),
            rules: RuleStage::new(&self.rules),
            assist,
        })
    }
}

/// One call's stages.
pub struct CallInsights {
    redact: RedactStage,
    embed: EmbedQueue,
    sentiment: SentimentStage,
    phrases: KeyPhraseStage,
    rules: RuleStage,
    assist: AssistStage,
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
            self.phrases.apply(segment, &vector).await;
            self.assist.remember(vector);
        })
    }

    fn stored<'a>(
        &'a mut self,
        seq: u32,
        segment: &'a NewCallSegment,
    ) -> BoxFuture<'a, Vec<NewRuleHit>> {
        Box::pin(std::future::ready(self.rules.apply(seq, segment)))
    }

    fn assist<'a>(
        &'a mut self,
        seq: u32,
        segment: &'a NewCallSegment,
    ) -> BoxFuture<'a, Option<Assistance>> {
        Box::pin(self.assist.apply(seq, segment))
    }
}

#[cfg(test)]
mod tests;
