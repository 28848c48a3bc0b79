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
mod basis;
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

pub use crate::basis::{Basis, MAX_DRIFT};
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
    /// [`train_on`] was given a basis fitted on other intents or another encoder.
    #[error("the model basis does not fit these examples: {0}; train in full")]
    BasisMismatch(String),
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
    ensemble: Ensemble,
    basis: Arc<Basis>,
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
    let embeddings = embed(examples, embedder)?;
    let samples = samples(examples, &embeddings, &ids);
    let basis = Basis::fit(&ids, examples, &samples, embedder.dim(), opts)?;
    fit_on(Arc::new(basis), ids, &samples, opts.seed)
}

/// Trains a model on `examples` reusing the slow half fitted earlier (see [`Basis`]): a new
/// version that adds a few utterances serves in a fraction of a full training's time.
/// [`Basis::covers`] says whether the basis suits the examples; this refuses only one of other
/// intents or another encoder.
pub fn train_on(
    basis: &Arc<Basis>,
    examples: &[TrainingExample],
    embedder: &dyn Embedder,
    opts: &TrainOptions,
) -> Result<IntentModel, NluError> {
    opts.check()?;
    let ids = label_ids(examples)?;
    if !ids
        .keys()
        .copied()
        .eq(basis.intents().iter().map(String::as_str))
    {
        return Err(NluError::BasisMismatch(format!(
            "it knows {} intents, the examples have {}",
            basis.intents().len(),
            ids.len()
        )));
    }
    if embedder.dim() != basis.dim {
        return Err(NluError::BasisMismatch(format!(
            "it was fitted on {}-dimensional embeddings, this encoder gives {}",
            basis.dim,
            embedder.dim()
        )));
    }
    let embeddings = embed(examples, embedder)?;
    let samples = samples(examples, &embeddings, &ids);
    fit_on(basis.clone(), ids, &samples, opts.seed)
}

/// The examples' embeddings, each checked against the encoder's size.
fn embed(
    examples: &[TrainingExample],
    embedder: &dyn Embedder,
) -> Result<Vec<switchboard_embeddings::Embedding>, NluError> {
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let embeddings = embedder.embed(&texts)?;
    let dim = embedder.dim();
    if let Some(bad) = embeddings.iter().find(|v| v.len() != dim) {
        return Err(NluError::DimensionMismatch {
            expected: dim,
            got: bad.len(),
        });
    }
    Ok(embeddings)
}

/// Examples paired with their embeddings and class ids.
fn samples<'a>(
    examples: &'a [TrainingExample],
    embeddings: &'a [switchboard_embeddings::Embedding],
    ids: &BTreeMap<&str, usize>,
) -> Vec<Sample<'a>> {
    examples
        .iter()
        .zip(embeddings)
        .map(|(e, v)| Sample {
            text: &e.text,
            embedding: v,
            label: ids[e.intent.as_str()],
        })
        .collect()
}

/// Fits an adapter for `samples` and the final ensemble on top, with a calibration found
/// elsewhere (the fine-tuned path's).
fn finish(
    ids: BTreeMap<&str, usize>,
    examples: &[TrainingExample],
    samples: &[Sample],
    dim: usize,
    calibration: Calibration,
    opts: &TrainOptions,
) -> Result<IntentModel, NluError> {
    let adapter = adapter::Adapter::fit_samples(samples, ids.len(), opts.seed)?;
    let basis = Basis::new(&ids, examples, dim, adapter, calibration, opts);
    fit_on(Arc::new(basis), ids, samples, opts.seed)
}

/// The fast half of training: the ensemble's members on the basis's adapter.
fn fit_on(
    basis: Arc<Basis>,
    ids: BTreeMap<&str, usize>,
    samples: &[Sample],
    seed: u64,
) -> Result<IntentModel, NluError> {
    let ensemble = Ensemble::fit_adapted(basis.adapter.clone(), samples, ids.len(), seed)?;
    tracing::debug!(
        calibration = ?basis.calibration,
        classes = ids.len(),
        examples = samples.len(),
        "intent model trained"
    );
    let intents = ids.into_keys().map(str::to_string).collect();
    Ok(IntentModel {
        inner: Arc::new(Inner {
            intents,
            ensemble,
            basis,
        }),
    })
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
        if let Some(bad) = queries.iter().find(|q| q.1.len() != self.inner.basis.dim) {
            return Err(NluError::DimensionMismatch {
                expected: self.inner.basis.dim,
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
                    in_scope: score >= self.inner.basis.calibration.threshold,
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
        &self.inner.basis.calibration
    }

    /// The slow half of this model, for training the next version with [`train_on`].
    pub fn basis(&self) -> &Arc<Basis> {
        &self.inner.basis
    }
}

#[cfg(test)]
mod tests;
