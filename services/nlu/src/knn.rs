//! Nearest training examples: a vote that needs no training, and the similarity of the closest
//! example, which is the strongest single out-of-scope signal on sentence embeddings.

use candle_core::{Device, Tensor};
use switchboard_embeddings::dot;

use crate::NluError;

/// How many neighbours vote, and how sharply closer ones count more (softmax temperature).
const K: usize = 30;
const TEMPERATURE: f32 = 0.03;

/// Queries up to this many are scored row by row; more go through one GEMM. A chat turn is one
/// query, and a GEMM of one row against the transposed matrix repacked all 10k training rows
/// each time: 18 % of the server's CPU under chat load (perf, benches/RESULTS.md).
const ROW_BY_ROW: usize = 8;

/// Training embeddings as one row-major matrix: a query is one dot product per example.
#[derive(Debug, Clone)]
pub(crate) struct KnnIndex {
    rows: Vec<f32>,
    dim: usize,
    labels: Vec<usize>,
    classes: usize,
}

/// What the neighbours say about one query.
pub(crate) struct Neighbours {
    /// Vote per class, summing to 1.
    pub probs: Vec<f32>,
    /// Cosine similarity of the closest training example.
    pub top1: f32,
}

fn candle_err(e: candle_core::Error) -> NluError {
    NluError::Internal(format!("nearest-neighbour search: {e}"))
}

impl KnnIndex {
    pub(crate) fn new(
        vectors: &[&[f32]],
        labels: Vec<usize>,
        classes: usize,
    ) -> Result<Self, NluError> {
        let dim = vectors.first().map_or(0, |v| v.len());
        let rows: Vec<f32> = vectors.iter().flat_map(|v| v.iter().copied()).collect();
        Ok(Self {
            rows,
            dim,
            labels,
            classes,
        })
    }

    /// Neighbours of each query (rows of equal length); batched for calibration and evals.
    pub(crate) fn query(&self, queries: &[&[f32]]) -> Result<Vec<Neighbours>, NluError> {
        let dim = self.dim;
        if queries.len() <= ROW_BY_ROW || dim == 0 {
            return Ok(queries
                .iter()
                .map(|q| self.vote(self.rows.chunks_exact(dim).map(|row| dot(q, row)).collect()))
                .collect());
        }
        let flat: Vec<f32> = queries.iter().flat_map(|v| v.iter().copied()).collect();
        let q = Tensor::from_vec(flat, (queries.len(), dim), &Device::Cpu).map_err(candle_err)?;
        // Built per batch (a copy, small beside the GEMM) so the index holds the rows once.
        let matrix = Tensor::from_slice(&self.rows, (self.rows.len() / dim, dim), &Device::Cpu)
            .map_err(candle_err)?;
        let sims: Vec<Vec<f32>> = q
            .matmul(&matrix.t().map_err(candle_err)?)
            .and_then(|s| s.to_vec2())
            .map_err(candle_err)?;
        Ok(sims.into_iter().map(|s| self.vote(s)).collect())
    }

    fn vote(&self, sims: Vec<f32>) -> Neighbours {
        let mut ranked: Vec<(f32, usize)> =
            sims.into_iter().zip(self.labels.iter().copied()).collect();
        let k = K.min(ranked.len());
        if k < ranked.len() {
            ranked.select_nth_unstable_by(k, |a, b| b.0.total_cmp(&a.0));
        }
        let top = &ranked[..k];
        let top1 = top.iter().map(|t| t.0).fold(f32::NEG_INFINITY, f32::max);
        let mut probs = vec![0f32; self.classes];
        for &(s, c) in top {
            probs[c] += ((s - top1) / TEMPERATURE).exp();
        }
        let sum: f32 = probs.iter().sum::<f32>().max(1e-30);
        probs.iter_mut().for_each(|p| *p /= sum);
        Neighbours { probs, top1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_query_gets_the_same_neighbours_as_a_batch() {
        let vectors: Vec<Vec<f32>> = (0..200)
            .map(|i| {
                (0..20)
                    .map(|d| ((i * 7 + d * 13) % 17) as f32 / 17.0 - 0.5)
                    .collect()
            })
            .collect();
        let refs: Vec<&[f32]> = vectors.iter().map(Vec::as_slice).collect();
        let index = KnnIndex::new(&refs, (0..200).map(|i| i % 5).collect(), 5).unwrap();
        let queries: Vec<&[f32]> = refs[..ROW_BY_ROW + 1].to_vec();
        let batched = index.query(&queries).unwrap();
        for (q, b) in queries.iter().zip(&batched) {
            let single = index.query(&[q]).unwrap().remove(0);
            assert!(
                (single.top1 - b.top1).abs() < 1e-5,
                "{} vs {}",
                single.top1,
                b.top1
            );
            for (s, b) in single.probs.iter().zip(&b.probs) {
                assert!((s - b).abs() < 1e-4, "{s} vs {b}");
            }
        }
    }
}
