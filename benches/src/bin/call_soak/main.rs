//! A soak of live call transcription: `--calls` concurrent calls, each the real recording looped
//! from its own offset, streamed at real-time pace into `/v1/calls/ingest` for `--minutes`, on a
//! fresh `switchboard serve`. Reports the server's memory over time, end-of-utterance latency per
//! window (from the moment the chunk holding a segment's end was sent to the arrival of that
//! segment on `/v1/calls/live`), and how every call ended.
//! Usage: call_soak --switchboard BIN --recording FILE.wav [--calls 4] [--minutes 30] [--window-min 5]

#[path = "../call_latency/ingest.rs"]
mod ingest;
#[path = "../call_latency/server.rs"]
#[allow(dead_code)]
mod server;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use futures::StreamExt;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

#[derive(Debug, Parser)]
struct Args {
    /// `switchboard` binary to start a fresh server with (environment inherited).
    #[arg(long)]
    switchboard: PathBuf,
    /// A stereo PCM16 WAV recording (customer on channel 0).
    #[arg(long)]
    recording: PathBuf,
    #[arg(long, default_value_t = 4)]
    calls: usize,
    #[arg(long, default_value_t = 30.0)]
    minutes: f64,
    /// Width of the latency and memory windows.
    #[arg(long, default_value_t = 5.0)]
    window_min: f64,
    #[arg(long, default_value_t = 200)]
    chunk_ms: u64,
}

/// What the live feed said about the soak's calls.
#[derive(Default)]
struct Feed {
    /// (call, end_ms, arrival) of every segment.
    segments: Vec<(String, u64, Instant)>,
    ended: HashMap<String, String>,
    degraded: usize,
    lagging: usize,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let wav =
        std::fs::read(&args.recording).with_context(|| args.recording.display().to_string())?;
    let reader = hound::WavReader::new(std::io::Cursor::new(&wav))?;
    let spec = reader.spec();
    anyhow::ensure!(
        spec.channels == 2 && spec.bits_per_sample == 16,
        "expected stereo PCM16"
    );
    let pcm_len = reader.len() as usize * 2;
    let header = wav[..wav.len() - pcm_len].to_vec();
    let pcm = Arc::new(wav[wav.len() - pcm_len..].to_vec());
    let chunk_bytes = (spec.sample_rate as u64 * args.chunk_ms / 1000) as usize * 4;
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpu
        .lines()
        .find(|l| l.starts_with("model name"))
        .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        .unwrap_or_default();
    println!(
        "# soak: {} calls of {} looped, {} min at real-time pace, {} ms chunks; {} ({} cores, AVX-512 VNNI: {})",
        args.calls,
        args.recording.display(),
        args.minutes,
        args.chunk_ms,
        model,
        std::thread::available_parallelism().map_or(0, usize::from),
        cpu.contains("avx512_vnni")
    );

    let server = server::Server::start(&args.switchboard, "soak")?;
    let target = &server.target;
    let pid = target.pid.context("no pid")?;
    let ws = target.url.replacen("http", "ws", 1);
    let feed = Arc::new(Mutex::new(Feed::default()));
    let (live, _) =
        tokio_tungstenite::connect_async(format!("{ws}/v1/calls/live?token={}", target.token))
            .await?;
    tokio::spawn(read_feed(live, Arc::clone(&feed)));

    let t0 = Instant::now() + Duration::from_millis(500);
    let total_chunks = (args.minutes * 60_000.0 / args.chunk_ms as f64) as usize;
    let mut streams = Vec::new();
    for i in 0..args.calls {
        let url = format!(
            "{ws}/v1/calls/ingest?authorization=Bearer%20{}",
            target.token
        );
        let id = format!("soak-{}-{i}", std::process::id());
        // Each call starts at its own place in the recording, so turns do not line up.
        let offset = (pcm.len() / args.calls * i) / 4 * 4;
        let (pcm, header) = (Arc::clone(&pcm), header.clone());
        let start = t0 + Duration::from_millis(700 * i as u64);
        streams.push(tokio::spawn(async move {
            let chunks = (0..total_chunks).map(move |n| {
                let at = (offset + n * chunk_bytes) % pcm.len();
                let mut c: Vec<u8> = pcm[at..(at + chunk_bytes).min(pcm.len())].to_vec();
                if c.len() < chunk_bytes {
                    c.extend_from_slice(&pcm[..chunk_bytes - c.len()]);
                }
                if n == 0 {
                    c.splice(0..0, header.iter().copied());
                }
                c
            });
            let begin = serde_json::json!({"callEvent": "START", "callId": id, "samplingRate": 8000, "agentId": "soak"});
            let sent = ingest::stream(&url, begin, &id, start, args.chunk_ms, chunks).await;
            (id, sent)
        }));
    }

    // Memory every 30 s while the calls run.
    let mut memory: Vec<(f64, f64)> = Vec::new();
    let end = t0 + Duration::from_secs_f64(args.minutes * 60.0);
    while Instant::now() < end {
        tokio::time::sleep(
            Duration::from_secs(30)
                .min(end.saturating_duration_since(Instant::now()) + Duration::from_millis(10)),
        )
        .await;
        if let Some(mib) = server::rss_mib(pid) {
            memory.push((t0.elapsed().as_secs_f64() / 60.0, mib));
        }
    }
    let mut sent_by_call = HashMap::new();
    for s in streams {
        let (id, sent) = s.await?;
        sent_by_call.insert(id, sent);
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline && feed.lock().await.ended.len() < args.calls {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let after = server::rss_mib(pid);

    let feed = feed.lock().await;
    let windows = (args.minutes / args.window_min).ceil() as usize;
    let mut latencies: Vec<Vec<f64>> = vec![Vec::new(); windows];
    for (call, end_ms, arrival) in &feed.segments {
        let Some(Ok(ingest::Streamed { sent, .. })) = sent_by_call.get(call) else {
            continue;
        };
        let Some(&at) = sent.get((*end_ms / args.chunk_ms) as usize).or(sent.last()) else {
            continue;
        };
        let window = ((at.saturating_duration_since(t0).as_secs_f64() / 60.0 / args.window_min)
            as usize)
            .min(windows - 1);
        latencies[window].push(arrival.saturating_duration_since(at).as_secs_f64());
    }
    println!(
        "\n| window (min) | segments | p50 (s) | p95 (s) | max (s) | RSS min–max (MiB) |\n|---|---|---|---|---|---|"
    );
    for (w, l) in latencies.iter_mut().enumerate() {
        l.sort_by(f64::total_cmp);
        let q = |p: f64| {
            if l.is_empty() {
                f64::NAN
            } else {
                l[((l.len() - 1) as f64 * p).round() as usize]
            }
        };
        let (from, to) = (w as f64 * args.window_min, (w + 1) as f64 * args.window_min);
        let rss: Vec<f64> = memory
            .iter()
            .filter(|(m, _)| *m >= from && *m < to)
            .map(|(_, r)| *r)
            .collect();
        let (lo, hi) = (
            rss.iter().copied().fold(f64::INFINITY, f64::min),
            rss.iter().copied().fold(0.0, f64::max),
        );
        println!(
            "| {from}–{to} | {} | {:.2} | {:.2} | {:.2} | {lo:.0}–{hi:.0} |",
            l.len(),
            q(0.5),
            q(0.95),
            q(1.0)
        );
    }
    println!(
        "\nRSS every 30 s (MiB): {}",
        memory
            .iter()
            .map(|(_, r)| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "RSS after the calls ended: {:.0} MiB",
        after.unwrap_or(f64::NAN)
    );
    println!(
        "live feed: {} degraded, {} lagging events",
        feed.degraded, feed.lagging
    );
    for (id, sent) in &sent_by_call {
        let status = feed.ended.get(id).map_or("no call_ended", String::as_str);
        match sent {
            Ok(s) => println!(
                "{id}: {} chunks sent (at most {:.0} ms late), closed with {:?}, ended {status}",
                s.sent.len(),
                s.lateness_ms,
                s.reason.as_deref().unwrap_or("nothing")
            ),
            Err(e) => println!("{id}: failed: {e:#}"),
        }
    }
    Ok(())
}

async fn read_feed<S>(mut live: S, feed: Arc<Mutex<Feed>>)
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    while let Some(Ok(message)) = live.next().await {
        let arrival = Instant::now();
        let Message::Text(text) = message else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let call = v["call_id"].as_str().unwrap_or_default().to_string();
        let mut feed = feed.lock().await;
        match v["type"].as_str() {
            Some("segment") => {
                feed.segments
                    .push((call, v["end_ms"].as_u64().unwrap_or(0), arrival))
            }
            Some("call_ended") => {
                feed.ended
                    .insert(call, v["status"].as_str().unwrap_or_default().to_string());
            }
            Some("degraded") => feed.degraded += 1,
            Some("lagging") => feed.lagging += 1,
            _ => {}
        }
    }
}
