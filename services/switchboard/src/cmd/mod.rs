//! One module per CLI command; `main.rs` only parses and dispatches.

pub mod analyze;
pub mod bot;
pub mod chat;
pub mod eval_asr;
pub mod eval_faq;
pub mod eval_improve;
pub mod eval_nlu;
pub mod eval_redaction;
pub mod eval_sentiment;
pub mod knowledge;
pub mod models;
pub mod rules;
pub mod serve;
pub mod token;
pub mod transcribe;
