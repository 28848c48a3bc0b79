//! How BM25 and embedding similarity are combined into one calibrated score.

use std::collections::HashMap;

/// Which signals rank documents; the chatbot uses [`Mode::Hybrid`], the others exist for evals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Lexical only (tantivy BM25 over title and body).
    Bm25,
    /// Embedding cosine only (best passage per document).
    Dense,
    /// Hubness-corrected cosine plus BM25 as a small per-query normalised bonus.
    #[default]
    Hybrid,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "bm25" => Ok(Self::Bm25),
            "dense" => Ok(Self::Dense),
            "hybrid" => Ok(Self::Hybrid),
            _ => Err(format!("unknown retrieval mode `{s}` (bm25, dense, hybrid)")),
        }
    }
}

/// Fused score below which the chatbot should hand off rather than answer.
///
/// Scores are calibrated on StackFAQ training questions as the probability that the top hit is
/// a correct answer, so 0.5 means "more likely right than wrong" (raw fused score 0.254). On
/// those questions it answers 97% of them, 85% correctly; unrelated queries score far below.
pub const DEFAULT_MIN_SCORE: f32 = 0.5;

/// The few fusion constants; fixed in code, chosen on StackFAQ training questions.
///
/// raw = cosine - `hub_weight` * hubness + `bm25_weight` * bm25 / best bm25 of the query.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Params {
    /// Weight of the per-query normalised BM25 score next to the cosine (a tie-breaker).
    pub bm25_weight: f32,
    /// Share of a document's hubness subtracted from its cosine (0.5 = CSLS).
    pub hub_weight: f32,
    /// Logistic calibration `1 / (1 + exp(-(slope * raw + bias)))` of the raw fused score.
    pub slope: f32,
    pub bias: f32,
}

pub(crate) const PARAMS: Params =
    Params { bm25_weight: 0.05, hub_weight: 0.5, slope: 10.8, bias: -2.74 };

/// Raw ranking scores per document for one query, in document order.
pub(crate) fn raw_scores(
    mode: Mode,
    params: &Params,
    dense: &[f32],
    hub: &[f32],
    bm25: &HashMap<usize, f32>,
) -> Vec<f32> {
    let max_bm25 = bm25.values().copied().fold(0.0f32, f32::max);
    let bm25_norm = |d: usize| match bm25.get(&d) {
        Some(&s) if max_bm25 > 0.0 => s / max_bm25,
        _ => 0.0,
    };
    match mode {
        Mode::Bm25 => (0..dense.len()).map(bm25_norm).collect(),
        Mode::Dense => dense.to_vec(),
        Mode::Hybrid => dense
            .iter()
            .zip(hub)
            .enumerate()
            .map(|(d, (&cos, &h))| cos - params.hub_weight * h + params.bm25_weight * bm25_norm(d))
            .collect(),
    }
}

/// Maps a raw hybrid score to 0..1 (probability that the hit is right).
pub(crate) fn calibrate(params: &Params, raw: f32) -> f32 {
    1.0 / (1.0 + (-(params.slope * raw + params.bias)).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bm25_breaks_dense_ties() {
        let bm25 = HashMap::from([(1, 3.0), (2, 6.0)]);
        let s = raw_scores(Mode::Hybrid, &PARAMS, &[0.7, 0.7, 0.7], &[0.3; 3], &bm25);
        assert!(s[2] > s[1] && s[1] > s[0], "{s:?}");
    }

    #[test]
    fn dense_dominates_a_clear_gap() {
        let bm25 = HashMap::from([(1, 9.0)]);
        let s = raw_scores(Mode::Hybrid, &PARAMS, &[0.9, 0.5], &[0.3; 2], &bm25);
        assert!(s[0] > s[1], "{s:?}");
    }

    #[test]
    fn hubs_lose_close_calls() {
        let none = HashMap::new();
        let s = raw_scores(Mode::Hybrid, &PARAMS, &[0.62, 0.60], &[0.6, 0.3], &none);
        assert!(s[1] > s[0], "{s:?}");
        // Dense mode is the plain cosine, for side-by-side evaluation.
        let s = raw_scores(Mode::Dense, &PARAMS, &[0.62, 0.60], &[0.6, 0.3], &none);
        assert!(s[0] > s[1], "{s:?}");
    }

    #[test]
    fn calibration_is_monotone_and_bounded() {
        let xs = [-1.0, 0.0, 0.3, 0.6, 1.2];
        let ys: Vec<f32> = xs.iter().map(|&x| calibrate(&PARAMS, x)).collect();
        assert!(ys.windows(2).all(|w| w[0] < w[1]), "{ys:?}");
        assert!(ys.iter().all(|y| (0.0..=1.0).contains(y)));
    }

    #[test]
    fn mode_parses_case_insensitively() {
        assert_eq!("BM25".parse::<Mode>().unwrap(), Mode::Bm25);
        assert!("fuzzy".parse::<Mode>().is_err());
    }
}
