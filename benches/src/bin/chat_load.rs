//! Websocket load generator for `/v1/chat`: many concurrent visitors, each sending a message
//! every `--interval` seconds on average (exponential gaps, so arrivals are Poisson), measuring
//! the round trip of every turn. With `--sweep`, raises the rate until p99 passes `--p99-limit-ms`.
//!
//! Messages are BANKING77 test utterances (read at run time, not shipped), each made unique with
//! a reference number (" (ref 123456)") so the server's embedding cache cannot answer repeats
//! for free: every turn pays for a full encoder pass, as a real visitor's message does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use futures::{SinkExt, StreamExt};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

#[derive(Debug, Parser)]
struct Args {
    /// Server base URL, e.g. http://127.0.0.1:8080
    #[arg(long)]
    url: String,
    /// A client token.
    #[arg(long)]
    token: String,
    /// Concurrent sessions.
    #[arg(long, default_value_t = 500)]
    sessions: usize,
    /// Mean seconds between one session's messages.
    #[arg(long, default_value_t = 5.0)]
    interval: f64,
    /// Seconds to measure (after all sessions connected).
    #[arg(long, default_value_t = 60)]
    duration: u64,
    /// CSV of utterances (`text,...` header) to send.
    #[arg(long, default_value = "../shared/data/banking77/test.csv")]
    messages: String,
    /// Find the highest rate whose p99 stays under --p99-limit-ms by doubling, then bisecting.
    #[arg(long)]
    sweep: bool,
    #[arg(long, default_value_t = 100.0)]
    p99_limit_ms: f64,
}

/// Latency summary of one run.
#[derive(Debug)]
struct Run {
    sessions: usize,
    offered_rate: f64,
    achieved_rate: f64,
    turns: usize,
    /// Turns that got no bot answer: an `error` message (by code) or no reply at all.
    errors: usize,
    failures: std::collections::BTreeMap<String, usize>,
    /// Messages delivered to a person after the bot handed the chat off (not failures).
    delivered: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let messages = Arc::new(load_messages(&args.messages)?);
    if !args.sweep {
        let run = run(&args, args.sessions, args.interval, &messages).await?;
        print(&run);
        return Ok(());
    }
    // Sweep the offered rate with 500 sessions by shortening their interval.
    let mut rate = args.sessions as f64 / args.interval;
    let mut best: Option<Run> = None;
    let mut worst: Option<f64> = None;
    for _ in 0..8 {
        let interval = args.sessions as f64 / rate;
        let r = run(&args, args.sessions, interval, &messages).await?;
        print(&r);
        let ok = r.p99_ms <= args.p99_limit_ms
            && r.errors == 0
            && r.achieved_rate >= 0.9 * r.offered_rate;
        if ok {
            best = Some(r);
            rate = match worst {
                Some(w) => (rate + w) / 2.0,
                None => rate * 2.0,
            };
        } else {
            worst = Some(rate);
            let lo = best.as_ref().map(|b| b.offered_rate).unwrap_or(rate / 4.0);
            rate = (lo + rate) / 2.0;
        }
        if let (Some(b), Some(w)) = (&best, worst)
            && (w - b.offered_rate) / w < 0.1
        {
            break;
        }
    }
    match best {
        Some(b) => println!(
            "highest sustained rate with p99 <= {} ms: {:.0} msg/s (p99 {:.1} ms)",
            args.p99_limit_ms, b.achieved_rate, b.p99_ms
        ),
        None => println!("no rate tried kept p99 under {} ms", args.p99_limit_ms),
    }
    Ok(())
}

fn print(r: &Run) {
    println!(
        "sessions {:4}  offered {:7.1} msg/s  achieved {:7.1} msg/s  turns {:6}  errors {:3}  p50 {:6.1} ms  p99 {:6.1} ms  max {:6.1} ms",
        r.sessions,
        r.offered_rate,
        r.achieved_rate,
        r.turns,
        r.errors,
        r.p50_ms,
        r.p99_ms,
        r.max_ms
    );
    if r.delivered > 0 || !r.failures.is_empty() {
        println!(
            "  delivered to a person after a handoff: {}  failed turns by kind: {:?}",
            r.delivered, r.failures
        );
    }
}

/// What one turn came to, from the server's reply.
enum Outcome {
    Answered,
    Delivered,
    Failed(String),
}

fn outcome(reply: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>) -> Outcome {
    let text = match reply {
        Some(Ok(Message::Text(t))) => t,
        Some(Ok(other)) => return Outcome::Failed(format!("frame {other:?}")),
        Some(Err(e)) => return Outcome::Failed(format!("socket: {e}")),
        None => return Outcome::Failed("closed".into()),
    };
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    match v["type"].as_str() {
        Some("reply") => Outcome::Answered,
        Some("delivered") => Outcome::Delivered,
        Some("error") => Outcome::Failed(format!("error {}", v["code"].as_str().unwrap_or("?"))),
        other => Outcome::Failed(format!("unexpected {other:?}")),
    }
}

fn load_messages(path: &str) -> anyhow::Result<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("reading {path}"))?;
    let texts: Vec<String> = reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| r.get(0).map(str::to_owned))
        .collect();
    anyhow::ensure!(!texts.is_empty(), "{path} has no messages");
    Ok(texts)
}

async fn run(
    args: &Args,
    sessions: usize,
    interval: f64,
    messages: &Arc<Vec<String>>,
) -> anyhow::Result<Run> {
    let ws_url = format!(
        "{}/v1/chat?token={}",
        args.url.replacen("http", "ws", 1),
        args.token
    );
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let failures = Arc::new(Mutex::new(
        std::collections::BTreeMap::<String, usize>::new(),
    ));
    let delivered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // Connect everyone first, so the measurement window sees steady state.
    let mut sockets = Vec::with_capacity(sessions);
    for _ in 0..sessions {
        let (mut ws, _) = tokio_tungstenite::connect_async(&ws_url)
            .await
            .context("connecting")?;
        ws.next().await.context("no session message")??;
        sockets.push(ws);
    }
    let deadline = Instant::now() + Duration::from_secs(args.duration);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos() as u64;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, mut ws) in sockets.into_iter().enumerate() {
        let (latencies, failures, delivered, messages) = (
            latencies.clone(),
            failures.clone(),
            delivered.clone(),
            messages.clone(),
        );
        tasks.push(tokio::spawn(async move {
            // A fresh seed per run and session: repeating a previous run's messages would let
            // the server's embedding cache answer them without running the encoder.
            let mut rng =
                fastrand::Rng::with_seed(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            loop {
                let gap = -interval * (1.0 - rng.f64()).ln();
                let next = Instant::now() + Duration::from_secs_f64(gap);
                if next >= deadline {
                    break;
                }
                tokio::time::sleep_until(next.into()).await;
                let text = format!(
                    "{} (ref {})",
                    messages[rng.usize(..messages.len())],
                    rng.u32(100_000..1_000_000)
                );
                let body = serde_json::json!({"type": "message", "text": text}).to_string();
                let sent = Instant::now();
                if ws.send(Message::Text(body.into())).await.is_err() {
                    *failures.lock().await.entry("send".into()).or_default() += 1;
                    break;
                }
                match outcome(ws.next().await) {
                    Outcome::Answered => {
                        latencies
                            .lock()
                            .await
                            .push(sent.elapsed().as_secs_f64() * 1000.0);
                    }
                    Outcome::Delivered => {
                        delivered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    Outcome::Failed(kind) => {
                        *failures.lock().await.entry(kind).or_default() += 1;
                    }
                }
            }
            let _ = ws.close(None).await;
        }));
    }
    for t in tasks {
        t.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut l = latencies.lock().await.clone();
    l.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        if l.is_empty() {
            f64::NAN
        } else {
            l[((l.len() - 1) as f64 * p).round() as usize]
        }
    };
    let failures = failures.lock().await.clone();
    Ok(Run {
        sessions,
        offered_rate: sessions as f64 / interval,
        achieved_rate: l.len() as f64 / elapsed,
        turns: l.len(),
        errors: failures.values().sum(),
        failures,
        delivered: delivered.load(std::sync::atomic::Ordering::Relaxed),
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
        max_ms: l.last().copied().unwrap_or(f64::NAN),
    })
}
