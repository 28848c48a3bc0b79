//! One call's live transcription: per channel, resample → VAD → partials while speaking and a
//! final when the speaker stops.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::stream::{FuturesOrdered, FuturesUnordered, StreamExt};
use switchboard_audio::{Resampler, Segmenter, SegmenterEvent, Utterance, to_f32};
use tokio::sync::mpsc;

use super::WhisperConfig;

use super::pool::DecoderPool;
use crate::agreement::Agreement;
use crate::{AsrError, AudioChunk, Partial, RecognizerStream, Segment, Speaker, StreamSpec, TranscriptEvent};

/// Finals of one call allowed in flight before the call stops taking audio (back-pressure).
const MAX_FINALS_IN_FLIGHT: usize = 8;
/// A final this late after its speaker stopped means the call is behind real time.
const LAG_REPORT: Duration = Duration::from_secs(2);

struct Channel {
    speaker: Speaker,
    resampler: Resampler,
    segmenter: Segmenter,
    agreement: Agreement,
    /// Utterance length (samples) at the last partial request.
    partial_at: usize,
    partial_in_flight: bool,
}

/// Starts the task that follows one call.
pub fn spawn(pool: Arc<DecoderPool>, config: Arc<WhisperConfig>, spec: StreamSpec, id: u64) -> RecognizerStream {
    let (audio, audio_rx) = mpsc::channel(16);
    let (events_tx, events) = mpsc::channel(256);
    tokio::spawn(run(pool, config, spec, id, audio_rx, events_tx));
    RecognizerStream { audio, events }
}

async fn run(
    pool: Arc<DecoderPool>,
    config: Arc<WhisperConfig>,
    spec: StreamSpec,
    id: u64,
    mut audio: mpsc::Receiver<AudioChunk>,
    events: mpsc::Sender<TranscriptEvent>,
) {
    let mut channels: Vec<Channel> = spec
        .channels
        .iter()
        .map(|speaker| Channel {
            speaker: speaker.clone(),
            resampler: Resampler::new(spec.sample_rate),
            segmenter: Segmenter::new(config.vad.clone()),
            agreement: Agreement::default(),
            partial_at: 0,
            partial_in_flight: false,
        })
        .collect();
    let mut finals = FuturesOrdered::new();
    let mut partials = FuturesUnordered::new();
    let mut open = true;
    let mut last_lag_report: Option<Instant> = None;
    let partial_step = config.partial_interval_ms as usize * 16;
    let mut buffer = Vec::new();
    loop {
        tokio::select! {
            chunk = audio.recv(), if open && finals.len() < MAX_FINALS_IN_FLIGHT => {
                let ended: Vec<(usize, Utterance)> = match chunk {
                    Some(chunk) => chunk.channels.iter().enumerate().take(channels.len()).flat_map(|(i, pcm)| {
                        buffer.clear();
                        channels[i].resampler.push(&to_f32(pcm), &mut buffer);
                        channels[i].segmenter.push(&buffer).into_iter().filter_map(move |e| match e {
                            SegmenterEvent::Ended(u) => Some((i, u)),
                            SegmenterEvent::Started { .. } => None,
                        }).collect::<Vec<_>>()
                    }).collect(),
                    None => {
                        open = false;
                        channels.iter_mut().enumerate().flat_map(|(i, ch)| {
                            buffer.clear();
                            ch.resampler.flush(&mut buffer);
                            let mut out: Vec<_> = ch.segmenter.push(&buffer).into_iter().filter_map(|e| match e {
                                SegmenterEvent::Ended(u) => Some((i, u)),
                                SegmenterEvent::Started { .. } => None,
                            }).collect();
                            out.extend(ch.segmenter.finish().map(|u| (i, u)));
                            out
                        }).collect()
                    }
                };
                for (i, utterance) in ended {
                    channels[i].agreement = Agreement::default();
                    channels[i].partial_at = 0;
                    let pool = Arc::clone(&pool);
                    let samples = utterance.samples.clone();
                    let effort = config.final_effort;
                    let stopped = Instant::now();
                    finals.push_back(async move { (i, utterance, stopped, pool.transcribe_final(samples, effort).await) });
                }
                if open {
                    for (i, ch) in channels.iter_mut().enumerate() {
                        let Some((start, samples)) = ch.segmenter.current() else { continue };
                        if partial_step == 0 || ch.partial_in_flight || samples.len() < ch.partial_at + partial_step {
                            continue;
                        }
                        ch.partial_at = samples.len();
                        ch.partial_in_flight = true;
                        let reply = pool.transcribe_partial((id, i), samples.to_vec());
                        partials.push(async move { (i, start, reply.await.unwrap_or_else(|_| Err(AsrError::Overloaded("partial shed".into())))) });
                    }
                }
            }
            Some((i, utterance, stopped, result)) = finals.next(), if !finals.is_empty() => {
                let behind = stopped.elapsed();
                metrics::histogram!("switchboard_asr_final_lag_seconds").record(behind.as_secs_f64());
                if behind > LAG_REPORT && last_lag_report.is_none_or(|at| at.elapsed() > Duration::from_secs(5)) {
                    last_lag_report = Some(Instant::now());
                    let _ = events.send(TranscriptEvent::Lagging { behind_ms: behind.as_millis() as u64 }).await;
                }
                match result {
                    Ok(decoded) => {
                        let text = clean(&decoded.text);
                        if text.is_empty() { continue; }
                        let segment = Segment {
                            channel: i,
                            speaker: channels[i].speaker.clone(),
                            start_ms: spec.offset_ms + utterance.start / 16,
                            end_ms: spec.offset_ms + utterance.end() / 16,
                            text,
                            confidence: decoded.confidence,
                        };
                        let _ = events.send(TranscriptEvent::Final(segment)).await;
                    }
                    Err(error) => {
                        tracing::warn!(call = %spec.call_id, %error, "utterance could not be transcribed");
                        let _ = events.send(TranscriptEvent::Failed(error)).await;
                    }
                }
            }
            Some((i, start, result)) = partials.next(), if !partials.is_empty() => {
                let ch = &mut channels[i];
                ch.partial_in_flight = false;
                // Drop answers about an utterance that has ended meanwhile: its final is coming.
                let current = ch.segmenter.current().map(|(s, _)| s);
                if let (Ok(decoded), Some(now)) = (result, current)
                    && now == start {
                        let (stable, unstable) = ch.agreement.update(&clean(&decoded.text));
                        let partial = Partial { channel: i, speaker: ch.speaker.clone(), start_ms: spec.offset_ms + start / 16, stable, unstable };
                        let _ = events.send(TranscriptEvent::Partial(partial)).await;
                    }
            }
            else => break,
        }
    }
}

/// Whisper's non-speech markers ("[BLANK_AUDIO]", "(music)") are not words anyone said.
fn clean(text: &str) -> String {
    let t = text.trim();
    let bracketed = |open: char, close: char| t.starts_with(open) && t.ends_with(close) && !t[1..].contains(open);
    if bracketed('[', ']') || bracketed('(', ')') || bracketed('*', '*') {
        String::new()
    } else {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn non_speech_markers_are_dropped_and_speech_kept() {
        assert_eq!(super::clean(" [BLANK_AUDIO]"), "");
        assert_eq!(super::clean("(music)"), "");
        assert_eq!(super::clean(" Hello (there) "), "Hello (there)");
    }
}
