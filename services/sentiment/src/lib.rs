//! Sentiment of call segments and chat turns.
//!
//! General lexicons misread contact-center speech: "I've been on hold forty minutes" has no
//! negative word in it. [`SentimentModel`] is a softmax head over the sentence embedding the
//! NLU already computes for the turn, VADER's four scores, and counts of contact-center cues
//! (waiting, calling again, leaving, failures, anger, thanks, relief, plain requests). It trains
//! in seconds at start on our own contact-center sentences (shipped in `data/`) plus any extra
//! labelled files a deployment names (e.g. SST movie-review sentences).

mod cues;
pub mod eval;
mod head;
mod running;

use std::path::Path;

use switchboard_embeddings::{EmbedError, Embedder};
use vader_parity::SentimentIntensityAnalyzer;

pub use running::RunningSentiment;

use crate::head::{Head, Row};

/// A sentiment class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Negative,
    Neutral,
    Positive,
}

impl Label {
    pub const ALL: [Label; 3] = [Label::Negative, Label::Neutral, Label::Positive];

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Negative => "negative",
            Label::Neutral => "neutral",
            Label::Positive => "positive",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The label of a score in −1…1 (a third of the way either side is neutral).
    pub fn of_score(score: f32) -> Label {
        if score <= -0.33 {
            Label::Negative
        } else if score >= 0.33 {
            Label::Positive
        } else {
            Label::Neutral
        }
    }
}

impl std::str::FromStr for Label {
    type Err = SentimentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Label::ALL
            .into_iter()
            .find(|l| l.as_str() == s.trim())
            .ok_or_else(|| SentimentError::Label(s.to_string()))
    }
}

/// The sentiment of one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sentiment {
    pub label: Label,
    /// P(positive) − P(negative): −1 (angry) … 1 (delighted).
    pub score: f32,
}

/// What can go wrong loading training data or training.
#[derive(Debug, thiserror::Error)]
pub enum SentimentError {
    #[error("{path}: {message}")]
    Data { path: String, message: String },
    #[error("unknown sentiment label {0:?}: expected negative, neutral or positive")]
    Label(String),
    #[error("embedding the training sentences failed: {0}")]
    Embed(#[from] EmbedError),
    #[error("no training sentences")]
    Empty,
}

/// A labelled sentence and how much it counts in training.
#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    pub label: Label,
    pub weight: f32,
}

/// Our own contact-center sentences (Apache-2.0, written for Switchboard): always trained on.
const BUILT_IN: &str = include_str!("../data/contact_center.csv");

/// In-domain sentences count this many times an extra (out-of-domain) one.
const IN_DOMAIN_WEIGHT: f32 = 3.0;

/// The built-in contact-center training sentences.
pub fn built_in_examples() -> Vec<Example> {
    parse_csv(
        BUILT_IN.as_bytes(),
        "built-in contact_center.csv",
        IN_DOMAIN_WEIGHT,
    )
    .expect("the built-in training file is valid")
}

/// Reads a `text,label` CSV (labels negative / neutral / positive).
pub fn load_examples(path: &Path, weight: f32) -> Result<Vec<Example>, SentimentError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| SentimentError::Data {
        path: name.clone(),
        message: e.to_string(),
    })?;
    parse_csv(file, &name, weight)
}

fn parse_csv(
    reader: impl std::io::Read,
    name: &str,
    weight: f32,
) -> Result<Vec<Example>, SentimentError> {
    let err = |message: String| SentimentError::Data {
        path: name.to_string(),
        message,
    };
    let mut csv = csv::Reader::from_reader(reader);
    let headers = csv.headers().map_err(|e| err(e.to_string()))?.clone();
    let col = |n: &str| headers.iter().position(|h| h.trim() == n);
    let (Some(text), Some(label)) = (col("text"), col("label")) else {
        return Err(err(format!(
            "expected a header with `text` and `label`, found {:?}",
            headers.iter().collect::<Vec<_>>()
        )));
    };
    let mut out = Vec::new();
    for (i, record) in csv.records().enumerate() {
        let record = record.map_err(|e| err(e.to_string()))?;
        let line = i + 2;
        let label = record
            .get(label)
            .unwrap_or("")
            .parse::<Label>()
            .map_err(|e| err(format!("line {line}: {e}")))?;
        let text = record.get(text).unwrap_or("").trim().to_string();
        if text.is_empty() {
            return Err(err(format!("line {line}: empty text")));
        }
        out.push(Example {
            text,
            label,
            weight,
        });
    }
    Ok(out)
}

/// Sentences embedded per call while training, so progress can be shown.
const BATCH: usize = 64;

/// A trained sentiment classifier.
pub struct SentimentModel {
    head: Head,
    vader: SentimentIntensityAnalyzer,
}

impl std::fmt::Debug for SentimentModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SentimentModel")
            .field("dim", &self.head.dim())
            .finish()
    }
}

impl SentimentModel {
    /// Trains on `examples`, embedding them with `embedder` (the NLU's encoder, so serving can
    /// reuse each turn's vector); `progress(done, total)` is called as batches finish.
    pub fn train(
        examples: &[Example],
        embedder: &dyn Embedder,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Self, SentimentError> {
        if examples.is_empty() {
            return Err(SentimentError::Empty);
        }
        let vader = SentimentIntensityAnalyzer::new();
        let mut rows = Vec::with_capacity(examples.len());
        for chunk in examples.chunks(BATCH) {
            let texts: Vec<&str> = chunk.iter().map(|e| e.text.as_str()).collect();
            let vectors = embedder.embed(&texts)?;
            for (e, v) in chunk.iter().zip(vectors) {
                rows.push(Row {
                    x: features(&vader, &e.text, &v),
                    label: e.label.index(),
                    weight: e.weight,
                });
            }
            progress(rows.len(), examples.len());
        }
        let dim = rows[0].x.len();
        Ok(SentimentModel {
            head: Head::train(&rows, dim),
            vader,
        })
    }

    /// The sentiment of `text`, whose sentence embedding is `embedding`.
    pub fn score(&self, text: &str, embedding: &[f32]) -> Sentiment {
        let p = head::softmax(self.head.logits(&features(&self.vader, text, embedding)));
        let best = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(1);
        Sentiment {
            label: Label::ALL[best],
            score: p[2] - p[0],
        }
    }
}

/// VADER's reading of a text, the peer every figure is measured beside.
pub fn vader(text: &str) -> Sentiment {
    static VADER: std::sync::LazyLock<SentimentIntensityAnalyzer> =
        std::sync::LazyLock::new(SentimentIntensityAnalyzer::new);
    let compound = VADER.polarity_scores(text).compound as f32;
    // VADER's own thresholds (its README): ±0.05 on the compound score.
    let label = if compound >= 0.05 {
        Label::Positive
    } else if compound <= -0.05 {
        Label::Negative
    } else {
        Label::Neutral
    };
    Sentiment {
        label,
        score: compound,
    }
}

/// The head's input: the embedding, VADER's four scores, the cue families.
fn features(vader: &SentimentIntensityAnalyzer, text: &str, embedding: &[f32]) -> Vec<f32> {
    let v = vader.polarity_scores(text);
    let mut x = Vec::with_capacity(embedding.len() + 4 + cues::count());
    x.extend_from_slice(embedding);
    x.extend([v.neg as f32, v.neu as f32, v.pos as f32, v.compound as f32]);
    x.extend(cues::features(text));
    x
}

#[cfg(test)]
mod tests;
