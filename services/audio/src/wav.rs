//! Recordings on disk, for batch transcription and evaluation.

use std::path::Path;

use crate::AudioError;

/// A whole recording in memory: PCM16 per channel.
#[derive(Debug, Clone)]
pub struct Recording {
    pub sample_rate: u32,
    pub channels: Vec<Vec<i16>>,
}

impl Recording {
    /// Length in seconds.
    pub fn seconds(&self) -> f64 {
        self.channels
            .first()
            .map_or(0.0, |c| c.len() as f64 / f64::from(self.sample_rate))
    }
}

/// Reads a 16-bit PCM WAV file (any rate, any channel count); other sample formats are named in
/// the error so the user knows what to convert.
pub fn read_wav(path: &Path) -> Result<Recording, AudioError> {
    let file = std::fs::File::open(path).map_err(|e| AudioError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse_wav(std::io::BufReader::new(file), &path.display().to_string())
}

/// Reads a WAV file from any reader (an upload, a file already in memory); `name` goes in errors.
pub fn parse_wav(input: impl std::io::Read, name: &str) -> Result<Recording, AudioError> {
    let file_error = |message: String| AudioError::File {
        path: name.to_string(),
        message,
    };
    let mut reader = hound::WavReader::new(input).map_err(|e| file_error(e.to_string()))?;
    let spec = reader.spec();
    if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
        return Err(file_error(format!(
            "{}-bit {:?} samples are not supported; convert to 16-bit PCM (e.g. `sox in.wav -b 16 out.wav`)",
            spec.bits_per_sample, spec.sample_format
        )));
    }
    if spec.channels == 0 {
        return Err(file_error("no channels".into()));
    }
    let n = usize::from(spec.channels);
    // The header's length is a claim, not a fact: reserve no more than an hour of 8 kHz up front.
    let claimed = reader.len() as usize / n;
    let mut channels = vec![Vec::with_capacity(claimed.min(8000 * 3600)); n];
    for (i, sample) in reader.samples::<i16>().enumerate() {
        channels[i % n].push(sample.map_err(|e| file_error(format!("sample {i}: {e}")))?);
    }
    Ok(Recording {
        sample_rate: spec.sample_rate,
        channels,
    })
}
