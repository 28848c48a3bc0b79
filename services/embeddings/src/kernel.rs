//! AVX2/FMA matrix multiply for the encoder's linear layers: a few utterances make GEMMs with
//! only 10–500 rows, where a general GEMM spends much of its time repacking the weights.
//!
//! Weights are stored as f16 and widened in registers (F16C). One chat message is 10–20 rows, so
//! each weight is used a handful of times: the forward streams the whole model per message and is
//! bound by memory, not arithmetic. In f16 the six layers take 21 MB instead of 42 MB, which fits
//! a 32 MB L3 and halves the bytes moved; accumulation stays f32.

/// Columns per weight panel: one panel row is two AVX2 registers.
pub(crate) const PANEL: usize = 16;

/// Whether [`matmul_acc`] can run here for `n` output columns (else use a general GEMM).
pub(crate) fn available(n: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    if n.is_multiple_of(PANEL)
        && std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("fma")
        && std::is_x86_feature_detected!("f16c")
    {
        return true;
    }
    let _ = n;
    false
}

/// Reorders a row-major `k×n` weight into 16-column panels of f16 bits, each `k×16` and
/// contiguous, so the kernel streams weights sequentially instead of jumping a row per step.
pub(crate) fn pack(w: &[f32], k: usize, n: usize) -> Vec<u16> {
    let mut packed = Vec::with_capacity(w.len());
    for c in (0..n).step_by(PANEL) {
        for row in w.chunks_exact(n).take(k) {
            packed.extend(
                row[c..c + PANEL]
                    .iter()
                    .map(|&v| half::f16::from_f32(v).to_bits()),
            );
        }
    }
    packed
}

/// `y (rows×n) += x (rows×k) · w`, with `x`, `y` row-major and `w` from [`pack`]; only call it
/// when [`available`] said yes for `n`.
pub(crate) fn matmul_acc(x: &[f32], packed: &[u16], y: &mut [f32], k: usize, n: usize) {
    assert!(
        k > 0 && x.len().is_multiple_of(k) && packed.len() == k * n && y.len() == x.len() / k * n
    );
    assert!(
        available(n),
        "matmul_acc without AVX2/FMA/F16C or with n % 16 != 0"
    );
    #[cfg(target_arch = "x86_64")]
    avx2::matmul(x, packed, y, k, n);
}

/// Columns per parallel task: a multiple of every kernel's tile width.
const TASK_COLS: usize = 64;

/// The output of a kernel, shared by tasks that each write their own columns of it.
#[derive(Clone, Copy)]
pub(crate) struct Out(*mut f32);
// SAFETY: `column_tasks` hands every task a disjoint column range.
unsafe impl Send for Out {}
unsafe impl Sync for Out {}

impl Out {
    /// A method (not `.0`) so closures capture the `Send` wrapper, not the bare pointer.
    pub(crate) fn ptr(self) -> *mut f32 {
        self.0
    }
}

/// Runs `task(y, c0, c1)` over the `n` columns of `y` in 64-column pieces: on the rayon pool
/// when the product (`work` multiply-adds) is worth waking a second thread for, else in line.
pub(crate) fn column_tasks(
    y: &mut [f32],
    n: usize,
    work: usize,
    task: impl Fn(Out, usize, usize) + Sync,
) {
    use rayon::prelude::*;
    let out = Out(y.as_mut_ptr());
    let run = |t: usize| task(out, t * TASK_COLS, ((t + 1) * TASK_COLS).min(n));
    if work < 1 << 20 {
        (0..n.div_ceil(TASK_COLS)).for_each(run);
    } else {
        (0..n.div_ceil(TASK_COLS)).into_par_iter().for_each(run);
    }
}

/// Rows of `x` handled while one tile of weights stays in cache.
const ROW_BLOCK: usize = 96;

/// Calls `tile(row, column, rows_left)` for every tile of columns `c0..c1`, a block of rows at a
/// time, so the rows of a block pass over a tile's weights while they are in cache.
#[inline(always)]
pub(crate) fn for_tiles(
    rows: usize,
    c0: usize,
    c1: usize,
    cols: usize,
    tile_rows: usize,
    mut tile: impl FnMut(usize, usize, usize),
) {
    for r0 in (0..rows).step_by(ROW_BLOCK) {
        let r1 = (r0 + ROW_BLOCK).min(rows);
        for c in (c0..c1).step_by(cols) {
            for r in (r0..r1).step_by(tile_rows) {
                tile(r, c, r1 - r);
            }
        }
    }
}

/// Exact (erf) GELU, BERT's `hidden_act = "gelu"`, in place; vectorised where AVX2 is present.
pub(crate) fn gelu(v: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: the features the function is compiled for were just detected.
        unsafe { avx2::gelu(v) };
        return;
    }
    v.iter_mut().for_each(|x| *x = gelu_one(*x));
}

#[inline(always)]
fn gelu_one(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// Error function as a branch-free rational approximation (the one Eigen and XLA use for f32,
/// within a few ulp of `erf`), so the loop above vectorises; libm's `erff` does not.
#[inline(always)]
fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let z = x * x;
    let mut p = -2.726_142_3e-10_f32;
    p = p.mul_add(z, 2.770_681_4e-8);
    p = p.mul_add(z, -2.101_024e-6);
    p = p.mul_add(z, -5.692_506_4e-5);
    p = p.mul_add(z, -7.349_906_3e-4);
    p = p.mul_add(z, -2.954_600_1e-3);
    p = p.mul_add(z, -1.609_603_3e-2);
    let mut q = -1.456_607_2e-5_f32;
    q = q.mul_add(z, -2.133_740_6e-4);
    q = q.mul_add(z, -1.682_827e-3);
    q = q.mul_add(z, -7.373_329e-3);
    q = q.mul_add(z, -1.426_474e-2);
    x * p / q
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn gelu(v: &mut [f32]) {
        v.iter_mut().for_each(|x| *x = super::gelu_one(*x));
    }

    pub(super) fn matmul(x: &[f32], w: &[u16], y: &mut [f32], k: usize, n: usize) {
        let rows = x.len() / k;
        super::column_tasks(y, n, rows * k * n, |out, c0, c1| {
            // SAFETY: checked by `matmul_acc`: x is rows×k, w k×n, y rows×n; this task only
            // touches columns c0..c1 of y, and AVX2/FMA/F16C are present.
            unsafe { columns(x.as_ptr(), w.as_ptr(), out.ptr(), rows, k, n, c0, c1) }
        });
    }

    #[allow(clippy::too_many_arguments)]
    #[target_feature(enable = "avx2,fma,f16c")]
    unsafe fn columns(
        x: *const f32,
        w: *const u16,
        y: *mut f32,
        rows: usize,
        k: usize,
        n: usize,
        c0: usize,
        c1: usize,
    ) {
        super::for_tiles(rows, c0, c1, super::PANEL, 6, |r, c, left| {
            let (xp, yp) = unsafe { (x.add(r * k), y.add(r * n + c)) };
            let wp = unsafe { w.add(c * k) };
            unsafe {
                match left {
                    1 => tile::<1, 4>(xp, k, wp, n, yp),
                    2 => tile::<2, 2>(xp, k, wp, n, yp),
                    3 => tile::<3, 2>(xp, k, wp, n, yp),
                    4 => tile::<4, 1>(xp, k, wp, n, yp),
                    5 => tile::<5, 1>(xp, k, wp, n, yp),
                    _ => tile::<6, 1>(xp, k, wp, n, yp),
                }
            }
        });
    }

    /// `R` rows × 16 columns of `y += x · w`, accumulated in registers over all of `k`; `w` is
    /// one packed panel (`k` rows of 16 f16 values), widened to f32 as it is read. `S`
    /// accumulator sets take alternate steps of `k`, so a tile of few rows is not held up by the
    /// latency of one FMA chain. The next panel is prefetched meanwhile: a short input re-reads
    /// each panel per 6-row tile, which breaks the hardware prefetcher's stream (a third slower).
    #[inline]
    #[target_feature(enable = "avx2,fma,f16c")]
    unsafe fn tile<const R: usize, const S: usize>(
        x: *const f32,
        k: usize,
        w: *const u16,
        n: usize,
        y: *mut f32,
    ) {
        let mut lo = [[_mm256_setzero_ps(); R]; S];
        let mut hi = [[_mm256_setzero_ps(); R]; S];
        let next = w.wrapping_add(k * 16);
        let mut p = 0;
        while p < k {
            for s in 0..S.min(k - p) {
                let q = p + s;
                unsafe {
                    _mm_prefetch::<_MM_HINT_T0>(next.wrapping_add(q * 16).cast());
                    let b0 = _mm256_cvtph_ps(_mm_loadu_si128(w.add(q * 16).cast()));
                    let b1 = _mm256_cvtph_ps(_mm_loadu_si128(w.add(q * 16 + 8).cast()));
                    for r in 0..R {
                        let a = _mm256_broadcast_ss(&*x.add(r * k + q));
                        lo[s][r] = _mm256_fmadd_ps(a, b0, lo[s][r]);
                        hi[s][r] = _mm256_fmadd_ps(a, b1, hi[s][r]);
                    }
                }
            }
            p += S;
        }
        for r in 0..R {
            let (mut l, mut h) = (lo[0][r], hi[0][r]);
            for s in 1..S {
                (l, h) = (_mm256_add_ps(l, lo[s][r]), _mm256_add_ps(h, hi[s][r]));
            }
            unsafe {
                let yp = y.add(r * n);
                _mm256_storeu_ps(yp, _mm256_add_ps(_mm256_loadu_ps(yp), l));
                _mm256_storeu_ps(yp.add(8), _mm256_add_ps(_mm256_loadu_ps(yp.add(8)), h));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn erf_approximation_matches_libm_closely() {
        let mut worst = 0f32;
        for i in -60_000..=60_000 {
            let x = i as f32 * 1e-4;
            worst = worst.max((super::erf(x) - candle_core::cpu::erf::erf_f32(x)).abs());
        }
        assert!(worst < 1e-6, "max abs error {worst}");
        let mut v = vec![-3.0f32, -0.5, 0.0, 0.5, 3.0, 20.0];
        super::gelu(&mut v);
        // 0.5·x·(1 + erf(x/√2)) in float64 (Python's math.erf).
        let want = [
            -0.004_049_694,
            -0.154_268_77,
            0.0,
            0.345_731_23,
            2.995_950_3,
            20.0,
        ];
        for (g, w) in v.iter().zip(want) {
            assert!((g - w).abs() < 1e-6 * w.abs().max(1.0), "{v:?}");
        }
    }
}
