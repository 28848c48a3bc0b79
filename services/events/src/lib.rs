//! Event bus: how domain events reach subscribers without the publisher knowing them.
//!
//! Publishers never wait for subscribers: the bus is a bounded broadcast channel, and a subscriber
//! that falls behind loses the oldest events (and is told how many) rather than slowing a chat turn
//! or a call. [`NatsBus`] carries the same events between the nodes of a multi-node deployment.

mod error;
mod nats;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

pub use error::EventsError;
pub use nats::{DEFAULT_SUBJECT_PREFIX, NatsBus, NatsOptions};

/// Something that happened in one part of Switchboard that other parts may react to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A chat turn was answered; the supervisor views and analytics follow chats through this.
    ChatTurn {
        session_id: String,
        bot: String,
        visitor_text: String,
        reply_text: String,
        /// `intent`, `knowledge` or `handoff`.
        source_kind: String,
        at: DateTime<Utc>,
    },
    /// The bot could not answer well; the improvement loop collects these.
    MissedUtterance {
        session_id: String,
        bot: String,
        text: String,
        at: DateTime<Utc>,
    },
    /// A chat changed hands: queued for a person (`waiting`), taken by an agent (`with_agent`),
    /// or given back to the bot (`closed`). The agents' queue and the visitor's widget follow it.
    ChatHandoff {
        session_id: String,
        bot: String,
        state: String,
        agent_id: Option<String>,
        reason: String,
        at: DateTime<Utc>,
    },
    /// A visitor wrote while a person holds the chat (or it waits for one); redacted.
    ChatVisitorMessage {
        session_id: String,
        bot: String,
        text: String,
        at: DateTime<Utc>,
    },
    /// An agent wrote to a visitor; redacted like every stored turn.
    ChatAgentMessage {
        session_id: String,
        agent_id: String,
        text: String,
        at: DateTime<Utc>,
    },
    /// A new version of a bot became the active one (published or rolled back): every node
    /// loads it from storage and swaps it in.
    BotPublished {
        bot: String,
        version: u32,
        at: DateTime<Utc>,
    },
    /// Call audio started (or resumed) streaming; supervisors' live view lists it.
    CallStarted {
        call_id: String,
        from_number: Option<String>,
        to_number: Option<String>,
        agent_id: Option<String>,
        /// Where this connection's audio starts in the call (non-zero after a reconnect).
        offset_ms: u64,
        at: DateTime<Utc>,
    },
    /// Live text of speech still in progress; replaced by later partials and the final.
    CallPartial {
        call_id: String,
        channel: u32,
        speaker: String,
        start_ms: u64,
        stable: String,
        unstable: String,
    },
    /// A finished utterance, already stored with the call: enrichment and the sidebar start here.
    CallSegment {
        call_id: String,
        seq: u32,
        channel: u32,
        speaker: String,
        start_ms: u64,
        end_ms: u64,
        text: String,
        confidence: f32,
        /// The segment's sentiment and its speaker's running sentiment after it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sentiment: Option<SentimentReading>,
        /// What the segment is about, most telling first.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        key_phrases: Vec<String>,
    },
    /// A rule matched a call: a category recorded on it and, with a severity, an alert for
    /// supervisors, shown with the (redacted) words of the segment that made it match.
    CallRuleHit {
        call_id: String,
        seq: u32,
        speaker: String,
        text: String,
        rule: String,
        category: String,
        /// "info", "warning" or "high" when the rule raises an alert.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        severity: Option<String>,
        reason: String,
        description: String,
        at: DateTime<Utc>,
    },
    /// What the bot offers the agent for a customer's segment, best first: an intent's reply or
    /// knowledge articles. The agent's sidebar shows them; ids are what feedback names.
    CallSuggestions {
        call_id: String,
        seq: u32,
        bot: String,
        suggestions: Vec<SuggestionCard>,
        at: DateTime<Utc>,
    },
    /// The agent marked a suggestion `used` or `not_helpful`.
    CallSuggestionFeedback {
        call_id: String,
        suggestion_id: String,
        feedback: String,
        by: String,
        at: DateTime<Utc>,
    },
    /// A customer's words on a call that neither an intent nor an article matched; kept for the
    /// improvement loop beside the chats' missed utterances.
    CallMissedUtterance {
        call_id: String,
        seq: u32,
        speaker: String,
        bot: String,
        text: String,
        /// The classifier's best intents with probabilities.
        best_guesses: Vec<(String, f32)>,
        at: DateTime<Utc>,
    },
    /// Transcription of a call is behind real time by this much.
    CallLagging { call_id: String, behind_ms: u64 },
    /// A stage of a call's pipeline failed (a panic, an engine error); the call goes on, with
    /// transcription resumed from `resumed_at_ms` of call audio. Supervisors see the gap.
    CallDegraded {
        call_id: String,
        stage: String,
        reason: String,
        resumed_at_ms: u64,
    },
    /// A call's stream ended: `completed`, or `incomplete` when the client vanished or broke it.
    CallEnded {
        call_id: String,
        status: String,
        /// Why it ended when not cleanly, as told to the client.
        reason: Option<String>,
        audio_ms: u64,
        segments: u32,
        at: DateTime<Utc>,
    },
}

/// A sentiment reading on the bus: the turn's own, and its speaker's running score after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentReading {
    /// "negative", "neutral" or "positive".
    pub label: String,
    /// −1 … 1.
    pub score: f32,
    /// −1 … 1.
    pub running: f32,
}

/// One suggestion on the bus, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestionCard {
    pub id: String,
    /// "intent" or "knowledge".
    pub kind: String,
    /// The intent's name or the article's document id.
    pub reference: String,
    pub title: String,
    pub text: String,
    /// Intent confidence or knowledge score, 0..=1.
    pub score: f32,
}

/// Publishing side of the bus, shared by every producer.
pub trait EventBus: Send + Sync {
    /// Hands an event to current subscribers; never blocks.
    fn publish(&self, event: Event);
    /// A new stream of events published from now on.
    fn subscribe(&self) -> Subscription;
}

/// Receiving end of a subscription.
pub struct Subscription {
    rx: broadcast::Receiver<Event>,
}

/// What a subscriber gets when it asks for the next event.
#[derive(Debug, PartialEq)]
pub enum Received {
    Event(Event),
    /// The subscriber was too slow and this many events were dropped for it.
    Lagged(u64),
    /// The bus is gone (shutdown).
    Closed,
}

impl Subscription {
    /// Waits for the next event.
    pub async fn recv(&mut self) -> Received {
        match self.rx.recv().await {
            Ok(event) => Received::Event(event),
            Err(broadcast::error::RecvError::Lagged(n)) => Received::Lagged(n),
            Err(broadcast::error::RecvError::Closed) => Received::Closed,
        }
    }
}

/// The embedded default bus: one process, no broker.
#[derive(Clone)]
pub struct InProcessBus {
    tx: broadcast::Sender<Event>,
}

impl InProcessBus {
    /// `capacity` bounds memory: a subscriber more than this many events behind starts losing them.
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity.max(1));
        Self { tx }
    }
}

impl EventBus for InProcessBus {
    fn publish(&self, event: Event) {
        // An error only means nobody is subscribed right now, which is fine.
        let _ = self.tx.send(event);
    }

    fn subscribe(&self) -> Subscription {
        Subscription {
            rx: self.tx.subscribe(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missed(text: &str) -> Event {
        Event::MissedUtterance {
            session_id: "s1".into(),
            bot: "banking".into(),
            text: text.into(),
            at: Utc::now(),
        }
    }

    fn text_of(received: Received) -> String {
        match received {
            Received::Event(Event::MissedUtterance { text, .. }) => text,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test]
    async fn every_subscriber_receives_events_in_order() {
        let bus = InProcessBus::new(8);
        let mut a = bus.subscribe();
        let mut b = bus.subscribe();
        bus.publish(missed("one"));
        bus.publish(missed("two"));
        assert_eq!(text_of(a.recv().await), "one");
        assert_eq!(text_of(a.recv().await), "two");
        assert_eq!(text_of(b.recv().await), "one");
    }

    #[tokio::test]
    async fn a_slow_subscriber_is_told_what_it_lost() {
        let bus = InProcessBus::new(2);
        let mut slow = bus.subscribe();
        for t in ["a", "b", "c", "d"] {
            bus.publish(missed(t));
        }
        assert_eq!(slow.recv().await, Received::Lagged(2));
        assert_eq!(text_of(slow.recv().await), "c");
    }

    #[tokio::test]
    async fn publishing_without_subscribers_is_not_an_error() {
        let bus = InProcessBus::new(2);
        bus.publish(missed("nobody listens"));
        let mut late = bus.subscribe();
        bus.publish(missed("after"));
        assert_eq!(text_of(late.recv().await), "after");
    }
}
