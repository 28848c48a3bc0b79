//! `switchboard eval nlu`: trains the serving NLU engine on one CSV and scores it on another.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use switchboard_embeddings::FineTuneOptions;
use switchboard_nlu::TrainOptions;
use switchboard_nlu::eval::{EvalReport, evaluate, evaluate_tuned, read_csv};

/// Arguments of `eval nlu`; this interface is how quality is checked on unseen data: keep it stable.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Training CSV with header `text,label` (or `text,category`).
    #[arg(long)]
    pub train: PathBuf,
    /// Test CSV, same header.
    #[arg(long)]
    pub test: PathBuf,
    /// Label marking out-of-scope rows; without it every rejection counts as wrong.
    #[arg(long)]
    pub oos_label: Option<String>,
    /// Share of correctly recognised in-scope utterances the out-of-scope threshold may turn
    /// away (0–0.5); the default is what `serve` trains with. Sweep it to see the trade between
    /// out-of-scope recall and accuracy.
    #[arg(long, default_value_t = TrainOptions::default().max_in_scope_cost)]
    pub max_in_scope_cost: f32,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Fine-tune the encoder's top layers on the training rows first (the slower training
    /// path: minutes, not seconds; two tuning runs, one for the rejection threshold).
    #[arg(long)]
    pub fine_tune: bool,
    /// Passes over the training rows when fine-tuning.
    #[arg(long, default_value_t = FineTuneOptions::default().epochs, requires = "fine_tune")]
    pub fine_tune_epochs: usize,
    /// Top encoder layers that learn when fine-tuning (the others stay frozen).
    #[arg(long, default_value_t = FineTuneOptions::default().layers, requires = "fine_tune")]
    pub fine_tune_layers: usize,
}

/// Trains the NLU engine `serve` uses on `--train`, scores it on `--test`, prints the figures;
/// the encoder is the configured one (`nlu_encoder`, `encoder_precision`), like the chatbot's.
pub fn run(args: Args, o: &crate::config::Overrides) -> anyhow::Result<()> {
    let opts = TrainOptions {
        max_in_scope_cost: args.max_in_scope_cost,
        ..TrainOptions::default()
    };
    opts.check()?;
    let train = read_csv(&args.train)?;
    let test = read_csv(&args.test)?;
    let config = crate::config::Config::load(o)?;
    let embedder = crate::app::load_nlu_encoder(&config)?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:24} [{bar:30}] {pos}/{len} ({elapsed})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let mut progress = |stage: &str, done: usize, total: usize| {
        if bar.message() != stage {
            bar.set_message(stage.to_string());
            bar.set_length(total as u64);
        }
        bar.set_position(done as u64);
    };
    let oos = args.oos_label.as_deref();
    let report = if args.fine_tune {
        let tune = FineTuneOptions {
            epochs: args.fine_tune_epochs,
            layers: args.fine_tune_layers,
            ..FineTuneOptions::default()
        };
        evaluate_tuned(&train, &test, &embedder, &tune, oos, &opts, &mut progress)?
    } else {
        evaluate(&train, &test, &embedder, oos, &opts, &mut progress)?
    };
    bar.finish_and_clear();
    if args.json {
        println!("{}", to_json(&report));
    } else {
        print_table(&report);
    }
    Ok(())
}

fn to_json(r: &EvalReport) -> serde_json::Value {
    serde_json::json!({
        "accuracy": r.accuracy,
        "in_scope_accuracy": r.in_scope_accuracy,
        "top1_accuracy": r.top1_accuracy,
        "oos_recall": r.oos_recall,
        "oos_precision": r.oos_precision,
        "ms_per_utterance": r.ms_per_utterance,
        "embed_ms_per_utterance": r.embed_ms_per_utterance,
        "train_seconds": r.train_seconds,
        "train_rows": r.train_rows,
        "test_rows": r.test_rows,
        "intents": r.intents,
        "threshold": r.threshold,
    })
}

fn print_table(r: &EvalReport) {
    let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.2} %", v * 100.0));
    println!("intents            {}", r.intents);
    println!("train / test rows  {} / {}", r.train_rows, r.test_rows);
    println!("accuracy           {}", pct(Some(r.accuracy)));
    println!("in-scope accuracy  {}", pct(Some(r.in_scope_accuracy)));
    println!("top-1 (no reject)  {}", pct(Some(r.top1_accuracy)));
    println!("OOS recall         {}", pct(r.oos_recall));
    println!("OOS precision      {}", pct(r.oos_precision));
    println!(
        "ms / utterance     {:.2} (encoder {:.2})",
        r.ms_per_utterance, r.embed_ms_per_utterance
    );
    println!(
        "retrain seconds    {:.1} (embeddings cached)",
        r.train_seconds
    );
}
