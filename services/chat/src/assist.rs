//! Agent assist: what the bot would answer to a caller's words, offered to the human agent on
//! the call instead of said to the caller.

use chrono::Utc;
use switchboard_bots::{SlotFilling, render_with_gaps};

use crate::{ChatError, ChatService, turn};

/// One thing the agent could say or read.
#[derive(Debug, Clone, PartialEq)]
pub enum Suggestion {
    /// The intent the bot is confident of, with its reply; slots the words did not give show as
    /// `[slot_name]`, for the agent to fill in.
    Intent {
        intent: String,
        confidence: f32,
        reply: String,
    },
    /// A knowledge article that scored above the bot's knowledge threshold.
    Knowledge {
        document_id: String,
        title: String,
        body: String,
        score: f32,
    },
}

/// What the bot made of a caller's words.
#[derive(Debug, Clone, PartialEq)]
pub struct Assist {
    /// The bot's version that answered, so feedback can be traced to what the bot knew.
    pub bot_version: u32,
    /// Best first; empty when nothing matched, which makes the words a missed utterance.
    pub suggestions: Vec<Suggestion>,
    /// The classifier's top intents with probabilities, for the missed-utterance review.
    pub guesses: Vec<(String, f32)>,
}

impl ChatService {
    /// Asks `bot` about a caller's (redacted) words: a confident intent's reply, else the
    /// knowledge articles worth reading, else nothing. `embedding` is the words' vector from
    /// [`ChatService::embed_queue`], computed once per segment by the caller; only a miss on
    /// the intents pays for the knowledge encoder.
    pub async fn assist(
        &self,
        bot: &str,
        text: &str,
        embedding: &[f32],
    ) -> Result<Assist, ChatError> {
        let loaded = self
            .bots()
            .get(bot)
            .ok_or_else(|| ChatError::UnknownBot(bot.to_string()))?;
        let prediction = loaded.model.classify(text, embedding);
        let guesses = prediction.ranked.iter().take(3).cloned().collect();
        let bot_version = loaded.definition.version;
        if let Some(intent) = turn::confident_intent(&loaded, &prediction) {
            let today = Utc::now().date_naive();
            let filling = SlotFilling::start(intent, &loaded.definition.slot_types, text, today);
            let reply =
                render_with_gaps(intent.pick_response(0, filling.values()), filling.values());
            return Ok(Assist {
                bot_version,
                suggestions: vec![Suggestion::Intent {
                    intent: intent.name.clone(),
                    confidence: prediction.confidence,
                    reply,
                }],
                guesses,
            });
        }
        let min_score = loaded.definition.fallback.knowledge_min_score;
        let suggestions = self
            .knowledge_hits(text)
            .await?
            .into_iter()
            .filter(|h| h.score >= min_score)
            .map(|h| Suggestion::Knowledge {
                document_id: h.id,
                title: h.title,
                body: h.body,
                score: h.score,
            })
            .collect();
        Ok(Assist {
            bot_version,
            suggestions,
            guesses,
        })
    }
}
