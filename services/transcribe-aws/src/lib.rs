//! Amazon Transcribe streaming as a switchboard speech engine (`asr.engine = "transcribe"`).
//!
//! [`TranscribeRecognizer`] implements [`switchboard_transcription::Recognizer`]: each call gets
//! one `StartStreamTranscription` with channel identification, its PCM pushed as audio events,
//! and Transcribe's results turned into partials and segments. With the `fake` feature,
//! [`fake::FakeTranscribe`] is a local server speaking the same wire protocol, for tests.

mod audio;
mod config;
mod recognizer;
mod results;
mod session;

#[cfg(feature = "fake")]
pub mod fake;

pub use config::{StaticCredentials, TranscribeConfig};
pub use recognizer::TranscribeRecognizer;
