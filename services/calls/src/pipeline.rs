//! One call's transcription under supervision: audio from the connection to the recognizer, its
//! events to the sink, and a fault in either caught at the call's boundary. A recognizer stream
//! that dies mid-call (a panic in the VAD, the resampler, a decoder) is replaced by a new one that
//! starts at the audio that follows; a sink that panics on an event loses that event, not the
//! call. Either way supervisors see a `CallDegraded` event and `/metrics` counts the fault.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt;
use switchboard_transcription::{
    AudioChunk, Recognizer, RecognizerStream, StreamSpec, TranscriptEvent, panic_message,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::sink::{Sink, SinkReport};

/// Recognizer restarts allowed per connection: faults that recur this often are not transient,
/// and the call ends `incomplete` with the reason instead of looping.
pub(crate) const MAX_RESTARTS: u32 = 5;

/// The connection's end of a running pipeline.
pub(crate) struct Pipeline {
    /// PCM in; dropping it ends the call's transcription (what is in flight is finished first).
    pub audio: mpsc::Sender<AudioChunk>,
    /// The sink's report, once the last final is stored.
    pub done: JoinHandle<SinkReport>,
}

/// Starts supervising `stream`, opened by `recognizer` for `spec`.
pub(crate) fn spawn(
    recognizer: Arc<dyn Recognizer>,
    spec: StreamSpec,
    stream: RecognizerStream,
    sink: Sink,
) -> Pipeline {
    // Small: the recognizer's own queue does the buffering; this one only hands over.
    let (audio, input) = mpsc::channel(2);
    let supervisor = Supervisor {
        recognizer,
        spec,
        audio: Some(stream.audio),
        events: stream.events,
        sink,
        frames: 0,
        restarts: 0,
        gave_up: false,
        stopped: false,
    };
    Pipeline {
        audio,
        done: tokio::spawn(supervisor.run(input)),
    }
}

struct Supervisor {
    recognizer: Arc<dyn Recognizer>,
    /// The spec of the first stream; restarts move its offset on.
    spec: StreamSpec,
    /// The current stream's audio side; `None` once the connection's audio has ended.
    audio: Option<mpsc::Sender<AudioChunk>>,
    events: mpsc::Receiver<TranscriptEvent>,
    sink: Sink,
    /// Frames handed to recognizers on this connection.
    frames: u64,
    restarts: u32,
    /// The engine reported that it gave up on the call (`Failed`): no restart.
    gave_up: bool,
    /// The current stream stopped taking audio; its events are read to the end first.
    stopped: bool,
}

impl Supervisor {
    async fn run(mut self, mut input: mpsc::Receiver<AudioChunk>) -> SinkReport {
        let mut pending: Option<AudioChunk> = None;
        loop {
            // An owned reservation: the handlers below may replace the stream it belongs to.
            let audio = self.audio.clone();
            let to_recognizer = async move {
                match audio {
                    Some(audio) => audio.reserve_owned().await.ok(),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                event = self.events.recv() => match event {
                    Some(event) => self.handle(event).await,
                    None if self.audio.is_some() && !self.gave_up => {
                        self.stopped = false;
                        if !self.restart("recognizer", "the recognizer stopped unexpectedly") {
                            break;
                        }
                    }
                    None => break,
                },
                permit = to_recognizer, if pending.is_some() && !self.stopped => match permit {
                    Some(permit) => {
                        let chunk = pending.take().expect("a chunk is pending");
                        self.frames += chunk.frames() as u64;
                        permit.send(chunk);
                    }
                    // Its audio side is gone: read what its events still hold until they close
                    // too; the pending chunk goes to the stream that replaces it.
                    None => self.stopped = true,
                },
                chunk = input.recv(), if pending.is_none() && self.audio.is_some() => match chunk {
                    Some(chunk) => pending = Some(chunk),
                    None => self.audio = None,
                },
            }
        }
        self.sink.report
    }

    /// Passes one event to the sink; a panic there costs the event, not the call.
    async fn handle(&mut self, event: TranscriptEvent) {
        self.gave_up |= matches!(event, TranscriptEvent::Failed(_));
        if let Err(panic) = AssertUnwindSafe(self.sink.handle(event))
            .catch_unwind()
            .await
        {
            let at = self.position_ms();
            self.sink.degraded(
                "sink",
                &format!(
                    "handling an event panicked: {}",
                    panic_message(panic.as_ref())
                ),
                at,
            );
        }
    }

    /// Call time of the next audio a recognizer will get.
    fn position_ms(&self) -> u64 {
        self.spec.offset_ms + self.frames * 1000 / u64::from(self.spec.sample_rate)
    }

    /// Replaces a dead recognizer stream with one that starts at the audio that follows; false
    /// when the call cannot be transcribed any further.
    fn restart(&mut self, stage: &str, reason: &str) -> bool {
        let resumed_at_ms = self.position_ms();
        self.sink.degraded(stage, reason, resumed_at_ms);
        if self.restarts >= MAX_RESTARTS {
            self.sink.report.failures.push(format!(
                "transcription stopped after {MAX_RESTARTS} restarts: {reason}"
            ));
            return false;
        }
        self.restarts += 1;
        metrics::counter!("switchboard_call_restarts_total", "stage" => stage.to_string())
            .increment(1);
        let spec = StreamSpec {
            offset_ms: resumed_at_ms,
            ..self.spec.clone()
        };
        match self.recognizer.open(spec) {
            Ok(stream) => {
                self.audio = Some(stream.audio);
                self.events = stream.events;
                true
            }
            Err(error) => {
                self.sink
                    .report
                    .failures
                    .push(format!("could not restart transcription: {error}"));
                false
            }
        }
    }
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
