//! Speech to text for calls.
//!
//! Every engine sits behind [`Recognizer`]: the call pipeline opens one stream per call, pushes
//! PCM per channel into it and reads partial and final segments back, without knowing whether
//! local Whisper or Amazon Transcribe does the work.

mod agreement;
mod types;
pub mod whisper;

pub use types::{
    AsrError, AudioChunk, Partial, Recognizer, RecognizerStream, Segment, Speaker, StreamSpec,
    TranscriptEvent,
};
pub use whisper::{WhisperConfig, WhisperEngine};

/// What a caught panic said, for the log line and the call's degraded event.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}
