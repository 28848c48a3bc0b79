//! Scoring the NLU engine on labelled CSV files: the logic behind `switchboard eval nlu`.

use std::path::Path;
use std::time::Instant;

use switchboard_embeddings::{CachedEmbedder, Embedder, FineTuneOptions, SentenceEncoder};

use crate::{IntentModel, NluError, TrainOptions, TrainingExample, train, train_tuned};

/// One labelled row of an evaluation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledRow {
    pub text: String,
    pub label: String,
}

/// Reads a CSV with header `text,label` or `text,category` (extra columns ignored).
pub fn read_csv(path: &Path) -> Result<Vec<LabelledRow>, NluError> {
    let err = |line: Option<u64>, message: String| NluError::Data {
        path: path.display().to_string(),
        line,
        message,
    };
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| err(None, format!("cannot read: {e}")))?;
    let header = reader
        .headers()
        .map_err(|e| err(Some(1), format!("bad header: {e}")))?
        .clone();
    let first_two: Vec<&str> = header.iter().take(2).map(str::trim).collect();
    if first_two != ["text", "label"] && first_two != ["text", "category"] {
        return Err(err(
            Some(1),
            format!(
                "header must start with `text,label` or `text,category`, found `{}`",
                header.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| err(e.position().map(|p| p.line()), e.to_string()))?;
        let line = record.position().map(|p| p.line());
        let (text, label) = (
            record.get(0).unwrap_or("").trim(),
            record.get(1).unwrap_or("").trim(),
        );
        if text.is_empty() || label.is_empty() {
            return Err(err(line, "row needs a non-empty text and label".into()));
        }
        rows.push(LabelledRow {
            text: text.to_string(),
            label: label.to_string(),
        });
    }
    if rows.is_empty() {
        return Err(err(None, "no data rows".into()));
    }
    Ok(rows)
}

/// Quality and speed figures; fractions are 0–1.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    /// Rows given the right answer (an intent, or a rejection for out-of-scope rows).
    pub accuracy: f64,
    /// In-scope rows given their right intent; a rejected in-scope row counts as wrong.
    pub in_scope_accuracy: f64,
    /// In-scope rows whose best-ranked intent is right, rejection ignored (classifier alone).
    pub top1_accuracy: f64,
    /// Out-of-scope rows rejected (only with an OOS label).
    pub oos_recall: Option<f64>,
    /// Rejections that were out-of-scope rows (only with an OOS label and at least one rejection).
    pub oos_precision: Option<f64>,
    /// Embedding plus classification time per test row, batched as a bulk job would.
    pub ms_per_utterance: f64,
    /// Of which the encoder.
    pub embed_ms_per_utterance: f64,
    pub test_rows: usize,
    pub train_rows: usize,
    pub intents: usize,
    /// Training time with embeddings already cached (a retrain).
    pub train_seconds: f64,
    /// Rejection threshold chosen from the training data.
    pub threshold: f32,
}

/// Where an evaluation is, for progress bars: (stage, done, total).
pub type Progress<'a> = &'a mut dyn FnMut(&str, usize, usize);

/// Texts per encoder call while embedding a data set (progress granularity).
const CHUNK: usize = 256;

fn embed_all(
    embedder: &dyn Embedder,
    texts: &[&str],
    stage: &str,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<Vec<Vec<f32>>, NluError> {
    let mut out = Vec::with_capacity(texts.len());
    progress(stage, 0, texts.len());
    for chunk in texts.chunks(CHUNK) {
        out.extend(embedder.embed(chunk)?);
        progress(stage, out.len(), texts.len());
    }
    Ok(out)
}

/// The training examples of `rows`: every row not labelled `oos_label`.
fn examples(rows: &[LabelledRow], oos_label: Option<&str>) -> Vec<TrainingExample> {
    rows.iter()
        .filter(|r| oos_label != Some(r.label.as_str()))
        .map(|r| TrainingExample {
            text: r.text.clone(),
            intent: r.label.clone(),
        })
        .collect()
}

/// Trains on `train_rows` (rows labelled `oos_label` are left out) with `opts` (the defaults
/// are what `serve` trains with) and scores `test_rows`.
pub fn evaluate(
    train_rows: &[LabelledRow],
    test_rows: &[LabelledRow],
    embedder: &dyn Embedder,
    oos_label: Option<&str>,
    opts: &TrainOptions,
    progress: Progress,
) -> Result<EvalReport, NluError> {
    let examples = examples(train_rows, oos_label);
    // Embed once with progress; `train` then finds every text in the cache.
    let cached = CachedEmbedder::new(embedder, examples.len().max(1));
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    embed_all(&cached, &texts, "embedding training set", progress)?;
    progress("training", 0, 1);
    let started = Instant::now();
    let model = train(&examples, &cached, opts)?;
    let train_seconds = started.elapsed().as_secs_f64();
    progress("training", 1, 1);
    score(
        &model,
        embedder,
        test_rows,
        oos_label,
        (examples.len(), train_seconds),
        progress,
    )
}

/// Like [`evaluate`] on the slower path: `base` fine-tuned on the training rows first
/// ([`train_tuned`]); `train_seconds` then includes both tuning runs.
pub fn evaluate_tuned(
    train_rows: &[LabelledRow],
    test_rows: &[LabelledRow],
    base: &SentenceEncoder,
    tune: &FineTuneOptions,
    oos_label: Option<&str>,
    opts: &TrainOptions,
    progress: Progress,
) -> Result<EvalReport, NluError> {
    let examples = examples(train_rows, oos_label);
    let started = Instant::now();
    let tuned = train_tuned(&examples, base, opts, tune, progress)?;
    let train_seconds = started.elapsed().as_secs_f64();
    score(
        &tuned.model,
        &tuned.encoder,
        test_rows,
        oos_label,
        (examples.len(), train_seconds),
        progress,
    )
}

/// Classifies `test_rows` with `model` (embedding them with `embedder`) and counts.
fn score(
    model: &IntentModel,
    embedder: &dyn Embedder,
    test_rows: &[LabelledRow],
    oos_label: Option<&str>,
    (train_rows, train_seconds): (usize, f64),
    progress: Progress,
) -> Result<EvalReport, NluError> {
    let is_oos = |label: &str| oos_label == Some(label);
    let started = Instant::now();
    let texts: Vec<&str> = test_rows.iter().map(|r| r.text.as_str()).collect();
    let vectors = embed_all(embedder, &texts, "embedding test set", progress)?;
    let embed_seconds = started.elapsed().as_secs_f64();
    let queries: Vec<(&str, &[f32])> = texts
        .iter()
        .copied()
        .zip(vectors.iter().map(Vec::as_slice))
        .collect();
    let predictions = model.classify_batch(&queries)?;
    let total_seconds = started.elapsed().as_secs_f64();

    let (mut right, mut in_rows, mut in_right, mut oos_rows, mut oos_rejected, mut rejected) =
        (0, 0, 0, 0, 0, 0);
    let mut top1 = 0;
    for (row, p) in test_rows.iter().zip(&predictions) {
        rejected += usize::from(!p.in_scope);
        if is_oos(&row.label) {
            oos_rows += 1;
            oos_rejected += usize::from(!p.in_scope);
            right += usize::from(!p.in_scope);
        } else {
            in_rows += 1;
            top1 += usize::from(p.ranked.first().is_some_and(|r| r.0 == row.label));
            let ok = p.intent() == Some(row.label.as_str());
            in_right += usize::from(ok);
            right += usize::from(ok);
        }
    }
    let frac = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let n = test_rows.len().max(1) as f64;
    Ok(EvalReport {
        accuracy: frac(right, test_rows.len()),
        in_scope_accuracy: frac(in_right, in_rows),
        top1_accuracy: frac(top1, in_rows),
        oos_recall: oos_label.map(|_| frac(oos_rejected, oos_rows)),
        oos_precision: oos_label
            .filter(|_| rejected > 0)
            .map(|_| frac(oos_rejected, rejected)),
        ms_per_utterance: total_seconds * 1000.0 / n,
        embed_ms_per_utterance: embed_seconds * 1000.0 / n,
        test_rows: test_rows.len(),
        train_rows,
        intents: model.intents().len(),
        train_seconds,
        threshold: model.calibration().threshold,
    })
}
