//! Event-stream messages as Transcribe streaming frames them, both ways.

use aws_sdk_transcribestreaming::primitives::event_stream::{Header, HeaderValue, Message};
use aws_smithy_eventstream::frame::{read_message_from, write_message_to};
use bytes::Bytes;
use serde_json::{Value, json};

use super::script::{Exception, Utterance};

/// What one request-body message meant.
#[derive(Debug, PartialEq)]
pub(super) enum Inbound {
    Audio(Bytes),
    /// The empty frame that ends the audio.
    End,
}

/// Opens the SigV4 envelope (if any) and reads the audio event inside; `signed` counts envelopes.
pub(super) fn inbound(message: Message, signed: &mut usize) -> Result<Inbound, String> {
    let message = if header(&message, ":chunk-signature").is_some() {
        *signed += 1;
        if message.payload().is_empty() {
            return Ok(Inbound::End);
        }
        read_message_from(message.payload().clone())
            .map_err(|e| format!("signed envelope holds no valid message: {e}"))?
    } else {
        message
    };
    let message_type = header_str(&message, ":message-type");
    let event_type = header_str(&message, ":event-type");
    match (message_type.as_deref(), event_type.as_deref()) {
        (Some("event"), Some("AudioEvent")) if message.payload().is_empty() => Ok(Inbound::End),
        (Some("event"), Some("AudioEvent")) => Ok(Inbound::Audio(message.payload().clone())),
        (m, e) => Err(format!(
            "unexpected message: :message-type {m:?}, :event-type {e:?}"
        )),
    }
}

fn header<'a>(message: &'a Message, name: &str) -> Option<&'a HeaderValue> {
    message
        .headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .map(Header::value)
}

fn header_str(message: &Message, name: &str) -> Option<String> {
    header(message, name)
        .and_then(|v| v.as_string().ok())
        .map(|s| s.as_str().to_owned())
}

/// A `TranscriptEvent` frame holding `results`.
pub(super) fn transcript_event(results: Vec<Value>) -> Bytes {
    let payload = json!({ "Transcript": { "Results": results } });
    frame("event", ":event-type", "TranscriptEvent", payload)
}

/// An exception frame, as the service ends a failed stream with.
pub(super) fn exception(kind: Exception, message: &str) -> Bytes {
    frame(
        "exception",
        ":exception-type",
        kind.as_str(),
        json!({ "Message": message }),
    )
}

fn frame(
    message_type: &'static str,
    type_header: &'static str,
    kind: &str,
    payload: Value,
) -> Bytes {
    let message = Message::new(payload.to_string().into_bytes())
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String(message_type.into()),
        ))
        .add_header(Header::new(
            type_header,
            HeaderValue::String(kind.to_owned().into()),
        ))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ));
    let mut out = Vec::new();
    // Writing only fails for oversized headers or payloads, which these never are.
    if let Err(err) = write_message_to(&message, &mut out) {
        tracing::error!(%err, "fake Transcribe could not frame a message");
    }
    Bytes::from(out)
}

/// One result for `utterance`: a partial with the first half of its words stable, or the final.
pub(super) fn result(
    utterance: &Utterance,
    id: &str,
    partial: bool,
    channel_id: Option<String>,
) -> Value {
    let words: Vec<&str> = utterance.text.split_whitespace().collect();
    let stable_words = if partial {
        words.len() / 2
    } else {
        words.len()
    };
    let span = (utterance.end_s - utterance.start_s).max(0.0) / words.len().max(1) as f64;
    let mut items = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let (start, end) = (
            utterance.start_s + span * i as f64,
            utterance.start_s + span * (i + 1) as f64,
        );
        let bare = word.trim_end_matches(['.', ',', '?', '!']);
        let mut item = json!({
            "Content": bare, "StartTime": start, "EndTime": end,
            "Type": "pronunciation", "Stable": i < stable_words, "VocabularyFilterMatch": false,
        });
        if let (false, Some(c)) = (partial, utterance.confidence) {
            item["Confidence"] = json!(c);
        }
        items.push(item);
        if bare.len() < word.len() {
            items.push(json!({
                "Content": &word[bare.len()..], "StartTime": end, "EndTime": end,
                "Type": "punctuation", "Stable": i < stable_words, "VocabularyFilterMatch": false,
            }));
        }
    }
    let mut result = json!({
        "ResultId": id, "StartTime": utterance.start_s, "EndTime": utterance.end_s,
        "IsPartial": partial,
        "Alternatives": [{ "Transcript": utterance.text, "Items": items }],
    });
    if let Some(channel_id) = channel_id {
        result["ChannelId"] = json!(channel_id);
    }
    result
}
