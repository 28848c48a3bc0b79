//! Seeds synthetic ended calls through the storage layer and the call search index, then
//! times the overview (`Store::dashboard`) and call search (`CallIndex::search`) the way the
//! `/dashboard` and `/calls` pages ask them: p50 and p95 per query shape.
//!
//! `overview_load --database-url URL --index DIR [--calls 100000] [--iters 60]`; a store that
//! already holds the calls is not seeded again (so a rerun only measures).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use clap::Parser;
use futures::StreamExt;
use switchboard_search::{CallDoc, CallFacts as DocFacts, CallIndex, CallQuery, DocSegment};
use switchboard_storage::{CallFacts, CallStart, DashboardQuery, NewCallSegment, Store};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    database_url: String,
    /// Directory of the call search index (created; reused when it already holds the calls).
    #[arg(long)]
    index: PathBuf,
    #[arg(long, default_value_t = 100_000)]
    calls: u32,
    /// Timed runs of each query shape.
    #[arg(long, default_value_t = 60)]
    iters: usize,
    /// Also store each call's transcript segments (slower seeding; search reads the index).
    #[arg(long)]
    segments: bool,
}

const DAYS: u32 = 90;
const AGENTS: u32 = 40;
const QUEUES: [&str; 6] = ["billing", "roaming", "repairs", "sales", "cards", "claims"];
const CATEGORIES: [&str; 10] = [
    "billing dispute",
    "cancellation risk",
    "escalation",
    "compliment",
    "fraud",
    "late payment",
    "outage",
    "upgrade",
    "refund",
    "address change",
];
const PHRASES: [&str; 16] = [
    "late fee",
    "credit card",
    "roaming charges",
    "new phone",
    "account number",
    "refund",
    "billing cycle",
    "data plan",
    "direct debit",
    "service outage",
    "tow truck",
    "claim number",
    "monthly bill",
    "contract end",
    "delivery date",
    "home address",
];
const MISSED: [&str; 6] = [
    "cancel_card",
    "dispute_charge",
    "(no guess)",
    "pay_bill",
    "report_lost",
    "upgrade",
];
const LINES: [&str; 12] = [
    "thank you for calling how can I help you today",
    "I was charged a late fee on my last monthly bill",
    "can you confirm the account number and the home address",
    "my new phone has not arrived and the delivery date has passed",
    "I would like a refund for the roaming charges",
    "let me check the billing cycle on your account",
    "the service outage started yesterday evening",
    "I want to cancel my contract before the contract end",
    "we can send a tow truck within the hour",
    "your claim number is on the way by email",
    "I can set up a direct debit for the data plan",
    "is there anything else I can help you with today",
];

/// A small deterministic generator, so two runs seed the same calls.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Skewed towards low indexes, as real labels are (a few are most of the volume).
    fn skewed(&mut self, n: usize) -> usize {
        let a = self.next() as usize % n;
        let b = self.next() as usize % n;
        a.min(b)
    }
    fn unit(&mut self) -> f64 {
        (self.next() % 10_000) as f64 / 10_000.0
    }
}

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 1).expect("a date")
}

struct Synthetic {
    facts: CallFacts,
    doc: CallDoc,
}

fn synthetic(i: u32) -> Synthetic {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ (u64::from(i) + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let day = first_day() + Days::new(u64::from(i % DAYS));
    let started_at: DateTime<Utc> = Utc
        .from_utc_datetime(&day.and_hms_opt(8, 0, 0).expect("a time"))
        + Duration::from_secs(r.next() % 36_000);
    let agent = format!("agent-{:02}", r.skewed(AGENTS as usize));
    let queue = QUEUES[r.skewed(QUEUES.len())].to_string();
    let duration_ms = 60_000 + r.next() % 840_000;
    let non_talk_ms = duration_ms * (5 + r.next() % 30) / 100;
    let agent_talk_ms = (duration_ms - non_talk_ms) * (30 + r.next() % 40) / 100;
    let customer_talk_ms = duration_ms - non_talk_ms - agent_talk_ms;
    let sentiment = |r: &mut Rng| (r.unit() * 2.0 - 1.0) * 0.9;
    let pick = |r: &mut Rng, from: &[&str], most: u64| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for _ in 0..(r.next() % (most + 1)) {
            let l = from[r.skewed(from.len())].to_string();
            if !out.contains(&l) {
                out.push(l);
            }
        }
        out
    };
    let categories = pick(&mut r, &CATEGORIES, 3);
    let key_phrases = pick(&mut r, &PHRASES, 6);
    let missed_intents = pick(&mut r, &MISSED, 2);
    let call_id = format!("seed-{i:06}");
    let segments: Vec<DocSegment> = (0..(6 + r.next() % 10))
        .map(|n| DocSegment {
            speaker: if n % 2 == 0 { "agent" } else { "customer" }.to_string(),
            start_ms: n * duration_ms / 16,
            text: LINES[r.next() as usize % LINES.len()].to_string(),
        })
        .collect();
    let customer_sentiment = Some(sentiment(&mut r));
    Synthetic {
        facts: CallFacts {
            call_id: call_id.clone(),
            day,
            agent_id: Some(agent.clone()),
            queue: Some(queue),
            duration_ms,
            agent_talk_ms,
            customer_talk_ms,
            non_talk_ms,
            longest_silence_ms: non_talk_ms / 3,
            interruptions: (r.next() % 6) as u32,
            overlap_ms: r.next() % 5_000,
            customer_sentiment,
            agent_sentiment: Some(sentiment(&mut r).abs()),
            categories: categories.clone(),
            key_phrases,
            missed_intents,
        },
        doc: CallDoc {
            facts: DocFacts {
                call_id,
                started_at,
                agent_id: Some(agent),
                duration_ms,
                categories,
                sentiment: customer_sentiment.map(|s| s as f32),
            },
            segments,
        },
    }
}

async fn store_call(store: &Store, s: &Synthetic, segments: bool) -> Result<()> {
    let f = &s.facts;
    store
        .start_call(&CallStart {
            id: f.call_id.clone(),
            source: "batch".into(),
            from_number: None,
            to_number: None,
            agent_id: f.agent_id.clone(),
            queue: f.queue.clone(),
            sample_rate: 8000,
            encoding: "pcm16le".into(),
            channel_roles: vec!["customer".into(), "agent".into()],
        })
        .await?;
    if segments {
        for seg in &s.doc.segments {
            store
                .append_call_segment(
                    &f.call_id,
                    &NewCallSegment {
                        channel: u32::from(seg.speaker == "agent"),
                        speaker: seg.speaker.clone(),
                        start_ms: seg.start_ms,
                        end_ms: seg.start_ms + 3_000,
                        text: seg.text.clone(),
                        confidence: 0.9,
                        insights: Default::default(),
                    },
                )
                .await?;
        }
    }
    store
        .end_call(&f.call_id, "completed", f.duration_ms)
        .await?;
    store.save_call_facts(f).await?;
    Ok(())
}

async fn seed(store: &Store, index: &CallIndex, args: &Args) -> Result<()> {
    let have = store
        .dashboard(&DashboardQuery {
            from: first_day(),
            to: first_day() + Days::new(u64::from(DAYS) - 1),
            agent_id: None,
            queue: None,
            top: 1,
        })
        .await?
        .totals
        .calls;
    if have < u64::from(args.calls) {
        let started = Instant::now();
        let mut done = 0u32;
        let mut stream = futures::stream::iter(have as u32..args.calls)
            .map(|i| async move {
                let s = synthetic(i);
                store_call(store, &s, args.segments)
                    .await
                    .with_context(|| format!("seeding call {i}"))
            })
            .buffer_unordered(8);
        while let Some(r) = stream.next().await {
            r?;
            done += 1;
            if done.is_multiple_of(5_000) {
                eprintln!(
                    "stored {done}/{} calls ({:.0} s)",
                    args.calls - have as u32,
                    started.elapsed().as_secs_f64()
                );
            }
        }
        eprintln!(
            "stored {done} calls in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    if index.len() < u64::from(args.calls) {
        let started = Instant::now();
        for chunk in (0..args.calls).collect::<Vec<_>>().chunks(5_000) {
            let docs: Vec<CallDoc> = chunk.iter().map(|i| synthetic(*i).doc).collect();
            index.upsert(&docs)?;
            eprintln!(
                "indexed {}/{} calls",
                chunk[chunk.len() - 1] + 1,
                args.calls
            );
        }
        eprintln!("indexed in {:.0} s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// A named query shape: the query of the i-th timed run.
type Shape<Q> = (&'static str, Box<dyn Fn(usize) -> Q>);

fn percentiles(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    (at(0.5), at(0.95))
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let store = Store::connect(&args.database_url).await?;
    std::fs::create_dir_all(&args.index)?;
    let index = CallIndex::open(&args.index)?;
    seed(&store, &index, &args).await?;
    let last = first_day() + Days::new(u64::from(DAYS) - 1);
    let window = move |days: u64| DashboardQuery {
        from: last - Days::new(days - 1),
        to: last,
        agent_id: None,
        queue: None,
        top: 10,
    };
    println!(
        "backend {}: {} calls over {DAYS} days",
        store.backend_name(),
        args.calls
    );
    println!("| query | p50 ms | p95 ms |");
    println!("|---|---|---|");
    let shapes: Vec<Shape<DashboardQuery>> = vec![
        ("overview, last 30 days", Box::new(move |_| window(30))),
        ("overview, all 90 days", Box::new(move |_| window(90))),
        (
            "overview, 30 days, one agent",
            Box::new(move |i| DashboardQuery {
                agent_id: Some(format!("agent-{:02}", i % AGENTS as usize)),
                ..window(30)
            }),
        ),
        (
            "overview, 30 days, one queue",
            Box::new(move |i| DashboardQuery {
                queue: Some(QUEUES[i % QUEUES.len()].to_string()),
                ..window(30)
            }),
        ),
    ];
    for (name, q) in &shapes {
        let mut times = Vec::with_capacity(args.iters);
        for i in 0..args.iters {
            let q = q(i);
            let t = Instant::now();
            let d = store.dashboard(&q).await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(d.totals.calls > 0, "{name}: no calls in the range");
        }
        let (p50, p95) = percentiles(times);
        println!("| {name} | {p50:.1} | {p95:.1} |");
    }
    let since =
        Utc.from_utc_datetime(&(last - Days::new(29)).and_hms_opt(0, 0, 0).expect("a time"));
    let search = |text: &str| CallQuery {
        text: text.into(),
        from: None,
        to: None,
        agent_id: None,
        category: None,
        min_sentiment: None,
        max_sentiment: None,
        min_duration_ms: None,
        max_duration_ms: None,
        limit: 50,
    };
    let words = ["refund", "tow", "outage", "address", "phone", "debit"];
    let searches: Vec<Shape<CallQuery>> = vec![
        (
            "search, one word",
            Box::new(move |i| search(words[i % words.len()])),
        ),
        ("search, phrase", Box::new(move |_| search("\"late fee\""))),
        (
            "search, word + agent + last 30 days",
            Box::new(move |i| CallQuery {
                agent_id: Some(format!("agent-{:02}", i % AGENTS as usize)),
                from: Some(since),
                ..search(words[i % words.len()])
            }),
        ),
        (
            "search, filters only (category, negative), newest first",
            Box::new(move |i| CallQuery {
                category: Some(CATEGORIES[i % CATEGORIES.len()].to_string()),
                max_sentiment: Some(-0.3),
                ..search("")
            }),
        ),
    ];
    for (name, q) in &searches {
        let mut times = Vec::with_capacity(args.iters);
        for i in 0..args.iters {
            let q = q(i);
            let t = Instant::now();
            let hits = index.search(&q)?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(!hits.is_empty(), "{name}: no hits");
        }
        let (p50, p95) = percentiles(times);
        println!("| {name} | {p50:.1} | {p95:.1} |");
    }
    Ok(())
}
