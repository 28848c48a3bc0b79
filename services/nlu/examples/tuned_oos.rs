//! The fast and the fine-tuned training path side by side, with figures `eval nlu` does not print:
//! out-of-scope recall at a threshold chosen on the test rows (1 and 2 points of in-scope cost,
//! for comparison only) and the AUROC of the rejection score.
//! `CANDLE_NUM_THREADS=1 cargo run -p switchboard-nlu --example tuned_oos -- TRAIN.csv TEST.csv [OOS_LABEL]`
//! Knobs through the environment: FT_LAYERS, FT_EPOCHS (0: fast path only), FT_LR, FT_HEAD_LR,
//! FT_SCALE, FT_DROPOUT; BASE=mpnet starts from all-mpnet-base-v2 instead of all-MiniLM-L6-v2.

use std::path::Path;
use std::time::Instant;

use switchboard_embeddings::{Embedder, FineTuneOptions, SentenceEncoder};
use switchboard_nlu::eval::{LabelledRow, read_csv};
use switchboard_nlu::{IntentModel, TrainOptions, TrainingExample, train, train_tuned};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let train_rows = read_csv(Path::new(&args[1])).unwrap();
    let test_rows = read_csv(Path::new(&args[2])).unwrap();
    let oos = args.get(3).map(String::as_str);
    let base = match std::env::var("BASE").as_deref() {
        Ok("mpnet") => SentenceEncoder::mpnet(),
        _ => SentenceEncoder::minilm(),
    }
    .unwrap();
    let kept: Vec<_> = train_rows
        .iter()
        .filter(|r| Some(r.label.as_str()) != oos)
        .collect();
    let d = FineTuneOptions::default();
    let opts = FineTuneOptions {
        layers: env("FT_LAYERS", d.layers),
        epochs: env("FT_EPOCHS", d.epochs),
        lr: env("FT_LR", d.lr),
        head_lr: env("FT_HEAD_LR", d.head_lr),
        scale: env("FT_SCALE", d.scale),
        dropout: env("FT_DROPOUT", d.dropout),
        ..d
    };
    let examples: Vec<TrainingExample> = kept
        .iter()
        .map(|r| TrainingExample {
            text: r.text.clone(),
            intent: r.label.clone(),
        })
        .collect();
    let started = Instant::now();
    let fast = train(&examples, &base, &TrainOptions::default()).unwrap();
    eprintln!(
        "fast path trained in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!("fast path:  {}", score_rows(&fast, &base, &test_rows, oos));
    if opts.epochs == 0 {
        return;
    }
    eprintln!("{opts:?}");
    let started = Instant::now();
    let mut last = Instant::now();
    let tuned = train_tuned(
        &examples,
        &base,
        &TrainOptions::default(),
        &opts,
        &mut |stage, done, total| {
            if last.elapsed().as_secs() >= 30 || done == total {
                eprintln!(
                    "{stage} {done}/{total} ({:.0} s)",
                    started.elapsed().as_secs_f64()
                );
                last = Instant::now();
            }
        },
    )
    .unwrap();
    eprintln!(
        "trained in {:.1} s; calibration {:?}",
        started.elapsed().as_secs_f64(),
        tuned.model.calibration()
    );
    println!(
        "fine-tuned: {}",
        score_rows(&tuned.model, &tuned.encoder, &test_rows, oos)
    );
}

/// Figures at the calibrated threshold, plus the oracle ones (threshold chosen on the test rows,
/// for comparison only): OOS recall at 1 and 2 points of in-scope cost, and the score's AUROC.
fn score_rows(
    model: &IntentModel,
    embedder: &dyn Embedder,
    test: &[LabelledRow],
    oos: Option<&str>,
) -> String {
    let texts: Vec<&str> = test.iter().map(|r| r.text.as_str()).collect();
    let vectors = embedder.embed(&texts).unwrap();
    let queries: Vec<(&str, &[f32])> = texts
        .iter()
        .copied()
        .zip(vectors.iter().map(Vec::as_slice))
        .collect();
    let preds = model.classify_batch(&queries).unwrap();
    let mut ins: Vec<(f32, bool, bool)> = Vec::new();
    let mut outs: Vec<(f32, bool)> = Vec::new();
    for (row, p) in test.iter().zip(&preds) {
        if Some(row.label.as_str()) == oos {
            outs.push((p.score, !p.in_scope));
        } else {
            ins.push((
                p.score,
                p.ranked[0].0 == row.label,
                p.intent() == Some(row.label.as_str()),
            ));
        }
    }
    let n_in = ins.len() as f64;
    let top1 = ins.iter().filter(|i| i.1).count() as f64 / n_in;
    let in_acc = ins.iter().filter(|i| i.2).count() as f64 / n_in;
    let accuracy = (ins.iter().filter(|i| i.2).count() + outs.iter().filter(|o| o.1).count())
        as f64
        / test.len() as f64;
    let mut line = format!("accuracy {accuracy:.4}  in-scope {in_acc:.4}  top-1 {top1:.4}");
    if outs.is_empty() {
        return line;
    }
    let recall = outs.iter().filter(|o| o.1).count() as f64 / outs.len() as f64;
    let auroc = outs
        .iter()
        .map(|o| ins.iter().filter(|i| i.0 > o.0).count() as f64)
        .sum::<f64>()
        / (n_in * outs.len() as f64);
    line += &format!("  OOS recall {recall:.4}  AUROC {auroc:.4}");
    for cost in [0.01, 0.02] {
        let mut cand: Vec<f32> = ins
            .iter()
            .map(|i| i.0)
            .chain(outs.iter().map(|o| o.0))
            .collect();
        cand.sort_by(f32::total_cmp);
        let mut best = 0.0;
        for t in cand {
            let lost = ins.iter().filter(|i| i.1 && i.0 < t).count() as f64;
            if lost / n_in > cost {
                break;
            }
            best = outs.iter().filter(|o| o.0 < t).count() as f64 / outs.len() as f64;
        }
        line += &format!("  oracle@{:.0}pt {best:.4}", cost * 100.0);
    }
    line
}
