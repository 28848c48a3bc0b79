//! Encoder speed on BANKING77-length utterances: ms/utterance at several batch sizes.
//!
//! `cargo run -p switchboard-embeddings --example speed -- [CSV] [ROWS] [REPEATS]`
//!
//! `SPEED_MODEL=mpnet` times all-mpnet-base-v2 instead of MiniLM; `SPEED_PRECISION=int8` runs the
//! int8 layers and also prints how close their vectors are to full precision (cosine).

use std::time::Instant;

use switchboard_embeddings::{
    Embedder, MINILM_DIR, MPNET_DIR, Precision, SentenceEncoder, cosine, models_root,
};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let default_csv = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/banking77/test.csv"
    );
    let csv_path = args
        .get(1)
        .filter(|s| !s.is_empty())
        .map_or(default_csv, String::as_str);
    let rows: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let repeats: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3);
    let mut reader = csv::Reader::from_path(csv_path).expect("readable csv");
    let texts: Vec<String> = reader
        .records()
        .take(rows)
        .map(|r| r.expect("csv row")[0].to_string())
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let batches: Vec<usize> = std::env::var("SPEED_BATCHES")
        .ok()
        .map(|s| s.split(',').filter_map(|b| b.parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 8, 32]);
    let dir = models_root().join(match std::env::var("SPEED_MODEL").as_deref() {
        Ok("mpnet") => MPNET_DIR,
        _ => MINILM_DIR,
    });
    let int8 = std::env::var("SPEED_PRECISION").as_deref() == Ok("int8");
    let precision = if int8 {
        Precision::Int8
    } else {
        Precision::Full
    };
    let model =
        SentenceEncoder::load_with(&dir, precision).expect("model installed (scripts/models.sh)");
    println!("{} at {}", dir.display(), model.numerics());
    if int8 {
        let full = SentenceEncoder::load(&dir).expect("model installed");
        let (a, b) = (
            model.embed(&refs).expect("embed"),
            full.embed(&refs).expect("embed"),
        );
        let cos: Vec<f32> = a.iter().zip(&b).map(|(a, b)| cosine(a, b)).collect();
        let mean = cos.iter().sum::<f32>() / cos.len() as f32;
        let min = cos.iter().copied().fold(1f32, f32::min);
        println!("cosine to full precision: mean {mean:.5}, min {min:.5}");
    }
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
        println!(
            "batch {batch:>3}: {best:.2} ms/utterance (best of {repeats}, {} rows)",
            refs.len()
        );
        model = Some(m);
    }
}
