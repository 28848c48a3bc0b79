//! JSON shapes of the call-audio protocols (Amazon LCA's websocket client, Twilio Media Streams)
//! and of the live call feed.

use serde::{Deserialize, Serialize};

/// A text frame from an LCA-style client.
#[derive(Debug, Deserialize)]
#[serde(tag = "callEvent", rename_all = "UPPERCASE")]
pub enum LcaEvent {
    Start(LcaStart),
    End(LcaEnd),
}

/// `{"callEvent":"START", …}`: LCA's fields, plus optional ones of ours for the audio shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LcaStart {
    pub call_id: String,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub agent_id: Option<String>,
    /// Ours: the queue (skill, line of business) the call came through.
    pub queue: Option<String>,
    pub sampling_rate: u32,
    /// Ours: `pcm16le` (default), `mulaw`, `alaw`.
    pub encoding: Option<String>,
    /// Ours: 1 or 2 (default 2, interleaved).
    pub channels: Option<u16>,
    /// Ours: role of each channel, default `["customer", "agent"]`.
    pub channel_roles: Option<Vec<String>>,
}

/// `{"callEvent":"END","callId":…}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LcaEnd {
    pub call_id: String,
}

/// A Twilio Media Streams message.
#[derive(Debug, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum TwilioEvent {
    Connected {},
    Start { start: TwilioStart },
    Media { media: TwilioMedia },
    Stop {},
    Mark {},
    Dtmf {},
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TwilioStart {
    pub stream_sid: String,
    pub call_sid: Option<String>,
    #[serde(default)]
    pub tracks: Vec<String>,
    #[serde(default)]
    pub custom_parameters: std::collections::HashMap<String, String>,
    pub media_format: Option<TwilioMediaFormat>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TwilioMediaFormat {
    pub encoding: String,
    pub sample_rate: u32,
}

#[derive(Debug, Deserialize)]
pub struct TwilioMedia {
    pub track: String,
    /// Base64 audio in the stream's encoding.
    pub payload: String,
}

/// What the live feed (`/v1/calls/live`) sends: one JSON object per call event.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    CallStarted {
        call_id: String,
        from_number: Option<String>,
        to_number: Option<String>,
        agent_id: Option<String>,
        offset_ms: u64,
    },
    Partial {
        call_id: String,
        channel: u32,
        speaker: String,
        start_ms: u64,
        stable: String,
        unstable: String,
    },
    Segment {
        call_id: String,
        seq: u32,
        channel: u32,
        speaker: String,
        start_ms: u64,
        end_ms: u64,
        text: String,
        confidence: f32,
        /// The segment's sentiment and its speaker's running sentiment (when scored).
        #[serde(skip_serializing_if = "Option::is_none")]
        sentiment: Option<SentimentView>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        key_phrases: Vec<String>,
    },
    /// A rule matched the call: its category, and an alert when `severity` is set.
    RuleHit {
        call_id: String,
        seq: u32,
        speaker: String,
        /// The (redacted) words that made it match.
        text: String,
        rule: String,
        category: String,
        severity: Option<String>,
        reason: String,
        description: String,
    },
    /// What the bot offers the agent for a customer's segment, best first.
    Suggestions {
        call_id: String,
        seq: u32,
        bot: String,
        suggestions: Vec<SuggestionView>,
    },
    /// The agent marked a suggestion `used` or `not_helpful`.
    SuggestionFeedback {
        call_id: String,
        suggestion_id: String,
        feedback: String,
        by: String,
    },
    /// A customer's words that neither an intent nor an article matched (kept for review).
    Missed {
        call_id: String,
        seq: u32,
        speaker: String,
        bot: String,
        text: String,
        best_guesses: Vec<crate::wire::Guess>,
    },
    Lagging {
        call_id: String,
        behind_ms: u64,
    },
    /// A stage of the call failed and was restarted: transcription resumed at `resumed_at_ms`.
    Degraded {
        call_id: String,
        stage: String,
        reason: String,
        resumed_at_ms: u64,
    },
    CallEnded {
        call_id: String,
        status: String,
        reason: Option<String>,
        audio_ms: u64,
        segments: u32,
    },
    /// The feed fell behind and skipped this many events.
    Skipped {
        events: u64,
    },
}

/// A suggestion for the agent: an intent's reply or a knowledge article, with its score.
#[derive(Debug, Clone, Serialize)]
pub struct SuggestionView {
    /// What feedback names.
    pub id: String,
    /// `intent` or `knowledge`.
    pub kind: String,
    /// The intent's name or the article's document id.
    pub reference: String,
    pub title: String,
    pub text: String,
    pub score: f32,
    /// `used` or `not_helpful` once the agent said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

impl From<switchboard_events::SuggestionCard> for SuggestionView {
    fn from(s: switchboard_events::SuggestionCard) -> Self {
        Self {
            id: s.id,
            kind: s.kind,
            reference: s.reference,
            title: s.title,
            text: s.text,
            score: s.score,
            feedback: None,
        }
    }
}

/// A stored suggestion with the segment it answers.
#[derive(Debug, Serialize)]
pub struct StoredSuggestion {
    seq: u32,
    rank: u32,
    bot: String,
    #[serde(flatten)]
    suggestion: SuggestionView,
    #[serde(skip_serializing_if = "Option::is_none")]
    feedback_by: Option<String>,
}

impl From<switchboard_storage::SuggestionRecord> for StoredSuggestion {
    fn from(r: switchboard_storage::SuggestionRecord) -> Self {
        let s = r.suggestion;
        Self {
            seq: s.seq,
            rank: s.rank,
            bot: s.bot,
            suggestion: SuggestionView {
                id: r.id,
                kind: s.kind,
                reference: s.reference,
                title: s.title,
                text: s.text,
                score: s.score,
                feedback: r.feedback,
            },
            feedback_by: r.feedback_by,
        }
    }
}

/// `{"feedback": "used" | "not_helpful"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    pub feedback: String,
}

/// A sentiment reading on the wire: label, score (−1…1) and the speaker's running score.
#[derive(Debug, Clone, Serialize)]
pub struct SentimentView {
    pub label: String,
    pub score: f32,
    pub running: f32,
}

impl From<switchboard_events::SentimentReading> for SentimentView {
    fn from(s: switchboard_events::SentimentReading) -> Self {
        Self {
            label: s.label,
            score: s.score,
            running: s.running,
        }
    }
}

impl From<switchboard_storage::SegmentSentiment> for SentimentView {
    fn from(s: switchboard_storage::SegmentSentiment) -> Self {
        Self {
            label: s.label,
            score: s.score,
            running: s.running,
        }
    }
}
