//! The engine-neutral vocabulary of transcription: what goes in, what comes out.

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

/// Who is talking on a channel; contact-center recordings carry one party per channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Customer,
    Agent,
}

impl Speaker {
    /// The lowercase name used in storage, events and output.
    pub fn as_str(&self) -> &'static str {
        match self {
            Speaker::Customer => "customer",
            Speaker::Agent => "agent",
        }
    }
}

impl std::str::FromStr for Speaker {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "customer" | "caller" | "inbound" => Ok(Speaker::Customer),
            "agent" | "outbound" => Ok(Speaker::Agent),
            other => Err(format!(
                "unknown speaker role `{other}` (expected customer or agent)"
            )),
        }
    }
}

/// What a stream is about to receive, fixed when the call starts.
#[derive(Debug, Clone)]
pub struct StreamSpec {
    pub call_id: String,
    /// Sample rate of the PCM pushed in (8000 or 16000); engines resample as they need.
    pub sample_rate: u32,
    /// One entry per channel, in channel order.
    pub channels: Vec<Speaker>,
    /// Where this stream's time zero sits in the call: non-zero when a call reconnects and appends.
    pub offset_ms: u64,
}

/// A slice of call audio: 16-bit PCM, one vector per channel, all of the same length.
#[derive(Debug, Clone, Default)]
pub struct AudioChunk {
    pub channels: Vec<Vec<i16>>,
}

impl AudioChunk {
    /// Samples per channel.
    pub fn frames(&self) -> usize {
        self.channels.first().map_or(0, Vec::len)
    }
}

/// Text for speech still in progress: shown live, replaced by later partials and the final.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    pub channel: usize,
    pub speaker: Speaker,
    pub start_ms: u64,
    /// Words that will not change any more (agreed by consecutive hypotheses).
    pub stable: String,
    /// Words that may still change.
    pub unstable: String,
}

/// One finished utterance: what is stored with the call and analysed downstream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub channel: usize,
    pub speaker: Speaker,
    /// Call time of the utterance's first and last audio, in milliseconds.
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
    /// 0–1: mean token probability (Whisper) or the engine's own confidence.
    pub confidence: f32,
}

/// What a recognizer reports while a call streams.
#[derive(Debug, Clone, PartialEq)]
pub enum TranscriptEvent {
    Partial(Partial),
    Final(Segment),
    /// The engine is this far behind the audio it was given: supervisors see the call lagging.
    Lagging {
        behind_ms: u64,
    },
    /// One piece of work failed (an utterance that could not be decoded); the stream goes on
    /// from `at_ms` of call time. Supervisors see the gap; the call still completes.
    Degraded {
        stage: &'static str,
        reason: String,
        at_ms: u64,
    },
    /// The engine gave up on this call; the pipeline keeps what it already has.
    Failed(AsrError),
}

/// Why recognition failed, in terms a caller can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AsrError {
    #[error("speech model not available: {0}")]
    ModelUnavailable(String),
    #[error("audio not supported: {0}")]
    Unsupported(String),
    #[error("speech service is throttling requests: {0}")]
    Throttled(String),
    #[error("speech service failed: {0}")]
    Service(String),
    #[error("speech engine overloaded: {0}")]
    Overloaded(String),
}

/// The two ends of one call's recognition stream.
pub struct RecognizerStream {
    /// Push audio here; dropping it ends the stream (remaining speech is finalised first).
    pub audio: mpsc::Sender<AudioChunk>,
    /// Partials, finals and trouble, in order; closes after the last final.
    pub events: mpsc::Receiver<TranscriptEvent>,
}

/// A speech-to-text engine that can follow many calls at once.
pub trait Recognizer: Send + Sync {
    /// Starts recognising one call; must be called inside a tokio runtime (engines spawn tasks).
    fn open(&self, spec: StreamSpec) -> Result<RecognizerStream, AsrError>;
    /// Short name for logs and metrics (`whisper`, `transcribe`).
    fn name(&self) -> &'static str;
}
