//! The cloud engine: one Transcribe stream per call, behind the engine-neutral `Recognizer`.

use std::sync::Arc;

use aws_config::BehaviorVersion;
use aws_sdk_transcribestreaming::Client;
use aws_sdk_transcribestreaming::config::{Credentials, Region, StalledStreamProtectionConfig};
use aws_sdk_transcribestreaming::types::LanguageCode;
use switchboard_transcription::{
    AsrError, AudioChunk, Recognizer, RecognizerStream, StreamSpec, TranscriptEvent,
};
use tokio::sync::{Mutex, mpsc};
use tokio_util::sync::CancellationToken;

use crate::audio::AudioSource;
use crate::config::TranscribeConfig;
use crate::session;

/// Audio chunks buffered per call before the caller's `send` waits (about 1–2 s of 20 ms frames).
const AUDIO_BUFFER: usize = 64;
/// Events buffered per call before the engine waits for the pipeline to read.
const EVENT_BUFFER: usize = 256;

/// Amazon Transcribe streaming, for contact centers that prefer the managed cloud engine.
#[derive(Clone)]
pub struct TranscribeRecognizer {
    client: Client,
    inner: Arc<Settings>,
}

/// What every call's stream shares.
pub(crate) struct Settings {
    pub(crate) language: LanguageCode,
    pub(crate) max_event_ms: u32,
    pub(crate) throttle_retries: usize,
    pub(crate) throttle_backoff: std::time::Duration,
}

impl TranscribeRecognizer {
    /// Builds the client from `cfg` and the usual AWS environment chain (profile, env, IMDS…).
    pub async fn new(cfg: TranscribeConfig) -> Result<Self, AsrError> {
        language(&cfg)?;
        // A call may pause (hold, mute) and Transcribe may be silent for a while: neither is a
        // stalled connection, and Transcribe ends streams idle for 15 s by itself.
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled());
        if !cfg.region.trim().is_empty() {
            loader = loader.region(Region::new(cfg.region.trim().to_owned()));
        }
        if let Some(url) = &cfg.endpoint_url {
            loader = loader.endpoint_url(url.clone());
        }
        if let Some(creds) = &cfg.credentials {
            loader = loader.credentials_provider(Credentials::new(
                creds.access_key_id.clone(),
                creds.secret_access_key.clone(),
                None,
                None,
                "switchboard-config",
            ));
        }
        let sdk_config = loader.load().await;
        if sdk_config.region().is_none() {
            return Err(AsrError::Service(
                "no AWS region for Transcribe: set transcribe region in the config or AWS_REGION"
                    .into(),
            ));
        }
        Self::with_client(Client::new(&sdk_config), &cfg)
    }

    /// Wraps a client built elsewhere (shared SDK config, custom HTTP client); `cfg` gives the
    /// language and pacing, its connection fields are ignored.
    pub fn with_client(client: Client, cfg: &TranscribeConfig) -> Result<Self, AsrError> {
        Ok(Self {
            client,
            inner: Arc::new(Settings {
                language: language(cfg)?,
                max_event_ms: cfg.max_event_ms,
                throttle_retries: cfg.throttle_retries,
                throttle_backoff: cfg.throttle_backoff,
            }),
        })
    }
}

/// The configured language as Transcribe names it, refused early when Transcribe has no such code.
fn language(cfg: &TranscribeConfig) -> Result<LanguageCode, AsrError> {
    LanguageCode::try_parse(cfg.language_code.trim()).map_err(|_| {
        AsrError::Unsupported(format!(
            "transcribe language_code `{}` is not one Amazon Transcribe streaming knows (e.g. en-US)",
            cfg.language_code
        ))
    })
}

impl Recognizer for TranscribeRecognizer {
    fn open(&self, spec: StreamSpec) -> Result<RecognizerStream, AsrError> {
        check_spec(&spec)?;
        let (audio_tx, audio_rx) = mpsc::channel::<AudioChunk>(AUDIO_BUFFER);
        let (events_tx, events_rx) = mpsc::channel::<TranscriptEvent>(EVENT_BUFFER);
        let cancel = CancellationToken::new();
        let source = AudioSource::new(
            audio_rx,
            spec.channels.len(),
            spec.sample_rate,
            self.inner.max_event_ms,
            cancel.clone(),
        );
        let call = session::Call {
            client: self.client.clone(),
            settings: self.inner.clone(),
            spec,
            state: source.state(),
            source: Arc::new(Mutex::new(source)),
            events: events_tx,
            cancel,
        };
        tokio::spawn(call.run());
        Ok(RecognizerStream {
            audio: audio_tx,
            events: events_rx,
        })
    }

    fn name(&self) -> &'static str {
        "transcribe"
    }
}

/// Refuses what Transcribe would refuse anyway, before a connection is spent on it.
fn check_spec(spec: &StreamSpec) -> Result<(), AsrError> {
    if !(8000..=48000).contains(&spec.sample_rate) {
        return Err(AsrError::Unsupported(format!(
            "call {}: sample rate {} Hz is outside Transcribe's PCM range 8000–48000 Hz",
            spec.call_id, spec.sample_rate
        )));
    }
    if !(1..=2).contains(&spec.channels.len()) {
        return Err(AsrError::Unsupported(format!(
            "call {}: {} channels; Transcribe streams carry one or two",
            spec.call_id,
            spec.channels.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_transcription::Speaker;

    fn spec(sample_rate: u32, channels: usize) -> StreamSpec {
        StreamSpec {
            call_id: "c9".into(),
            sample_rate,
            channels: vec![Speaker::Customer; channels],
            offset_ms: 0,
        }
    }

    #[test]
    fn specs_transcribe_cannot_take_are_refused_with_the_reason() {
        assert!(check_spec(&spec(8000, 2)).is_ok());
        assert!(check_spec(&spec(16000, 1)).is_ok());
        let Err(AsrError::Unsupported(why)) = check_spec(&spec(4000, 1)) else {
            panic!()
        };
        assert!(why.contains("c9") && why.contains("4000 Hz"), "{why}");
        let Err(AsrError::Unsupported(why)) = check_spec(&spec(8000, 3)) else {
            panic!()
        };
        assert!(why.contains("3 channels"), "{why}");
        assert!(check_spec(&spec(8000, 0)).is_err());
    }

    #[tokio::test]
    async fn an_unknown_language_code_is_refused_up_front() {
        let cfg = TranscribeConfig::new("us-east-1", "xx-NOPE");
        let Err(AsrError::Unsupported(why)) = TranscribeRecognizer::new(cfg).await else {
            panic!("expected Unsupported");
        };
        assert!(why.contains("xx-NOPE"), "{why}");
    }
}
