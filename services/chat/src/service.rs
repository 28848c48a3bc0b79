//! The chat service: sessions, turns, storage and events wired together.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use redaction::Redactor;
use switchboard_events::{Event, EventBus};
use switchboard_knowledge::Knowledge;
use switchboard_storage::{MissedOrigin, MissedUtterance, Speaker, Store, TurnRecord};

use crate::embed_queue::EmbedQueue;
use crate::registry::BotRegistry;
use crate::session::Sessions;
use crate::turn::{self, Fresh, Source, TurnOutcome};
use crate::{ChatError, Said};

/// How many knowledge hits a turn looks at.
const KNOWLEDGE_HITS: usize = 3;

/// An open conversation as the transport sees it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id: String,
    pub bot: String,
    pub bot_version: u32,
    pub greeting: String,
    /// Bot replies so far, so turn numbers continue after a reconnect.
    pub turns: u32,
}

/// Answers chat turns; cheap to share behind an `Arc`.
pub struct ChatService {
    bots: Arc<BotRegistry>,
    knowledge: Arc<Knowledge>,
    /// The intent encoder: every fresh turn embeds its message here once.
    embed: EmbedQueue,
    /// The knowledge encoder: only turns that fall back to knowledge pay for it.
    knowledge_embed: EmbedQueue,
    pub(crate) store: Store,
    pub(crate) bus: Arc<dyn EventBus>,
    sessions: Sessions,
    /// Personal data out of everything a turn stores or publishes.
    pub(crate) redactor: Redactor,
}

impl ChatService {
    /// Wires the parts; bots are published into `bots` separately (and hot-swapped later).
    /// `embed` must be the encoder the bots were trained with, `knowledge_embed` the one the
    /// knowledge index was built with.
    pub fn new(
        bots: Arc<BotRegistry>,
        knowledge: Arc<Knowledge>,
        embed: EmbedQueue,
        knowledge_embed: EmbedQueue,
        store: Store,
        bus: Arc<dyn EventBus>,
        redactor: Redactor,
    ) -> Self {
        Self {
            bots,
            knowledge,
            embed,
            knowledge_embed,
            store,
            bus,
            sessions: Sessions::default(),
            redactor,
        }
    }

    /// The bots answering right now.
    pub fn bots(&self) -> &BotRegistry {
        &self.bots
    }

    /// The intent encoder's queue, so a caller that embeds text once can pass the vector on.
    pub fn embed_queue(&self) -> &EmbedQueue {
        &self.embed
    }

    /// Searches the knowledge index exactly as a chat turn would (for the agent API).
    pub async fn search_knowledge(
        &self,
        query: &str,
        k: usize,
    ) -> Result<Vec<switchboard_knowledge::Hit>, ChatError> {
        let embedding = self.knowledge_embed.embed(query).await?;
        self.knowledge
            .search(query, &embedding, k)
            .map_err(|e| ChatError::Knowledge(e.to_string()))
    }

    /// Starts a session, or resumes `resume` if it exists for this bot.
    pub async fn open_session(
        &self,
        bot: &str,
        resume: Option<&str>,
    ) -> Result<SessionInfo, ChatError> {
        let loaded = self
            .bots
            .get(bot)
            .ok_or_else(|| ChatError::UnknownBot(bot.to_string()))?;
        let def = &loaded.definition;
        let greeting = greeting(def);
        if let Some(id) = resume {
            let record = match self.store.get_session(id).await? {
                Some(r) if r.bot == bot => r,
                _ => return Err(ChatError::UnknownSession(id.to_string())),
            };
            let turns = self
                .store
                .transcript(id)
                .await?
                .iter()
                .filter(|t| t.speaker == Speaker::Bot)
                .count();
            return Ok(SessionInfo {
                id: record.id,
                bot: bot.to_string(),
                bot_version: def.version,
                greeting,
                turns: turns as u32,
            });
        }
        let record = self.store.create_session(bot, def.version).await?;
        Ok(SessionInfo {
            id: record.id,
            bot: bot.to_string(),
            bot_version: def.version,
            greeting,
            turns: 0,
        })
    }

    /// Answers one visitor message and stores both sides of the turn; while a person holds the
    /// chat (or it waits for one) the message goes to them instead.
    pub async fn turn(&self, session: &mut SessionInfo, text: &str) -> Result<Said, ChatError> {
        let started = Instant::now();
        let bot = self
            .bots
            .get(&session.bot)
            .ok_or_else(|| ChatError::UnknownBot(session.bot.clone()))?;
        if let Some(handoff) = self.open_handoff(&session.id).await? {
            return self.relay(session, text, handoff).await;
        }
        let today = Utc::now().date_naive();
        // What is stored, published and logged: the message with its personal data replaced,
        // read as the answer to the bot's question when it asked one. The bot itself reads the
        // message as sent (a slot may need the value) and keeps it only in memory.
        let pending = self.sessions.take_pending(&session.id);
        let mut conversation = self.redactor.conversation();
        if let Some(p) = &pending {
            conversation.redact("bot", &p.question);
        }
        let clean = conversation.redact("visitor", text).text;
        let decision = match pending {
            Some(pending) => {
                turn::continue_pending(&bot, pending, text, today, session.turns as usize)
            }
            None => {
                // Classified and searched as redacted (no personal data in the encoders'
                // caches); slots are filled from the message as sent.
                let embedding = self.embed.embed(&clean).await?;
                let prediction = bot.model.classify(&clean, &embedding);
                let hits = if turn::wants_knowledge(&bot, &prediction) {
                    self.knowledge_hits(&clean).await?
                } else {
                    Vec::new()
                };
                let fresh = Fresh {
                    bot: &bot,
                    text,
                    prediction: &prediction,
                    hits,
                    today,
                    turn: session.turns as usize,
                };
                let mut d = turn::decide(fresh);
                if let Some(reason) = d.missed {
                    self.record_missed(session, &clean, &prediction.ranked, reason)
                        .await?;
                    d.missed = None;
                }
                d
            }
        };
        if let Some(reason) = decision.missed {
            self.record_missed(session, &clean, &[], reason).await?;
        }
        // Replies can echo what the visitor said ("your account 12345678"): redacted alike.
        let reply = conversation.redact("bot", &decision.text).text;
        if let Some(p) = decision.pending.clone() {
            self.sessions.set_pending(&session.id, p);
        }
        let latency = started.elapsed();
        self.store_turn(session, &clean, &reply, &decision.source, latency)
            .await?;
        if let Source::Handoff { reason } = &decision.source {
            self.queue_for_agent(session, reason.as_str()).await?;
        }
        session.turns += 1;
        metrics::counter!("switchboard_chat_turns_total", "source" => decision.source.kind())
            .increment(1);
        metrics::histogram!("switchboard_chat_turn_seconds").record(latency.as_secs_f64());
        self.bus.publish(Event::ChatTurn {
            session_id: session.id.clone(),
            bot: session.bot.clone(),
            visitor_text: clean,
            reply_text: reply,
            source_kind: decision.source.kind().to_string(),
            at: Utc::now(),
        });
        Ok(Said::Bot(TurnOutcome {
            session_id: session.id.clone(),
            turn: session.turns,
            text: decision.text,
            source: decision.source,
            latency,
        }))
    }

    /// The best knowledge hits for `text`; a failed search answers without knowledge rather
    /// than failing the turn.
    pub(crate) async fn knowledge_hits(
        &self,
        text: &str,
    ) -> Result<Vec<switchboard_knowledge::Hit>, ChatError> {
        let embedding = self.knowledge_embed.embed(text).await?;
        Ok(self
            .knowledge
            .search(text, &embedding, KNOWLEDGE_HITS)
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "knowledge search failed; answering without it");
                Vec::new()
            }))
    }

    async fn store_turn(
        &self,
        session: &SessionInfo,
        visitor: &str,
        reply: &str,
        source: &Source,
        latency: std::time::Duration,
    ) -> Result<(), ChatError> {
        let now = Utc::now();
        let visitor_turn = TurnRecord {
            speaker: Speaker::Visitor,
            text: visitor.to_string(),
            source_kind: None,
            intent: None,
            confidence: None,
            document_id: None,
            latency_ms: None,
            at: now,
            agent_id: None,
        };
        let mut bot_turn = TurnRecord {
            speaker: Speaker::Bot,
            text: reply.to_string(),
            source_kind: Some(source.kind().to_string()),
            latency_ms: Some(latency.as_millis().min(u32::MAX as u128) as u32),
            ..visitor_turn.clone()
        };
        match source {
            Source::Intent { intent, confidence } => {
                bot_turn.intent = Some(intent.clone());
                bot_turn.confidence = Some(*confidence);
            }
            Source::Knowledge {
                document_id, score, ..
            } => {
                bot_turn.document_id = Some(document_id.clone());
                bot_turn.confidence = Some(*score);
            }
            Source::Handoff { .. } => {}
        }
        self.store
            .append_turns(&session.id, &[visitor_turn, bot_turn])
            .await?;
        Ok(())
    }

    async fn record_missed(
        &self,
        session: &SessionInfo,
        text: &str,
        guesses: &[(String, f32)],
        reason: &str,
    ) -> Result<(), ChatError> {
        let at = Utc::now();
        self.store
            .record_missed(&MissedUtterance {
                origin: MissedOrigin::Chat {
                    session_id: session.id.clone(),
                },
                text: text.to_string(),
                best_guesses: guesses.iter().take(3).cloned().collect(),
                reason: reason.to_string(),
                at,
            })
            .await?;
        self.bus.publish(Event::MissedUtterance {
            session_id: session.id.clone(),
            bot: session.bot.clone(),
            text: text.to_string(),
            at,
        });
        Ok(())
    }
}

/// What the bot says when a session opens.
fn greeting(def: &switchboard_bots::BotDefinition) -> String {
    def.greeting
        .clone()
        .unwrap_or_else(|| "Hello! How can I help you today?".to_string())
}
