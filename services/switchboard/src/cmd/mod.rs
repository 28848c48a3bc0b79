//! One module per CLI command; `main.rs` only parses and dispatches.

pub mod eval_faq;
pub mod eval_nlu;
