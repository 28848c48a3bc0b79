//! `switchboard eval sentiment`: trains the sentiment head `serve` uses and scores it beside
//! VADER on a labelled CSV.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use sentiment::eval::{Scores, evaluate};
use sentiment::{SentimentModel, built_in_examples, load_examples};

/// Arguments of `eval sentiment`; keep stable, unseen data is scored through it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Test CSV with header `text,label` (labels negative / neutral / positive).
    #[arg(long)]
    pub test: PathBuf,
    /// More training CSVs (same shape) besides the built-in sentences and
    /// `insights.sentiment_training`.
    #[arg(long)]
    pub train: Vec<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Trains as `serve` does (built-in sentences, configured files, `--train`), then scores.
pub fn run(args: Args, o: &crate::config::Overrides) -> anyhow::Result<()> {
    let config = crate::config::Config::load(o)?;
    let test = load_examples(&args.test, 1.0)?;
    let mut examples = built_in_examples();
    for path in config.insights.sentiment_training.iter().chain(&args.train) {
        examples.extend(load_examples(path, 1.0)?);
    }
    let embedder = crate::app::load_embedder(&config)?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:24} [{bar:30}] {pos}/{len} ({elapsed})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message("embedding training");
    let model = SentimentModel::train(&examples, embedder.as_ref(), &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    crate::app::save_embedding_cache(&config, &embedder);
    bar.set_message("scoring test");
    let report = evaluate(&model, embedder.as_ref(), &test, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "sentences": report.sentences,
                "training_sentences": examples.len(),
                "accuracy": report.switchboard.accuracy,
                "macro_f1": report.switchboard.macro_f1,
                "vader_accuracy": report.vader.accuracy,
                "vader_macro_f1": report.vader.macro_f1,
                "ms_per_sentence": report.ms_per_sentence,
            })
        );
        return Ok(());
    }
    println!(
        "{} test sentences, trained on {}",
        report.sentences,
        examples.len()
    );
    println!(
        "{:<12} {:>9} {:>9} {:>8} {:>8} {:>8}",
        "", "accuracy", "macro-F1", "F1 neg", "F1 neu", "F1 pos"
    );
    let line = |name: &str, s: &Scores| {
        println!(
            "{:<12} {:>9.3} {:>9.3} {:>8.3} {:>8.3} {:>8.3}",
            name, s.accuracy, s.macro_f1, s.f1[0], s.f1[1], s.f1[2]
        );
    };
    line("switchboard", &report.switchboard);
    line("vader", &report.vader);
    println!(
        "{:.2} ms per sentence (embedding included)",
        report.ms_per_sentence
    );
    Ok(())
}
