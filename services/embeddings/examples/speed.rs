//! Encoder speed on BANKING77-length utterances: ms/utterance at several batch sizes.
//!
//! `cargo run -p switchboard-embeddings --example speed -- [CSV] [ROWS] [REPEATS]`

use std::time::Instant;

use switchboard_embeddings::{Embedder, SentenceEncoder};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let default_csv = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/banking77/test.csv");
    let csv_path = args.get(1).filter(|s| !s.is_empty()).map_or(default_csv, String::as_str);
    let rows: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let repeats: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3);
    let mut reader = csv::Reader::from_path(csv_path).expect("readable csv");
    let texts: Vec<String> =
        reader.records().take(rows).map(|r| r.expect("csv row")[0].to_string()).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let batches: Vec<usize> = std::env::var("SPEED_BATCHES")
        .ok()
        .map(|s| s.split(',').filter_map(|b| b.parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 8, 32]);
    let model = SentenceEncoder::minilm().expect("MiniLM installed (scripts/models.sh)");
    model.embed(&refs[..64.min(refs.len())]).expect("warm-up");
    let mut model = Some(model);
    for &batch in &batches {
        let m = model.take().unwrap().with_batch_size(batch);
        let mut best = f64::INFINITY;
        for _ in 0..repeats {
            let start = Instant::now();
            for chunk in refs.chunks(batch) {
                m.embed(chunk).expect("embed");
            }
            best = best.min(start.elapsed().as_secs_f64() * 1000.0 / refs.len() as f64);
        }
        println!("batch {batch:>3}: {best:.2} ms/utterance (best of {repeats}, {} rows)", refs.len());
        model = Some(m);
    }
}
