//! One turn's decision: intent answer, slot question, knowledge answer, or handoff.

use std::time::Duration;

use chrono::NaiveDate;
use switchboard_bots::{Intent, SlotFilling};
use switchboard_knowledge::Hit;
use switchboard_nlu::Prediction;

use crate::registry::LoadedBot;
use crate::session::PendingIntent;

/// Where an answer came from; visitors and supervisors are shown this.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Intent {
        intent: String,
        confidence: f32,
    },
    Knowledge {
        document_id: String,
        title: String,
        score: f32,
    },
    Handoff {
        reason: HandoffReason,
    },
}

impl Source {
    /// Stable lowercase name used in storage, events and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Intent { .. } => "intent",
            Source::Knowledge { .. } => "knowledge",
            Source::Handoff { .. } => "handoff",
        }
    }
}

/// Why the bot gave up and asked for a human.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffReason {
    /// Neither an intent nor a knowledge article was confident enough.
    NoMatch,
    /// A required detail was asked for twice and never given.
    SlotNotProvided,
}

impl HandoffReason {
    /// Stable snake_case name for wire shapes and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            HandoffReason::NoMatch => "no_match",
            HandoffReason::SlotNotProvided => "slot_not_provided",
        }
    }
}

/// The bot's answer to one visitor message.
#[derive(Debug, Clone)]
pub struct TurnOutcome {
    pub session_id: String,
    /// 1-based index of this bot reply within the session.
    pub turn: u32,
    pub text: String,
    pub source: Source,
    pub latency: Duration,
}

/// What the turn decided, before it is stored.
#[derive(Debug)]
pub(crate) struct Decision {
    pub text: String,
    pub source: Source,
    /// Set when the turn should be kept for the improvement loop (`handoff` or `low_confidence`).
    pub missed: Option<&'static str>,
    /// Slot filling to continue with on the next message.
    pub pending: Option<PendingIntent>,
}

/// Inputs of a fresh (not slot-filling) turn.
pub(crate) struct Fresh<'a> {
    pub bot: &'a LoadedBot,
    pub text: &'a str,
    pub prediction: &'a Prediction,
    /// Knowledge hits, best first; searched only when [`wants_knowledge`] says so.
    pub hits: Vec<Hit>,
    pub today: NaiveDate,
    /// Bot replies so far in the session; rotates between an intent's response variants.
    pub turn: usize,
}

/// The intent the turn answers with, when the classifier is confident and the bot has it.
pub(crate) fn confident_intent<'b>(
    bot: &'b LoadedBot,
    prediction: &Prediction,
) -> Option<&'b Intent> {
    let confident = prediction.in_scope
        && prediction.confidence >= bot.definition.fallback.confidence_threshold;
    let (name, _) = prediction.ranked.first().filter(|_| confident)?;
    bot.definition.intent(name)
}

/// Whether the turn will look at knowledge: no confident intent, and the bot falls back to it.
/// Asked before [`decide`] so the knowledge query is embedded only when it will be used.
pub(crate) fn wants_knowledge(bot: &LoadedBot, prediction: &Prediction) -> bool {
    bot.definition.fallback.knowledge_fallback && confident_intent(bot, prediction).is_none()
}

/// Decides a turn from the classifier's prediction and, failing that, the knowledge hits.
pub(crate) fn decide(f: Fresh<'_>) -> Decision {
    let policy = &f.bot.definition.fallback;
    if let Some(intent) = confident_intent(f.bot, f.prediction) {
        let filling = SlotFilling::start(intent, &f.bot.definition.slot_types, f.text, f.today);
        return answer_intent(
            f.bot,
            intent,
            PendingIntent {
                filling,
                confidence: f.prediction.confidence,
                asked: 0,
                question: String::new(),
            },
            f.turn,
        );
    }
    if let Some(hit) = f
        .hits
        .first()
        .filter(|h| h.score >= policy.knowledge_min_score)
    {
        return Decision {
            text: hit.body.clone(),
            source: Source::Knowledge {
                document_id: hit.id.clone(),
                title: hit.title.clone(),
                score: hit.score,
            },
            missed: Some("low_confidence"),
            pending: None,
        };
    }
    handoff(f.bot, HandoffReason::NoMatch)
}

/// Continues slot filling with the visitor's next message.
pub(crate) fn continue_pending(
    bot: &LoadedBot,
    mut pending: PendingIntent,
    text: &str,
    today: NaiveDate,
    turn: usize,
) -> Decision {
    let Some(intent) = bot.definition.intent(&pending.filling.intent) else {
        // The bot was republished without this intent: nothing sensible to continue.
        return handoff(bot, HandoffReason::NoMatch);
    };
    pending
        .filling
        .merge(&bot.definition.slot_types, text, today);
    answer_intent(bot, intent, pending, turn)
}

fn answer_intent(
    bot: &LoadedBot,
    intent: &Intent,
    pending: PendingIntent,
    turn: usize,
) -> Decision {
    let source = Source::Intent {
        intent: intent.name.clone(),
        confidence: pending.confidence,
    };
    if let Some(missing) = pending.filling.next_missing() {
        if pending.asked >= 2 {
            return handoff(bot, HandoffReason::SlotNotProvided);
        }
        let question = missing
            .prompt
            .clone()
            .unwrap_or_else(|| format!("Could you tell me the {}?", missing.name));
        return Decision {
            text: question.clone(),
            source,
            missed: None,
            pending: Some(PendingIntent {
                asked: pending.asked + 1,
                question,
                ..pending
            }),
        };
    }
    let mut text = intent.respond(turn, pending.filling.values());
    if let Some(follow_up) = &intent.follow_up {
        text = format!(
            "{text} {}",
            switchboard_bots::render(follow_up, pending.filling.values())
        );
    }
    Decision {
        text,
        source,
        missed: None,
        pending: None,
    }
}

fn handoff(bot: &LoadedBot, reason: HandoffReason) -> Decision {
    Decision {
        text: bot.definition.fallback.handoff_message.clone(),
        source: Source::Handoff { reason },
        missed: Some("handoff"),
        pending: None,
    }
}
