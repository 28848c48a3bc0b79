//! One connection's part of a call: audio in until the call ends or the connection goes.

use std::sync::Arc;

use chrono::Utc;
use switchboard_audio::{AudioFormat, LoudnessMeter};
use switchboard_events::{Event, EventBus};
use switchboard_storage::Store;
use switchboard_transcription::AudioChunk;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::CallError;
use crate::archive::AudioWriter;
use crate::input::{InterleavedInput, TrackMixer};
use crate::pipeline::Pipeline;
use crate::service::{CallLimits, CallStart};
use crate::sink::SinkReport;

/// How a call's stream ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The client said END / stop.
    Completed,
    /// The client vanished or sent something that ended the stream; the reason is kept.
    Incomplete(String),
}

/// What a finished stream left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSummary {
    pub call_id: String,
    /// `completed` or `incomplete`.
    pub status: String,
    /// Audio of the whole call so far (all connections).
    pub audio_ms: u64,
    /// Segments stored for the whole call.
    pub segments: u32,
}

/// Feeds one connection's audio into a call's recognizer.
pub struct CallSession {
    start: CallStart,
    offset_ms: u64,
    frames: u64,
    interleaved: InterleavedInput,
    mixer: TrackMixer,
    audio: mpsc::Sender<AudioChunk>,
    transcribed: JoinHandle<SinkReport>,
    store: Store,
    bus: Arc<dyn EventBus>,
    limits: CallLimits,
    saved_ms: u64,
    /// Where the audio is kept for playback (recording retention on).
    kept: Option<AudioWriter>,
    /// Each channel's loudness over this connection (a resumed call keeps its last
    /// connection's: EBU R128's gating cannot be joined from two results).
    meters: Vec<LoudnessMeter>,
}

/// How often the received audio length is saved, so a crash loses little of the resume offset.
const SAVE_EVERY_MS: u64 = 5_000;

impl CallSession {
    pub(crate) fn new(
        start: CallStart,
        offset_ms: u64,
        pipeline: Pipeline,
        store: Store,
        bus: Arc<dyn EventBus>,
        limits: CallLimits,
        kept: Option<AudioWriter>,
    ) -> Self {
        let interleaved = InterleavedInput::new(start.format, limits.max_chunk_ms);
        let mixer = TrackMixer::new(start.format, limits.max_chunk_ms);
        let meters = (0..start.format.channels)
            .map(|_| LoudnessMeter::new(start.format.sample_rate))
            .collect();
        let Pipeline {
            audio,
            done: transcribed,
        } = pipeline;
        Self {
            start,
            offset_ms,
            frames: 0,
            interleaved,
            mixer,
            audio,
            transcribed,
            store,
            bus,
            limits,
            saved_ms: offset_ms,
            kept,
            meters,
        }
    }

    /// The call this connection streams.
    pub fn call_id(&self) -> &str {
        &self.start.call_id
    }

    /// The audio format fixed at start.
    pub fn format(&self) -> AudioFormat {
        self.start.format
    }

    /// Where this connection's audio begins in the call (after earlier connections).
    pub fn offset_ms(&self) -> u64 {
        self.offset_ms
    }

    /// Takes one frame of interleaved wire audio (Amazon LCA).
    pub async fn push_interleaved(&mut self, bytes: &[u8]) -> Result<(), CallError> {
        let chunk = self.interleaved.decode(bytes)?;
        self.send(chunk).await
    }

    /// Takes one track's audio (Twilio's inbound or outbound media).
    pub async fn push_track(&mut self, channel: usize, bytes: &[u8]) -> Result<(), CallError> {
        if let Some(chunk) = self.mixer.push(channel, bytes)? {
            self.send(chunk).await?;
        }
        Ok(())
    }

    /// Audio of this connection so far, in ms.
    pub fn received_ms(&self) -> u64 {
        self.frames * 1000 / u64::from(self.start.format.sample_rate)
    }

    async fn send(&mut self, chunk: AudioChunk) -> Result<(), CallError> {
        if chunk.frames() == 0 {
            return Ok(());
        }
        self.frames += chunk.frames() as u64;
        for (meter, samples) in self.meters.iter_mut().zip(&chunk.channels) {
            meter.add(samples);
        }
        if let Some(kept) = &mut self.kept
            && let Err(error) = kept.write(&chunk).await
        {
            // Playback is a nicety; the transcript is what must not be lost.
            tracing::warn!(call = %self.start.call_id, %error, "stopped keeping this call's audio");
            self.kept = None;
        }
        // Waits when the recognizer is behind: that slows the client down instead of growing memory.
        self.audio.send(chunk).await.map_err(|_| {
            CallError::Asr(switchboard_transcription::AsrError::Service(
                "the recognizer stopped".into(),
            ))
        })?;
        let total = self.offset_ms + self.received_ms();
        if total >= self.saved_ms + SAVE_EVERY_MS {
            self.saved_ms = total;
            if let Err(error) = self
                .store
                .update_call_audio(&self.start.call_id, total)
                .await
            {
                tracing::warn!(call = %self.start.call_id, %error, "could not save the call's audio length");
            }
        }
        Ok(())
    }

    /// Ends this connection's stream: the speech still in flight is transcribed and stored, then
    /// the call is marked completed or incomplete.
    pub async fn finish(mut self, outcome: Outcome) -> Result<CallSummary, CallError> {
        if let Some(rest) = self.mixer.flush() {
            let _ = self.send(rest).await;
        }
        let audio_ms = self.offset_ms + self.received_ms();
        drop(self.audio);
        if let Some(kept) = self.kept.take()
            && let Err(error) = kept.finish().await
        {
            tracing::warn!(call = %self.start.call_id, %error, "the call's kept audio may be cut short");
        }
        let (status, mut reason) = match &outcome {
            Outcome::Completed => ("completed", None),
            Outcome::Incomplete(reason) => ("incomplete", Some(reason.clone())),
        };
        let report =
            match tokio::time::timeout(self.limits.finish_timeout, &mut self.transcribed).await {
                Ok(Ok(report)) => report,
                Ok(Err(join)) => SinkReport {
                    segments: 0,
                    failures: vec![format!("transcript sink failed: {join}")],
                },
                Err(_) => {
                    self.transcribed.abort();
                    SinkReport {
                        segments: 0,
                        failures: vec!["transcription did not finish in time".into()],
                    }
                }
            };
        let status = if report.failures.is_empty() {
            status
        } else {
            "incomplete"
        };
        if !report.failures.is_empty() {
            let failures = report.failures.join("; ");
            reason = Some(match reason {
                Some(why) => format!("{why}; {failures}"),
                None => failures,
            });
        }
        // Before the end, so whatever follows the end (reports, the overview) sees it.
        let loudness: Vec<Option<f64>> = self.meters.iter().map(LoudnessMeter::lufs).collect();
        if let Err(error) = self
            .store
            .save_channel_loudness(&self.start.call_id, &loudness)
            .await
        {
            tracing::warn!(call = %self.start.call_id, %error, "could not save the channels' loudness");
        }
        let record = self
            .store
            .end_call(&self.start.call_id, status, audio_ms)
            .await?;
        metrics::gauge!("switchboard_calls_live").decrement(1.0);
        tracing::info!(call = %self.start.call_id, status, audio_ms, segments = record.segments, reason = reason.as_deref(), "call ended");
        self.bus.publish(Event::CallEnded {
            call_id: self.start.call_id.clone(),
            status: status.into(),
            reason,
            audio_ms: record.audio_ms,
            segments: record.segments,
            at: Utc::now(),
        });
        Ok(CallSummary {
            call_id: self.start.call_id,
            status: status.into(),
            audio_ms: record.audio_ms,
            segments: record.segments,
        })
    }
}
