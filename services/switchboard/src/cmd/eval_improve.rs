//! `switchboard eval improve`: the improvement loop on labelled data — a bot built from
//! `--train`, the pool asked through the chat service round by round, each round's missed
//! utterances approved under their gold label and built through the product's gate and publish
//! path, accuracy on `--test` (never seen by the loop) before and after each round.

use std::path::PathBuf;

use anyhow::Context;
use switchboard_nlu::eval::read_csv;
use switchboard_publishing::eval::{Labelled, Round, bot_from, improve, intent_name};

/// Arguments of `eval improve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The starting bot's utterances: CSV with header `text,label` (or `text,category`).
    #[arg(long)]
    pub train: PathBuf,
    /// Utterances asked as conversations, split evenly over the rounds; same header.
    #[arg(long)]
    pub pool: PathBuf,
    /// Held-out utterances scored after each round; same header.
    #[arg(long)]
    pub test: PathBuf,
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Print one JSON object (`{"rounds": [...]}`) instead of a table.
    #[arg(long)]
    pub json: bool,
}

const BOT: &str = "improve";

/// Rows of a CSV, labels made intent names (the same for every file, so gold labels still match).
fn labelled(path: &std::path::Path) -> anyhow::Result<Vec<Labelled>> {
    Ok(read_csv(path)
        .with_context(|| format!("reading {}", path.display()))?
        .into_iter()
        .map(|r| Labelled {
            text: r.text,
            label: intent_name(&r.label),
        })
        .collect())
}

pub async fn run(args: Args, o: &crate::config::Overrides) -> anyhow::Result<()> {
    if args.rounds == 0 {
        anyhow::bail!("--rounds must be at least 1");
    }
    let (train, pool, test) = (
        labelled(&args.train)?,
        labelled(&args.pool)?,
        labelled(&args.test)?,
    );
    if train.is_empty() || pool.is_empty() || test.is_empty() {
        anyhow::bail!("--train, --pool and --test each need at least one row");
    }
    // A scratch deployment: its own SQLite database and data folder, the configured encoders,
    // knowledge and fallback policy, nothing exported.
    let scratch = tempfile::tempdir()?;
    let mut config = crate::config::Config::load(o)?;
    config.data_dir = scratch.path().join("data");
    config.database_url = format!("sqlite://{}", scratch.path().join("eval.db").display());
    config.bots_dir = scratch.path().join("bots");
    config.export_bots = false;
    config.event_bus = "memory".into();
    let start = bot_from(BOT, &train);
    let store = crate::app::connect(&config).await?;
    store
        .save_bot_version(BOT, 1, &serde_json::to_string(&start)?, &start.checksum())
        .await?;
    store.activate_bot_version(BOT, 1).await?;
    eprintln!(
        "starting bot: {} intents, {} utterances; pool {} in {} rounds; test {}",
        start.intents.len(),
        start
            .intents
            .iter()
            .map(|i| i.utterances.len())
            .sum::<usize>(),
        pool.len(),
        args.rounds,
        test.len()
    );
    let app = crate::app::build(&config).await?;
    let per_round = pool.len().div_ceil(args.rounds);
    let rounds: Vec<Vec<Labelled>> = pool.chunks(per_round).map(<[Labelled]>::to_vec).collect();
    let bar = crate::progress::bar("asking the pool");
    let progress: switchboard_publishing::Progress = {
        let bar = bar.clone();
        std::sync::Arc::new(move |d, t| crate::progress::update(&bar, d, t))
    };
    let report = improve(&app.chat, &app.publisher, BOT, &rounds, &test, &progress).await?;
    bar.finish_and_clear();
    print(&report, args.json);
    Ok(())
}

fn print(rounds: &[Round], json: bool) {
    if json {
        let rows: Vec<serde_json::Value> = rounds
            .iter()
            .map(|r| {
                serde_json::json!({
                    "round": r.round,
                    "accuracy": r.accuracy,
                    "approved": r.approved,
                    "new_intents": r.new_intents,
                    "rejected_by_gate": r.rejected_by_gate,
                    "asked": r.asked,
                    "missed": r.missed,
                })
            })
            .collect();
        println!("{}", serde_json::json!({ "rounds": rows }));
        return;
    }
    println!("round  accuracy  asked  missed  approved  new intents  gate");
    for r in rounds {
        println!(
            "{:5}  {:7.2} %  {:5}  {:6}  {:8}  {:11}  {}",
            r.round,
            r.accuracy * 100.0,
            r.asked,
            r.missed,
            r.approved,
            r.new_intents,
            if r.round == 0 {
                "-"
            } else if r.rejected_by_gate {
                "rejected"
            } else {
                "published"
            }
        );
    }
}
