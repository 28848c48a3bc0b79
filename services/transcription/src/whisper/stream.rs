//! One call's live transcription: per channel, resample → VAD → partials while speaking and a
//! final when the speaker stops.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::{FuturesOrdered, FuturesUnordered, StreamExt};
use switchboard_audio::{Resampler, Segmenter, SegmenterEvent, Utterance, to_f32};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::WhisperConfig;
use super::decode::Decoded;
use super::markers::spoken;
use super::pool::{DecoderPool, Wanted};
use crate::agreement::Agreement;
use crate::{
    AsrError, AudioChunk, Partial, RecognizerStream, Segment, Speaker, StreamSpec, TranscriptEvent,
    panic_message,
};

/// Finals of one call allowed in flight before the call stops taking audio (back-pressure).
const MAX_FINALS_IN_FLIGHT: usize = 8;
/// A final this late after its speaker stopped means the call is behind real time.
const LAG_REPORT: Duration = Duration::from_secs(2);
/// Quiet time after which an early final starts. The utterance keeps more trailing pad, but
/// silence after the speech does not change what was said.
const EARLY_AFTER_MS: u32 = 100;

type Decoding = Result<Decoded, AsrError>;
type FinalDone = (usize, Utterance, Instant, Decoding);
type PartialDone = (usize, u64, Decoding);

struct Channel {
    speaker: Speaker,
    resampler: Resampler,
    segmenter: Segmenter,
    agreement: Agreement,
    /// Utterance length (samples) at the last partial request.
    partial_at: usize,
    partial_in_flight: bool,
    /// A final decoding while the speaker is quiet but the turn is not yet over.
    early: Option<Early>,
}

/// An early final: which utterance (start and voiced length) it is the final of, if the
/// speaker stays quiet. Dropping it (the speaker went on, the call ended) cancels the decode.
struct Early {
    start: u64,
    voiced: usize,
    wanted: Wanted,
    decode: Option<JoinHandle<Decoding>>,
}

impl Early {
    fn result(mut self) -> impl Future<Output = Decoding> {
        let decode = self.decode.take().expect("an early final is used once");
        decode.map(|joined| {
            joined.unwrap_or_else(|e| Err(AsrError::Service(format!("early final: {e}"))))
        })
    }
}

impl Drop for Early {
    fn drop(&mut self) {
        if let Some(decode) = &self.decode {
            decode.abort();
        }
    }
}

/// Starts the task that follows one call.
pub fn spawn(
    pool: Arc<DecoderPool>,
    config: Arc<WhisperConfig>,
    spec: StreamSpec,
    id: u64,
) -> Result<RecognizerStream, AsrError> {
    let (audio, audio_rx) = mpsc::channel(16);
    let (events_tx, events) = mpsc::channel(256);
    let follow = Follow::new(pool, config, spec, id)?;
    let call_id = follow.spec.call_id.clone();
    tokio::spawn(async move {
        // A panic in a stage (resampler, VAD) ends this stream only: the events channel closes
        // and the call's pipeline opens a new stream at the audio that follows.
        if let Err(panic) = AssertUnwindSafe(follow.run(audio_rx, events_tx))
            .catch_unwind()
            .await
        {
            tracing::error!(call = %call_id, panic = %panic_message(panic.as_ref()), "the call's transcription stream panicked");
        }
    });
    Ok(RecognizerStream { audio, events })
}

/// The state of one call's transcription.
struct Follow {
    pool: Arc<DecoderPool>,
    config: Arc<WhisperConfig>,
    spec: StreamSpec,
    id: u64,
    channels: Vec<Channel>,
    finals: FuturesOrdered<BoxFuture<'static, FinalDone>>,
    partials: FuturesUnordered<BoxFuture<'static, PartialDone>>,
    buffer: Vec<f32>,
}

impl Follow {
    fn new(
        pool: Arc<DecoderPool>,
        config: Arc<WhisperConfig>,
        spec: StreamSpec,
        id: u64,
    ) -> Result<Self, AsrError> {
        let channels = spec
            .channels
            .iter()
            .map(|speaker| {
                Ok(Channel {
                    speaker: speaker.clone(),
                    resampler: Resampler::new(spec.sample_rate)
                        .map_err(|e| AsrError::Unsupported(e.to_string()))?,
                    segmenter: Segmenter::new(config.vad.clone()),
                    agreement: Agreement::default(),
                    partial_at: 0,
                    partial_in_flight: false,
                    early: None,
                })
            })
            .collect::<Result<_, AsrError>>()?;
        Ok(Self {
            pool,
            config,
            spec,
            id,
            channels,
            finals: FuturesOrdered::new(),
            partials: FuturesUnordered::new(),
            buffer: Vec::new(),
        })
    }

    async fn run(
        mut self,
        mut audio: mpsc::Receiver<AudioChunk>,
        events: mpsc::Sender<TranscriptEvent>,
    ) {
        let mut open = true;
        let mut last_lag_report: Option<Instant> = None;
        loop {
            tokio::select! {
                chunk = audio.recv(), if open && self.finals.len() < MAX_FINALS_IN_FLIGHT => {
                    match chunk {
                        Some(chunk) => {
                            for (i, pcm) in chunk.channels.iter().enumerate().take(self.channels.len()) {
                                self.push(i, pcm);
                            }
                            for i in 0..self.channels.len() {
                                self.look_ahead(i);
                            }
                        }
                        None => {
                            open = false;
                            for i in 0..self.channels.len() {
                                self.close(i);
                            }
                        }
                    }
                }
                Some((i, utterance, stopped, result)) = self.finals.next(), if !self.finals.is_empty() => {
                    let behind = stopped.elapsed();
                    metrics::histogram!("switchboard_asr_final_lag_seconds").record(behind.as_secs_f64());
                    if behind > LAG_REPORT && last_lag_report.is_none_or(|at| at.elapsed() > Duration::from_secs(5)) {
                        last_lag_report = Some(Instant::now());
                        let _ = events.send(TranscriptEvent::Lagging { behind_ms: behind.as_millis() as u64 }).await;
                    }
                    if let Some(event) = self.final_event(i, &utterance, result) {
                        let _ = events.send(event).await;
                    }
                }
                Some((i, start, result)) = self.partials.next(), if !self.partials.is_empty() => {
                    if let Some(partial) = self.partial_event(i, start, result) {
                        let _ = events.send(TranscriptEvent::Partial(partial)).await;
                    }
                }
                else => break,
            }
        }
    }

    /// Feeds one channel's audio to its VAD and queues the finals of utterances that ended.
    fn push(&mut self, i: usize, pcm: &[i16]) {
        self.buffer.clear();
        let ch = &mut self.channels[i];
        ch.resampler.push(&to_f32(pcm), &mut self.buffer);
        for event in ch.segmenter.push(&self.buffer) {
            if let SegmenterEvent::Ended(utterance) = event {
                self.ended(i, utterance);
            }
        }
    }

    /// The call is over: whatever each channel still holds is final.
    fn close(&mut self, i: usize) {
        self.buffer.clear();
        let ch = &mut self.channels[i];
        ch.resampler.flush(&mut self.buffer);
        let mut ended: Vec<Utterance> = ch
            .segmenter
            .push(&self.buffer)
            .into_iter()
            .filter_map(|e| match e {
                SegmenterEvent::Ended(u) => Some(u),
                SegmenterEvent::Started { .. } => None,
            })
            .collect();
        ended.extend(ch.segmenter.finish());
        for utterance in ended {
            self.ended(i, utterance);
        }
    }

    fn ended(&mut self, i: usize, utterance: Utterance) {
        let ch = &mut self.channels[i];
        ch.agreement = Agreement::default();
        ch.partial_at = 0;
        let stopped = Instant::now();
        let decode: BoxFuture<'static, Decoding> = match ch.early.take() {
            Some(early) if (early.start, early.voiced) == (utterance.start, utterance.voiced) => {
                metrics::counter!("switchboard_asr_early_finals_total", "outcome" => "used")
                    .increment(1);
                early.wanted.confirm();
                early.result().boxed()
            }
            stale => {
                drop(stale);
                let pool = Arc::clone(&self.pool);
                let (samples, effort) = (utterance.samples.clone(), self.config.final_effort);
                async move { pool.transcribe_final(samples, effort, Wanted::now()).await }.boxed()
            }
        };
        self.finals
            .push_back(async move { (i, utterance, stopped, decode.await) }.boxed());
    }

    /// While someone speaks: an early final when they pause, else a partial every interval.
    fn look_ahead(&mut self, i: usize) {
        let ch = &mut self.channels[i];
        let pause = if self.config.early_finals {
            ch.segmenter.paused(EARLY_AFTER_MS)
        } else {
            None
        };
        if let Some(pause) = pause {
            if ch
                .early
                .as_ref()
                .is_some_and(|e| (e.start, e.voiced) == (pause.start, pause.voiced))
            {
                return;
            }
            // A guess for an earlier pause of this utterance: superseded (dropping cancels it).
            ch.early = None;
            let pool = Arc::clone(&self.pool);
            let (samples, effort) = (pause.samples.to_vec(), self.config.final_effort);
            let wanted = Wanted::guess();
            let guess = wanted.clone();
            let decode =
                tokio::spawn(async move { pool.transcribe_final(samples, effort, guess).await });
            ch.early = Some(Early {
                start: pause.start,
                voiced: pause.voiced,
                wanted,
                decode: Some(decode),
            });
            return;
        }
        let Some((start, samples)) = ch.segmenter.current() else {
            return;
        };
        if ch.early.is_some() && ch.segmenter.paused(0).is_none() {
            // They went on talking: stop the guess, so the decoder is free for real finals.
            metrics::counter!("switchboard_asr_early_finals_total", "outcome" => "resumed")
                .increment(1);
            ch.early = None;
        }
        let step = self.config.partial_interval_ms as usize * 16;
        if step == 0
            || ch.partial_in_flight
            || ch.early.is_some()
            || samples.len() < ch.partial_at + step
        {
            return;
        }
        ch.partial_at = samples.len();
        ch.partial_in_flight = true;
        let reply = self.pool.transcribe_partial((self.id, i), samples.to_vec());
        self.partials.push(
            async move {
                (
                    i,
                    start,
                    reply
                        .await
                        .unwrap_or_else(|_| Err(AsrError::Overloaded("partial shed".into()))),
                )
            }
            .boxed(),
        );
    }

    fn final_event(
        &mut self,
        i: usize,
        utterance: &Utterance,
        result: Decoding,
    ) -> Option<TranscriptEvent> {
        match result {
            Ok(decoded) => {
                let text = spoken(&decoded.text);
                if text.is_empty() {
                    tracing::debug!(call = %self.spec.call_id, channel = i, start = utterance.start / 16, raw = %decoded.text, "final without words dropped");
                    return None;
                }
                Some(TranscriptEvent::Final(Segment {
                    channel: i,
                    speaker: self.channels[i].speaker.clone(),
                    start_ms: self.spec.offset_ms + utterance.start / 16,
                    end_ms: self.spec.offset_ms + utterance.end() / 16,
                    text,
                    confidence: decoded.confidence,
                }))
            }
            Err(error) => {
                tracing::warn!(call = %self.spec.call_id, channel = i, %error, "utterance could not be transcribed");
                Some(TranscriptEvent::Degraded {
                    stage: "decoder",
                    reason: format!("an utterance could not be transcribed: {error}"),
                    at_ms: self.spec.offset_ms + utterance.end() / 16,
                })
            }
        }
    }

    fn partial_event(&mut self, i: usize, start: u64, result: Decoding) -> Option<Partial> {
        let ch = &mut self.channels[i];
        ch.partial_in_flight = false;
        if self.config.partial_interval_ms == 0 {
            return None;
        }
        // Drop answers about an utterance that has ended meanwhile: its final is coming.
        let now = ch.segmenter.current().map(|(s, _)| s)?;
        let decoded = result.ok().filter(|_| now == start)?;
        let (stable, unstable) = ch.agreement.update(&spoken(&decoded.text));
        Some(Partial {
            channel: i,
            speaker: ch.speaker.clone(),
            start_ms: self.spec.offset_ms + start / 16,
            stable,
            unstable,
        })
    }
}
