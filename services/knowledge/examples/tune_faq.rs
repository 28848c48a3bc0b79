//! Development aid: fits the score calibration on StackFAQ training questions.
//!
//! Embeddings are cached in a file (arg 3) so sweeps after the first run take seconds.
//! `cargo run -p switchboard-knowledge --example tune_faq -- ANSWERS QUESTIONS CACHE`
//! (`TUNE_PRECISION=int8` runs MPNet's int8 layers; give it its own cache file.)

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Mutex;

use switchboard_embeddings::{
    EmbedError, Embedder, Embedding, MPNET_DIR, Precision, SentenceEncoder, models_root,
};
use switchboard_knowledge::KnowledgeIndex;
use switchboard_knowledge::eval::{load_answers, load_questions};

struct DiskCache {
    inner: SentenceEncoder,
    map: Mutex<HashMap<String, Embedding>>,
}

impl Embedder for DiskCache {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        let missing: Vec<&str> = {
            let map = self.map.lock().unwrap();
            texts
                .iter()
                .copied()
                .filter(|t| !map.contains_key(*t))
                .collect()
        };
        if !missing.is_empty() {
            let vecs = self.inner.embed(&missing)?;
            let mut map = self.map.lock().unwrap();
            for (t, v) in missing.into_iter().zip(vecs) {
                map.insert(t.to_string(), v);
            }
        }
        let map = self.map.lock().unwrap();
        Ok(texts.iter().map(|t| map[*t].clone()).collect())
    }
    fn dim(&self) -> usize {
        self.inner.dim()
    }
}

fn load_cache(path: &Path) -> HashMap<String, Embedding> {
    let mut map = HashMap::new();
    let Ok(mut f) = std::fs::File::open(path) else {
        return map;
    };
    let mut buf = Vec::new();
    f.read_to_end(&mut buf).unwrap();
    let mut i = 0;
    let u32_at = |i: usize| u32::from_le_bytes(buf[i..i + 4].try_into().unwrap()) as usize;
    while i < buf.len() {
        let tl = u32_at(i);
        let text = String::from_utf8(buf[i + 4..i + 4 + tl].to_vec()).unwrap();
        i += 4 + tl;
        let d = u32_at(i);
        i += 4;
        let v = buf[i..i + d * 4]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        i += d * 4;
        map.insert(text, v);
    }
    map
}

fn save_cache(path: &Path, map: &HashMap<String, Embedding>) {
    let mut buf = Vec::new();
    for (t, v) in map {
        buf.extend_from_slice(&(t.len() as u32).to_le_bytes());
        buf.extend_from_slice(t.as_bytes());
        buf.extend_from_slice(&(v.len() as u32).to_le_bytes());
        v.iter()
            .for_each(|f| buf.extend_from_slice(&f.to_le_bytes()));
    }
    std::fs::File::create(path)
        .unwrap()
        .write_all(&buf)
        .unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (answers, questions, cache) = (
        Path::new(&args[1]),
        Path::new(&args[2]),
        Path::new(&args[3]),
    );
    let precision = match std::env::var("TUNE_PRECISION").as_deref() {
        Ok("int8") => Precision::Int8,
        _ => Precision::Full,
    };
    let embedder = DiskCache {
        inner: SentenceEncoder::load_with(&models_root().join(MPNET_DIR), precision).unwrap(),
        map: Mutex::new(load_cache(cache)),
    };
    let pool = load_answers(answers).unwrap();
    let qs = load_questions(questions, &pool).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index =
        KnowledgeIndex::build(&dir.path().join("kb"), pool, &embedder, &mut |_, _| {}).unwrap();
    let q_texts: Vec<&str> = qs.iter().map(|q| q.text.as_str()).collect();
    let q_vecs = embedder.embed(&q_texts).unwrap();
    save_cache(cache, &embedder.map.lock().unwrap());

    // Calibration: invert the current logistic to get raw scores, then refit it.
    let (slope, bias) = (9.22f64, -1.48f64); // must match fusion::PARAMS
    let mut pts = Vec::new();
    for (q, v) in qs.iter().zip(&q_vecs) {
        let hit = index.search(&q.text, v, 1).unwrap().remove(0);
        let p = f64::from(hit.score).clamp(1e-6, 1.0 - 1e-6);
        let raw = ((p / (1.0 - p)).ln() - bias) / slope;
        pts.push((raw as f32, q.answer_ids.contains(&hit.id)));
    }
    let acc = pts.iter().filter(|p| p.1).count() as f64 / pts.len() as f64;
    let (a, b) = fit_logistic(&pts);
    println!(
        "recall@1 {acc:.4}; fit: slope {a:.3} bias {b:.3} (p=0.5 at raw {:.3})",
        -b / a
    );
    for lo in [0.1f32, 0.2, 0.3, 0.4, 0.5, 0.6] {
        let bucket: Vec<_> = pts.iter().filter(|p| p.0 >= lo && p.0 < lo + 0.1).collect();
        let right = bucket.iter().filter(|p| p.1).count() as f64 / bucket.len().max(1) as f64;
        let predicted = 1.0 / (1.0 + (-(a * f64::from(lo + 0.05) + b)).exp());
        println!(
            "raw {lo:.1}..{:.1}: n={:<4} right {right:.2} fitted {predicted:.2}",
            lo + 0.1,
            bucket.len()
        );
    }
    for t in [0.3f64, 0.4, 0.5, 0.6, 0.7] {
        let raw_t = ((t / (1.0 - t)).ln() - b) / a;
        let kept: Vec<_> = pts.iter().filter(|p| f64::from(p.0) >= raw_t).collect();
        let right = kept.iter().filter(|p| p.1).count() as f64 / kept.len().max(1) as f64;
        println!(
            "min_score {t}: answers {:.2} of questions, {right:.2} of those right",
            kept.len() as f64 / pts.len() as f64
        );
    }
}

/// Plain gradient descent on log loss; two parameters, a few hundred points.
fn fit_logistic(pts: &[(f32, bool)]) -> (f64, f64) {
    let (mut a, mut b) = (1.0f64, 0.0f64);
    for _ in 0..20000 {
        let (mut ga, mut gb) = (0.0, 0.0);
        for &(x, y) in pts {
            let p = 1.0 / (1.0 + (-(a * x as f64 + b)).exp());
            let e = p - f64::from(u8::from(y));
            ga += e * x as f64;
            gb += e;
        }
        a -= 0.5 * ga / pts.len() as f64;
        b -= 0.5 * gb / pts.len() as f64;
    }
    (a, b)
}
