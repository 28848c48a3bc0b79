//! Faults injected into a call's stages, against a real SQLite store and the in-process bus.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use switchboard_audio::{AudioFormat, Encoding};
use switchboard_events::{Event, EventBus, InProcessBus, Received};
use switchboard_storage::Store;
use switchboard_transcription::{
    AsrError, AudioChunk, Recognizer, RecognizerStream, Segment, Speaker, StreamSpec,
    TranscriptEvent,
};
use tokio::sync::mpsc;

use super::MAX_RESTARTS;
use crate::{CallLimits, CallService, CallStart, Outcome, Source};

/// A recognizer whose stage panics on chunk `panic_at` of the streams it opens while
/// `faulty_opens` lasts; otherwise it hears each chunk as one segment naming its stream.
struct Faulty {
    opens: AtomicUsize,
    faulty_opens: usize,
    panic_at: usize,
}

impl Recognizer for Faulty {
    fn open(&self, spec: StreamSpec) -> Result<RecognizerStream, AsrError> {
        let stream = self.opens.fetch_add(1, Ordering::SeqCst);
        let panic_at = (stream < self.faulty_opens).then_some(self.panic_at);
        let (audio, mut chunks) = mpsc::channel::<AudioChunk>(16);
        let (events_tx, events) = mpsc::channel(16);
        tokio::spawn(async move {
            let (mut at_ms, mut i) = (spec.offset_ms, 0);
            while let Some(chunk) = chunks.recv().await {
                assert_ne!(
                    Some(i),
                    panic_at,
                    "injected fault: input frame should be in the range [-1, 1]"
                );
                let ms = chunk.frames() as u64 * 1000 / u64::from(spec.sample_rate);
                let text = format!("stream {stream} chunk {i}");
                let segment = Segment {
                    channel: 0,
                    speaker: Speaker::Customer,
                    start_ms: at_ms,
                    end_ms: at_ms + ms,
                    text,
                    confidence: 0.9,
                };
                let _ = events_tx.send(TranscriptEvent::Final(segment)).await;
                if i == 1 {
                    // A decode that failed: reported, and the stream goes on.
                    let reason = "an utterance could not be transcribed".into();
                    let _ = events_tx
                        .send(TranscriptEvent::Degraded {
                            stage: "decoder",
                            reason,
                            at_ms: at_ms + ms,
                        })
                        .await;
                }
                (at_ms, i) = (at_ms + ms, i + 1);
            }
        });
        Ok(RecognizerStream { audio, events })
    }

    fn name(&self) -> &'static str {
        "faulty"
    }
}

async fn service(recognizer: Faulty) -> (CallService, Store, Arc<InProcessBus>) {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    let bus = Arc::new(InProcessBus::new(1024));
    let service = CallService::new(
        store.clone(),
        bus.clone(),
        Arc::new(recognizer),
        Arc::new(crate::NoStages),
        CallLimits::default(),
    );
    (service, store, bus)
}

fn start(call_id: &str) -> CallStart {
    CallStart {
        call_id: call_id.into(),
        source: Source::Lca,
        from_number: None,
        to_number: None,
        agent_id: None,
        queue: None,
        format: AudioFormat::new(Encoding::Pcm16Le, 8000, 1).unwrap(),
        roles: vec![Speaker::Customer],
    }
}

/// 100 ms of mono 8 kHz PCM16.
const CHUNK: [u8; 1600] = [0; 1600];

#[tokio::test]
async fn a_stage_that_panics_mid_call_costs_a_moment_of_audio_not_the_call() {
    let (service, store, bus) = service(Faulty {
        opens: AtomicUsize::new(0),
        faulty_opens: 1,
        panic_at: 3,
    })
    .await;
    let mut events = bus.subscribe();
    let mut session = service.start(start("c1")).await.unwrap();
    for _ in 0..10 {
        session
            .push_interleaved(&CHUNK)
            .await
            .expect("audio is taken all along");
    }
    let summary = session.finish(Outcome::Completed).await.unwrap();
    assert_eq!(
        (summary.status.as_str(), summary.audio_ms),
        ("completed", 1000),
        "{summary:?}"
    );

    let mut degraded = Vec::new();
    loop {
        match events.recv().await {
            Received::Event(Event::CallDegraded {
                stage,
                resumed_at_ms,
                ..
            }) => degraded.push((stage, resumed_at_ms)),
            Received::Event(Event::CallEnded { .. }) => break,
            Received::Event(_) => continue,
            other => panic!("the bus ended before the call did: {other:?}"),
        }
    }
    let restart = degraded
        .iter()
        .find(|(stage, _)| stage == "recognizer")
        .expect("the restart was published")
        .1;
    assert!(
        (400..1000).contains(&restart),
        "resumed after the chunk that panicked: {degraded:?}"
    );
    assert!(
        degraded.iter().any(|(stage, _)| stage == "decoder"),
        "the failed decode was published: {degraded:?}"
    );

    // The first stream's segments up to the fault, then the new stream's from where it resumed
    // to the end of the call.
    let segments = store.call_segments("c1").await.unwrap();
    let texts: Vec<&str> = segments.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts[..3],
        ["stream 0 chunk 0", "stream 0 chunk 1", "stream 0 chunk 2"],
        "{texts:?}"
    );
    let resumed: Vec<_> = segments
        .iter()
        .filter(|s| s.text.starts_with("stream 1"))
        .collect();
    assert_eq!(
        resumed.first().map(|s| s.start_ms),
        Some(restart),
        "{texts:?}"
    );
    assert_eq!(resumed.last().map(|s| s.end_ms), Some(1000), "{texts:?}");
    assert_eq!(store.get_call("c1").await.unwrap().status, "completed");
}

#[tokio::test]
async fn a_fault_that_keeps_coming_back_ends_the_call_incomplete_with_the_reason() {
    let (service, store, bus) = service(Faulty {
        opens: AtomicUsize::new(0),
        faulty_opens: usize::MAX,
        panic_at: 0,
    })
    .await;
    let mut events = bus.subscribe();
    let mut session = service.start(start("c2")).await.unwrap();
    let mut refused = None;
    for _ in 0..100 {
        if let Err(error) = session.push_interleaved(&CHUNK).await {
            refused = Some(error.to_string());
            break;
        }
    }
    let refused = refused.expect("the call stops taking audio once restarts run out");
    assert!(refused.contains("the recognizer stopped"), "{refused}");
    let summary = session.finish(Outcome::Incomplete(refused)).await.unwrap();
    assert_eq!(summary.status, "incomplete");
    let call = store.get_call("c2").await.unwrap();
    assert_eq!(call.status, "incomplete");
    assert!(store.call_segments("c2").await.unwrap().is_empty());
    let reason = loop {
        match events.recv().await {
            Received::Event(Event::CallEnded { reason, .. }) => break reason.unwrap_or_default(),
            Received::Event(_) => continue,
            other => panic!("the bus ended before the call did: {other:?}"),
        }
    };
    assert!(
        reason.contains(&format!(
            "transcription stopped after {MAX_RESTARTS} restarts"
        )),
        "{reason}"
    );
}
