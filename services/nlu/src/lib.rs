//! Intent classification and out-of-scope detection on sentence embeddings.
//!
//! [`train`] turns labelled examples into an [`IntentModel`]; [`IntentModel::classify`] takes
//! the text AND its embedding (computed once per turn by the caller and shared with knowledge
//! retrieval) and returns a [`Prediction`]: the top-5 intents with probabilities, and whether the
//! utterance is in scope at all. `classify` never fails: an embedding of the wrong size (another
//! encoder) is logged and answered as out of scope; [`IntentModel::try_classify`] returns the
//! precise error instead.
//!
//! Inside: a learnt per-bot map of the embeddings ([`adapter`]), then an ensemble of softmax
//! regressions over the embedding and word/character n-grams plus a nearest-neighbour vote
//! ([`ensemble`]); the out-of-scope threshold is chosen from the training
//! data alone by holding out examples and whole intents ([`oos`]). [`eval`] scores the whole
//! thing on labelled CSV files (`switchboard eval nlu`).

mod adapter;
mod ensemble;
pub mod eval;
mod kernels;
mod knn;
mod lexical;
mod linear;
pub mod oos;
mod tuned;

use std::collections::BTreeMap;
use std::sync::Arc;

use switchboard_embeddings::{EmbedError, Embedder};

use crate::ensemble::{Ensemble, Sample};
pub use crate::oos::Calibration;
pub use crate::tuned::{TunedModel, train_tuned};

/// One labelled utterance, as bot definitions provide them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingExample {
    pub text: String,
    pub intent: String,
}

/// Knobs of [`train`]; the defaults are what `serve` and `eval nlu` use.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Pick a rejection threshold (costs a second, smaller training run); off = never reject.
    pub detect_out_of_scope: bool,
    /// Largest share of correctly classified in-scope utterances the threshold may reject.
    pub max_in_scope_cost: f32,
    /// Seed for shuffling, so training is reproducible.
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            detect_out_of_scope: true,
            max_in_scope_cost: 0.02,
            seed: 42,
        }
    }
}

/// The classifier's answer for one utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Up to five intents, best first, with probabilities (they sum to at most 1).
    pub ranked: Vec<(String, f32)>,
    /// False when the utterance looks like none of the trained intents.
    pub in_scope: bool,
    /// Probability of the best intent.
    pub confidence: f32,
    /// The out-of-scope score compared with the threshold; for logs and tuning.
    pub score: f32,
}

impl Prediction {
    /// The best intent if the utterance is in scope: what most callers want.
    pub fn intent(&self) -> Option<&str> {
        self.in_scope
            .then(|| self.ranked.first().map(|(i, _)| i.as_str()))
            .flatten()
    }
}

/// Why training or classification failed; each variant says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum NluError {
    /// Nothing to learn from.
    #[error("no training examples: give at least two intents with examples")]
    EmptyTrainingSet,
    /// Classification needs alternatives.
    #[error("only one intent ({0}) has examples: give at least two intents")]
    SingleIntent(String),
    /// An example with a blank text or intent name.
    #[error("training example {index} has an empty {field}")]
    EmptyField { index: usize, field: &'static str },
    /// An embedding whose length does not match the model's (a different encoder?).
    #[error("embedding has {got} dimensions, the model was trained on {expected}")]
    DimensionMismatch { expected: usize, got: usize },
    /// The encoder failed while embedding training texts.
    #[error(transparent)]
    Embedding(#[from] EmbedError),
    /// A labelled data file could not be used; names the file and, if known, the line.
    #[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Data {
        path: String,
        line: Option<u64>,
        message: String,
    },
    /// A rejection budget that is not a share between 0 and [`MAX_IN_SCOPE_COST`].
    #[error(
        "max_in_scope_cost {0} is outside 0..={MAX_IN_SCOPE_COST}: it is the share of correctly \
         recognised utterances the out-of-scope check may turn away (0.02 = 2 %)"
    )]
    BadInScopeCost(f32),
    /// A bug or numerical failure inside the classifier.
    #[error("internal classifier error: {0}")]
    Internal(String),
}

/// The largest rejection budget accepted: past it a bot would turn away more than it answers well.
pub const MAX_IN_SCOPE_COST: f32 = 0.5;

impl TrainOptions {
    /// Refuses options that would train a model nobody meant to serve.
    pub fn check(&self) -> Result<(), NluError> {
        if !(0.0..=MAX_IN_SCOPE_COST).contains(&self.max_in_scope_cost) {
            return Err(NluError::BadInScopeCost(self.max_in_scope_cost));
        }
        Ok(())
    }
}

/// A trained classifier; cheap to clone (shared internals) and safe to use from many threads.
#[derive(Debug, Clone)]
pub struct IntentModel {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    intents: Vec<String>,
    dim: usize,
    ensemble: Ensemble,
    calibration: Calibration,
}

/// Checks the examples and numbers their intents in name order.
fn label_ids(examples: &[TrainingExample]) -> Result<BTreeMap<&str, usize>, NluError> {
    if examples.is_empty() {
        return Err(NluError::EmptyTrainingSet);
    }
    for (index, e) in examples.iter().enumerate() {
        if e.text.trim().is_empty() {
            return Err(NluError::EmptyField {
                index,
                field: "text",
            });
        }
        if e.intent.trim().is_empty() {
            return Err(NluError::EmptyField {
                index,
                field: "intent",
            });
        }
    }
    let mut names: Vec<&str> = examples.iter().map(|e| e.intent.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() == 1 {
        return Err(NluError::SingleIntent(examples[0].intent.clone()));
    }
    Ok(names.into_iter().enumerate().map(|(i, n)| (n, i)).collect())
}

/// Trains a model on `examples`, embedding their texts with `embedder`.
pub fn train(
    examples: &[TrainingExample],
    embedder: &dyn Embedder,
    opts: &TrainOptions,
) -> Result<IntentModel, NluError> {
    opts.check()?;
    let ids = label_ids(examples)?;
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let embeddings = embedder.embed(&texts)?;
    let dim = embedder.dim();
    if let Some(bad) = embeddings.iter().find(|v| v.len() != dim) {
        return Err(NluError::DimensionMismatch {
            expected: dim,
            got: bad.len(),
        });
    }
    let samples: Vec<Sample> = examples
        .iter()
        .zip(&embeddings)
        .map(|(e, v)| Sample {
            text: &e.text,
            embedding: v,
            label: ids[e.intent.as_str()],
        })
        .collect();
    let classes = ids.len();
    // The calibration copy and the final ensemble do not depend on each other: train them side
    // by side (each adapter trains on one thread; the process runs candle single-threaded).
    let started = std::time::Instant::now();
    let joined = std::thread::scope(|scope| {
        let calibration = scope.spawn(|| {
            let result = if opts.detect_out_of_scope {
                oos::calibrate(&samples, classes, opts.max_in_scope_cost, opts.seed)
            } else {
                Ok(Calibration::accept_all(0))
            };
            (result, started.elapsed())
        });
        let ensemble = Ensemble::fit(&samples, classes, opts.seed);
        let ensemble_took = started.elapsed();
        (calibration.join(), ensemble, ensemble_took)
    });
    let (calibration, ensemble, ensemble_took) = joined;
    let (calibration, calibration_took) =
        calibration.map_err(|_| NluError::Internal("the calibration thread panicked".into()))?;
    // Where training time goes (the two fits share the cores), for tuning publish latency.
    tracing::debug!(?ensemble_took, ?calibration_took, "intent model fits");
    Ok(wrap(ids, dim, ensemble?, calibration?, samples.len()))
}

/// Fits the final ensemble on all samples and wraps it with its calibration.
fn finish(
    ids: BTreeMap<&str, usize>,
    samples: &[Sample],
    dim: usize,
    calibration: Calibration,
    seed: u64,
) -> Result<IntentModel, NluError> {
    let ensemble = Ensemble::fit(samples, ids.len(), seed)?;
    Ok(wrap(ids, dim, ensemble, calibration, samples.len()))
}

/// The model the caller gets: intent names, the fitted ensemble and its calibration.
fn wrap(
    ids: BTreeMap<&str, usize>,
    dim: usize,
    ensemble: Ensemble,
    calibration: Calibration,
    examples: usize,
) -> IntentModel {
    tracing::debug!(
        ?calibration,
        classes = ids.len(),
        examples,
        "intent model trained"
    );
    let intents = ids.into_keys().map(str::to_string).collect();
    IntentModel {
        inner: Arc::new(Inner {
            intents,
            dim,
            ensemble,
            calibration,
        }),
    }
}

impl IntentModel {
    /// Classifies one utterance given its embedding; on bad input, logs and says out of scope
    /// (a turn then falls back to knowledge or a human instead of failing).
    pub fn classify(&self, text: &str, embedding: &[f32]) -> Prediction {
        self.try_classify(text, embedding).unwrap_or_else(|error| {
            tracing::error!(%error, "intent classification failed; treating the turn as out of scope");
            Prediction { ranked: Vec::new(), in_scope: false, confidence: 0.0, score: f32::NEG_INFINITY }
        })
    }

    /// Classifies one utterance given its embedding (from the same encoder used in training).
    pub fn try_classify(&self, text: &str, embedding: &[f32]) -> Result<Prediction, NluError> {
        Ok(self.classify_batch(&[(text, embedding)])?.remove(0))
    }

    /// Classifies many utterances at once (evals, bulk relabelling); same result as one by one.
    pub fn classify_batch(&self, queries: &[(&str, &[f32])]) -> Result<Vec<Prediction>, NluError> {
        if let Some(bad) = queries.iter().find(|q| q.1.len() != self.inner.dim) {
            return Err(NluError::DimensionMismatch {
                expected: self.inner.dim,
                got: bad.1.len(),
            });
        }
        if queries.is_empty() {
            return Ok(Vec::new());
        }
        let scored = self.inner.ensemble.score(queries)?;
        Ok(scored
            .into_iter()
            .map(|s| {
                let score = oos::score(&s);
                let mut ranked: Vec<(usize, f32)> = s.probs.iter().copied().enumerate().collect();
                ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
                ranked.truncate(5);
                Prediction {
                    confidence: ranked[0].1,
                    ranked: ranked
                        .into_iter()
                        .map(|(c, p)| (self.inner.intents[c].clone(), p))
                        .collect(),
                    in_scope: score >= self.inner.calibration.threshold,
                    score,
                }
            })
            .collect())
    }

    /// The intent names the model knows, sorted.
    pub fn intents(&self) -> Vec<String> {
        self.inner.intents.clone()
    }

    /// How the rejection threshold was chosen.
    pub fn calibration(&self) -> &Calibration {
        &self.inner.calibration
    }
}

#[cfg(test)]
mod tests;
