//! Knowledge search latency on 10k real documents (query embedding excluded, as in a chat turn
//! where the NLU already embedded the message).
//!
//! Documents: BankFAQ question/answer pairs, StackFAQ answers, then BANKING77 training
//! utterances, up to `--docs`. Queries: StackFAQ training questions and BANKING77 test
//! utterances, embedded before timing starts.
//!
//! With `--embedder hash` (default) vectors are 768-d word-hash vectors: the scan does the same
//! work as with the knowledge encoder, all-mpnet-base-v2 (same dimension and count), but the
//! build takes seconds instead of the hours MPNet needs for 10k long answers on 2 cores.
//! `--embedder mpnet` uses the model.
//!
//! `cargo run -p switchboard-benches --bin knowledge_latency -- [--docs 10000] [--queries 1000]`

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use switchboard_embeddings::{EmbedError, Embedder, Embedding, SentenceEncoder};

/// The knowledge encoder's dimension (all-mpnet-base-v2).
const HASH_DIM: usize = 768;
use switchboard_knowledge::{Document, KnowledgeIndex, Mode, eval, load};

#[derive(Parser)]
struct Args {
    /// Documents to index.
    #[arg(long, default_value_t = 10_000)]
    docs: usize,
    /// Queries to time.
    #[arg(long, default_value_t = 1_000)]
    queries: usize,
    /// Hits per query (the chatbot asks for a handful).
    #[arg(long, default_value_t = 5)]
    k: usize,
    /// `hash` (fast build, same scan cost) or `mpnet` (the real model).
    #[arg(long, default_value = "hash")]
    embedder: String,
}

/// Word-hash vectors of the knowledge encoder's size: realistic scan cost without its build time.
struct HashEmbedder;

impl Embedder for HashEmbedder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        Ok(texts
            .iter()
            .map(|t| {
                let mut v = vec![0f32; HASH_DIM];
                for w in t
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                {
                    let h = w.to_lowercase().bytes().fold(2166136261u32, |h, b| {
                        (h ^ u32::from(b)).wrapping_mul(16777619)
                    });
                    v[h as usize % HASH_DIM] += 1.0;
                }
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                v.iter_mut().for_each(|x| *x /= n);
                v
            })
            .collect())
    }
    fn dim(&self) -> usize {
        HASH_DIM
    }
}

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data")
}

fn column(path: &Path, name: &str) -> anyhow::Result<Vec<String>> {
    let mut r = csv::Reader::from_path(path).with_context(|| path.display().to_string())?;
    let i = r
        .headers()?
        .iter()
        .position(|h| h == name)
        .context("column")?;
    Ok(r.records()
        .filter_map(Result::ok)
        .filter_map(|rec| rec.get(i).map(str::to_string))
        .collect())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let d = data();
    let mut docs: Vec<Document> = load::load_csv(&d.join("bankfaq/BankFAQs.csv"))?;
    docs.extend(
        eval::load_answers(&d.join("stackfaq/answers.csv"))?
            .into_iter()
            .map(|mut a| {
                a.id = format!("stackfaq-{}", a.id);
                a
            }),
    );
    for (i, text) in column(&d.join("banking77/train.csv"), "text")?
        .into_iter()
        .enumerate()
    {
        docs.push(Document {
            id: format!("banking77-{i}"),
            title: String::new(),
            body: text,
            tags: vec![],
            source: "banking77/train.csv".into(),
        });
    }
    docs.truncate(args.docs);
    let n_docs = docs.len();

    let mut queries = column(&d.join("stackfaq/questions_train.csv"), "question")?;
    queries.extend(column(&d.join("banking77/test.csv"), "text")?);
    queries.truncate(args.queries);

    let mpnet;
    let embedder: &dyn Embedder = match args.embedder.as_str() {
        "hash" => &HashEmbedder,
        "mpnet" => {
            mpnet = SentenceEncoder::mpnet()?;
            &mpnet
        }
        other => anyhow::bail!("unknown embedder `{other}` (hash, mpnet)"),
    };
    let dir = std::env::temp_dir().join(format!("knowledge-latency-{}", std::process::id()));
    let t = Instant::now();
    let index = KnowledgeIndex::build(&dir, docs, embedder, &mut |done, total| {
        if done % 2048 < 32 || done == total {
            eprintln!("embedded {done}/{total} passages");
        }
    })?;
    let build_s = t.elapsed().as_secs_f64();
    let refs: Vec<&str> = queries.iter().map(String::as_str).collect();
    let vectors = embedder.embed(&refs)?;

    // Warm-up, then time each search on its own.
    for (q, v) in queries.iter().zip(&vectors).take(50) {
        index.search(q, v, args.k)?;
    }
    let mut micros: Vec<f64> = Vec::with_capacity(queries.len());
    for (q, v) in queries.iter().zip(&vectors) {
        let t = Instant::now();
        let hits = index.search(q, v, args.k)?;
        micros.push(t.elapsed().as_secs_f64() * 1e6);
        std::hint::black_box(hits);
    }
    micros.sort_by(f64::total_cmp);
    let pct =
        |p: f64| micros[((micros.len() as f64 * p).ceil() as usize).clamp(1, micros.len()) - 1];
    println!(
        "docs {n_docs} ({} embedder), build {build_s:.1} s; {} queries, k={}",
        args.embedder,
        micros.len(),
        args.k
    );
    println!(
        "search latency (ms): p50 {:.3}  p95 {:.3}  p99 {:.3}  max {:.3}",
        pct(0.50) / 1e3,
        pct(0.95) / 1e3,
        pct(0.99) / 1e3,
        micros.last().copied().unwrap_or(0.0) / 1e3
    );
    // Where the time goes: each signal alone (same queries, p50).
    for mode in [Mode::Bm25, Mode::Dense] {
        let mut t_mode: Vec<f64> = queries
            .iter()
            .zip(&vectors)
            .map(|(q, v)| {
                let t = Instant::now();
                std::hint::black_box(index.search_with(mode, q, v, args.k).ok());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        t_mode.sort_by(f64::total_cmp);
        println!("{mode:?} alone: p50 {:.3} ms", t_mode[t_mode.len() / 2]);
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
