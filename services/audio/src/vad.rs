//! Cutting one channel into utterances with a neural voice activity detector (earshot).
//!
//! Speech starts after a few voiced frames and takes some audio from before them (so the first
//! syllable is not clipped, which costs Whisper whole words); it ends after enough silence, keeping
//! a little trailing audio. Very long speech is cut so one utterance never outgrows Whisper's
//! 30-second window.

use std::collections::VecDeque;

use earshot::Detector;

use crate::clamp_unit;

/// Samples per VAD frame at 16 kHz (16 ms), fixed by the model.
const FRAME: usize = 256;

/// Tuning of the segmenter; the defaults were measured on the staged calls (see benches/RESULTS.md).
#[derive(Debug, Clone)]
pub struct VadConfig {
    /// Score at or above which a frame counts as speech.
    pub threshold: f32,
    /// Score below which a frame counts as silence while speaking (hysteresis). Must sit above
    /// what earshot gives quiet line noise (0.30–0.43 on the staged calls), or turns never end.
    pub release: f32,
    /// Voiced time needed before an utterance starts.
    pub min_speech_ms: u32,
    /// Silence that ends an utterance; the main lever on end-of-utterance latency.
    pub min_silence_ms: u32,
    /// Audio kept from before the first voiced frame.
    pub pre_roll_ms: u32,
    /// Audio kept after the last voiced frame.
    pub post_pad_ms: u32,
    /// Longest utterance; longer speech is cut at the next pause (or hard at 1.25×).
    pub max_utterance_ms: u32,
    /// Frames quieter than this (RMS, dB below full scale) are silence whatever the model
    /// says: its score takes 0.2–0.3 s to fall after a voice stops, and on a quiet line that
    /// wait is pure latency. Speech sits 20–40 dB above it.
    pub silence_dbfs: f32,
}

impl Default for VadConfig {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            release: 0.45,
            min_speech_ms: 48,
            min_silence_ms: 400,
            pre_roll_ms: 300,
            post_pad_ms: 200,
            max_utterance_ms: 20_000,
            silence_dbfs: -50.0,
        }
    }
}

/// The audio of one utterance at 16 kHz, placed on the channel's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Utterance {
    /// Index (16 kHz samples since the stream began) of the first sample.
    pub start: u64,
    pub samples: Vec<f32>,
    /// Samples up to the end of the last voiced frame; the rest is trailing pad.
    pub voiced: usize,
}

impl Utterance {
    /// Index one past the last sample.
    pub fn end(&self) -> u64 {
        self.start + self.samples.len() as u64
    }
}

/// The utterance in progress while its speaker is quiet but the turn is not yet over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pause<'a> {
    pub start: u64,
    /// What the utterance would hold if the speaker stays quiet (speech plus trailing pad).
    pub samples: &'a [f32],
    /// Samples up to the end of the last voiced frame, as in [`Utterance::voiced`].
    pub voiced: usize,
}

/// What the segmenter noticed in the audio just pushed.
#[derive(Debug, Clone, PartialEq)]
pub enum SegmenterEvent {
    /// Someone started talking; the utterance's audio begins at this sample.
    Started { start: u64 },
    /// They stopped: here is everything they said.
    Ended(Utterance),
}

/// Splits one 16 kHz channel into utterances as audio arrives.
pub struct Segmenter {
    config: VadConfig,
    detector: Box<Detector>,
    /// Samples not yet making up a whole frame.
    partial: Vec<f32>,
    /// Frames kept while idle, oldest first, for the pre-roll.
    history: VecDeque<Vec<f32>>,
    /// Consecutive voiced frames seen while idle.
    voiced_run: usize,
    /// Sample index of the next frame to arrive.
    next_sample: u64,
    speech: Option<Speech>,
}

struct Speech {
    start: u64,
    samples: Vec<f32>,
    /// Length of `samples` at the end of the last voiced frame.
    voiced_len: usize,
    silent_frames: usize,
}

impl Segmenter {
    /// A segmenter for one channel of one call.
    pub fn new(config: VadConfig) -> Self {
        Self {
            config,
            detector: Detector::default_boxed(),
            partial: Vec::with_capacity(FRAME),
            history: VecDeque::new(),
            voiced_run: 0,
            next_sample: 0,
            speech: None,
        }
    }

    /// Feeds 16 kHz samples and reports utterances that started or ended. Samples outside
    /// [-1, 1] are clamped (the detector's contract), so no audio can stop the segmenter.
    pub fn push(&mut self, samples: &[f32]) -> Vec<SegmenterEvent> {
        let mut events = Vec::new();
        let mut rest = samples;
        while !rest.is_empty() {
            let take = (FRAME - self.partial.len()).min(rest.len());
            let from = self.partial.len();
            self.partial.extend_from_slice(&rest[..take]);
            clamp_unit(&mut self.partial[from..]);
            rest = &rest[take..];
            if self.partial.len() == FRAME {
                let frame = std::mem::replace(&mut self.partial, Vec::with_capacity(FRAME));
                self.frame(frame, &mut events);
            }
        }
        events
    }

    /// The utterance in progress, if someone is talking: what partial transcripts are made from.
    pub fn current(&self) -> Option<(u64, &[f32])> {
        self.speech
            .as_ref()
            .map(|s| (s.start, s.samples.as_slice()))
    }

    /// The utterance in progress once its speaker has been quiet for `ms`: decoding it can
    /// start before the turn is known to be over; if they stay quiet, the final holds the same
    /// speech (and, past the post-pad, the same samples).
    pub fn paused(&self, ms: u32) -> Option<Pause<'_>> {
        let speech = self.speech.as_ref()?;
        if speech.silent_frames == 0 || speech.silent_frames * FRAME < ms as usize * 16 {
            return None;
        }
        let keep =
            (speech.voiced_len + self.config.post_pad_ms as usize * 16).min(speech.samples.len());
        Some(Pause {
            start: speech.start,
            samples: &speech.samples[..keep],
            voiced: speech.voiced_len,
        })
    }

    /// Ends the stream: an utterance still in progress is returned as finished.
    pub fn finish(&mut self) -> Option<Utterance> {
        let speech = self.speech.take()?;
        let mut samples = speech.samples;
        samples.extend_from_slice(&self.partial);
        self.partial.clear();
        Some(Utterance {
            start: speech.start,
            voiced: samples.len(),
            samples,
        })
    }

    fn frames(&self, ms: u32) -> usize {
        (ms as usize * 16).div_ceil(FRAME)
    }

    fn frame(&mut self, frame: Vec<f32>, events: &mut Vec<SegmenterEvent>) {
        let score = if rms_dbfs(&frame) < self.config.silence_dbfs {
            0.0
        } else {
            self.detector.predict_f32(&frame)
        };
        self.next_sample += FRAME as u64;
        match self.speech.as_mut() {
            None => {
                self.voiced_run = if score >= self.config.threshold {
                    self.voiced_run + 1
                } else {
                    0
                };
                self.history.push_back(frame);
                let keep = self.frames(self.config.pre_roll_ms) + self.voiced_run;
                while self.history.len() > keep.max(1) {
                    self.history.pop_front();
                }
                if self.voiced_run >= self.frames(self.config.min_speech_ms).max(1) {
                    let held: usize = self.history.iter().map(Vec::len).sum();
                    let start = self.next_sample - held as u64;
                    let samples: Vec<f32> = self.history.drain(..).flatten().collect();
                    let voiced_len = samples.len();
                    self.speech = Some(Speech {
                        start,
                        samples,
                        voiced_len,
                        silent_frames: 0,
                    });
                    self.voiced_run = 0;
                    events.push(SegmenterEvent::Started { start });
                }
            }
            Some(speech) => {
                speech.samples.extend_from_slice(&frame);
                if score >= self.config.release {
                    speech.silent_frames = 0;
                    speech.voiced_len = speech.samples.len();
                } else {
                    speech.silent_frames += 1;
                }
                let max = self.config.max_utterance_ms as usize * 16;
                let long = speech.samples.len() >= max && speech.silent_frames > 0;
                let too_long = speech.samples.len() >= max + max / 4;
                if speech.silent_frames >= self.frames(self.config.min_silence_ms)
                    || long
                    || too_long
                {
                    self.end_speech(events);
                }
            }
        }
    }

    fn end_speech(&mut self, events: &mut Vec<SegmenterEvent>) {
        let Some(mut speech) = self.speech.take() else {
            return;
        };
        let keep =
            (speech.voiced_len + self.config.post_pad_ms as usize * 16).min(speech.samples.len());
        // Audio after the post-pad goes back to the idle history: it may hold the next pre-roll.
        let tail = speech.samples.split_off(keep);
        for frame in tail.chunks(FRAME) {
            self.history.push_back(frame.to_vec());
        }
        while self.history.len() > self.frames(self.config.pre_roll_ms).max(1) {
            self.history.pop_front();
        }
        let voiced = speech.voiced_len.min(speech.samples.len());
        events.push(SegmenterEvent::Ended(Utterance {
            start: speech.start,
            samples: speech.samples,
            voiced,
        }));
    }
}

/// Loudness of one frame in dB below full scale.
fn rms_dbfs(frame: &[f32]) -> f32 {
    let power = frame.iter().map(|s| s * s).sum::<f32>() / frame.len().max(1) as f32;
    10.0 * power.max(1e-12).log10()
}

#[cfg(test)]
#[path = "vad_tests.rs"]
mod tests;
