//! The slow half of an intent model, fitted once and reused by later versions of the same bot.
//!
//! Training a 77-intent bot of 10,000 utterances takes seconds, most of it in two fits that
//! barely move when a supervisor approves a handful of phrasings: the embedding [`Adapter`] and
//! the out-of-scope [`Calibration`] (a second, smaller ensemble). A [`Basis`] holds both, with
//! the examples they were fitted on; [`crate::train_on`] fits only the fast parts (n-gram
//! lexicon, linear heads, nearest neighbours) on the new examples. A basis is reused only while
//! the intents and options are the same and at most [`MAX_DRIFT`] of the examples changed, so a
//! bot that grows keeps being refitted in full from time to time.

use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};

use crate::adapter::Adapter;
use crate::ensemble::Sample;
use crate::{Calibration, NluError, TrainOptions, TrainingExample, oos};

/// Share of the basis's examples that may be added or removed before a full refit: the adapter
/// and the rejection threshold are statistics of the whole set, and a few percent of new
/// phrasings cannot move them far. Chosen a priori, not fitted.
pub const MAX_DRIFT: f32 = 0.05;

/// The adapter and calibration fitted on one set of examples; cheap to share (`Arc` it).
#[derive(Debug, Clone)]
pub struct Basis {
    intents: Vec<String>,
    pub(crate) dim: usize,
    pub(crate) adapter: Adapter,
    pub(crate) calibration: Calibration,
    seen: HashSet<u64>,
    options: (bool, u32, u64),
}

/// Identity of one example, so drift is counted without keeping 10,000 strings.
fn fingerprint(e: &TrainingExample) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (e.intent.as_str(), e.text.as_str()).hash(&mut h);
    h.finish()
}

/// What must be equal for a basis to be reused (the budget as bits: exact, hashable).
fn options_key(opts: &TrainOptions) -> (bool, u32, u64) {
    (
        opts.detect_out_of_scope,
        opts.max_in_scope_cost.to_bits(),
        opts.seed,
    )
}

impl Basis {
    /// Fits the adapter and, beside it on another thread, the calibration.
    pub(crate) fn fit(
        ids: &BTreeMap<&str, usize>,
        examples: &[TrainingExample],
        samples: &[Sample],
        dim: usize,
        opts: &TrainOptions,
    ) -> Result<Self, NluError> {
        let classes = ids.len();
        let started = std::time::Instant::now();
        let (calibration, adapter) = std::thread::scope(|scope| {
            let calibration = scope.spawn(|| {
                let result = if opts.detect_out_of_scope {
                    oos::calibrate(samples, classes, opts.max_in_scope_cost, opts.seed)
                } else {
                    Ok(Calibration::accept_all(0))
                };
                (result, started.elapsed())
            });
            let adapter = Adapter::fit_samples(samples, classes, opts.seed);
            (calibration.join(), adapter)
        });
        let (calibration, calibration_took) = calibration
            .map_err(|_| NluError::Internal("the calibration thread panicked".into()))?;
        tracing::debug!(?calibration_took, "model basis fitted");
        Ok(Self::new(ids, examples, dim, adapter?, calibration?, opts))
    }

    pub(crate) fn new(
        ids: &BTreeMap<&str, usize>,
        examples: &[TrainingExample],
        dim: usize,
        adapter: Adapter,
        calibration: Calibration,
        opts: &TrainOptions,
    ) -> Self {
        Self {
            intents: ids.keys().map(|s| s.to_string()).collect(),
            dim,
            adapter,
            calibration,
            seen: examples.iter().map(fingerprint).collect(),
            options: options_key(opts),
        }
    }

    /// Whether a model of `examples` trained with `opts` may reuse this basis: same intents,
    /// same options, and at most [`MAX_DRIFT`] of the examples added or removed.
    pub fn covers(&self, examples: &[TrainingExample], opts: &TrainOptions) -> bool {
        if options_key(opts) != self.options {
            return false;
        }
        let mut intents: Vec<&str> = examples.iter().map(|e| e.intent.as_str()).collect();
        intents.sort_unstable();
        intents.dedup();
        if !intents
            .iter()
            .copied()
            .eq(self.intents.iter().map(String::as_str))
        {
            return false;
        }
        let now: HashSet<u64> = examples.iter().map(fingerprint).collect();
        let changed = now.difference(&self.seen).count() + self.seen.difference(&now).count();
        changed as f32 <= MAX_DRIFT * self.seen.len() as f32
    }

    /// Intent names in class order; a model on this basis must have exactly these.
    pub(crate) fn intents(&self) -> &[String] {
        &self.intents
    }

    /// How the rejection threshold was chosen.
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }
}
