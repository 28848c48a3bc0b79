//! Whole recordings at once (`switchboard transcribe`, `switchboard eval asr`): the same VAD and
//! decoders as live calls, without partials, every core busy.

use futures::stream::{FuturesOrdered, StreamExt};
use switchboard_audio::{
    AudioError, Recording, Resampler, Segmenter, SegmenterEvent, Utterance, to_f32,
};

use super::WhisperEngine;
use super::markers::spoken;
use super::pool::Wanted;
use crate::{AsrError, Segment, Speaker};

/// Told how many seconds of audio are done out of how many.
pub trait BatchProgress: Sync {
    fn progress(&self, done_seconds: f64, total_seconds: f64);
}

impl BatchProgress for () {
    fn progress(&self, _: f64, _: f64) {}
}

impl WhisperEngine {
    /// Transcribes every channel of a recording into segments ordered by start time.
    pub async fn transcribe_recording(
        &self,
        recording: &Recording,
        speakers: &[Speaker],
        progress: &dyn BatchProgress,
    ) -> Result<Vec<Segment>, AsrError> {
        if speakers.len() != recording.channels.len() {
            return Err(AsrError::Unsupported(format!(
                "{} channel roles given for a {}-channel recording",
                speakers.len(),
                recording.channels.len()
            )));
        }
        let mut utterances: Vec<(usize, Utterance)> = Vec::new();
        for (i, pcm) in recording.channels.iter().enumerate() {
            let found = split(pcm, recording.sample_rate, &self.config.vad)
                .map_err(|e| AsrError::Unsupported(e.to_string()))?;
            utterances.extend(found.into_iter().map(|u| (i, u)));
        }
        let total: f64 = utterances
            .iter()
            .map(|(_, u)| u.samples.len() as f64 / 16_000.0)
            .sum();
        let mut pending = FuturesOrdered::new();
        for (channel, utterance) in utterances {
            let samples = utterance.samples.clone();
            let effort = self.config.final_effort;
            let pool = &self.pool;
            pending.push_back(async move {
                (
                    channel,
                    utterance,
                    pool.transcribe_final(samples, effort, Wanted::now()).await,
                )
            });
        }
        let mut segments = Vec::new();
        let mut done = 0.0;
        while let Some((channel, utterance, result)) = pending.next().await {
            let decoded = result?;
            done += utterance.samples.len() as f64 / 16_000.0;
            progress.progress(done, total);
            let text = spoken(&decoded.text);
            if text.is_empty() {
                continue;
            }
            segments.push(Segment {
                channel,
                speaker: speakers[channel].clone(),
                start_ms: utterance.start / 16,
                end_ms: utterance.end() / 16,
                text,
                confidence: decoded.confidence,
            });
        }
        segments.sort_by_key(|s| (s.start_ms, s.channel));
        Ok(segments)
    }
}

fn split(
    pcm: &[i16],
    rate: u32,
    vad: &switchboard_audio::VadConfig,
) -> Result<Vec<Utterance>, AudioError> {
    let mut resampler = Resampler::new(rate)?;
    let mut audio = Vec::with_capacity(pcm.len() * 2);
    resampler.push(&to_f32(pcm), &mut audio);
    resampler.flush(&mut audio);
    let mut segmenter = Segmenter::new(vad.clone());
    let mut out: Vec<Utterance> = segmenter
        .push(&audio)
        .into_iter()
        .filter_map(|e| match e {
            SegmenterEvent::Ended(u) => Some(u),
            SegmenterEvent::Started { .. } => None,
        })
        .collect();
    out.extend(segmenter.finish());
    Ok(merge(out, &audio))
}

/// Utterances closer than this are decoded together: Whisper does better with a whole sentence
/// than with its pieces, and in batch there is no latency to save.
const MERGE_GAP: u64 = 16_000 * 3 / 2;
/// Longest merged utterance, safely inside Whisper's 30 s window.
const MERGE_MAX: u64 = 16_000 * 24;

/// Joins neighbouring utterances of one channel, keeping the audio between them.
fn merge(utterances: Vec<Utterance>, audio: &[f32]) -> Vec<Utterance> {
    let mut out: Vec<Utterance> = Vec::new();
    for u in utterances {
        if let Some(last) = out.last_mut()
            && u.start <= last.end() + MERGE_GAP
            && u.end() - last.start <= MERGE_MAX
        {
            let end = (u.end() as usize).min(audio.len());
            last.voiced = (u.start - last.start) as usize + u.voiced;
            last.samples = audio[last.start as usize..end].to_vec();
            continue;
        }
        out.push(u);
    }
    out
}
