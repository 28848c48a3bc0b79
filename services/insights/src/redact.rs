//! Stage one: personal data out of the text before anything else sees it.

use redaction::{Conversation, Redactor};
use switchboard_storage::{NewCallSegment, RedactionRecord};

/// Redacts a call's finals and partials in order, carrying the question asked and numbers cut
/// off at a segment's end from one segment to the next.
pub struct RedactStage {
    conversation: Conversation,
}

impl RedactStage {
    pub fn new(redactor: &Redactor) -> Self {
        Self {
            conversation: redactor.conversation(),
        }
    }

    /// Rewrites the segment's text and records what was replaced (kind and place, no value).
    pub fn apply(&mut self, segment: &mut NewCallSegment) {
        let out = self.conversation.redact(&segment.speaker, &segment.text);
        for r in &out.redactions {
            metrics::counter!("switchboard_redactions_total", "kind" => r.kind.as_str())
                .increment(1);
        }
        segment.insights.redactions = out
            .redactions
            .iter()
            .map(|r| RedactionRecord {
                kind: r.kind.as_str().to_string(),
                start: r.start as u32,
                end: r.end as u32,
            })
            .collect();
        segment.text = out.text;
    }

    /// Live text, redacted in the same context without moving it on.
    pub fn partial(&self, speaker: &str, text: &str) -> String {
        self.conversation.peek(speaker, text).text
    }
}
