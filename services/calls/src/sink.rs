//! The sink of a call: finals stored with the call, every event published on the bus.

use std::sync::Arc;

use switchboard_events::{Event, EventBus};
use switchboard_storage::{NewCallSegment, Store};
use switchboard_transcription::TranscriptEvent;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// What the sink saw by the time the recognizer closed.
#[derive(Debug, Default)]
pub struct SinkReport {
    pub segments: u32,
    /// Recognition or storage failures, for the call's end reason.
    pub failures: Vec<String>,
}

/// Starts draining a recognizer's events for one call.
pub fn spawn(store: Store, bus: Arc<dyn EventBus>, call_id: String, mut events: mpsc::Receiver<TranscriptEvent>) -> JoinHandle<SinkReport> {
    tokio::spawn(async move {
        let mut report = SinkReport::default();
        while let Some(event) = events.recv().await {
            match event {
                TranscriptEvent::Final(segment) => {
                    let new = NewCallSegment {
                        channel: segment.channel as u32,
                        speaker: segment.speaker.as_str().into(),
                        start_ms: segment.start_ms,
                        end_ms: segment.end_ms,
                        text: segment.text.clone(),
                        confidence: segment.confidence.clamp(0.0, 1.0),
                    };
                    match store.append_call_segment(&call_id, &new).await {
                        Ok(seq) => {
                            report.segments += 1;
                            metrics::counter!("switchboard_call_segments_total", "speaker" => segment.speaker.as_str()).increment(1);
                            bus.publish(Event::CallSegment {
                                call_id: call_id.clone(),
                                seq,
                                channel: new.channel,
                                speaker: new.speaker,
                                start_ms: new.start_ms,
                                end_ms: new.end_ms,
                                text: new.text,
                                confidence: new.confidence,
                            });
                        }
                        Err(error) => {
                            tracing::error!(call = %call_id, %error, "could not store a transcript segment");
                            report.failures.push(format!("storing a segment failed: {error}"));
                        }
                    }
                }
                TranscriptEvent::Partial(p) => bus.publish(Event::CallPartial {
                    call_id: call_id.clone(),
                    channel: p.channel as u32,
                    speaker: p.speaker.as_str().into(),
                    start_ms: p.start_ms,
                    stable: p.stable,
                    unstable: p.unstable,
                }),
                TranscriptEvent::Lagging { behind_ms } => {
                    tracing::warn!(call = %call_id, behind_ms, "transcription is behind real time");
                    metrics::counter!("switchboard_call_lagging_total").increment(1);
                    bus.publish(Event::CallLagging { call_id: call_id.clone(), behind_ms });
                }
                TranscriptEvent::Failed(error) => {
                    tracing::warn!(call = %call_id, %error, "speech recognition failed");
                    report.failures.push(error.to_string());
                }
            }
        }
        report
    })
}
