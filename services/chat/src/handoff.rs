//! Chats handed to a person: the visitor's messages go to the agent who holds the chat (or wait
//! for one), the agent's go to the visitor, and the bot stays out until the agent closes it.
//! Every node learns of each step from the event bus, so the visitor and the agent may be
//! connected to different nodes.

use chrono::{SubsecRound, Utc};
use switchboard_events::Event;
use switchboard_storage::{Handoff, HandoffState, MissedRecord, Speaker, StoreError, TurnRecord};

use crate::{ChatError, ChatService, SessionInfo};

/// What became of a visitor's message.
#[derive(Debug, Clone)]
pub enum Said {
    /// The bot answered.
    Bot(crate::TurnOutcome),
    /// A person holds the chat, or it waits for one: the message went to them, not the bot.
    ToAgent(Handoff),
}

/// A chat an agent just took: where it stands and everything said so far.
#[derive(Debug, Clone)]
pub struct TakenChat {
    pub handoff: Handoff,
    /// Visitor, bot and agent turns so far (redacted).
    pub transcript: Vec<TurnRecord>,
    /// What the bot could not answer, with its best guesses.
    pub missed: Vec<MissedRecord>,
}

impl ChatService {
    /// The chat's handoff when a person holds it or it waits for one.
    pub(crate) async fn open_handoff(
        &self,
        session_id: &str,
    ) -> Result<Option<Handoff>, ChatError> {
        Ok(self
            .store
            .handoff(session_id)
            .await?
            .filter(|h| h.state.is_open()))
    }

    /// Stores a visitor's message for the person holding the chat and tells them.
    pub(crate) async fn relay(
        &self,
        session: &SessionInfo,
        text: &str,
        handoff: Handoff,
    ) -> Result<Said, ChatError> {
        let clean = self.redactor.conversation().redact("visitor", text).text;
        // One timestamp for the stored turn and the event, so a page can match them.
        let record = turn(Speaker::Visitor, &clean, None);
        self.store.append_turn(&session.id, &record).await?;
        self.bus.publish(Event::ChatVisitorMessage {
            session_id: session.id.clone(),
            bot: session.bot.clone(),
            text: clean,
            at: record.at,
        });
        Ok(Said::ToAgent(handoff))
    }

    /// Queues the chat for a person after the bot handed it off, and tells the agents.
    pub(crate) async fn queue_for_agent(
        &self,
        session: &SessionInfo,
        reason: &str,
    ) -> Result<(), ChatError> {
        let handoff = self.store.request_handoff(&session.id, reason).await?;
        self.announce(&handoff);
        Ok(())
    }

    /// Gives a waiting chat to `agent` and returns the conversation so far. `Handoff` (nothing
    /// changed) when another agent holds it or it is not waiting.
    pub async fn take_chat(&self, session_id: &str, agent: &str) -> Result<TakenChat, ChatError> {
        let handoff = self
            .store
            .take_handoff(session_id, agent)
            .await
            .map_err(|e| handoff_error(session_id, e))?;
        self.announce(&handoff);
        Ok(TakenChat {
            transcript: self.store.transcript(session_id).await?,
            missed: self.store.session_missed(session_id).await?,
            handoff,
        })
    }

    /// An agent's message to the visitor of a chat they hold; stored redacted and sent.
    pub async fn agent_says(
        &self,
        session_id: &str,
        agent: &str,
        text: &str,
    ) -> Result<TurnRecord, ChatError> {
        let handoff = self
            .store
            .handoff(session_id)
            .await?
            .filter(|h| h.state == HandoffState::WithAgent);
        match handoff {
            Some(h) if h.agent_id.as_deref() == Some(agent) => {}
            Some(h) => {
                return Err(ChatError::NotYours(format!(
                    "chat {session_id:?} is held by {:?}",
                    h.agent_id.unwrap_or_default()
                )));
            }
            None => {
                return Err(self.not_held(session_id).await);
            }
        }
        let clean = self.redactor.conversation().redact("agent", text).text;
        let record = turn(Speaker::Agent, &clean, Some(agent));
        self.store.append_turn(session_id, &record).await?;
        self.bus.publish(Event::ChatAgentMessage {
            session_id: session_id.to_string(),
            agent_id: agent.to_string(),
            text: clean,
            at: record.at,
        });
        Ok(record)
    }

    /// Gives the chat back to the bot; only the agent holding it may.
    pub async fn close_chat(&self, session_id: &str, agent: &str) -> Result<Handoff, ChatError> {
        let handoff = self
            .store
            .close_handoff(session_id, agent)
            .await
            .map_err(|e| handoff_error(session_id, e))?;
        self.announce(&handoff);
        Ok(handoff)
    }

    fn announce(&self, handoff: &Handoff) {
        metrics::counter!("switchboard_chat_handoffs_total", "state" => handoff.state.as_str())
            .increment(1);
        self.bus.publish(Event::ChatHandoff {
            session_id: handoff.session_id.clone(),
            bot: handoff.bot.clone(),
            state: handoff.state.as_str().to_string(),
            agent_id: handoff.agent_id.clone(),
            reason: handoff.reason.clone(),
            at: handoff.since,
        });
    }

    /// Why an agent cannot write to a chat no one holds.
    async fn not_held(&self, session_id: &str) -> ChatError {
        match self.store.get_session(session_id).await {
            Ok(Some(_)) => ChatError::Handoff(format!(
                "chat {session_id:?} is not held by an agent; take it first"
            )),
            Ok(None) => ChatError::UnknownSession(session_id.to_string()),
            Err(e) => e.into(),
        }
    }
}

fn handoff_error(session_id: &str, e: StoreError) -> ChatError {
    match e {
        StoreError::Conflict(why) => ChatError::Handoff(why),
        StoreError::NotFound(_) => ChatError::UnknownSession(session_id.to_string()),
        other => other.into(),
    }
}

/// A turn stamped to the microsecond, the precision storage keeps.
fn turn(speaker: Speaker, text: &str, agent: Option<&str>) -> TurnRecord {
    TurnRecord {
        speaker,
        text: text.to_string(),
        source_kind: None,
        intent: None,
        confidence: None,
        document_id: None,
        latency_ms: None,
        at: Utc::now().trunc_subsecs(6),
        agent_id: agent.map(str::to_string),
    }
}
