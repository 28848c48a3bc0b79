//! How loud a speaker is: integrated loudness per EBU R128 (LUFS), the broadcast measure, whose
//! gating leaves out silence so a quiet line and a quiet caller are not confused with pauses.

/// Integrated loudness of one channel in LUFS; `None` when nothing rises above the gate (silence).
pub fn loudness_lufs(samples: &[i16], sample_rate: u32) -> Option<f64> {
    let mut meter = ebur128::EbuR128::new(1, sample_rate, ebur128::Mode::I).ok()?;
    meter.add_frames_i16(samples).ok()?;
    meter.loudness_global().ok().filter(|l| l.is_finite())
}

/// Loudness of a channel as its audio streams in, for live calls (nothing of the audio is kept).
pub struct LoudnessMeter {
    meter: Option<ebur128::EbuR128>,
}

impl LoudnessMeter {
    /// A meter for one channel at `sample_rate` (one the meter cannot take measures nothing).
    pub fn new(sample_rate: u32) -> Self {
        Self {
            meter: ebur128::EbuR128::new(1, sample_rate, ebur128::Mode::I).ok(),
        }
    }

    /// Takes the next samples.
    pub fn add(&mut self, samples: &[i16]) {
        if let Some(m) = &mut self.meter
            && m.add_frames_i16(samples).is_err()
        {
            self.meter = None;
        }
    }

    /// Integrated loudness so far in LUFS; `None` while nothing rose above the gate.
    pub fn lufs(&self) -> Option<f64> {
        self.meter
            .as_ref()?
            .loudness_global()
            .ok()
            .filter(|l| l.is_finite())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_channel_measures_as_the_whole_does() {
        let speech = tone(0.3, 3);
        let mut meter = LoudnessMeter::new(8000);
        assert_eq!(meter.lufs(), None);
        for chunk in speech.chunks(1600) {
            meter.add(chunk);
        }
        let whole = loudness_lufs(&speech, 8000).unwrap();
        assert!((meter.lufs().unwrap() - whole).abs() < 0.01);
    }

    fn tone(amplitude: f64, seconds: usize) -> Vec<i16> {
        (0..8000 * seconds)
            .map(|i| {
                (amplitude
                    * 32767.0
                    * (i as f64 * 2.0 * std::f64::consts::PI * 440.0 / 8000.0).sin())
                    as i16
            })
            .collect()
    }

    #[test]
    fn a_louder_speaker_measures_louder_and_silence_measures_nothing() {
        let loud = loudness_lufs(&tone(0.5, 3), 8000).unwrap();
        let quiet = loudness_lufs(&tone(0.05, 3), 8000).unwrap();
        // A tenth of the amplitude is 20 dB quieter.
        assert!((loud - quiet - 20.0).abs() < 0.5, "{loud} vs {quiet}");
        assert_eq!(loudness_lufs(&vec![0; 24_000], 8000), None);
        assert_eq!(loudness_lufs(&[], 8000), None);
    }

    #[test]
    fn pauses_between_words_do_not_lower_the_speakers_loudness() {
        let speech = tone(0.3, 2);
        let mut with_pauses = speech.clone();
        with_pauses.extend(vec![0; 8000 * 4]);
        with_pauses.extend(&speech);
        let steady = loudness_lufs(&speech, 8000).unwrap();
        let paused = loudness_lufs(&with_pauses, 8000).unwrap();
        assert!((steady - paused).abs() < 0.5, "{steady} vs {paused}");
    }
}
