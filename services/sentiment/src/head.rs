//! A three-way softmax regression, trained full-batch with Adam: small enough that training on
//! ten thousand sentences takes seconds, so every server trains its own at start.

/// Weights laid out `[feature][class]`.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    dim: usize,
    w: Vec<f32>,
    b: [f32; 3],
}

/// One training row.
pub(crate) struct Row {
    pub x: Vec<f32>,
    pub label: usize,
    pub weight: f32,
}

const EPOCHS: usize = 300;
const LEARNING_RATE: f32 = 0.02;
const L2: f32 = 1e-4;

pub(crate) fn softmax(z: [f32; 3]) -> [f32; 3] {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e = z.map(|v| (v - max).exp());
    let sum: f32 = e.iter().sum();
    e.map(|v| v / sum)
}

impl Head {
    pub fn logits(&self, x: &[f32]) -> [f32; 3] {
        let mut z = self.b;
        for (xi, w) in x.iter().zip(self.w.chunks_exact(3)) {
            z[0] += xi * w[0];
            z[1] += xi * w[1];
            z[2] += xi * w[2];
        }
        z
    }

    /// Trains on `rows`; classes are weighted so each counts the same in the loss.
    pub fn train(rows: &[Row], dim: usize) -> Head {
        let mut head = Head {
            dim,
            w: vec![0.0; dim * 3],
            b: [0.0; 3],
        };
        let mut mass = [0.0f32; 3];
        for r in rows {
            mass[r.label] += r.weight;
        }
        let total: f32 = mass.iter().sum();
        let class_weight = mass.map(|m| if m > 0.0 { total / (3.0 * m) } else { 0.0 });
        let norm = 1.0 / total.max(1e-6);

        let n = dim * 3 + 3;
        let (mut m, mut v) = (vec![0.0f32; n], vec![0.0f32; n]);
        let (beta1, beta2, eps) = (0.9f32, 0.999f32, 1e-8f32);
        let mut grad = vec![0.0f32; n];
        for step in 1..=EPOCHS {
            grad.iter_mut().for_each(|g| *g = 0.0);
            for r in rows {
                let p = softmax(head.logits(&r.x));
                let scale = r.weight * class_weight[r.label] * norm;
                let mut d = p;
                d[r.label] -= 1.0;
                let d = d.map(|v| v * scale);
                for (xi, g) in r.x.iter().zip(grad[..dim * 3].chunks_exact_mut(3)) {
                    g[0] += xi * d[0];
                    g[1] += xi * d[1];
                    g[2] += xi * d[2];
                }
                for c in 0..3 {
                    grad[dim * 3 + c] += d[c];
                }
            }
            for (g, w) in grad[..dim * 3].iter_mut().zip(&head.w) {
                *g += L2 * w;
            }
            let (c1, c2) = (1.0 - beta1.powi(step as i32), 1.0 - beta2.powi(step as i32));
            for i in 0..n {
                m[i] = beta1 * m[i] + (1.0 - beta1) * grad[i];
                v[i] = beta2 * v[i] + (1.0 - beta2) * grad[i] * grad[i];
                let delta = LEARNING_RATE * (m[i] / c1) / ((v[i] / c2).sqrt() + eps);
                if i < dim * 3 {
                    head.w[i] -= delta;
                } else {
                    head.b[i - dim * 3] -= delta;
                }
            }
        }
        head
    }

    pub fn dim(&self) -> usize {
        self.dim
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separable_classes_are_learnt() {
        let rows: Vec<Row> = (0..60)
            .map(|i| {
                let label = i % 3;
                let mut x = vec![0.0; 3];
                x[label] = 1.0 + (i as f32) * 0.001;
                Row {
                    x,
                    label,
                    weight: 1.0,
                }
            })
            .collect();
        let head = Head::train(&rows, 3);
        for r in &rows {
            let z = head.logits(&r.x);
            let best = (0..3).max_by(|&a, &b| z[a].total_cmp(&z[b])).unwrap();
            assert_eq!(best, r.label);
        }
    }
}
