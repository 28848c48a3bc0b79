//! The inner loops of training and scoring, vectorised by hand with AVX2 + FMA when the CPU has
//! them: the default x86-64 target enables neither, and training time is dominated by these loops.
//! [`gemv`] and [`gemm_tn`] add in the same order as repeated [`axpy`] calls, so they give the
//! same bits, in a fraction of the time (one call per row or batch, sums kept in registers).

/// `acc += x * row`.
#[inline]
pub(crate) fn axpy(acc: &mut [f32], x: f32, row: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU supports AVX2 and FMA (checked at run time above).
        unsafe { x86::axpy(acc, x, row) };
        return;
    }
    for (a, r) in acc.iter_mut().zip(row) {
        *a += x * r;
    }
}

/// Adam step with L2 on `w` over matching slices; zeroes the gradient it consumed.
#[inline]
pub(crate) fn adam(w: &mut [f32], g: &mut [f32], m: &mut [f32], v: &mut [f32], lr: f32, l2: f32) {
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: as in `axpy`.
        unsafe { x86::adam(w, g, m, v, lr, l2) };
        return;
    }
    adam_scalar(w, g, m, v, lr, l2);
}

/// `z += Σ_d x[d] · w[d·c .. (d+1)·c]` with `c = z.len()`: a row times feature-major weights.
#[inline]
pub(crate) fn gemv(z: &mut [f32], x: &[f32], w: &[f32]) {
    let c = z.len();
    let dims = x.len().min(w.len() / c.max(1));
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU supports AVX2 and FMA; `dims` bounds every read of `x` and `w`.
        unsafe { x86::gemv(z, &x[..dims], &w[..dims * c]) };
        return;
    }
    for (d, &xd) in x[..dims].iter().enumerate() {
        for (a, r) in z.iter_mut().zip(&w[d * c..(d + 1) * c]) {
            *a += xd * r;
        }
    }
}

/// `g[d·c ..] += Σ_r xs[r][d] · ps[r·c ..]`: a batch's gradient for feature-major weights, `c`
/// classes, rows of `xs` as long as `g` has features.
#[inline]
pub(crate) fn gemm_tn(g: &mut [f32], xs: &[&[f32]], ps: &[f32], c: usize) {
    let dims = g.len() / c.max(1);
    assert!(ps.len() >= xs.len() * c && xs.iter().all(|x| x.len() >= dims));
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU supports AVX2 and FMA; the assert above bounds every read.
        unsafe { x86::gemm_tn(g, xs, ps, c) };
        return;
    }
    for d in 0..dims {
        for (r, x) in xs.iter().enumerate() {
            for (a, p) in g[d * c..(d + 1) * c]
                .iter_mut()
                .zip(&ps[r * c..(r + 1) * c])
            {
                *a += x[d] * p;
            }
        }
    }
}

const B1: f32 = 0.9;
const B2: f32 = 0.999;
const EPS: f32 = 1e-8;

fn adam_scalar(w: &mut [f32], g: &mut [f32], m: &mut [f32], v: &mut [f32], lr: f32, l2: f32) {
    for k in 0..w.len().min(g.len()).min(m.len()).min(v.len()) {
        let grad = g[k] + l2 * w[k];
        g[k] = 0.0;
        m[k] = B1 * m[k] + (1.0 - B1) * grad;
        v[k] = B2 * v[k] + (1.0 - B2) * grad * grad;
        w[k] -= lr * m[k] / (v[k].sqrt() + EPS);
    }
}

#[cfg(target_arch = "x86_64")]
fn avx2() -> bool {
    use std::sync::OnceLock;
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"))
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn axpy(acc: &mut [f32], x: f32, row: &[f32]) {
        let n = acc.len().min(row.len());
        let xs = _mm256_set1_ps(x);
        let mut k = 0;
        while k + 8 <= n {
            // SAFETY: k + 8 <= n bounds both slices; unaligned loads/stores are allowed.
            unsafe {
                let a = _mm256_loadu_ps(acc.as_ptr().add(k));
                let r = _mm256_loadu_ps(row.as_ptr().add(k));
                _mm256_storeu_ps(acc.as_mut_ptr().add(k), _mm256_fmadd_ps(xs, r, a));
            }
            k += 8;
        }
        for j in k..n {
            acc[j] += x * row[j];
        }
    }

    /// Columns per step: four independent sums, so FMA latency is hidden.
    const BLOCK: usize = 32;

    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn gemv(z: &mut [f32], x: &[f32], w: &[f32]) {
        let c = z.len();
        let mut j = 0;
        while j + BLOCK <= c {
            // SAFETY: j + BLOCK <= c bounds z; w holds x.len() rows of c.
            unsafe {
                let zp = z.as_mut_ptr().add(j);
                let mut acc = [0; 4].map(|_| _mm256_setzero_ps());
                for (k, a) in acc.iter_mut().enumerate() {
                    *a = _mm256_loadu_ps(zp.add(8 * k));
                }
                for (d, &xd) in x.iter().enumerate() {
                    let xs = _mm256_set1_ps(xd);
                    let wp = w.as_ptr().add(d * c + j);
                    for (k, a) in acc.iter_mut().enumerate() {
                        *a = _mm256_fmadd_ps(xs, _mm256_loadu_ps(wp.add(8 * k)), *a);
                    }
                }
                for (k, a) in acc.iter().enumerate() {
                    _mm256_storeu_ps(zp.add(8 * k), *a);
                }
            }
            j += BLOCK;
        }
        while j + 8 <= c {
            // SAFETY: as above, eight columns.
            unsafe {
                let zp = z.as_mut_ptr().add(j);
                let mut a = _mm256_loadu_ps(zp);
                for (d, &xd) in x.iter().enumerate() {
                    let wv = _mm256_loadu_ps(w.as_ptr().add(d * c + j));
                    a = _mm256_fmadd_ps(_mm256_set1_ps(xd), wv, a);
                }
                _mm256_storeu_ps(zp, a);
            }
            j += 8;
        }
        for col in j..c {
            // Unfused, like `axpy`'s tail, so the bits match.
            let mut a = z[col];
            for (d, &xd) in x.iter().enumerate() {
                a += xd * w[d * c + col];
            }
            z[col] = a;
        }
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn gemm_tn(g: &mut [f32], xs: &[&[f32]], ps: &[f32], c: usize) {
        let dims = g.len() / c;
        for d in 0..dims {
            let row = &mut g[d * c..(d + 1) * c];
            let mut j = 0;
            while j + BLOCK <= c {
                // SAFETY: j + BLOCK <= c bounds the row and each of ps's rows (checked by caller).
                unsafe {
                    let gp = row.as_mut_ptr().add(j);
                    let mut acc = [0; 4].map(|_| _mm256_setzero_ps());
                    for (k, a) in acc.iter_mut().enumerate() {
                        *a = _mm256_loadu_ps(gp.add(8 * k));
                    }
                    for (r, x) in xs.iter().enumerate() {
                        let xv = _mm256_set1_ps(*x.get_unchecked(d));
                        let pp = ps.as_ptr().add(r * c + j);
                        for (k, a) in acc.iter_mut().enumerate() {
                            *a = _mm256_fmadd_ps(xv, _mm256_loadu_ps(pp.add(8 * k)), *a);
                        }
                    }
                    for (k, a) in acc.iter().enumerate() {
                        _mm256_storeu_ps(gp.add(8 * k), *a);
                    }
                }
                j += BLOCK;
            }
            while j + 8 <= c {
                // SAFETY: as above, eight columns.
                unsafe {
                    let gp = row.as_mut_ptr().add(j);
                    let mut a = _mm256_loadu_ps(gp);
                    for (r, x) in xs.iter().enumerate() {
                        let pv = _mm256_loadu_ps(ps.as_ptr().add(r * c + j));
                        a = _mm256_fmadd_ps(_mm256_set1_ps(*x.get_unchecked(d)), pv, a);
                    }
                    _mm256_storeu_ps(gp, a);
                }
                j += 8;
            }
            for (col, slot) in row.iter_mut().enumerate().skip(j) {
                let mut a = *slot;
                for (r, x) in xs.iter().enumerate() {
                    a += x[d] * ps[r * c + col];
                }
                *slot = a;
            }
        }
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn adam(
        w: &mut [f32],
        g: &mut [f32],
        m: &mut [f32],
        v: &mut [f32],
        lr: f32,
        l2: f32,
    ) {
        let n = w.len().min(g.len()).min(m.len()).min(v.len());
        let (b1, nb1) = (_mm256_set1_ps(super::B1), _mm256_set1_ps(1.0 - super::B1));
        let (b2, nb2) = (_mm256_set1_ps(super::B2), _mm256_set1_ps(1.0 - super::B2));
        let (lrs, l2s, eps) = (
            _mm256_set1_ps(lr),
            _mm256_set1_ps(l2),
            _mm256_set1_ps(super::EPS),
        );
        let mut k = 0;
        while k + 8 <= n {
            // SAFETY: k + 8 <= n bounds all four slices.
            unsafe {
                let wk = _mm256_loadu_ps(w.as_ptr().add(k));
                let grad = _mm256_fmadd_ps(l2s, wk, _mm256_loadu_ps(g.as_ptr().add(k)));
                _mm256_storeu_ps(g.as_mut_ptr().add(k), _mm256_setzero_ps());
                let mk = _mm256_fmadd_ps(
                    nb1,
                    grad,
                    _mm256_mul_ps(b1, _mm256_loadu_ps(m.as_ptr().add(k))),
                );
                let vk = _mm256_fmadd_ps(
                    nb2,
                    _mm256_mul_ps(grad, grad),
                    _mm256_mul_ps(b2, _mm256_loadu_ps(v.as_ptr().add(k))),
                );
                _mm256_storeu_ps(m.as_mut_ptr().add(k), mk);
                _mm256_storeu_ps(v.as_mut_ptr().add(k), vk);
                let step = _mm256_div_ps(
                    _mm256_mul_ps(lrs, mk),
                    _mm256_add_ps(_mm256_sqrt_ps(vk), eps),
                );
                _mm256_storeu_ps(w.as_mut_ptr().add(k), _mm256_sub_ps(wk, step));
            }
            k += 8;
        }
        super::adam_scalar(
            &mut w[k..n],
            &mut g[k..n],
            &mut m[k..n],
            &mut v[k..n],
            lr,
            l2,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_kernels_match_scalar_arithmetic() {
        let row: Vec<f32> = (0..77).map(|i| i as f32 * 0.5 - 3.0).collect();
        let mut acc = vec![1.0f32; 77];
        axpy(&mut acc, 2.0, &row);
        for (i, a) in acc.iter().enumerate() {
            assert!((a - (1.0 + 2.0 * row[i])).abs() < 1e-5);
        }
        let (mut w, mut g) = (row.clone(), vec![0.3f32; 77]);
        let (mut m, mut v) = (vec![0.1f32; 77], vec![0.2f32; 77]);
        let (mut w2, mut g2, mut m2, mut v2) = (w.clone(), g.clone(), m.clone(), v.clone());
        adam(&mut w, &mut g, &mut m, &mut v, 0.01, 1e-3);
        adam_scalar(&mut w2, &mut g2, &mut m2, &mut v2, 0.01, 1e-3);
        for k in 0..77 {
            assert!(
                (w[k] - w2[k]).abs() < 1e-6
                    && (m[k] - m2[k]).abs() < 1e-6
                    && (v[k] - v2[k]).abs() < 1e-6
            );
            assert_eq!(g[k], 0.0);
        }
    }

    /// Rows of pseudo-random values, deterministic.
    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n as u32)
            .map(|i| ((i.wrapping_mul(2_654_435_761) ^ seed) % 1000) as f32 / 250.0 - 2.0)
            .collect()
    }

    #[test]
    fn row_and_batch_products_give_the_bits_of_repeated_axpy() {
        for c in [3, 8, 77, 96] {
            let dims = 19;
            let w = values(dims * c, 1);
            let x = values(dims, 2);
            let mut z = values(c, 3);
            let mut expected = z.clone();
            for d in 0..dims {
                axpy(&mut expected, x[d], &w[d * c..(d + 1) * c]);
            }
            gemv(&mut z, &x, &w);
            assert_eq!(z, expected, "gemv, {c} classes");

            let xs: Vec<Vec<f32>> = (0..5).map(|r| values(dims, 10 + r)).collect();
            let rows: Vec<&[f32]> = xs.iter().map(Vec::as_slice).collect();
            let ps = values(5 * c, 4);
            let mut g = values(dims * c, 5);
            let mut expected = g.clone();
            for (r, x) in rows.iter().enumerate() {
                for d in 0..dims {
                    axpy(
                        &mut expected[d * c..(d + 1) * c],
                        x[d],
                        &ps[r * c..(r + 1) * c],
                    );
                }
            }
            gemm_tn(&mut g, &rows, &ps, c);
            assert_eq!(g, expected, "gemm_tn, {c} classes");
        }
    }
}
