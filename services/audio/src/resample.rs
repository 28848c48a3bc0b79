//! Streaming conversion of one channel to 16 kHz, the rate Whisper and the VAD work at.

use audioadapter_buffers::direct::SequentialSliceOfVecs;
use rubato::{Fft, FixedSync, Resampler as _};

/// The rate everything after this stage runs at.
pub const TARGET_RATE: u32 = 16_000;

/// Resamples one channel chunk by chunk, keeping the timeline exact: the filter's delay is trimmed
/// so that sample `n` out corresponds to time `n / 16000` in.
pub struct Resampler {
    inner: Option<Fft<f32>>,
    pending: Vec<f32>,
    out: Vec<Vec<f32>>,
    delay_left: usize,
    /// Output samples per input sample (16 kHz is a whole multiple of every supported rate).
    ratio: usize,
}

impl Resampler {
    /// A resampler from `rate` (8000 or 16000) to 16 kHz; 16 kHz input passes straight through.
    pub fn new(rate: u32) -> Self {
        if rate == TARGET_RATE {
            return Self { inner: None, pending: Vec::new(), out: Vec::new(), delay_left: 0, ratio: 1 };
        }
        // 20 ms chunks: small enough for live audio, large enough for an efficient FFT.
        let chunk = rate as usize / 50;
        let fft = Fft::<f32>::new(rate as usize, TARGET_RATE as usize, chunk, 1, FixedSync::Input)
            .expect("8 kHz and 16 kHz are valid rates");
        let delay_left = fft.output_delay();
        let out = vec![vec![0.0; fft.output_frames_max()]];
        Self { inner: Some(fft), pending: Vec::new(), out, delay_left, ratio: (TARGET_RATE / rate) as usize }
    }

    /// Feeds samples in [-1, 1]; appends whatever 16 kHz output is ready to `out`.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) {
        let Some(fft) = self.inner.as_mut() else {
            out.extend_from_slice(input);
            return;
        };
        self.pending.extend_from_slice(input);
        let need = fft.input_frames_next();
        let mut used = 0;
        while self.pending.len() - used >= need {
            let chunk = vec![self.pending[used..used + need].to_vec()];
            let input = SequentialSliceOfVecs::new(&chunk, 1, need).expect("one channel of `need` frames");
            let frames = self.out[0].len();
            let mut output = SequentialSliceOfVecs::new_mut(&mut self.out, 1, frames).expect("sized by output_frames_max");
            let (_, produced) = fft.process_into_buffer(&input, &mut output, None).expect("buffers sized by the resampler");
            let skip = self.delay_left.min(produced);
            self.delay_left -= skip;
            out.extend_from_slice(&self.out[0][skip..produced]);
            used += need;
        }
        self.pending.drain(..used);
    }

    /// Pushes out the audio still inside the filter (at the end of a call).
    pub fn flush(&mut self, out: &mut Vec<f32>) {
        let Some(fft) = self.inner.as_ref() else { return };
        // Output still owed: the pending input at the new rate, plus what sits in the filter.
        let need = fft.input_frames_next();
        let ratio = self.ratio;
        let expected = self.pending.len() * ratio + fft.output_delay();
        let before = out.len();
        let padding = vec![0.0; need * (2 + expected / (need * ratio).max(1))];
        self.push(&padding, out);
        // Keep only what corresponds to real input, not the padding.
        out.truncate(before + expected.min(out.len() - before));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, hz: f32, ms: usize) -> Vec<f32> {
        let n = rate as usize * ms / 1000;
        (0..n).map(|i| 0.5 * (i as f32 * hz * std::f32::consts::TAU / rate as f32).sin()).collect()
    }

    #[test]
    fn eight_khz_doubles_in_length_and_keeps_the_tone() {
        let input = sine(8000, 440.0, 1000);
        let mut r = Resampler::new(8000);
        let mut out = Vec::new();
        for chunk in input.chunks(1600) {
            r.push(chunk, &mut out);
        }
        r.flush(&mut out);
        assert!((out.len() as i64 - 16_000).abs() <= 40, "got {} samples", out.len());
        // Same tone at the new rate: compare against a 16 kHz sine away from the edges.
        let reference = sine(16000, 440.0, 1000);
        let err: f32 = (2000..14000).map(|i| (out[i] - reference[i]).abs()).fold(0.0, f32::max);
        assert!(err < 0.02, "max deviation {err}");
    }

    #[test]
    fn sixteen_khz_passes_through_untouched() {
        let input = sine(16000, 300.0, 100);
        let mut r = Resampler::new(16000);
        let mut out = Vec::new();
        r.push(&input, &mut out);
        r.flush(&mut out);
        assert_eq!(out, input);
    }
}
