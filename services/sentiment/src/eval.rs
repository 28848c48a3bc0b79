//! Accuracy and macro-F1 on a labelled CSV, for Switchboard and for VADER in the same run:
//! backs `switchboard eval sentiment`.

use switchboard_embeddings::Embedder;

use crate::{Example, Label, SentimentError, SentimentModel, vader};

/// Scores of one classifier.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Scores {
    pub accuracy: f64,
    pub macro_f1: f64,
    /// F1 per class, in [`Label::ALL`] order.
    pub f1: [f64; 3],
}

/// Switchboard beside VADER on the same sentences.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    pub sentences: usize,
    pub switchboard: Scores,
    pub vader: Scores,
    pub ms_per_sentence: f64,
}

/// Scores `model` and VADER on `test`.
pub fn evaluate(
    model: &SentimentModel,
    embedder: &dyn Embedder,
    test: &[Example],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, SentimentError> {
    let started = std::time::Instant::now();
    let mut ours = Vec::with_capacity(test.len());
    for chunk in test.chunks(64) {
        let texts: Vec<&str> = chunk.iter().map(|e| e.text.as_str()).collect();
        for (e, v) in chunk.iter().zip(embedder.embed(&texts)?) {
            ours.push(model.score(&e.text, &v).label);
        }
        progress(ours.len(), test.len());
    }
    let ms_per_sentence = started.elapsed().as_secs_f64() * 1000.0 / test.len().max(1) as f64;
    let gold: Vec<Label> = test.iter().map(|e| e.label).collect();
    let theirs: Vec<Label> = test.iter().map(|e| vader(&e.text).label).collect();
    Ok(Report {
        sentences: test.len(),
        switchboard: scores(&gold, &ours),
        vader: scores(&gold, &theirs),
        ms_per_sentence,
    })
}

/// Accuracy and macro-F1 of `predicted` against `gold`.
pub fn scores(gold: &[Label], predicted: &[Label]) -> Scores {
    let correct = gold.iter().zip(predicted).filter(|(g, p)| g == p).count();
    let mut f1 = [0.0; 3];
    for (k, label) in Label::ALL.into_iter().enumerate() {
        let tp = gold
            .iter()
            .zip(predicted)
            .filter(|&(g, p)| *g == label && *p == label)
            .count() as f64;
        let predicted_n = predicted.iter().filter(|&&p| p == label).count() as f64;
        let gold_n = gold.iter().filter(|&&g| g == label).count() as f64;
        let precision = if predicted_n > 0.0 {
            tp / predicted_n
        } else {
            0.0
        };
        let recall = if gold_n > 0.0 { tp / gold_n } else { 0.0 };
        f1[k] = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
    }
    Scores {
        accuracy: correct as f64 / gold.len().max(1) as f64,
        macro_f1: f1.iter().sum::<f64>() / 3.0,
        f1,
    }
}
