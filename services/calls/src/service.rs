//! Starting calls: validation, storage of the call, the recognizer stream and the sink.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use switchboard_audio::AudioFormat;
use switchboard_events::{Event, EventBus};
use switchboard_storage::Store;
use switchboard_transcription::{Recognizer, Speaker, StreamSpec};

use crate::archive::{AudioArchive, AudioWriter};
use crate::session::CallSession;
use crate::sink::Sink;
use crate::{CallError, StagesFactory, pipeline};

/// Where a call's audio comes from; stored with the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Amazon Live Call Analytics' websocket client (or anything speaking its protocol).
    Lca,
    /// Twilio Media Streams.
    Twilio,
    /// A recording analysed in bulk (`switchboard analyze`, an upload).
    Batch,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Lca => "lca",
            Source::Twilio => "twilio",
            Source::Batch => "batch",
        }
    }
}

/// Everything known when a call starts.
#[derive(Debug, Clone)]
pub struct CallStart {
    pub call_id: String,
    pub source: Source,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub agent_id: Option<String>,
    /// The queue (skill, line of business) it came through, for the overview's split.
    pub queue: Option<String>,
    pub format: AudioFormat,
    /// One role per channel, in channel order.
    pub roles: Vec<Speaker>,
}

/// Limits that protect the server from one misbehaving call.
#[derive(Debug, Clone)]
pub struct CallLimits {
    /// Longest audio chunk accepted in one frame.
    pub max_chunk_ms: u64,
    /// How long to wait for the last finals after a call ends before giving up on them.
    pub finish_timeout: Duration,
}

impl Default for CallLimits {
    fn default() -> Self {
        Self {
            max_chunk_ms: 1000,
            finish_timeout: Duration::from_secs(60),
        }
    }
}

/// Runs every live call of this process.
pub struct CallService {
    pub(crate) store: Store,
    pub(crate) bus: Arc<dyn EventBus>,
    pub(crate) recognizer: Arc<dyn Recognizer>,
    pub(crate) stages: Arc<dyn StagesFactory>,
    limits: CallLimits,
    /// Where calls' audio is kept for playback; `None`: only transcripts are stored.
    pub(crate) archive: Option<AudioArchive>,
}

impl CallService {
    /// A service that transcribes with `recognizer`, passes each call's words through `stages`,
    /// stores in `store` and publishes on `bus`.
    pub fn new(
        store: Store,
        bus: Arc<dyn EventBus>,
        recognizer: Arc<dyn Recognizer>,
        stages: Arc<dyn StagesFactory>,
        limits: CallLimits,
    ) -> Self {
        Self {
            store,
            bus,
            recognizer,
            stages,
            limits,
            archive: None,
        }
    }

    /// Keeps every call's audio in `archive` (recording retention on).
    pub fn keep_audio(mut self, archive: AudioArchive) -> Self {
        self.archive = Some(archive);
        self
    }

    /// Where calls' audio is kept, if recording retention is on.
    pub fn archive(&self) -> Option<&AudioArchive> {
        self.archive.as_ref()
    }

    /// Calls left `live` by a previous process cannot resume: mark them incomplete (at start-up).
    pub async fn recover(&self) -> Result<u64, CallError> {
        Ok(self.store.mark_live_calls_incomplete().await?)
    }

    /// The engine in use, for logs and health.
    pub fn engine(&self) -> &'static str {
        self.recognizer.name()
    }

    /// Starts (or, for a known call id, resumes) a call; audio then goes to the returned session.
    pub async fn start(&self, start: CallStart) -> Result<CallSession, CallError> {
        if start.roles.len() != usize::from(start.format.channels) {
            return Err(CallError::Invalid(format!(
                "{} channel role(s) for {} channel(s)",
                start.roles.len(),
                start.format.channels
            )));
        }
        let record = self.store.start_call(&stored(&start)).await?;
        let spec = StreamSpec {
            call_id: start.call_id.clone(),
            sample_rate: start.format.sample_rate,
            channels: start.roles.clone(),
            offset_ms: record.audio_ms,
        };
        let stream = match self.recognizer.open(spec.clone()) {
            Ok(stream) => stream,
            Err(error) => {
                let _ = self
                    .store
                    .end_call(&start.call_id, "incomplete", record.audio_ms)
                    .await;
                return Err(error.into());
            }
        };
        self.announce(&start, record.audio_ms);
        metrics::gauge!("switchboard_calls_live").increment(1.0);
        tracing::info!(call = %start.call_id, offset_ms = record.audio_ms, engine = self.recognizer.name(), "call started");
        let sink = Sink::new(
            self.store.clone(),
            Arc::clone(&self.bus),
            start.call_id.clone(),
            self.stages.open(&start),
        );
        let pipeline = pipeline::spawn(Arc::clone(&self.recognizer), spec, stream, sink);
        let kept = self.audio_writer(&start, record.audio_ms).await;
        Ok(CallSession::new(
            start,
            record.audio_ms,
            pipeline,
            self.store.clone(),
            Arc::clone(&self.bus),
            self.limits.clone(),
            kept,
        ))
    }

    /// Where this connection's audio is kept, if retention is on; a failure to open it is
    /// logged and the call goes on without it.
    async fn audio_writer(&self, start: &CallStart, offset_ms: u64) -> Option<AudioWriter> {
        let archive = self.archive.as_ref()?;
        let offset_frames = offset_ms * u64::from(start.format.sample_rate) / 1000;
        match archive
            .writer(&start.call_id, start.format.channels, offset_frames)
            .await
        {
            Ok(w) => Some(w),
            Err(error) => {
                tracing::warn!(call = %start.call_id, %error, "cannot keep this call's audio");
                None
            }
        }
    }

    /// Stores a recording's call as started and announces it, as a live call's start is.
    pub(crate) async fn register(&self, start: &CallStart) -> Result<(), CallError> {
        self.store.start_call(&stored(start)).await?;
        self.announce(start, 0);
        Ok(())
    }

    fn announce(&self, start: &CallStart, offset_ms: u64) {
        self.bus.publish(Event::CallStarted {
            call_id: start.call_id.clone(),
            from_number: start.from_number.clone(),
            to_number: start.to_number.clone(),
            agent_id: start.agent_id.clone(),
            offset_ms,
            at: Utc::now(),
        });
    }
}

/// A call's start as storage keeps it.
fn stored(start: &CallStart) -> switchboard_storage::CallStart {
    switchboard_storage::CallStart {
        id: start.call_id.clone(),
        source: start.source.as_str().into(),
        from_number: start.from_number.clone(),
        to_number: start.to_number.clone(),
        agent_id: start.agent_id.clone(),
        queue: start.queue.clone(),
        sample_rate: start.format.sample_rate,
        encoding: format!("{:?}", start.format.encoding).to_lowercase(),
        channel_roles: start.roles.iter().map(|r| r.as_str().to_string()).collect(),
    }
}
