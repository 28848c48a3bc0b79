//! ggml's q8_0 block format, written the way `quantize_row_q8_0_ref` does.

use half::f16;

/// Values per q8_0 block; a row length must be a multiple of it.
pub(crate) const QK8_0: usize = 32;
/// Bytes per block: an f16 scale then 32 signed bytes.
pub(crate) const BLOCK_BYTES: usize = 2 + QK8_0;

/// Quantizes `values` (length a multiple of 32) into q8_0 blocks.
pub(crate) fn quantize_q8_0(values: &[f32]) -> Vec<u8> {
    debug_assert_eq!(values.len() % QK8_0, 0);
    let mut out = Vec::with_capacity(values.len() / QK8_0 * BLOCK_BYTES);
    for block in values.chunks_exact(QK8_0) {
        let amax = block.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let d = amax / 127.0;
        let id = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
        // ggml uses roundf (half away from zero), as does f32::round; |x*id| <= 127.
        out.extend(block.iter().map(|v| (v * id).round() as i8 as u8));
    }
    out
}

/// The inverse, for tests.
#[cfg(test)]
pub(crate) fn dequantize_q8_0(blocks: &[u8]) -> Vec<f32> {
    let mut out = Vec::with_capacity(blocks.len() / BLOCK_BYTES * QK8_0);
    for block in blocks.chunks_exact(BLOCK_BYTES) {
        let d = f16::from_le_bytes([block[0], block[1]]).to_f32();
        out.extend(block[2..].iter().map(|&q| f32::from(q as i8) * d));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_layout_is_scale_then_32_bytes() {
        let mut values = vec![0.0f32; 32];
        values[0] = 127.0;
        values[1] = -63.5;
        values[2] = 0.4;
        let q = quantize_q8_0(&values);
        assert_eq!(q.len(), 34);
        assert_eq!(f16::from_le_bytes([q[0], q[1]]).to_f32(), 1.0);
        assert_eq!(q[2] as i8, 127);
        assert_eq!(q[3] as i8, -64); // -63.5 rounds away from zero
        assert_eq!(q[4] as i8, 0);
    }

    #[test]
    fn round_trip_error_is_within_half_a_step_per_block() {
        let mut seed = 0x2545_f491_u32;
        let values: Vec<f32> = (0..32 * 64)
            .map(|i| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let scale = if i / 32 % 3 == 0 { 0.01 } else { 2.0 };
                (seed >> 8) as f32 / (1u32 << 24) as f32 * 2.0 * scale - scale
            })
            .collect();
        let back = dequantize_q8_0(&quantize_q8_0(&values));
        assert_eq!(back.len(), values.len());
        for (block, restored) in values.chunks(32).zip(back.chunks(32)) {
            let amax = block.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            // half a quantization step, plus the f16 rounding of the scale (rel. 2^-11) times 127 steps.
            let bound = amax / 127.0 * 0.5 + amax * 2f32.powi(-11) + 1e-7;
            for (a, b) in block.iter().zip(restored) {
                assert!((a - b).abs() <= bound, "{a} vs {b}, bound {bound}");
            }
        }
    }

    #[test]
    fn all_zero_block_stays_zero() {
        let q = quantize_q8_0(&[0.0; 32]);
        assert!(q.iter().all(|&b| b == 0));
        assert_eq!(dequantize_q8_0(&q), vec![0.0; 32]);
    }
}
