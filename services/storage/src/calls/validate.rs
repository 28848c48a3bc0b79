//! Input checks for calls and segments, done before anything touches the database.

use crate::error::{Result, StoreError};
use crate::types::{CALL_SOURCES, CALL_SPEAKERS, CallStart, NewCallSegment};

/// Longest call id accepted (Twilio call SIDs are 34 characters, LCA ids are UUIDs).
const MAX_CALL_ID_CHARS: usize = 200;

/// Rejects text a log line or dashboard would mangle: control characters, or more than `max`
/// characters.
fn check_text(field: &str, value: &str, max: usize) -> Result<()> {
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(StoreError::Invalid(format!(
            "{field} {value:?} contains control character {c:?}"
        )));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(StoreError::Invalid(format!(
            "{field} is {chars} characters long; at most {max} are allowed"
        )));
    }
    Ok(())
}

pub(super) fn validate_start(start: &CallStart) -> Result<()> {
    if start.id.trim().is_empty() {
        return Err(StoreError::Invalid("call id must not be empty".into()));
    }
    check_text("call id", &start.id, MAX_CALL_ID_CHARS)?;
    if !CALL_SOURCES.contains(&start.source.as_str()) {
        return Err(StoreError::Invalid(format!(
            "call {:?}: source {:?} is not one of {CALL_SOURCES:?}",
            start.id, start.source
        )));
    }
    for (field, value) in [
        ("from_number", &start.from_number),
        ("to_number", &start.to_number),
        ("agent_id", &start.agent_id),
        ("queue", &start.queue),
    ] {
        if let Some(v) = value {
            check_text(field, v, MAX_CALL_ID_CHARS)?;
        }
    }
    if start.sample_rate == 0 {
        return Err(StoreError::Invalid(format!(
            "call {:?}: sample_rate must be positive",
            start.id
        )));
    }
    if start.encoding.trim().is_empty() {
        return Err(StoreError::Invalid(format!(
            "call {:?}: encoding must not be empty",
            start.id
        )));
    }
    check_text("encoding", &start.encoding, MAX_CALL_ID_CHARS)?;
    if start.channel_roles.is_empty() {
        return Err(StoreError::Invalid(format!(
            "call {:?}: channel_roles must name at least one channel",
            start.id
        )));
    }
    let mut roles = start.channel_roles.iter().enumerate();
    if let Some((i, role)) = roles.find(|(_, r)| !CALL_SPEAKERS.contains(&r.as_str())) {
        return Err(StoreError::Invalid(format!(
            "call {:?}: channel {i} role {role:?} is not one of {CALL_SPEAKERS:?}",
            start.id
        )));
    }
    Ok(())
}

/// Sentiment labels a segment may carry.
const SENTIMENT_LABELS: [&str; 3] = ["negative", "neutral", "positive"];

pub(super) fn validate_segment(call_id: &str, seg: &NewCallSegment) -> Result<()> {
    let fail = |what: String| {
        Err(StoreError::Invalid(format!(
            "segment of call {call_id:?}: {what}"
        )))
    };
    if !CALL_SPEAKERS.contains(&seg.speaker.as_str()) {
        return fail(format!(
            "speaker {:?} is not one of {CALL_SPEAKERS:?}",
            seg.speaker
        ));
    }
    if seg.end_ms < seg.start_ms {
        return fail(format!(
            "end_ms {} is before start_ms {}",
            seg.end_ms, seg.start_ms
        ));
    }
    if !(seg.confidence.is_finite() && (0.0..=1.0).contains(&seg.confidence)) {
        return fail(format!(
            "confidence {} is not a number in [0, 1]",
            seg.confidence
        ));
    }
    if seg.text.trim().is_empty() {
        return fail("text must not be empty".into());
    }
    for r in &seg.insights.redactions {
        let inside = r.start <= r.end && (r.end as usize) <= seg.text.len();
        if !inside
            || !seg.text.is_char_boundary(r.start as usize)
            || !seg.text.is_char_boundary(r.end as usize)
        {
            return fail(format!(
                "redaction {}..{} is not within the text",
                r.start, r.end
            ));
        }
    }
    if let Some(s) = &seg.insights.sentiment {
        if !SENTIMENT_LABELS.contains(&s.label.as_str()) {
            return fail(format!(
                "sentiment {:?} is not one of {SENTIMENT_LABELS:?}",
                s.label
            ));
        }
        for (what, v) in [("score", s.score), ("running score", s.running)] {
            if !(v.is_finite() && (-1.0..=1.0).contains(&v)) {
                return fail(format!("sentiment {what} {v} is not a number in [-1, 1]"));
            }
        }
    }
    Ok(())
}

/// Converts a caller's millisecond count to what SQL binds expect.
pub(super) fn sql_ms(field: &str, ms: u64) -> Result<i64> {
    i64::try_from(ms).map_err(|_| StoreError::Invalid(format!("{field} {ms} is too large")))
}

/// Describes a connection's audio format for mismatch messages.
pub(super) fn format_of(sample_rate: u32, encoding: &str, roles: &[String]) -> String {
    format!("{sample_rate} Hz {encoding} {roles:?}")
}
