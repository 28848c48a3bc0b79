//! End-of-utterance latency of live call transcription: streams K staged calls at once into
//! `/v1/calls/ingest` at real-time pace (200 ms chunks every 200 ms, the WAV as is), listens on
//! `/v1/calls/live`, and times each scripted turn from the moment the chunk holding its end was
//! sent to the arrival of its final, and each customer final that the call's bot answers (a
//! `suggestions` or `missed` event) from the chunk holding the final's end (as the server heard
//! it) to that answer: what the agent's sidebar waits. Also reads the server's resident memory before and during
//! the calls and, with an admin token, its ASR queue/decode histograms from `/metrics`.
//!
//! With `--switchboard BIN` every K gets a fresh server on a temporary SQLite database (so idle
//! memory is clean); with `--url`/`--token` one running server is used for all.

mod feed;
mod ingest;
mod score;
mod server;
mod staged;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

use feed::{KRun, run_k};
use server::{Server, Target};

#[derive(Debug, Parser)]
pub struct Args {
    /// `switchboard` binary to start a fresh server with for every K (environment inherited).
    #[arg(long, conflicts_with = "url")]
    switchboard: Option<PathBuf>,
    /// Base URL of a running server, e.g. http://127.0.0.1:8080.
    #[arg(long, requires = "token")]
    url: Option<String>,
    /// Agent token (with --url).
    #[arg(long)]
    token: Option<String>,
    /// Admin token, to read `/metrics` (with --url).
    #[arg(long)]
    admin_token: Option<String>,
    /// Server process id, to read its memory (with --url).
    #[arg(long)]
    pid: Option<u32>,
    /// Directory of staged calls (`call_*.wav` + `call_*.json`).
    #[arg(long, default_value = "../shared/data/speech/calls")]
    calls: PathBuf,
    /// Unscripted recordings streamed first (e.g. the real LCA call): timed for assist only.
    #[arg(long, value_delimiter = ',')]
    recordings: Vec<PathBuf>,
    /// Concurrent calls to try, in order.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,6,8")]
    ks: Vec<usize>,
    /// Audio per chunk, sent every as many milliseconds.
    #[arg(long, default_value_t = 200)]
    pub chunk_ms: u32,
    /// Delay between the starts of concurrent calls, so turns do not end in lockstep.
    #[arg(long, default_value_t = 700)]
    pub stagger_ms: u64,
    /// Target p95 (s): the sweep reports the largest K that meets it.
    #[arg(long, default_value_t = 1.5)]
    p95_limit: f64,
    /// Stop the sweep once p95 passes this (s).
    #[arg(long, default_value_t = 3.0)]
    stop_above: f64,
    /// Print every call's turns and finals (times from the call's first chunk) to stderr.
    #[arg(long)]
    pub verbose: bool,
    /// Name of this configuration in the output.
    #[arg(long, default_value = "default")]
    label: String,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut calls = args
        .recordings
        .iter()
        .map(|p| staged::recording(p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    calls.extend(staged::load(&args.calls)?);
    let calls = Arc::new(calls);
    let env: Vec<String> = std::env::vars()
        .filter(|(k, _)| k.starts_with("SWITCHBOARD_ASR__"))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    println!(
        "# {}: {} staged calls, chunks of {} ms, starts {} ms apart; {}",
        args.label,
        calls.len(),
        args.chunk_ms,
        args.stagger_ms,
        if env.is_empty() {
            "server defaults".into()
        } else {
            env.join(" ")
        }
    );
    let mut runs: Vec<KRun> = Vec::new();
    let shared = match (&args.url, &args.token) {
        (Some(url), Some(token)) => Some(Target {
            url: url.clone(),
            token: token.clone(),
            admin: args.admin_token.clone(),
            pid: args.pid,
        }),
        _ => None,
    };
    for &k in &args.ks {
        let own = match (&shared, &args.switchboard) {
            (None, Some(bin)) => Some(Server::start(bin, &format!("k{k}"))?),
            (None, None) => anyhow::bail!("give --switchboard BIN, or --url and --token"),
            _ => None,
        };
        let target = own
            .as_ref()
            .map(|s| &s.target)
            .or(shared.as_ref())
            .expect("a target");
        if let Some(pid) = target.pid {
            server::settle(pid, Duration::from_secs(120)).await;
        }
        let run = run_k(&args, target, &calls, k).await?;
        println!("{}", run.line());
        let stop = run.p95() > args.stop_above || run.missed * 10 > run.turns;
        runs.push(run);
        drop(own);
        if stop {
            println!(
                "# stopping: p95 above {} s or more than 10 % of turns without a final",
                args.stop_above
            );
            break;
        }
    }
    match runs
        .iter()
        .filter(|r| r.p95() <= args.p95_limit && r.missed == 0)
        .map(|r| r.k)
        .max()
    {
        Some(k) => println!(
            "# {}: largest K with p95 <= {} s and no turn missed: {k}",
            args.label, args.p95_limit
        ),
        None => println!(
            "# {}: no K tried kept p95 <= {} s",
            args.label, args.p95_limit
        ),
    }
    println!(
        "\n| config | K | turns | no final (merged) | p50 | p95 | max | RSS idle → peak | per call | final queue / decode / lag (mean) | assist: segments, p50 / p95 / max |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in &runs {
        println!("{}", r.row(&args.label));
    }
    Ok(())
}
