//! The chatbot: turns a visitor message into an answer with its source, or a handoff.
//!
//! A turn embeds the message once (shared by intent classification and knowledge retrieval),
//! asks the bot's intent model, falls back to the knowledge index, and hands off to a human when
//! neither is confident. [`ChatService::assist`] asks the same bot about a caller's words for
//! the agent on the call. Every turn is stored; handoffs and low-confidence turns are also stored
//! as missed utterances for the improvement loop. A handed-off chat waits for a person, who takes
//! it and chats with the visitor; the bot stays out until they close it (`handoff`). This crate
//! knows nothing of HTTP or JSON.

mod assist;
mod embed_queue;
mod handoff;
mod registry;
mod service;
mod session;
mod turn;

pub use assist::{Assist, Suggestion};
pub use embed_queue::EmbedQueue;
pub use handoff::{Said, TakenChat};
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
    /// The chat is not in the handoff state this needs (not waiting, or taken by another).
    #[error("{0}")]
    Handoff(String),
    /// The chat is held by another agent.
    #[error("{0}")]
    NotYours(String),
    /// Storing the turn failed; the caller should report a server error.
    #[error(transparent)]
    Storage(#[from] switchboard_storage::StoreError),
}
