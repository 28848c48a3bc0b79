//! One measurement: K calls streamed at once, the live feed recorded, memory sampled.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

use crate::Args;
use crate::ingest;
use crate::score::{Final, quantile, score_call};
use crate::server::{self, Target};
use crate::staged::StagedCall;

/// What the live feed delivered during a run.
#[derive(Default)]
struct Feed {
    finals: HashMap<String, Vec<Final>>,
    /// Per call: segment seq → its end in the call's audio (ms).
    ends: HashMap<String, HashMap<u64, u64>>,
    /// Per call: (seq, arrival) of each `suggestions` / `missed` answer.
    assists: HashMap<String, Vec<(u64, Instant)>>,
    ended: HashSet<String>,
    lagging: usize,
    skipped: u64,
}

/// Figures of one K.
pub struct KRun {
    pub k: usize,
    pub turns: usize,
    pub missed: usize,
    merged: usize,
    split: usize,
    stray: usize,
    /// Sorted, seconds.
    latencies: Vec<f64>,
    /// End of a customer final's audio sent → its suggestions (or missed) on the feed; sorted, s.
    assist: Vec<f64>,
    idle_mib: f64,
    peak_mib: f64,
    pacing_lag_ms: f64,
    lagging: usize,
    skipped: u64,
    /// Server means in seconds: final queue wait, final decode, final lag (VAD end → text); partials.
    queue: f64,
    decode: f64,
    lag: f64,
    partials: f64,
    partial_decode: f64,
    /// Server mean of one assist (intent, else knowledge search with its own embedding), s.
    assist_cost: f64,
    /// Early finals used as the final / turned into live text when the speaker went on.
    early_used: f64,
    early_resumed: f64,
    failures: Vec<String>,
}

impl KRun {
    pub fn p95(&self) -> f64 {
        quantile(&self.latencies, 0.95)
    }

    pub fn line(&self) -> String {
        let l = &self.latencies;
        let mean = l.iter().sum::<f64>() / l.len().max(1) as f64;
        format!(
            "K {:2}  turns {:3}  no final {:2} (merged {})  p50 {:.2} s  p95 {:.2} s  max {:.2} s  mean {:.2} s | assist {} p50 {:.2} s p95 {:.2} s max {:.2} s (server {:.3} s each) | split {} stray {} | RSS idle {:.0} MiB peak {:.0} MiB ({:+.1} MiB/call) | server final queue {:.3} s decode {:.3} s lag {:.3} s; partials {:.0} decode {:.3} s; early finals used {:.0} resumed {:.0} | pacing lag max {:.0} ms, lagging {}, skipped {}{}",
            self.k,
            self.turns,
            self.missed,
            self.merged,
            quantile(l, 0.5),
            self.p95(),
            l.last().copied().unwrap_or(f64::NAN),
            mean,
            self.assist.len(),
            quantile(&self.assist, 0.5),
            quantile(&self.assist, 0.95),
            self.assist.last().copied().unwrap_or(f64::NAN),
            self.assist_cost,
            self.split,
            self.stray,
            self.idle_mib,
            self.peak_mib,
            (self.peak_mib - self.idle_mib) / self.k as f64,
            self.queue,
            self.decode,
            self.lag,
            self.partials,
            self.partial_decode,
            self.early_used,
            self.early_resumed,
            self.pacing_lag_ms,
            self.lagging,
            self.skipped,
            if self.failures.is_empty() {
                String::new()
            } else {
                format!(" | {}", self.failures.join("; "))
            }
        )
    }

    pub fn row(&self, label: &str) -> String {
        let l = &self.latencies;
        format!(
            "| {label} | {} | {} | {} ({}) | {:.2} s | {:.2} s | {:.2} s | {:.0} → {:.0} MiB | {:.1} MiB | {:.2} / {:.2} / {:.2} s | {}, {:.2} / {:.2} / {:.2} s |",
            self.k,
            self.turns,
            self.missed,
            self.merged,
            quantile(l, 0.5),
            self.p95(),
            l.last().copied().unwrap_or(f64::NAN),
            self.idle_mib,
            self.peak_mib,
            (self.peak_mib - self.idle_mib) / self.k as f64,
            self.queue,
            self.decode,
            self.lag,
            self.assist.len(),
            quantile(&self.assist, 0.5),
            quantile(&self.assist, 0.95),
            self.assist.last().copied().unwrap_or(f64::NAN),
        )
    }
}

fn ws_base(url: &str) -> String {
    url.trim_end_matches('/').replacen("http", "ws", 1)
}

/// Streams `k` calls (cycling through the staged ones) and scores them.
pub async fn run_k(
    args: &Args,
    target: &Target,
    calls: &Arc<Vec<StagedCall>>,
    k: usize,
) -> anyhow::Result<KRun> {
    let before = match &target.admin {
        Some(admin) => server::metrics(&target.url, admin).await.ok(),
        None => None,
    };
    let idle = target.pid.and_then(server::rss_mib).unwrap_or(f64::NAN);
    let feed = Arc::new(Mutex::new(Feed::default()));
    let live_url = format!(
        "{}/v1/calls/live?token={}",
        ws_base(&target.url),
        target.token
    );
    let (live, _) = tokio_tungstenite::connect_async(&live_url)
        .await
        .context("connecting to /v1/calls/live")?;
    let reader = tokio::spawn(read_feed(live, Arc::clone(&feed)));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = tokio::spawn(sample_rss(target.pid, Arc::clone(&sampling)));

    let run_id = format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis()
    );
    let t0 = Instant::now() + Duration::from_millis(300);
    let mut streams = Vec::new();
    for i in 0..k {
        let (calls, call_id) = (
            Arc::clone(calls),
            format!("bench-{run_id}-k{k}-{i}-{}", calls[i % calls.len()].name),
        );
        let url = format!(
            "{}/v1/calls/ingest?authorization=Bearer%20{}",
            ws_base(&target.url),
            target.token
        );
        let start = t0 + Duration::from_millis(args.stagger_ms * i as u64);
        let chunk_ms = args.chunk_ms;
        streams.push(tokio::spawn(async move {
            let sent = stream_call(&url, &calls[i % calls.len()], &call_id, start, chunk_ms).await;
            (i, call_id, sent)
        }));
    }
    let mut sent_by_call = Vec::new();
    let mut failures = Vec::new();
    for s in streams {
        let (i, call_id, sent) = s.await?;
        match sent {
            Ok((sent, lag, reason)) => {
                if reason.as_deref().is_some_and(|r| r != "call ended") {
                    failures.push(format!(
                        "{call_id}: closed with `{}`",
                        reason.unwrap_or_default()
                    ));
                }
                sent_by_call.push((i, call_id, sent, lag));
            }
            Err(e) => failures.push(format!("{call_id}: {e:#}")),
        }
    }
    // Every call's last final is published before its call_ended.
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let guard = feed.lock().await;
        if sent_by_call
            .iter()
            .all(|(_, id, _, _)| guard.ended.contains(id))
        {
            break;
        }
        drop(guard);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sampling.store(false, Ordering::Relaxed);
    let peak = sampler.await?.max(idle);
    reader.abort();
    let after = match &target.admin {
        Some(admin) => server::metrics(&target.url, admin).await.ok(),
        None => None,
    };

    let feed = feed.lock().await;
    let mut run = KRun {
        k,
        turns: 0,
        missed: 0,
        merged: 0,
        split: 0,
        stray: 0,
        latencies: Vec::new(),
        assist: Vec::new(),
        idle_mib: idle,
        peak_mib: peak,
        pacing_lag_ms: 0.0,
        lagging: feed.lagging,
        skipped: feed.skipped,
        queue: f64::NAN,
        decode: f64::NAN,
        lag: f64::NAN,
        partials: f64::NAN,
        partial_decode: f64::NAN,
        early_used: f64::NAN,
        early_resumed: f64::NAN,
        assist_cost: f64::NAN,
        failures,
    };
    for (i, call_id, sent, lag) in &sent_by_call {
        let call = &calls[i % calls.len()];
        let finals = feed.finals.get(call_id).map(Vec::as_slice).unwrap_or(&[]);
        let ends = feed.ends.get(call_id);
        for (seq, arrival) in feed.assists.get(call_id).into_iter().flatten() {
            let Some(end_ms) = ends.and_then(|e| e.get(seq)) else {
                continue;
            };
            let chunk = (*end_ms / u64::from(args.chunk_ms)) as usize;
            if let Some(at) = sent.get(chunk.min(sent.len().saturating_sub(1))) {
                run.assist
                    .push(arrival.saturating_duration_since(*at).as_secs_f64());
            }
        }
        if call.turns.is_empty() {
            // An unscripted recording: no turns to score transcription against.
            run.pacing_lag_ms = run.pacing_lag_ms.max(*lag);
            continue;
        }
        let s = score_call(&call.turns, finals, sent, args.chunk_ms);
        if args.verbose {
            let since = |at: Instant| at.saturating_duration_since(sent[0]).as_secs_f64();
            for t in &call.turns {
                eprintln!(
                    "{call_id} turn   ch{} {:6.2}–{:6.2} s",
                    t.channel, t.start_s, t.end_s
                );
            }
            for f in finals {
                eprintln!(
                    "{call_id} final  ch{} {:6.2}–{:6.2} s  arrived {:6.2} s",
                    f.channel,
                    f.start_ms as f64 / 1000.0,
                    f.end_ms as f64 / 1000.0,
                    since(f.arrival)
                );
            }
        }
        run.turns += call.turns.len();
        run.missed += s.missed.len();
        run.merged += s.merged;
        for t in s.missed.iter().map(|&t| &call.turns[t]) {
            run.failures.push(format!(
                "no final: {} ch{} {:.1}–{:.1} s",
                call.name, t.channel, t.start_s, t.end_s
            ));
        }
        run.split += s.split;
        run.stray += s.stray;
        run.latencies.extend(s.latencies);
        run.pacing_lag_ms = run.pacing_lag_ms.max(*lag);
        if !feed.ended.contains(call_id) {
            run.failures
                .push(format!("{call_id}: no call_ended on the feed"));
        }
    }
    run.latencies.sort_by(f64::total_cmp);
    run.assist.sort_by(f64::total_cmp);
    if let (Some(b), Some(a)) = (before, after) {
        let mean = |name: &str, label: &str| {
            let ((s0, c0), (s1, c1)) = (
                server::sum_count(&b, name, label),
                server::sum_count(&a, name, label),
            );
            ((s1 - s0) / (c1 - c0), c1 - c0)
        };
        run.queue = mean("switchboard_asr_queue_seconds", "kind=\"final\"").0;
        run.decode = mean("switchboard_asr_decode_seconds", "kind=\"final\"").0;
        run.lag = mean("switchboard_asr_final_lag_seconds", "").0;
        run.assist_cost = mean("switchboard_assist_seconds", "").0;
        (run.partial_decode, run.partials) =
            mean("switchboard_asr_decode_seconds", "kind=\"partial\"");
        let count = |label: &str| {
            server::counter(&a, "switchboard_asr_early_finals_total", label)
                - server::counter(&b, "switchboard_asr_early_finals_total", label)
        };
        (run.early_used, run.early_resumed) =
            (count("outcome=\"used\""), count("outcome=\"resumed\""));
    }
    Ok(run)
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
        let call_id = v["call_id"].as_str().unwrap_or_default().to_string();
        let mut feed = feed.lock().await;
        match v["type"].as_str() {
            Some("segment") => {
                let num = |key: &str| v[key].as_u64().unwrap_or(0);
                let f = Final {
                    channel: num("channel") as u32,
                    start_ms: num("start_ms"),
                    end_ms: num("end_ms"),
                    arrival,
                };
                feed.ends
                    .entry(call_id.clone())
                    .or_default()
                    .insert(num("seq"), f.end_ms);
                feed.finals.entry(call_id).or_default().push(f);
            }
            Some("suggestions" | "missed") => {
                let seq = v["seq"].as_u64().unwrap_or(0);
                feed.assists
                    .entry(call_id)
                    .or_default()
                    .push((seq, arrival));
            }
            Some("call_ended") => {
                feed.ended.insert(call_id);
            }
            Some("lagging") => feed.lagging += 1,
            Some("skipped") => feed.skipped += v["events"].as_u64().unwrap_or(0),
            _ => {}
        }
    }
}

/// Highest RSS (MiB) seen every 100 ms until told to stop.
async fn sample_rss(pid: Option<u32>, running: Arc<AtomicBool>) -> f64 {
    let mut peak = f64::NAN;
    while running.load(Ordering::Relaxed) {
        if let Some(mib) = pid.and_then(server::rss_mib) {
            peak = peak.max(mib);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    peak
}

/// Streams one call at real-time pace; returns when each chunk was sent, the worst lateness
/// against the schedule (ms) and the server's close reason.
async fn stream_call(
    url: &str,
    call: &StagedCall,
    call_id: &str,
    start: Instant,
    chunk_ms: u32,
) -> anyhow::Result<(Vec<Instant>, f64, Option<String>)> {
    let begin = serde_json::json!({"callEvent": "START", "callId": call_id, "samplingRate": call.sample_rate, "channels": call.channels, "agentId": "bench"});
    let chunks = call.chunks(chunk_ms).into_iter().map(<[u8]>::to_vec);
    let s = ingest::stream(url, begin, call_id, start, u64::from(chunk_ms), chunks).await?;
    Ok((s.sent, s.lateness_ms, s.reason))
}
