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
