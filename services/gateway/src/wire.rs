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
    pub text: String,
    pub source: Option<String>,
    pub intent: Option<String>,
    pub confidence: Option<f32>,
    pub document_id: Option<String>,
    pub latency_ms: Option<u32>,
    pub at: String,
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
    pub session_id: String,
    pub bot: String,
    pub text: String,
    pub reason: String,
    pub best_guesses: Vec<Guess>,
    pub status: String,
    pub at: String,
}

/// One ranked intent guess.
#[derive(Debug, Serialize)]
pub struct Guess {
    pub intent: String,
    pub confidence: f32,
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
