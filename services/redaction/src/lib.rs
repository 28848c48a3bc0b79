//! PII redaction: personal data in a transcript or chat turn is replaced by a typed tag
//! (`[CARD_NUMBER]`, `[PHONE]` …) before anything is stored, published or shown.
//!
//! Contact-center speech reads data out: Whisper writes "four one one one, one one one one", "oh
//! seven seven", "double five", and a caller answers the agent's question ("Can I have your
//! account number?") without repeating what the number is, or finishes it in the next segment.
//! So a [`Conversation`] carries the open question and a number cut off at the end of a segment
//! from one message to the next. Amounts, times, quantities and order or case numbers stay.
//! Only the kind and the position of a redaction are kept, never the value.

mod cues;
mod detect;
pub mod eval;
mod kind;
mod spoken;
mod tokens;

use std::collections::{BTreeSet, HashMap};

pub use kind::{PiiKind, UnknownKind};

use crate::cues::Cue;
use crate::detect::{Context, detect};

/// One redaction, as stored: the kind and where its tag sits in the redacted text (bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Redaction {
    pub kind: PiiKind,
    pub start: usize,
    pub end: usize,
}

/// Text with its personal data replaced by tags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Redacted {
    pub text: String,
    pub redactions: Vec<Redaction>,
}

/// Which kinds a deployment redacts; cheap to clone, one per process.
#[derive(Debug, Clone)]
pub struct Redactor {
    kinds: BTreeSet<PiiKind>,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new(PiiKind::ALL)
    }
}

impl Redactor {
    /// Redacts only `kinds` (everything else is left as said).
    pub fn new(kinds: impl IntoIterator<Item = PiiKind>) -> Self {
        Self {
            kinds: kinds.into_iter().collect(),
        }
    }

    /// Redacts a message on its own (a chat turn with no question before it).
    pub fn redact(&self, text: &str) -> Redacted {
        self.apply(text, detect(text, Context::default()).spans)
    }

    /// A redactor for one conversation, carrying context from each message to the next.
    pub fn conversation(&self) -> Conversation {
        Conversation {
            redactor: self.clone(),
            open_cues: Vec::new(),
            open_for: 0,
            trailing: HashMap::new(),
        }
    }

    fn apply(&self, text: &str, spans: Vec<detect::Span>) -> Redacted {
        let mut out = Redacted::default();
        let mut at = 0;
        for span in spans.into_iter().filter(|s| self.kinds.contains(&s.kind)) {
            out.text.push_str(&text[at..span.start]);
            let start = out.text.len();
            out.text.push_str(span.kind.tag());
            out.redactions.push(Redaction {
                kind: span.kind,
                start,
                end: out.text.len(),
            });
            at = span.end;
        }
        out.text.push_str(&text[at..]);
        out
    }
}

/// Messages of one conversation (a call, a chat), redacted in order.
#[derive(Debug, Clone)]
pub struct Conversation {
    redactor: Redactor,
    /// The values the last messages asked for and nobody gave yet.
    open_cues: Vec<Cue>,
    /// How many more messages the open question governs.
    open_for: u8,
    /// Per speaker: the kind of number their last message stopped in the middle of.
    trailing: HashMap<String, PiiKind>,
}

impl Conversation {
    /// Redacts the next final message of `speaker` and remembers what it leaves open.
    pub fn redact(&mut self, speaker: &str, text: &str) -> Redacted {
        let spans = self.advance(speaker, text);
        self.redactor.apply(text, spans)
    }

    /// Where the personal data of the next message lies in its original text (for scoring).
    pub(crate) fn spans(&mut self, speaker: &str, text: &str) -> Vec<Redaction> {
        self.advance(speaker, text)
            .into_iter()
            .filter(|s| self.redactor.kinds.contains(&s.kind))
            .map(|s| Redaction {
                kind: s.kind,
                start: s.start,
                end: s.end,
            })
            .collect()
    }

    fn advance(&mut self, speaker: &str, text: &str) -> Vec<detect::Span> {
        let outcome = detect(text, self.context(speaker));
        let spans = outcome.spans;
        if !outcome.open_cues.is_empty() {
            // A new question: whatever comes next answers it, not an earlier number.
            self.open_cues = outcome.open_cues;
            self.open_for = 2;
            self.trailing.clear();
        } else if !spans.is_empty() {
            self.open_cues.clear();
        } else if self.open_for > 0 {
            self.open_for -= 1;
            if self.open_for == 0 {
                self.open_cues.clear();
            }
        }
        match outcome.trailing {
            Some(kind) => self.trailing.insert(speaker.to_string(), kind),
            None => self.trailing.remove(speaker),
        };
        spans
    }

    /// Redacts a partial (words still changing) in the same context, without moving it on.
    pub fn peek(&self, speaker: &str, text: &str) -> Redacted {
        self.redactor
            .apply(text, detect(text, self.context(speaker)).spans)
    }

    fn context(&self, speaker: &str) -> Context<'_> {
        Context {
            open_cues: &self.open_cues,
            continues: self.trailing.get(speaker).copied(),
        }
    }
}

#[cfg(test)]
mod tests;
