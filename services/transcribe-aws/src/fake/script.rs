//! What the fake should say, and what it heard.

use std::collections::BTreeMap;

/// The fake's answers for every start it receives.
#[derive(Debug, Clone, Default)]
pub struct Script {
    /// Starts answered `429 LimitExceededException` before one is accepted (`usize::MAX`: all).
    pub throttle_starts: usize,
    /// Speech to "recognise", each said once enough audio has arrived; the rest when audio ends.
    pub utterances: Vec<Utterance>,
    /// Ends an accepted stream with an exception instead of finishing it.
    pub fail: Option<Failure>,
}

/// One utterance: answered as a partial (first half of the words stable), then a final.
#[derive(Debug, Clone, PartialEq)]
pub struct Utterance {
    /// Reported as `ChannelId` `ch_<channel>` when the client asked for channel identification.
    pub channel: usize,
    /// Said once this many audio events have arrived.
    pub after_events: usize,
    /// Words separated by spaces; trailing `.,?!` become punctuation items.
    pub text: String,
    /// Stream time of the utterance, in seconds, as Transcribe reports it.
    pub start_s: f64,
    pub end_s: f64,
    /// Each word's confidence in the final; `None` leaves the field out.
    pub confidence: Option<f64>,
}

impl Utterance {
    /// An utterance whose items carry no confidence.
    pub fn new(channel: usize, after_events: usize, text: &str, start_s: f64, end_s: f64) -> Self {
        Self {
            channel,
            after_events,
            text: text.to_owned(),
            start_s,
            end_s,
            confidence: None,
        }
    }

    /// The same utterance with each word's confidence set.
    pub fn with_confidence(mut self, confidence: f64) -> Self {
        self.confidence = Some(confidence);
        self
    }
}

/// Ends the stream with a modelled exception once `after_events` audio events have arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub after_events: usize,
    pub exception: Exception,
    pub message: String,
}

/// The exceptions Transcribe streaming sends in the result stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exception {
    BadRequest,
    InternalFailure,
    LimitExceeded,
    ServiceUnavailable,
}

impl Exception {
    /// The `:exception-type` the SDK matches on.
    pub fn as_str(self) -> &'static str {
        match self {
            Exception::BadRequest => "BadRequestException",
            Exception::InternalFailure => "InternalFailureException",
            Exception::LimitExceeded => "LimitExceededException",
            Exception::ServiceUnavailable => "ServiceUnavailableException",
        }
    }
}

/// What one start request carried.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Received {
    /// `x-amzn-transcribe-*` request headers (names lowercase).
    pub headers: BTreeMap<String, String>,
    /// Answered with 429 instead of a stream.
    pub throttled: bool,
    /// Non-empty audio events decoded.
    pub audio_events: usize,
    /// Audio per channel, de-interleaved by the `number-of-channels` header.
    pub audio: Vec<Vec<i16>>,
    /// Audio events whose payload was not a whole number of frames.
    pub misaligned_events: usize,
    /// Largest audio event payload, in bytes.
    pub largest_event_bytes: usize,
    /// Messages wrapped in a SigV4 `:chunk-signature` envelope.
    pub signed_messages: usize,
    /// The client closed the audio with the empty end-of-stream frame.
    pub end_frame: bool,
    /// Framing or protocol faults the fake saw (a correct client leaves this empty).
    pub faults: Vec<String>,
}

impl Received {
    /// One `x-amzn-transcribe-<name>` header, e.g. `sample-rate`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&format!("x-amzn-transcribe-{name}"))
            .map(String::as_str)
    }

    /// Channels the client declared (1 when it declared none).
    pub fn channels(&self) -> usize {
        self.header("number-of-channels")
            .and_then(|n| n.parse().ok())
            .unwrap_or(1)
    }
}
