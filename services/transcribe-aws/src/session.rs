//! One call's conversation with Transcribe: start (retrying throttles), then results until the end.

use std::sync::Arc;

use aws_sdk_transcribestreaming::Client;
use aws_sdk_transcribestreaming::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_transcribestreaming::operation::start_stream_transcription::StartStreamTranscriptionOutput;
use aws_sdk_transcribestreaming::primitives::Blob;
use aws_sdk_transcribestreaming::primitives::event_stream::EventStreamSender;
use aws_sdk_transcribestreaming::types::{
    AudioEvent, AudioStream, MediaEncoding, PartialResultsStability, TranscriptResultStream,
};
use backon::{ExponentialBuilder, Retryable};
use futures::StreamExt;
use switchboard_transcription::{AsrError, StreamSpec, TranscriptEvent};
use tokio::sync::{Mutex, mpsc};
use tokio_util::sync::CancellationToken;

use crate::audio::{AudioSource, SourceState, attempt_stream};
use crate::recognizer::Settings;
use crate::results::to_event;

/// How long the end of a call waits for the audio source to notice the cancellation.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Everything one call's background task owns.
pub(crate) struct Call {
    pub(crate) client: Client,
    pub(crate) settings: Arc<Settings>,
    pub(crate) spec: StreamSpec,
    pub(crate) source: Arc<Mutex<AudioSource>>,
    pub(crate) state: Arc<SourceState>,
    pub(crate) events: mpsc::Sender<TranscriptEvent>,
    pub(crate) cancel: CancellationToken,
}

/// Why a start attempt failed, and whether waiting could help.
#[derive(Debug)]
struct StartError {
    throttled: bool,
    message: String,
}

impl Call {
    /// Runs the call to its end; the events channel closes when this returns.
    pub(crate) async fn run(self) {
        let failure = self.stream().await;
        // Stop feeding audio to a request that may outlive us inside the HTTP client, and refuse
        // more, so a caller still pushing is told instead of left waiting on a full buffer.
        self.cancel.cancel();
        match tokio::time::timeout(CLOSE_WAIT, self.source.lock()).await {
            Ok(mut source) => source.close(),
            Err(_) => {
                tracing::warn!(call_id = %self.spec.call_id, "audio source still busy after cancel")
            }
        }
        let failure = failure.or_else(|| {
            self.state
                .invalid()
                .map(|why| AsrError::Unsupported(why.to_owned()))
        });
        if let Some(error) = failure {
            tracing::warn!(call_id = %self.spec.call_id, %error, "Transcribe stream failed");
            let _ = self.events.send(TranscriptEvent::Failed(error)).await;
        }
    }

    /// Forwards results until Transcribe closes the stream; returns what went wrong, if anything.
    async fn stream(&self) -> Option<AsrError> {
        let output = match self.start().await {
            Ok(output) => output,
            Err(e) if e.throttled => return Some(AsrError::Throttled(e.message)),
            Err(e) => return Some(AsrError::Service(e.message)),
        };
        let mut results = output.transcript_result_stream;
        loop {
            match results.recv().await {
                Ok(Some(TranscriptResultStream::TranscriptEvent(event))) => {
                    let Some(transcript) = event.transcript() else {
                        continue;
                    };
                    for result in transcript.results() {
                        let Some(event) = to_event(result, &self.spec) else {
                            continue;
                        };
                        if self.events.send(event).await.is_err() {
                            return None; // nobody listens any more
                        }
                    }
                }
                Ok(Some(other)) => tracing::debug!(?other, "ignoring unknown Transcribe event"),
                Ok(None) => return None,
                Err(err) => {
                    return Some(AsrError::Service(self.describe("transcript stream", &err)));
                }
            }
        }
    }

    /// Starts the stream, waiting and retrying while Transcribe says the account is at its limit.
    async fn start(&self) -> Result<StartStreamTranscriptionOutput, StartError> {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.settings.throttle_backoff)
            .with_max_times(self.settings.throttle_retries)
            .with_jitter();
        (|| self.start_once())
            .retry(backoff)
            .when(|e: &StartError| e.throttled)
            .notify(|e: &StartError, wait| {
                tracing::info!(call_id = %self.spec.call_id, ?wait, error = %e.message, "Transcribe throttled the start; retrying");
            })
            .await
    }

    async fn start_once(&self) -> Result<StartStreamTranscriptionOutput, StartError> {
        let audio = attempt_stream(self.source.clone(), self.state.next_attempt()).map(|pcm| {
            Ok(AudioStream::AudioEvent(
                AudioEvent::builder().audio_chunk(Blob::new(pcm)).build(),
            ))
        });
        let sample_rate = i32::try_from(self.spec.sample_rate).unwrap_or(i32::MAX);
        let mut request = self
            .client
            .start_stream_transcription()
            .language_code(self.settings.language.clone())
            .media_encoding(MediaEncoding::Pcm)
            .media_sample_rate_hertz(sample_rate)
            .enable_partial_results_stabilization(true)
            .partial_results_stability(PartialResultsStability::High)
            .audio_stream(EventStreamSender::from(audio));
        if self.spec.channels.len() > 1 {
            let channels = i32::try_from(self.spec.channels.len()).unwrap_or(2);
            request = request
                .enable_channel_identification(true)
                .number_of_channels(channels);
        }
        match request.send().await {
            Ok(output) => {
                self.state.confirm();
                Ok(output)
            }
            Err(err) => {
                let status = err.raw_response().map(|raw| raw.status().as_u16());
                let throttled = status == Some(429)
                    || matches!(
                        err.code(),
                        Some(
                            "LimitExceededException"
                                | "ThrottlingException"
                                | "TooManyRequestsException"
                        )
                    );
                Err(StartError {
                    throttled,
                    message: self.describe("StartStreamTranscription", &err),
                })
            }
        }
    }

    /// `call X: <what>: <code>: <message>`, or the SDK's full error chain when there is no code.
    fn describe<E, R>(&self, what: &str, err: &SdkError<E, R>) -> String
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let call = &self.spec.call_id;
        match (err.code(), err.message()) {
            (Some(code), Some(message)) => format!("call {call}: {what}: {code}: {message}"),
            (Some(code), None) => format!("call {call}: {what}: {code}"),
            _ => format!("call {call}: {what}: {}", DisplayErrorContext(err)),
        }
    }
}
