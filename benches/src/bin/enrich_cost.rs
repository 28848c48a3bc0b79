//! What the live-intelligence stages cost per call segment on this machine: every turn of the
//! staged calls goes through redact → embed (the one embedding the stages share, timed apart) →
//! sentiment → key phrases (its candidates embedded through the same queue and cache) → rules,
//! each stage timed. Two passes: the first with an empty embedding cache (a new call's words),
//! the second warm (phrases heard before). Encoder: all-MiniLM-L6-v2 (the NLU encoder), cached as
//! the server caches it.
//!
//! `cargo run --release -p switchboard-benches --bin enrich_cost -- [--precision int8|full]`

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use switchboard_chat::EmbedQueue;
use switchboard_embeddings::{CachedEmbedder, MINILM_DIR, Precision, SentenceEncoder, models_root};
use switchboard_insights::{KeyPhraseStage, KeyPhrases, RedactStage, RuleStage, SentimentStage};
use switchboard_storage::NewCallSegment;

#[derive(Parser)]
struct Args {
    /// Encoder arithmetic, as `encoder_precision` (int8 runs as full without AVX-512 VNNI).
    #[arg(long, default_value = "int8")]
    precision: String,
    /// Staged calls (JSON with `turns`).
    #[arg(long, default_value = "../shared/data/speech/calls")]
    calls: PathBuf,
    /// Rule files.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
}

#[derive(serde::Deserialize)]
struct Staged {
    turns: Vec<Turn>,
}

#[derive(serde::Deserialize)]
struct Turn {
    speaker: String,
    start_s: f64,
    end_s: f64,
    text: String,
}

const STAGES: [&str; 6] = [
    "redact",
    "embed (shared)",
    "sentiment",
    "key phrases",
    "rules",
    "enrichment",
];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let precision = match args.precision.as_str() {
        "int8" => Precision::Int8,
        "full" => Precision::Full,
        other => anyhow::bail!("--precision {other}: int8 or full"),
    };
    let encoder = SentenceEncoder::load_with(&models_root().join(MINILM_DIR), precision)
        .context("loading all-MiniLM-L6-v2 (scripts/models.sh installs it)")?;
    let numerics = encoder.numerics().to_string();
    let embedder = Arc::new(CachedEmbedder::new(encoder, 100_000));
    let queue = EmbedQueue::start(embedder.clone(), 32, 128);
    let sentiment = Arc::new(sentiment::SentimentModel::train(
        &sentiment::built_in_examples(),
        embedder.as_ref(),
        &mut |_, _| {},
    )?);
    let rules =
        rules::Rules::new(rules::load_dir(&args.rules).map_err(|r| anyhow::anyhow!("{r}"))?);
    let phrases = Arc::new(KeyPhrases::default());
    let redactor = redaction::Redactor::default();

    let mut files: Vec<PathBuf> = std::fs::read_dir(&args.calls)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    anyhow::ensure!(
        !files.is_empty(),
        "no staged calls in {}",
        args.calls.display()
    );
    let calls: Vec<Staged> = files
        .iter()
        .map(|f| Ok(serde_json::from_str(&std::fs::read_to_string(f)?)?))
        .collect::<anyhow::Result<_>>()?;

    println!(
        "{} segments of {} staged calls; encoder {numerics}; {} rules",
        calls.iter().map(|c| c.turns.len()).sum::<usize>(),
        calls.len(),
        rules.current().len()
    );
    for pass in ["cold cache", "warm cache"] {
        let mut times: Vec<[f64; 6]> = Vec::new();
        for call in &calls {
            let mut redact = RedactStage::new(&redactor);
            let mut scored = SentimentStage::new(sentiment.clone());
            let keyed = KeyPhraseStage::new(phrases.clone(), queue.clone());
            let mut ruled = RuleStage::new(&rules);
            for (seq, turn) in call.turns.iter().enumerate() {
                let mut segment = NewCallSegment {
                    channel: u32::from(turn.speaker == "agent"),
                    speaker: turn.speaker.clone(),
                    start_ms: (turn.start_s * 1000.0) as u64,
                    end_ms: (turn.end_s * 1000.0) as u64,
                    text: turn.text.clone(),
                    confidence: 0.9,
                    insights: Default::default(),
                };
                let mut t = [0.0; 6];
                let clock = Instant::now();
                redact.apply(&mut segment);
                t[0] = clock.elapsed().as_secs_f64();
                let clock = Instant::now();
                let vector = queue.embed(&segment.text).await?;
                t[1] = clock.elapsed().as_secs_f64();
                let clock = Instant::now();
                scored.apply(&mut segment, &vector);
                t[2] = clock.elapsed().as_secs_f64();
                let clock = Instant::now();
                keyed.apply(&mut segment, &vector).await;
                t[3] = clock.elapsed().as_secs_f64();
                let clock = Instant::now();
                ruled.apply(seq as u32, &segment);
                t[4] = clock.elapsed().as_secs_f64();
                t[5] = t[0] + t[2] + t[3] + t[4];
                times.push(t);
            }
        }
        println!("\n{pass}: ms per segment (p50 / p95 / max)");
        for (i, stage) in STAGES.iter().enumerate() {
            let mut v: Vec<f64> = times.iter().map(|t| t[i] * 1000.0).collect();
            v.sort_by(f64::total_cmp);
            let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
            println!(
                "  {stage:<16} {:>7.2} {:>7.2} {:>7.2}",
                at(0.5),
                at(0.95),
                at(1.0)
            );
        }
    }
    Ok(())
}
