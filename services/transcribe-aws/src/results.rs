//! Transcribe results → the engine-neutral partials and segments.

use aws_sdk_transcribestreaming::types::{Item, ItemType, Result as AwsResult};
use switchboard_transcription::{Partial, Segment, StreamSpec, TranscriptEvent};

/// One Transcribe result as a partial or final, or `None` when it carries no text.
pub(crate) fn to_event(result: &AwsResult, spec: &StreamSpec) -> Option<TranscriptEvent> {
    let alternative = result.alternatives().first()?;
    let channel = channel_index(result.channel_id(), spec.channels.len());
    let speaker = spec.channels.get(channel)?.clone();
    let start_ms = spec.offset_ms + seconds_to_ms(result.start_time());
    let items = alternative.items();
    if result.is_partial() {
        let (stable, unstable) = if items.is_empty() {
            (
                String::new(),
                alternative
                    .transcript()
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
            )
        } else {
            let split = items
                .iter()
                .take_while(|item| item.stable() == Some(true))
                .count();
            (join_items(&items[..split]), join_items(&items[split..]))
        };
        if stable.is_empty() && unstable.is_empty() {
            return None;
        }
        return Some(TranscriptEvent::Partial(Partial {
            channel,
            speaker,
            start_ms,
            stable,
            unstable,
        }));
    }
    let text = match alternative.transcript() {
        Some(text) if !text.trim().is_empty() => text.trim().to_owned(),
        _ => join_items(items),
    };
    if text.is_empty() {
        return None;
    }
    let end_ms = (spec.offset_ms + seconds_to_ms(result.end_time())).max(start_ms);
    Some(TranscriptEvent::Final(Segment {
        channel,
        speaker,
        start_ms,
        end_ms,
        text,
        confidence: mean_confidence(items),
    }))
}

/// `ch_0`, `ch_1`, … → channel index; anything unexpected falls back to the first channel.
fn channel_index(channel_id: Option<&str>, channels: usize) -> usize {
    let Some(id) = channel_id else { return 0 };
    match id.strip_prefix("ch_").and_then(|n| n.parse::<usize>().ok()) {
        Some(n) if n < channels => n,
        _ => {
            tracing::warn!(
                channel_id = id,
                channels,
                "unexpected Transcribe channel id; using channel 0"
            );
            0
        }
    }
}

fn seconds_to_ms(seconds: f64) -> u64 {
    if seconds.is_finite() && seconds > 0.0 {
        (seconds * 1000.0).round() as u64
    } else {
        0
    }
}

/// Words joined by spaces, punctuation attached to the word before it.
fn join_items(items: &[Item]) -> String {
    let mut text = String::new();
    for item in items {
        let Some(content) = item.content().map(str::trim).filter(|c| !c.is_empty()) else {
            continue;
        };
        let punctuation = matches!(item.r#type(), Some(ItemType::Punctuation));
        if !text.is_empty() && !punctuation {
            text.push(' ');
        }
        text.push_str(content);
    }
    text
}

/// Mean confidence of the spoken words; punctuation carries none worth counting.
fn mean_confidence(items: &[Item]) -> f32 {
    let scores: Vec<f64> = items
        .iter()
        .filter(|item| !matches!(item.r#type(), Some(ItemType::Punctuation)))
        .filter_map(Item::confidence)
        .filter(|c| c.is_finite())
        .collect();
    if scores.is_empty() {
        return 1.0;
    }
    (scores.iter().sum::<f64>() / scores.len() as f64).clamp(0.0, 1.0) as f32
}

#[cfg(test)]
mod tests;
