//! Int8 linear layers (AVX-512 VNNI) for the large encoder.
//!
//! One short message through all-mpnet-base-v2 streams 85 M weights for a dozen rows each: in
//! f16 that is 170 MB and over a billion f32 FMAs. Here the weights are int8, per output column
//! with one scale, and each input row is quantised on the fly with its own scale. Half the bytes
//! of f16, and `vpdpbusd` does 64 multiply-adds per instruction where an f32 FMA does 16.
//! Accumulation is exact in i32; only the two roundings (weight, activation) lose precision.

/// Columns per tile: two 16-lane panels.
const TILE_COLS: usize = 32;

/// A `k×n` weight quantised to int8 and packed for [`QuantLinear::matmul_acc`].
pub(crate) struct QuantLinear {
    /// Per 16-column panel, `k/4` groups of 16 columns × 4 consecutive `k` (one zmm each).
    packed: Vec<i8>,
    /// Dequantisation factor of each output column.
    scales: Vec<f32>,
    /// Sum of each column's int8 weights: undoes the +128 that makes activations unsigned.
    col_sums: Vec<i32>,
    k: usize,
    n: usize,
}

/// Whether int8 layers can run here for a `k×n` weight (else keep the f16 kernel).
pub(crate) fn available(k: usize, n: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    if k.is_multiple_of(4)
        && n.is_multiple_of(TILE_COLS)
        && std::is_x86_feature_detected!("avx512f")
        && std::is_x86_feature_detected!("avx512vnni")
    {
        return true;
    }
    let _ = (k, n);
    false
}

impl QuantLinear {
    /// Quantises a row-major `k×n` weight (`k` inputs, `n` outputs) symmetrically per column.
    pub(crate) fn quantize(w: &[f32], k: usize, n: usize) -> Self {
        assert!(w.len() == k * n && k.is_multiple_of(4) && n.is_multiple_of(16));
        let mut scales = vec![0f32; n];
        for row in w.chunks_exact(n) {
            scales
                .iter_mut()
                .zip(row)
                .for_each(|(s, v)| *s = s.max(v.abs()));
        }
        scales
            .iter_mut()
            .for_each(|s| *s = if *s > 0.0 { *s / 127.0 } else { 1.0 });
        let q = |r: usize, c: usize| {
            (w[r * n + c] / scales[c])
                .round_ties_even()
                .clamp(-127.0, 127.0) as i8
        };
        let mut packed = Vec::with_capacity(k * n);
        let mut col_sums = vec![0i32; n];
        for panel in (0..n).step_by(16) {
            for group in (0..k).step_by(4) {
                for (c, sum) in col_sums.iter_mut().enumerate().skip(panel).take(16) {
                    for r in group..group + 4 {
                        let v = q(r, c);
                        *sum += v as i32;
                        packed.push(v);
                    }
                }
            }
        }
        Self {
            packed,
            scales,
            col_sums,
            k,
            n,
        }
    }

    /// `y (rows×n) += x (rows×k) · w`; only call it where [`available`] said yes for `k`, `n`.
    pub(crate) fn matmul_acc(&self, x: &[f32], y: &mut [f32]) {
        let (k, n) = (self.k, self.n);
        assert!(x.len().is_multiple_of(k) && y.len() == x.len() / k * n);
        assert!(available(k, n), "int8 matmul without AVX-512 VNNI");
        let (xq, sx) = quantize_rows(x, k);
        #[cfg(target_arch = "x86_64")]
        vnni::matmul(&xq, &sx, self, y);
    }

    /// The same product in plain Rust, for checking the kernel bit for bit (up to f32 rounding).
    #[cfg(test)]
    fn reference(&self, x: &[f32]) -> Vec<f32> {
        let (k, n) = (self.k, self.n);
        let (xq, sx) = quantize_rows(x, k);
        let weight = |r: usize, c: usize| {
            let (panel, j) = (c / 16, c % 16);
            self.packed[panel * 16 * k + (r / 4) * 64 + j * 4 + r % 4] as i32
        };
        let mut y = Vec::with_capacity(sx.len() * n);
        for (row, s) in xq.chunks_exact(k).zip(&sx) {
            for c in 0..n {
                let acc: i32 = row
                    .iter()
                    .enumerate()
                    .map(|(r, &a)| (a as i32 - 128) * weight(r, c))
                    .sum();
                y.push(acc as f32 * s * self.scales[c]);
            }
        }
        y
    }
}

/// Each row of `x` as unsigned bytes (`round(v / scale) + 128`) and its scale (max |v| / 127).
fn quantize_rows(x: &[f32], k: usize) -> (Vec<u8>, Vec<f32>) {
    let mut xq = vec![0u8; x.len()];
    let mut scales = Vec::with_capacity(x.len() / k);
    for (row, out) in x.chunks_exact(k).zip(xq.chunks_exact_mut(k)) {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the feature the function is compiled for was just detected.
            scales.push(unsafe { vnni::quantize_row(row, out) });
            continue;
        }
        scales.push(quantize_row(row, out));
    }
    (xq, scales)
}

/// One row of [`quantize_rows`]; inlined into feature-specific callers so rounding vectorises.
#[inline(always)]
fn quantize_row(row: &[f32], out: &mut [u8]) -> f32 {
    // Sixteen running maxima, so the scan vectorises (one running maximum is a serial chain).
    let mut lanes = [0f32; 16];
    let chunks = row.chunks_exact(16);
    let tail = chunks.remainder().iter().fold(0f32, |m, v| m.max(v.abs()));
    for chunk in chunks {
        lanes
            .iter_mut()
            .zip(chunk)
            .for_each(|(m, v)| *m = if v.abs() > *m { v.abs() } else { *m });
    }
    let max = lanes.iter().fold(tail, |m, &v| m.max(v));
    let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
    let inv = 1.0 / scale;
    for (o, v) in out.iter_mut().zip(row) {
        *o = ((v * inv).round_ties_even().clamp(-127.0, 127.0) as i32 + 128) as u8;
    }
    scale
}

#[cfg(target_arch = "x86_64")]
mod vnni {
    use std::arch::x86_64::*;

    use super::{QuantLinear, TILE_COLS};

    /// [`super::quantize_row`] compiled for AVX-512, where rounding is one instruction.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn quantize_row(row: &[f32], out: &mut [u8]) -> f32 {
        super::quantize_row(row, out)
    }

    pub(super) fn matmul(xq: &[u8], sx: &[f32], w: &QuantLinear, y: &mut [f32]) {
        let rows = sx.len();
        crate::kernel::column_tasks(y, w.n, rows * w.k * w.n, |out, c0, c1| {
            // SAFETY: checked by `matmul_acc`: xq is rows×k, the packed weight k×n, y rows×n;
            // this task only touches columns c0..c1 of y, and AVX-512 VNNI is present.
            unsafe { columns(xq, sx, w, out.ptr(), rows, c0, c1) }
        });
    }

    #[target_feature(enable = "avx512f,avx512vnni")]
    unsafe fn columns(
        xq: &[u8],
        sx: &[f32],
        w: &QuantLinear,
        y: *mut f32,
        rows: usize,
        c0: usize,
        c1: usize,
    ) {
        let (k, n) = (w.k, w.n);
        crate::kernel::for_tiles(rows, c0, c1, TILE_COLS, 8, |r, c, left| {
            let t = Tile {
                x: xq[r * k..].as_ptr(),
                sx: sx[r..].as_ptr(),
                w: w.packed[c * k..].as_ptr(),
                scales: w.scales[c..].as_ptr(),
                sums: w.col_sums[c..].as_ptr(),
                y: unsafe { y.add(r * n + c) },
                k,
                n,
            };
            unsafe {
                match left {
                    1 => t.run::<1, 4>(),
                    2 => t.run::<2, 2>(),
                    3 => t.run::<3, 2>(),
                    4 => t.run::<4, 1>(),
                    5 => t.run::<5, 1>(),
                    6 => t.run::<6, 1>(),
                    7 => t.run::<7, 1>(),
                    _ => t.run::<8, 1>(),
                }
            }
        });
    }

    /// Up to 8 rows × 32 columns of `y += x · w`, starting at the given rows and columns.
    struct Tile {
        x: *const u8,
        sx: *const f32,
        /// The first of two consecutive 16-column panels.
        w: *const i8,
        scales: *const f32,
        sums: *const i32,
        y: *mut f32,
        k: usize,
        n: usize,
    }

    impl Tile {
        /// `R` rows accumulated in registers over all of `k`, `S` accumulator sets taking
        /// alternate groups of four so few rows are not held up by one `vpdpbusd` chain; the
        /// next tile's weights are prefetched meanwhile.
        #[inline]
        #[target_feature(enable = "avx512f,avx512vnni")]
        // The accumulators are indexed as the kernel's math is written (step, row, half).
        #[allow(clippy::needless_range_loop)]
        unsafe fn run<const R: usize, const S: usize>(&self) {
            let (k, groups) = (self.k, self.k / 4);
            let panel = 16 * k;
            let mut acc = [[[_mm512_setzero_si512(); 2]; R]; S];
            let next = self.w.wrapping_add(2 * panel);
            let mut g = 0;
            while g < groups {
                for s in 0..S.min(groups - g) {
                    let q = g + s;
                    unsafe {
                        _mm_prefetch::<_MM_HINT_T0>(next.wrapping_add(q * 64).cast());
                        _mm_prefetch::<_MM_HINT_T0>(next.wrapping_add(panel + q * 64).cast());
                        let b0 = _mm512_loadu_si512(self.w.add(q * 64).cast());
                        let b1 = _mm512_loadu_si512(self.w.add(panel + q * 64).cast());
                        for r in 0..R {
                            let a = _mm512_set1_epi32(
                                self.x.add(r * k + q * 4).cast::<i32>().read_unaligned(),
                            );
                            acc[s][r][0] = _mm512_dpbusd_epi32(acc[s][r][0], a, b0);
                            acc[s][r][1] = _mm512_dpbusd_epi32(acc[s][r][1], a, b1);
                        }
                    }
                }
                g += S;
            }
            for half in 0..2 {
                // Σ (x+128)·w − 128·Σw = Σ x·w.
                let (sums, scales) = unsafe {
                    (
                        _mm512_slli_epi32::<7>(_mm512_loadu_si512(self.sums.add(16 * half).cast())),
                        _mm512_loadu_ps(self.scales.add(16 * half)),
                    )
                };
                for r in 0..R {
                    let mut v = acc[0][r][half];
                    for set in acc.iter().skip(1) {
                        v = _mm512_add_epi32(v, set[r][half]);
                    }
                    let v = _mm512_cvtepi32_ps(_mm512_sub_epi32(v, sums));
                    unsafe {
                        let scale = _mm512_mul_ps(_mm512_set1_ps(*self.sx.add(r)), scales);
                        let yp = self.y.add(r * self.n + 16 * half);
                        _mm512_storeu_ps(yp, _mm512_fmadd_ps(v, scale, _mm512_loadu_ps(yp)));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights(k: usize, n: usize) -> Vec<f32> {
        (0..k * n)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 50.0)
            .collect()
    }

    /// The product straight from the f32 weights (quantised again, not read from the packed
    /// layout), so the packing is checked too.
    fn unpacked(q: &QuantLinear, w: &[f32], x: &[f32]) -> Vec<f32> {
        let (k, n) = (q.k, q.n);
        let (xq, sx) = quantize_rows(x, k);
        let weight = |r: usize, c: usize| {
            (w[r * n + c] / q.scales[c])
                .round_ties_even()
                .clamp(-127.0, 127.0) as i32
        };
        let mut y = Vec::with_capacity(sx.len() * n);
        for (row, s) in xq.chunks_exact(k).zip(&sx) {
            for c in 0..n {
                let acc: i32 = (0..k).map(|r| (row[r] as i32 - 128) * weight(r, c)).sum();
                y.push(acc as f32 * s * q.scales[c]);
            }
        }
        y
    }

    fn worst(got: &[f32], want: &[f32], offset: f32) -> f32 {
        got.iter()
            .zip(want)
            .map(|(a, b)| (a - offset - b).abs())
            .fold(0f32, f32::max)
    }

    /// The packed layout holds the quantised weights, and where AVX-512 VNNI runs, the kernel
    /// equals the plain-Rust product for every row remainder of a tile and more rows than one
    /// tile, with a `k` that no accumulator set divides evenly. Without VNNI the kernel cannot
    /// run; the plain-Rust product over the packed layout (the kernel's contract) still is.
    #[test]
    fn the_kernel_matches_the_quantised_product() {
        let (k, n) = (76, 96);
        let w = weights(k, n);
        let q = QuantLinear::quantize(&w, k, n);
        let vnni = available(k, n);
        eprintln!(
            "int8 product checked: {}",
            if vnni {
                "the AVX-512 VNNI kernel and the plain-Rust product over the packed layout"
            } else {
                "the plain-Rust product over the packed layout (no AVX-512 VNNI on this CPU)"
            }
        );
        for rows in (1..=18).chain([97]) {
            let x: Vec<f32> = (0..rows * k)
                .map(|i| ((i * 13 % 29) as f32 - 14.0) / 7.0)
                .collect();
            let want = unpacked(&q, &w, &x);
            let packed = worst(&q.reference(&x), &want, 0.0);
            assert!(packed < 1e-4, "rows {rows}: packed layout off by {packed}");
            if vnni {
                let mut y = vec![0.5f32; rows * n];
                q.matmul_acc(&x, &mut y);
                let kernel = worst(&y, &want, 0.5);
                assert!(kernel < 1e-4, "rows {rows}: kernel off by {kernel}");
            }
        }
    }

    /// Quantisation error stays inside its bound (half a step of each rounding, summed over
    /// the row) everywhere, and is well under 1 % of the product's size on average.
    #[test]
    fn the_quantised_product_stays_close_to_f32() {
        let (k, n) = (384, 32);
        let w = weights(k, n);
        let q = QuantLinear::quantize(&w, k, n);
        let x: Vec<f32> = (0..3 * k)
            .map(|i| ((i * 7 % 31) as f32 - 15.0) / 9.0)
            .collect();
        let got = q.reference(&x);
        let (_, sx) = quantize_rows(&x, k);
        let (mut total_err, mut total_sq) = (0f32, 0f32);
        for (r, row) in x.chunks_exact(k).enumerate() {
            for c in 0..n {
                let exact: f32 = (0..k).map(|i| row[i] * w[i * n + c]).sum();
                let (dw, dx) = (q.scales[c] / 2.0, sx[r] / 2.0);
                let bound: f32 = (0..k)
                    .map(|i| row[i].abs() * dw + w[i * n + c].abs() * dx + dw * dx)
                    .sum();
                let err = (got[r * n + c] - exact).abs();
                assert!(
                    err <= bound * 1.001,
                    "row {r} col {c}: error {err} over bound {bound}"
                );
                total_err += err;
                total_sq += exact * exact;
            }
        }
        let cells = (3 * n) as f32;
        let (mean_err, rms) = (total_err / cells, (total_sq / cells).sqrt());
        assert!(mean_err < 0.01 * rms, "mean error {mean_err}, rms {rms}");
    }
}
