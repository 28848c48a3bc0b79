//! The chatbot: turns a visitor message into an answer with its source, or a handoff.
