//! JSON shapes on the wire, documented in README.md ("Chat protocol") and `openapi.json`.
//!
//! Changing a field here changes the public protocol: add fields, never rename or remove them.

use serde::{Deserialize, Serialize};
use switchboard_chat::{Source, TurnOutcome};

/// A message a chat client sends.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// A visitor's message to the bot.
    Message { text: String },
    /// Keep-alive; answered with `pong`.
    Ping,
}

/// A message the server sends on `/v1/chat`.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// First message of every connection: the session to quote when reconnecting.
    Session {
        session_id: String,
        bot: String,
        bot_version: u32,
        greeting: String,
    },
    /// The bot's answer to one message.
    Reply {
        session_id: String,
        turn: u32,
        text: String,
        source: WireSource,
        latency_ms: f64,
    },
    /// The visitor's message went to a person: the agent holding the chat, or the queue
    /// (`agent` absent) while the chat waits for one.
    Delivered {
        agent: Option<String>,
    },
    /// A person took the chat over; the bot stays out until they leave.
    AgentJoined {
        agent: String,
    },
    /// The person's message to the visitor.
    AgentMessage {
        agent: String,
        text: String,
    },
    /// The person closed the chat; the bot answers again.
    AgentLeft {
        agent: Option<String>,
    },
    /// A problem with the last message; the connection stays usable.
    Error {
        code: &'static str,
        message: String,
    },
    Pong,
}

/// Where a reply came from.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WireSource {
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
        reason: &'static str,
    },
}

impl From<&Source> for WireSource {
    fn from(s: &Source) -> Self {
        match s {
            Source::Intent { intent, confidence } => WireSource::Intent {
                intent: intent.clone(),
                confidence: *confidence,
            },
            Source::Knowledge {
                document_id,
                title,
                score,
            } => WireSource::Knowledge {
                document_id: document_id.clone(),
                title: title.clone(),
                score: *score,
            },
            Source::Handoff { reason } => WireSource::Handoff {
                reason: reason.as_str(),
            },
        }
    }
}

impl From<TurnOutcome> for ServerMessage {
    fn from(t: TurnOutcome) -> Self {
        ServerMessage::Reply {
            session_id: t.session_id,
            turn: t.turn,
            source: WireSource::from(&t.source),
            text: t.text,
            latency_ms: (t.latency.as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
        }
    }
}

/// Body of every HTTP error.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// A stable machine-readable code and a message for people.
#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    pub code: &'static str,
    pub message: String,
}

impl ErrorBody {
    /// Builds the body for `code`.
    pub fn new(code: &'static str, message: String) -> Self {
        Self {
            error: ErrorDetail { code, message },
        }
    }
}

/// `POST /v1/tokens` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    pub name: String,
    pub role: String,
}

/// A call rule as listed: what it records, whether it alerts, and its condition as written.
#[derive(Debug, Serialize)]
pub struct RuleView {
    pub name: String,
    pub category: String,
    pub description: String,
    /// "customer" or "agent"; absent for either.
    pub speaker: Option<String>,
    /// Severity of the alert it raises; absent when it records the category only.
    pub alert: Option<&'static str>,
    pub condition: String,
}

/// A token as listed (never with its secret).
#[derive(Debug, Serialize)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub created_at: String,
    pub revoked: bool,
}

/// `GET /v1/me`: whom the token speaks for (an agent token's name is the agent id).
#[derive(Debug, Serialize)]
pub struct Me {
    pub name: String,
    pub role: &'static str,
}

/// `POST /v1/tokens` answer: the only time the secret is shown.
#[derive(Debug, Serialize)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: TokenView,
    pub secret: String,
}

/// A stored chat turn.
#[derive(Debug, Serialize)]
pub struct TurnView {
    pub speaker: &'static str,
    /// Who said it, for an agent's turn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    pub text: String,
    pub source: Option<String>,
    pub intent: Option<String>,
    pub confidence: Option<f32>,
    pub document_id: Option<String>,
    pub latency_ms: Option<u32>,
    pub at: String,
}

impl From<switchboard_storage::TurnRecord> for TurnView {
    fn from(t: switchboard_storage::TurnRecord) -> Self {
        Self {
            speaker: t.speaker.as_str(),
            agent_id: t.agent_id,
            text: t.text,
            source: t.source_kind,
            intent: t.intent,
            confidence: t.confidence,
            document_id: t.document_id,
            latency_ms: t.latency_ms,
            at: t.at.to_rfc3339(),
        }
    }
}

/// A chat handed to a person, as the queue shows it.
#[derive(Debug, Serialize)]
pub struct HandoffView {
    pub session_id: String,
    pub bot: String,
    /// `waiting`, `with_agent` or `closed`.
    pub state: &'static str,
    pub agent_id: Option<String>,
    pub reason: String,
    /// When it entered its current state.
    pub since: String,
    pub started_at: String,
}

impl From<switchboard_storage::Handoff> for HandoffView {
    fn from(h: switchboard_storage::Handoff) -> Self {
        Self {
            session_id: h.session_id,
            bot: h.bot,
            state: h.state.as_str(),
            agent_id: h.agent_id,
            reason: h.reason,
            since: h.since.to_rfc3339(),
            started_at: h.started_at.to_rfc3339(),
        }
    }
}

/// `POST /v1/chat/handoffs/{id}/take` answer: the chat and everything said so far.
#[derive(Debug, Serialize)]
pub struct TakenView {
    pub handoff: HandoffView,
    pub transcript: Vec<TurnView>,
    /// What the bot could not answer, with its best guesses.
    pub missed: Vec<MissedView>,
}

/// An agent's message to a visitor: `{"text": "..."}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentText {
    pub text: String,
}

/// What the agents' chat feed (`/v1/chat/live`) sends.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatLiveMessage {
    /// A chat was queued for a person, taken, or given back to the bot.
    Handoff {
        session_id: String,
        bot: String,
        state: String,
        agent_id: Option<String>,
        reason: String,
        at: String,
    },
    /// The visitor wrote (redacted).
    VisitorMessage {
        session_id: String,
        text: String,
        at: String,
    },
    /// An agent wrote (redacted).
    AgentMessage {
        session_id: String,
        agent_id: String,
        text: String,
        at: String,
    },
    /// The feed fell behind and skipped this many events.
    Skipped { events: u64 },
}

/// A chat session summary.
#[derive(Debug, Serialize)]
pub struct SessionView {
    pub id: String,
    pub bot: String,
    pub bot_version: u32,
    pub created_at: String,
}

/// An utterance the bot could not answer well.
#[derive(Debug, Serialize)]
pub struct MissedView {
    pub id: String,
    /// The chat it was said in (null for a call's).
    pub session_id: Option<String>,
    /// The call and segment it was said in (null for a chat's).
    pub call_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    pub bot: String,
    pub text: String,
    pub reason: String,
    pub best_guesses: Vec<Guess>,
    pub status: String,
    pub at: String,
}

impl From<switchboard_storage::MissedRecord> for MissedView {
    fn from(m: switchboard_storage::MissedRecord) -> Self {
        use switchboard_storage::MissedOrigin;
        let (session_id, call_id, seq, speaker) = match m.utterance.origin {
            MissedOrigin::Chat { session_id } => (Some(session_id), None, None, None),
            MissedOrigin::Call {
                call_id,
                seq,
                speaker,
                ..
            } => (None, Some(call_id), Some(seq), Some(speaker)),
        };
        Self {
            id: m.id,
            session_id,
            call_id,
            seq,
            speaker,
            bot: m.bot,
            text: m.utterance.text,
            reason: m.utterance.reason,
            best_guesses: Guess::all(m.utterance.best_guesses),
            status: m.status,
            at: m.utterance.at.to_rfc3339(),
        }
    }
}

/// One ranked intent guess.
#[derive(Debug, Serialize)]
pub struct Guess {
    pub intent: String,
    pub confidence: f32,
}

impl Guess {
    /// The wire form of `(intent, confidence)` pairs, order kept.
    pub fn all(guesses: Vec<(String, f32)>) -> Vec<Guess> {
        guesses
            .into_iter()
            .map(|(intent, confidence)| Guess { intent, confidence })
            .collect()
    }
}

/// A knowledge search hit.
#[derive(Debug, Serialize)]
pub struct HitView {
    pub document_id: String,
    pub title: String,
    pub score: f32,
    pub text: String,
}

/// A loaded bot.
#[derive(Debug, Serialize)]
pub struct BotView {
    pub name: String,
    pub version: u32,
    pub locale: String,
    pub description: String,
    pub intents: Vec<IntentView>,
}

/// An intent summary.
#[derive(Debug, Serialize)]
pub struct IntentView {
    pub name: String,
    pub utterances: usize,
    pub slots: Vec<String>,
}
