//! Streaming conversion of one channel to 16 kHz, the rate Whisper and the VAD work at.

use audioadapter_buffers::direct::SequentialSliceOfVecs;
use rubato::{Fft, FixedSync, Resampler as _};

use crate::{AudioError, clamp_unit};

/// The rate everything after this stage runs at.
pub const TARGET_RATE: u32 = 16_000;

/// Rates a recording may have: telephone (8 kHz) up to studio (192 kHz).
const RATES: std::ops::RangeInclusive<u32> = 4_000..=192_000;

/// Resamples one channel chunk by chunk, keeping the timeline exact: the filter's delay is trimmed
/// so that sample `n` out corresponds to time `n / 16000` in.
///
/// The output is clamped to [-1, 1]: a band-limited filter overshoots on clipped input (real
/// telephone audio is often hot), and the stages after this one take that range as a contract.
pub struct Resampler {
    inner: Option<Fft<f32>>,
    rate: u32,
    pending: Vec<f32>,
    out: Vec<Vec<f32>>,
    delay_left: usize,
    /// Samples taken in and given out so far: the end of a call owes exactly `taken * 16000 / rate`.
    taken: u64,
    given: u64,
}

impl Resampler {
    /// A resampler from `rate` to 16 kHz; 16 kHz input passes straight through.
    pub fn new(rate: u32) -> Result<Self, AudioError> {
        if !RATES.contains(&rate) {
            return Err(AudioError::RateOutOfRange(rate));
        }
        if rate == TARGET_RATE {
            return Ok(Self {
                inner: None,
                rate,
                pending: Vec::new(),
                out: Vec::new(),
                delay_left: 0,
                taken: 0,
                given: 0,
            });
        }
        // 20 ms chunks: small enough for live audio, large enough for an efficient FFT.
        let chunk = rate as usize / 50;
        let fft = Fft::<f32>::new(
            rate as usize,
            TARGET_RATE as usize,
            chunk,
            1,
            FixedSync::Input,
        )
        .map_err(|_| AudioError::RateOutOfRange(rate))?;
        let delay_left = fft.output_delay();
        let out = vec![vec![0.0; fft.output_frames_max()]];
        Ok(Self {
            inner: Some(fft),
            rate,
            pending: Vec::new(),
            out,
            delay_left,
            taken: 0,
            given: 0,
        })
    }

    /// Feeds samples in [-1, 1]; appends whatever 16 kHz output is ready to `out`, in [-1, 1].
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) {
        let before = out.len();
        self.taken += input.len() as u64;
        self.push_raw(input, out);
        clamp_unit(&mut out[before..]);
        self.given += (out.len() - before) as u64;
    }

    fn push_raw(&mut self, input: &[f32], out: &mut Vec<f32>) {
        let Some(fft) = self.inner.as_mut() else {
            out.extend_from_slice(input);
            return;
        };
        // Clamped on the way in as well: the FFT turns an infinity into NaN and then refuses it.
        let from = self.pending.len();
        self.pending.extend_from_slice(input);
        clamp_unit(&mut self.pending[from..]);
        let need = fft.input_frames_next();
        let mut used = 0;
        while self.pending.len() - used >= need {
            let chunk = vec![self.pending[used..used + need].to_vec()];
            let input =
                SequentialSliceOfVecs::new(&chunk, 1, need).expect("one channel of `need` frames");
            let frames = self.out[0].len();
            let mut output = SequentialSliceOfVecs::new_mut(&mut self.out, 1, frames)
                .expect("sized by output_frames_max");
            let (_, produced) = fft
                .process_into_buffer(&input, &mut output, None)
                .expect("buffers sized by the resampler");
            let skip = self.delay_left.min(produced);
            self.delay_left -= skip;
            out.extend_from_slice(&self.out[0][skip..produced]);
            used += need;
        }
        self.pending.drain(..used);
    }

    /// Pushes out the audio still inside the filter (at the end of a call).
    pub fn flush(&mut self, out: &mut Vec<f32>) {
        let Some(fft) = self.inner.as_ref() else {
            return;
        };
        let owed = (self.taken * u64::from(TARGET_RATE))
            .div_ceil(u64::from(self.rate))
            .saturating_sub(self.given) as usize;
        if owed == 0 {
            return;
        }
        // Zeros enough to push the owed samples and the filter's delay through, in whole chunks.
        let need = fft.input_frames_next();
        let zeros_out = owed + fft.output_delay();
        let zeros = need * (2 + zeros_out * self.rate as usize / (need * TARGET_RATE as usize));
        let before = out.len();
        self.push_raw(&vec![0.0; zeros], out);
        // Keep only what corresponds to real input, not the padding.
        out.truncate(before + owed.min(out.len() - before));
        clamp_unit(&mut out[before..]);
        self.given += (out.len() - before) as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, hz: f32, ms: usize) -> Vec<f32> {
        let n = rate as usize * ms / 1000;
        (0..n)
            .map(|i| 0.5 * (i as f32 * hz * std::f32::consts::TAU / rate as f32).sin())
            .collect()
    }

    fn resample(rate: u32, input: &[f32], chunk: usize) -> Vec<f32> {
        let mut r = Resampler::new(rate).unwrap();
        let mut out = Vec::new();
        for piece in input.chunks(chunk) {
            r.push(piece, &mut out);
        }
        r.flush(&mut out);
        out
    }

    #[test]
    fn every_rate_comes_to_sixteen_khz_on_the_same_timeline_with_the_tone() {
        for rate in [8000, 22_050, 44_100, 48_000] {
            let out = resample(rate, &sine(rate, 440.0, 1000), rate as usize / 5);
            assert!(
                (out.len() as i64 - 16_000).abs() <= 40,
                "{rate} Hz: got {} samples",
                out.len()
            );
            // Same tone at the new rate: compare against a 16 kHz sine away from the edges.
            // Downsampling leaves the timeline a third of a sample off (0.03 at this tone).
            let reference = sine(16000, 440.0, 1000);
            let err: f32 = (2000..14000)
                .map(|i| (out[i] - reference[i]).abs())
                .fold(0.0, f32::max);
            let allowed = if rate < TARGET_RATE { 0.02 } else { 0.04 };
            assert!(err < allowed, "{rate} Hz: max deviation {err}");
        }
    }

    #[test]
    fn clipped_full_scale_input_stays_in_range() {
        // A full-scale square wave: the band-limited filter rings past ±1 at every edge (Gibbs).
        let square: Vec<f32> = (0..8000)
            .map(|i| if (i / 20) % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let out = resample(8000, &square, 1600);
        assert!(
            out.iter().all(|s| (-1.0..=1.0).contains(s)),
            "max {}",
            out.iter().fold(0.0f32, |m, s| m.max(s.abs()))
        );
        assert!(
            out.iter().any(|s| s.abs() > 0.99),
            "the square wave is still full scale"
        );
    }

    #[test]
    fn sixteen_khz_passes_through_untouched() {
        let input = sine(16000, 300.0, 100);
        assert_eq!(resample(16000, &input, 1600), input);
    }

    #[test]
    fn rates_outside_recordings_are_refused() {
        assert!(matches!(
            Resampler::new(0),
            Err(AudioError::RateOutOfRange(0))
        ));
        assert!(matches!(
            Resampler::new(1_000_000),
            Err(AudioError::RateOutOfRange(1_000_000))
        ));
    }
}
