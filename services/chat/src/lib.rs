//! The chatbot: turns a visitor message into an answer with its source, or a handoff.
//!
//! A turn embeds the message once (shared by intent classification and knowledge retrieval),
//! asks the bot's intent model, falls back to the knowledge index, and hands off to a human when
//! neither is confident. Every turn is stored; handoffs and low-confidence turns are also stored
//! as missed utterances for the improvement loop. This crate knows nothing of HTTP or JSON.

mod embed_queue;
mod registry;
mod service;
mod session;
mod turn;

pub use embed_queue::EmbedQueue;
pub use registry::{BotRegistry, LoadedBot};
pub use service::{ChatService, SessionInfo};
pub use turn::{HandoffReason, Source, TurnOutcome};

/// Why a chat operation failed, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// No bot with that name is loaded.
    #[error("unknown bot `{0}`")]
    UnknownBot(String),
    /// The session id does not exist (or belongs to another bot).
    #[error("unknown session `{0}`")]
    UnknownSession(String),
    /// The bot could not be built from its definition (training failed).
    #[error("bot `{bot}` could not be built: {reason}")]
    Build { bot: String, reason: String },
    /// The encoder failed; the turn was not answered.
    #[error(transparent)]
    Embedding(#[from] switchboard_embeddings::EmbedError),
    /// Too many messages are waiting for the encoder; the visitor should retry shortly.
    #[error("the assistant is busy; please try again in a moment")]
    Busy,
    /// The knowledge index could not be searched.
    #[error("knowledge search failed: {0}")]
    Knowledge(String),
    /// Storing the turn failed; the caller should report a server error.
    #[error(transparent)]
    Storage(#[from] switchboard_storage::StoreError),
}
