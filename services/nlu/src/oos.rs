//! Choosing the out-of-scope rejection threshold from the training data alone.
//!
//! A copy of the ensemble is trained on part of the data: about 20 % of each intent's examples
//! and ~15 % of the intents (pseudo out-of-scope) are left out. The held-out in-scope examples
//! show how the score falls on utterances the model has not seen; the threshold is the highest
//! one that would reject at most `max_in_scope_cost` of them among those classified correctly.
//! The held-out intents only measure the recall the threshold buys (reported, never tuned on).

use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::NluError;
use crate::ensemble::{Ensemble, Sample, Scored};

/// How strongly the nearest-example similarity counts against the top probability.
const TOP1_WEIGHT: f32 = 3.0;
/// Fewer held-out in-scope examples than this make a threshold guesswork: accept everything.
const MIN_HELD_OUT: usize = 20;

/// The out-of-scope score: high when the ensemble is sure and a training example is close.
pub(crate) fn score(s: &Scored) -> f32 {
    s.probs.iter().copied().fold(0.0, f32::max) + TOP1_WEIGHT * s.top1
}

/// What calibration found; kept on the model so operators can see why it rejects what it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Scores below this are out of scope.
    pub threshold: f32,
    /// Held-out in-scope examples the threshold was chosen on.
    pub held_out_in_scope: usize,
    /// Share of correctly classified held-out in-scope examples it rejects.
    pub in_scope_cost: f32,
    /// Held-out (pseudo out-of-scope) intents, and the share of their examples rejected.
    pub pseudo_oos_intents: usize,
    pub pseudo_oos_recall: Option<f32>,
}

impl Calibration {
    /// No rejection: used when calibration is off or the data is too small to calibrate.
    pub(crate) fn accept_all(held_out_in_scope: usize) -> Self {
        Self {
            threshold: f32::NEG_INFINITY,
            held_out_in_scope,
            in_scope_cost: 0.0,
            pseudo_oos_intents: 0,
            pseudo_oos_recall: None,
        }
    }
}

/// Which examples train the calibration copy and which are held out; drawn once so an encoder
/// can be fine-tuned on exactly the copy's part ([`crate::train_tuned`]).
#[derive(Debug, Clone)]
pub(crate) struct Split {
    /// Class id in the reduced model, `usize::MAX` for a pseudo out-of-scope intent.
    pub remap: Vec<usize>,
    /// Classes the reduced model knows.
    pub kept: usize,
    pub n_pseudo: usize,
    /// Example indices: training the copy, held-out in-scope, held-out intents.
    pub fit: Vec<usize>,
    pub held_in: Vec<usize>,
    pub held_oos: Vec<usize>,
}

/// Draws the split described in the module docs for examples labelled `0..classes`.
pub(crate) fn split(labels: &[usize], classes: usize, seed: u64) -> Split {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut intents: Vec<usize> = (0..classes).collect();
    intents.shuffle(&mut rng);
    let n_pseudo = if classes >= 7 {
        (classes as f32 * 0.15).ceil() as usize
    } else {
        0
    };
    let mut pseudo = vec![false; classes];
    intents[..n_pseudo].iter().for_each(|&c| pseudo[c] = true);
    // Dense class ids for the reduced model.
    let mut remap = vec![usize::MAX; classes];
    let mut next = 0;
    for c in 0..classes {
        if !pseudo[c] {
            remap[c] = next;
            next += 1;
        }
    }
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); classes];
    labels
        .iter()
        .enumerate()
        .for_each(|(i, &l)| by_class[l].push(i));
    let (mut fit, mut held_in, mut held_oos) = (Vec::new(), Vec::new(), Vec::new());
    for (c, mut idx) in by_class.into_iter().enumerate() {
        if pseudo[c] {
            held_oos.extend(idx);
            continue;
        }
        idx.shuffle(&mut rng);
        let n_held = if idx.len() >= 3 { idx.len() / 5 } else { 0 };
        held_in.extend_from_slice(&idx[..n_held]);
        fit.extend_from_slice(&idx[n_held..]);
    }
    Split {
        remap,
        kept: next,
        n_pseudo,
        fit,
        held_in,
        held_oos,
    }
}

/// Runs the calibration described in the module docs over `samples` labelled `0..classes`.
pub(crate) fn calibrate(
    samples: &[Sample],
    classes: usize,
    max_cost: f32,
    seed: u64,
) -> Result<Calibration, NluError> {
    let labels: Vec<usize> = samples.iter().map(|s| s.label).collect();
    calibrate_split(samples, &split(&labels, classes, seed), max_cost, seed)
}

/// Calibrates on a split drawn by [`split`] over the same `samples`.
pub(crate) fn calibrate_split(
    samples: &[Sample],
    split: &Split,
    max_cost: f32,
    seed: u64,
) -> Result<Calibration, NluError> {
    let Split {
        remap,
        kept: next,
        n_pseudo,
        fit,
        held_in,
        held_oos,
    } = split;
    let (next, n_pseudo) = (*next, *n_pseudo);
    let fit: Vec<Sample> = fit
        .iter()
        .map(|&i| Sample {
            label: remap[samples[i].label],
            ..samples[i]
        })
        .collect();
    if held_in.len() < MIN_HELD_OUT {
        return Ok(Calibration::accept_all(held_in.len()));
    }
    let model = Ensemble::fit(&fit, next, seed ^ 0x5eed)?;
    let queries = |idx: &[usize]| -> Vec<(&str, &[f32])> {
        idx.iter()
            .map(|&i| (samples[i].text, samples[i].embedding))
            .collect()
    };
    let in_scored = model.score(&queries(held_in))?;
    // (score, classified correctly) for each held-out in-scope example, lowest score first.
    let mut in_scores: Vec<(f32, bool)> = in_scored
        .iter()
        .zip(held_in)
        .map(|(s, &i)| (score(s), argmax(&s.probs) == remap[samples[i].label]))
        .collect();
    in_scores.sort_by(|a, b| a.0.total_cmp(&b.0));
    let allowed = (max_cost * in_scores.iter().filter(|s| s.1).count() as f32).floor() as usize;
    // Reject everything strictly below the score of the (allowed + 1)-th correct example.
    let mut correct_seen = 0;
    let mut threshold = f32::NEG_INFINITY;
    for &(s, ok) in &in_scores {
        if ok {
            if correct_seen == allowed {
                threshold = s;
                break;
            }
            correct_seen += 1;
        }
    }
    let rejected_correct = in_scores
        .iter()
        .filter(|(s, ok)| *ok && *s < threshold)
        .count();
    let correct = in_scores.iter().filter(|s| s.1).count().max(1);
    let pseudo_oos_recall = if held_oos.is_empty() {
        None
    } else {
        let scored = model.score(&queries(held_oos))?;
        Some(scored.iter().filter(|s| score(s) < threshold).count() as f32 / scored.len() as f32)
    };
    Ok(Calibration {
        threshold,
        held_out_in_scope: held_in.len(),
        in_scope_cost: rejected_correct as f32 / correct as f32,
        pseudo_oos_intents: n_pseudo,
        pseudo_oos_recall,
    })
}

/// Index of the largest value.
pub(crate) fn argmax(v: &[f32]) -> usize {
    v.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}
