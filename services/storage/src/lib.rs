//! Persistence for sessions, transcripts, missed utterances and tokens (SQLite or PostgreSQL).
