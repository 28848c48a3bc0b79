//! `switchboard eval redaction`: precision and recall of PII redaction per kind.

use std::path::PathBuf;

use redaction::eval::{KindScore, evaluate, load};

/// Arguments of `eval redaction`; keep stable, unseen dialogues are scored through it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labelled dialogues: `= title` opens a conversation, `speaker: text` per turn, personal
    /// data marked `{kind:value}` (see benches/data/redaction_check.txt).
    #[arg(long)]
    pub test: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Redacts each conversation turn by turn with the configured kinds and prints the scores.
pub fn run(args: Args, o: &crate::config::Overrides) -> anyhow::Result<()> {
    let config = crate::config::Config::load(o)?;
    let redactor = config.insights.redactor()?;
    let conversations = load(&args.test)?;
    let report = evaluate(&redactor, &conversations);
    let row = |s: &KindScore| {
        serde_json::json!({
            "gold": s.gold, "predicted": s.predicted,
            "precision": s.precision(), "recall": s.recall(),
        })
    };
    if args.json {
        let per_kind: serde_json::Map<String, serde_json::Value> = report
            .per_kind
            .iter()
            .map(|(k, s)| (k.as_str().to_string(), row(s)))
            .collect();
        println!(
            "{}",
            serde_json::json!({
                "turns": report.turns,
                "precision": report.all.precision(),
                "recall": report.all.recall(),
                "per_kind": per_kind,
                "untouched_turns": report.untouched_turns,
                "untouched_changed": report.untouched_changed,
            })
        );
        return Ok(());
    }
    println!(
        "{} turns, {} with nothing to redact",
        report.turns, report.untouched_turns
    );
    println!(
        "{:<20} {:>5} {:>9} {:>10} {:>7}",
        "kind", "gold", "predicted", "precision", "recall"
    );
    for (kind, s) in report
        .per_kind
        .iter()
        .map(|(k, s)| (k.as_str(), s))
        .chain([("all", &report.all)])
    {
        println!(
            "{:<20} {:>5} {:>9} {:>10.3} {:>7.3}",
            kind,
            s.gold,
            s.predicted,
            s.precision(),
            s.recall()
        );
    }
    println!(
        "turns with nothing to redact that were changed anyway: {}/{}",
        report.untouched_changed, report.untouched_turns
    );
    Ok(())
}
