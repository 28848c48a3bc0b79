//! Database rows of calls and segments, and their checked conversion to records.

use chrono::{DateTime, Utc};

use crate::error::{Result, corrupt};
use crate::types::{CallRecord, CallSegmentRecord, SegmentInsights, SegmentSentiment};

#[derive(sqlx::FromRow)]
pub(super) struct CallRow {
    id: String,
    source: String,
    from_number: Option<String>,
    to_number: Option<String>,
    agent_id: Option<String>,
    queue: Option<String>,
    sample_rate: i64,
    encoding: String,
    channel_roles: String,
    status: String,
    started_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    audio_ms: i64,
    connections: i64,
    segments: i64,
}

impl CallRow {
    pub(super) fn into_record(self) -> Result<CallRecord> {
        let id = self.id;
        let bad = |field: &str, value: &dyn std::fmt::Display| {
            corrupt(format!("call {id:?} has {field} {value}"))
        };
        let channel_roles = serde_json::from_str(&self.channel_roles)
            .map_err(|e| bad("channel_roles", &format!("{:?} ({e})", self.channel_roles)))?;
        let sample_rate =
            u32::try_from(self.sample_rate).map_err(|_| bad("sample_rate", &self.sample_rate))?;
        let audio_ms = u64::try_from(self.audio_ms).map_err(|_| bad("audio_ms", &self.audio_ms))?;
        let connections =
            u32::try_from(self.connections).map_err(|_| bad("connections", &self.connections))?;
        let segments = u32::try_from(self.segments).map_err(|_| bad("segments", &self.segments))?;
        Ok(CallRecord {
            id,
            source: self.source,
            from_number: self.from_number,
            to_number: self.to_number,
            agent_id: self.agent_id,
            queue: self.queue,
            sample_rate,
            encoding: self.encoding,
            channel_roles,
            status: self.status,
            started_at: self.started_at,
            updated_at: self.updated_at,
            ended_at: self.ended_at,
            audio_ms,
            connections,
            segments,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SegmentRow {
    seq: i64,
    channel: i64,
    speaker: String,
    start_ms: i64,
    end_ms: i64,
    text: String,
    confidence: f32,
    created_at: DateTime<Utc>,
    redactions: String,
    sentiment_label: Option<String>,
    sentiment_score: Option<f32>,
    running_sentiment: Option<f32>,
    key_phrases: String,
}

impl SegmentRow {
    pub(super) fn into_record(self, call_id: &str) -> Result<CallSegmentRecord> {
        let seq = self.seq;
        let bad = |field: &str, value: i64| {
            corrupt(format!(
                "segment {seq} of call {call_id:?} has {field} {value}"
            ))
        };
        let json = |field: &str, text: &str| {
            corrupt(format!(
                "segment {seq} of call {call_id:?} has unreadable {field}: {text:?}"
            ))
        };
        let redactions = serde_json::from_str(&self.redactions)
            .map_err(|_| json("redactions", &self.redactions))?;
        let key_phrases = serde_json::from_str(&self.key_phrases)
            .map_err(|_| json("key_phrases", &self.key_phrases))?;
        let sentiment = match (self.sentiment_label, self.sentiment_score) {
            (Some(label), Some(score)) => Some(SegmentSentiment {
                label,
                score,
                running: self.running_sentiment.unwrap_or(score),
            }),
            _ => None,
        };
        Ok(CallSegmentRecord {
            seq: u32::try_from(seq).map_err(|_| bad("seq", seq))?,
            channel: u32::try_from(self.channel).map_err(|_| bad("channel", self.channel))?,
            speaker: self.speaker,
            start_ms: u64::try_from(self.start_ms).map_err(|_| bad("start_ms", self.start_ms))?,
            end_ms: u64::try_from(self.end_ms).map_err(|_| bad("end_ms", self.end_ms))?,
            text: self.text,
            confidence: self.confidence,
            insights: SegmentInsights {
                redactions,
                sentiment,
                key_phrases,
            },
            created_at: self.created_at,
        })
    }
}
