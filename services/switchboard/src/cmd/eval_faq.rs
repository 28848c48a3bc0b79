//! `switchboard eval faq`: indexes an answer pool and scores the chatbot's retrieval on questions.

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use switchboard_knowledge::eval::{self, Report};
use switchboard_knowledge::{KnowledgeIndex, Mode};

/// Arguments of `eval faq`; keep stable, unseen data is scored through it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Answer pool CSV with header `answer_id,text`.
    #[arg(long)]
    pub answers: PathBuf,
    /// Questions CSV with header `question,answer_ids` (space-separated ids).
    #[arg(long)]
    pub questions: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Ranking to score: `hybrid` (what the chatbot uses), `bm25`, `dense`, or `all` three.
    #[arg(long, default_value = "hybrid")]
    pub mode: String,
}

/// Scores the retrieval the chatbot would use under the same configuration (`knowledge_encoder`).
pub fn run(args: Args, o: &crate::config::Overrides) -> anyhow::Result<()> {
    let modes: Vec<Mode> = match args.mode.as_str() {
        "all" => vec![Mode::Bm25, Mode::Dense, Mode::Hybrid],
        m => vec![m.parse().map_err(anyhow::Error::msg)?],
    };
    let pool = eval::load_answers(&args.answers)
        .with_context(|| format!("answer pool {}", args.answers.display()))?;
    let questions = eval::load_questions(&args.questions, &pool)?;
    let config = crate::config::Config::load(o)?;
    let embedder = crate::app::load_knowledge_embedder(&config)?;

    let dir = std::env::temp_dir().join(format!("switchboard-eval-faq-{}", std::process::id()));
    let _cleanup = RemoveOnDrop(dir.clone());
    let bar = progress_bar("embedding answers");
    let index = KnowledgeIndex::build(&dir, pool, embedder.as_ref(), &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .context("indexing the answer pool")?;
    bar.finish_and_clear();

    let mut reports = Vec::new();
    for mode in modes {
        let bar = progress_bar(&format!("{mode:?} questions"));
        let report = eval::evaluate(
            &index,
            &questions,
            embedder.as_ref(),
            mode,
            &mut |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            },
        )?;
        bar.finish_and_clear();
        reports.push((mode, report));
    }
    print_reports(&reports, args.json);
    Ok(())
}

fn progress_bar(label: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    let style = ProgressStyle::with_template("{msg:>20} [{bar:30}] {pos}/{len} ({eta})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(label.to_string());
    bar
}

fn json_of(r: &Report) -> serde_json::Value {
    serde_json::json!({
        "recall_at_1": r.recall_at_1,
        "recall_at_5": r.recall_at_5,
        "mrr": r.mrr,
        "ms_per_query": r.ms_per_query,
    })
}

fn print_reports(reports: &[(Mode, Report)], json: bool) {
    if json {
        let value = match reports {
            [(_, r)] => json_of(r),
            many => serde_json::Value::Object(
                many.iter()
                    .map(|(m, r)| (format!("{m:?}").to_lowercase(), json_of(r)))
                    .collect(),
            ),
        };
        println!("{value}");
        return;
    }
    let n = reports.first().map_or(0, |(_, r)| r.questions);
    println!("{n} questions");
    println!(
        "{:<8} {:>9} {:>9} {:>7} {:>13} {:>14}",
        "mode", "recall@1", "recall@5", "MRR@10", "ms/query", "search ms/q"
    );
    for (mode, r) in reports {
        println!(
            "{:<8} {:>9.4} {:>9.4} {:>7.4} {:>13.2} {:>14.3}",
            format!("{mode:?}").to_lowercase(),
            r.recall_at_1,
            r.recall_at_5,
            r.mrr,
            r.ms_per_query,
            r.search_ms_per_query
        );
    }
}

/// Removes the scratch index when the command ends, also on error.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
