//! Call audio in: from bytes on a websocket to 16 kHz utterances ready for a recognizer.
//!
//! Each stage is a small type with one job: [`AudioFormat`] decodes wire bytes into PCM per
//! channel, [`riff`] finds the samples inside a WAV header, [`Resampler`] brings any supported rate
//! to the 16 kHz that Whisper and the VAD expect, and [`Segmenter`] cuts a channel into utterances
//! with a neural voice activity detector. No networking, no recognizer here.

mod diarize;
mod error;
mod format;
mod loudness;
mod resample;
pub mod riff;
mod vad;
mod wav;

pub use diarize::{SpeakerTurn, diarize, split_speakers};
pub use error::AudioError;
pub use format::{AudioFormat, Encoding};
pub use loudness::{LoudnessMeter, loudness_lufs};
pub use resample::{Resampler, TARGET_RATE};
pub use vad::{Pause, Segmenter, SegmenterEvent, Utterance, VadConfig};
pub use wav::{Recording, decode_wav, parse_wav, pcm16_wav_header, read_wav};

/// PCM16 to the [-1, 1] floats the VAD and Whisper take.
pub fn to_f32(samples: &[i16]) -> Vec<f32> {
    samples.iter().map(|&s| f32::from(s) / 32768.0).collect()
}

/// Brings float samples into [-1, 1] (NaN becomes silence): the range the VAD asserts and
/// Whisper was trained on. Filters overshoot on clipped audio, so every float stage applies it.
pub fn clamp_unit(samples: &mut [f32]) {
    for s in samples {
        *s = if s.is_nan() { 0.0 } else { s.clamp(-1.0, 1.0) };
    }
}

#[cfg(test)]
mod proptests;
