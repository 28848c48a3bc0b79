//! Stage five: a customer's final through the call's bot — an intent's reply or knowledge
//! articles for the agent, or, when nothing matches, the words kept as a missed utterance.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use switchboard_calls::Assistance;
use switchboard_chat::{ChatService, Suggestion};
use switchboard_embeddings::Embedding;
use switchboard_storage::{MissedOrigin, MissedUtterance, NewCallSegment, NewSuggestion};

/// Fewest words (redaction tags not counted) a customer's final needs before the bot is asked:
/// "yes", "okay thanks" or "it's [NAME]" need no answer and would only fill the review queue.
pub const MIN_WORDS: usize = 3;

/// Which bot assists which call: one per agent where configured, else the default.
#[derive(Debug, Clone, Default)]
pub struct AssistBots {
    /// The bot for calls whose agent is not listed.
    pub default: String,
    /// Agent id → bot name.
    pub by_agent: HashMap<String, String>,
}

impl AssistBots {
    /// The bot that assists a call taken by `agent`.
    pub fn for_agent(&self, agent: Option<&str>) -> &str {
        agent
            .and_then(|a| self.by_agent.get(a))
            .unwrap_or(&self.default)
    }
}

/// Asks one call's bot about each customer final, reusing the final's embedding.
pub struct AssistStage {
    chat: Option<Arc<ChatService>>,
    call_id: String,
    bot: String,
    /// The vector of the final passing through, computed once upstream.
    vector: Option<Embedding>,
}

impl AssistStage {
    /// A stage that asks `bot` through `chat` about call `call_id`; `None` turns assist off.
    pub fn new(chat: Option<Arc<ChatService>>, call_id: String, bot: String) -> Self {
        Self {
            chat,
            call_id,
            bot,
            vector: None,
        }
    }

    /// Keeps the final's vector until the final is stored.
    pub fn remember(&mut self, vector: Embedding) {
        self.vector = Some(vector);
    }

    /// What the bot offers for the stored final `seq`; `None` when it is not asked.
    pub async fn apply(&mut self, seq: u32, segment: &NewCallSegment) -> Option<Assistance> {
        let vector = self.vector.take()?;
        let chat = self.chat.as_ref()?;
        if segment.speaker != "customer" || words(&segment.text) < MIN_WORDS {
            return None;
        }
        let started = std::time::Instant::now();
        let answer = chat.assist(&self.bot, &segment.text, &vector).await;
        metrics::histogram!("switchboard_assist_seconds").record(started.elapsed().as_secs_f64());
        let assist = match answer {
            Ok(a) => a,
            Err(error) => {
                // A busy encoder or an unpublished bot costs the agent this suggestion only.
                metrics::counter!("switchboard_insights_skipped_total", "reason" => "assist")
                    .increment(1);
                tracing::warn!(bot = %self.bot, %error, "no suggestion for a segment");
                return None;
            }
        };
        metrics::counter!("switchboard_assist_total", "outcome" => outcome(&assist.suggestions))
            .increment(1);
        let suggestions: Vec<NewSuggestion> = assist
            .suggestions
            .into_iter()
            .enumerate()
            .map(|(rank, s)| self.suggestion(seq, rank as u32, s))
            .collect();
        let missed = suggestions.is_empty().then(|| MissedUtterance {
            origin: MissedOrigin::Call {
                call_id: self.call_id.clone(),
                seq,
                speaker: segment.speaker.clone(),
                bot: self.bot.clone(),
            },
            text: segment.text.clone(),
            best_guesses: assist.guesses,
            reason: "no_match".into(),
            at: Utc::now(),
        });
        Some(Assistance {
            bot: self.bot.clone(),
            suggestions,
            missed,
        })
    }

    fn suggestion(&self, seq: u32, rank: u32, s: Suggestion) -> NewSuggestion {
        let (kind, reference, title, text, score) = match s {
            Suggestion::Intent {
                intent,
                confidence,
                reply,
            } => ("intent", intent.clone(), intent, reply, confidence),
            Suggestion::Knowledge {
                document_id,
                title,
                body,
                score,
            } => ("knowledge", document_id, title, body, score),
        };
        NewSuggestion {
            seq,
            rank,
            bot: self.bot.clone(),
            kind: kind.into(),
            reference,
            title,
            text,
            score: score.clamp(0.0, 1.0),
        }
    }
}

fn outcome(suggestions: &[Suggestion]) -> &'static str {
    match suggestions.first() {
        Some(Suggestion::Intent { .. }) => "intent",
        Some(Suggestion::Knowledge { .. }) => "knowledge",
        None => "missed",
    }
}

/// Spoken words, not counting redaction tags.
fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| !w.starts_with('[') && w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_punctuation_are_not_words() {
        assert_eq!(words("it's [NAME] ."), 1);
        assert_eq!(words("my card number is [CARD_NUMBER]"), 4);
    }

    #[test]
    fn agents_get_their_own_bot_or_the_default() {
        let bots = AssistBots {
            default: "banking".into(),
            by_agent: HashMap::from([("agent-9".to_string(), "telco".to_string())]),
        };
        assert_eq!(bots.for_agent(Some("agent-9")), "telco");
        assert_eq!(bots.for_agent(Some("agent-7")), "banking");
        assert_eq!(bots.for_agent(None), "banking");
    }
}
