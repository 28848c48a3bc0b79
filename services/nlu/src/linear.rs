//! Multinomial logistic regression over a dense block (the sentence embedding) and a sparse
//! block (lexical n-grams), trained with mini-batch lazy Adam so sparse rows cost only when used.

use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::kernels::{adam, axpy, gemm_tn, gemv};
use crate::lexical::Sparse;

/// Training settings of the linear head; defaults were tuned on BANKING77 train folds.
#[derive(Debug, Clone)]
pub(crate) struct LinearConfig {
    pub epochs: usize,
    pub batch: usize,
    pub lr: f32,
    /// L2 penalty on dense weights (per example, as in averaged loss).
    pub l2_dense: f32,
    /// L2 penalty on sparse weights.
    pub l2_sparse: f32,
    pub seed: u64,
}

impl Default for LinearConfig {
    fn default() -> Self {
        Self {
            epochs: 12,
            batch: 32,
            lr: 0.01,
            l2_dense: 1e-5,
            l2_sparse: 1e-5,
            seed: 7,
        }
    }
}

/// One training row: dense features, sparse features, class index.
pub(crate) struct Row<'a> {
    pub dense: &'a [f32],
    pub sparse: &'a Sparse,
    pub label: usize,
}

/// Weights laid out feature-major (`[feature][class]`) so a feature's update is one slice.
#[derive(Debug, Clone)]
pub(crate) struct Linear {
    classes: usize,
    dense_dim: usize,
    w_dense: Vec<f32>,
    w_sparse: Vec<f32>,
    bias: Vec<f32>,
}

/// In-place softmax; returns nothing, leaves probabilities.
pub(crate) fn softmax(z: &mut [f32]) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    z.iter_mut().for_each(|v| *v /= sum);
}

impl Linear {
    /// Raw scores (logits), one per class.
    pub(crate) fn logits(&self, dense: &[f32], sparse: &Sparse) -> Vec<f32> {
        let c = self.classes;
        let mut z = self.bias.clone();
        gemv(
            &mut z,
            &dense[..dense.len().min(self.dense_dim)],
            &self.w_dense,
        );
        for &(i, x) in sparse {
            let i = i as usize;
            if let Some(row) = self.w_sparse.get(i * c..(i + 1) * c) {
                axpy(&mut z, x, row);
            }
        }
        z
    }

    /// Fits weights to `rows`; `sparse_dim` is the lexicon size.
    pub(crate) fn train(
        rows: &[Row],
        classes: usize,
        dense_dim: usize,
        sparse_dim: usize,
        cfg: &LinearConfig,
    ) -> Self {
        let c = classes;
        let mut model = Linear {
            classes,
            dense_dim,
            w_dense: vec![0.0; dense_dim * c],
            w_sparse: vec![0.0; sparse_dim * c],
            bias: vec![0.0; c],
        };
        let mut adam_dense = Adam::new(dense_dim * c);
        let mut adam_sparse = Adam::new(sparse_dim * c);
        let mut adam_bias = Adam::new(c);
        let mut g_dense = vec![0f32; dense_dim * c];
        let mut g_sparse = vec![0f32; sparse_dim * c];
        let mut g_bias = vec![0f32; c];
        let mut touched = vec![false; sparse_dim];
        let mut touched_list: Vec<usize> = Vec::new();
        // The batch's dense rows and output gradients, for one gradient product per batch.
        let mut batch_x: Vec<&[f32]> = Vec::with_capacity(cfg.batch);
        let mut batch_p: Vec<f32> = Vec::with_capacity(cfg.batch * c);
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut rng = rand::rngs::StdRng::seed_from_u64(cfg.seed);
        let steps_total = (cfg.epochs * rows.len().div_ceil(cfg.batch)).max(1) as f32;
        let mut step = 0usize;
        for _ in 0..cfg.epochs {
            order.shuffle(&mut rng);
            for batch in order.chunks(cfg.batch) {
                let scale = 1.0 / batch.len() as f32;
                batch_p.clear();
                batch_x.clear();
                for &r in batch {
                    let row = &rows[r];
                    let mut p = model.logits(row.dense, row.sparse);
                    softmax(&mut p);
                    p[row.label] -= 1.0;
                    p.iter_mut().for_each(|v| *v *= scale);
                    axpy(&mut g_bias, 1.0, &p);
                    batch_x.push(row.dense);
                    batch_p.extend_from_slice(&p);
                    for &(i, x) in row.sparse {
                        let i = i as usize;
                        if !touched[i] {
                            touched[i] = true;
                            touched_list.push(i);
                        }
                        axpy(&mut g_sparse[i * c..(i + 1) * c], x, &p);
                    }
                }
                if dense_dim > 0 {
                    gemm_tn(&mut g_dense, &batch_x, &batch_p, c);
                }
                step += 1;
                // Cosine decay to zero: stable late epochs without tuning a schedule.
                let lr =
                    cfg.lr * 0.5 * (1.0 + (std::f32::consts::PI * step as f32 / steps_total).cos());
                adam_bias.update(&mut model.bias, &mut g_bias, 0..c, lr, 0.0);
                adam_dense.update(
                    &mut model.w_dense,
                    &mut g_dense,
                    0..dense_dim * c,
                    lr,
                    cfg.l2_dense,
                );
                for &i in &touched_list {
                    adam_sparse.update(
                        &mut model.w_sparse,
                        &mut g_sparse,
                        i * c..(i + 1) * c,
                        lr,
                        cfg.l2_sparse,
                    );
                    touched[i] = false;
                }
                touched_list.clear();
            }
        }
        model
    }
}

/// Adam state; `update` touches only the given range and zeroes its gradient.
struct Adam {
    m: Vec<f32>,
    v: Vec<f32>,
}

impl Adam {
    fn new(n: usize) -> Self {
        Self {
            m: vec![0.0; n],
            v: vec![0.0; n],
        }
    }

    fn update(
        &mut self,
        w: &mut [f32],
        g: &mut [f32],
        range: std::ops::Range<usize>,
        lr: f32,
        l2: f32,
    ) {
        let r = range;
        adam(
            &mut w[r.clone()],
            &mut g[r.clone()],
            &mut self.m[r.clone()],
            &mut self.v[r],
            lr,
            l2,
        );
    }
}
