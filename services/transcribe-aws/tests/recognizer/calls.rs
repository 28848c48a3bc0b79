//! Calls that go well: what the client sends and what comes back.

use crate::common::{
    EVENT_FRAMES, collect, customer_and_agent, recognizer, samples, spec, stereo_chunks,
};
use switchboard_transcription::{
    AudioChunk, Partial, Recognizer, Segment, Speaker, TranscriptEvent,
};
use transcribe_aws::fake::{FakeTranscribe, Script, Utterance};

/// Takes each final's confidence out (set to 0) so the rest compares exactly.
fn take_confidences(events: &mut [TranscriptEvent]) -> Vec<f32> {
    let mut taken = Vec::new();
    for event in events {
        if let TranscriptEvent::Final(segment) = event {
            taken.push(segment.confidence);
            segment.confidence = 0.0;
        }
    }
    taken
}

#[tokio::test]
async fn a_stereo_call_yields_partials_then_finals_per_speaker_with_call_times() {
    let fake = FakeTranscribe::start(Script {
        utterances: vec![
            Utterance::new(0, 2, "I need help with my bill.", 0.5, 2.0).with_confidence(0.9),
            Utterance::new(1, 4, "Sure, let me check.", 2.5, 4.0).with_confidence(0.8),
        ],
        ..Script::default()
    })
    .await
    .unwrap();
    let engine = recognizer(&fake, 0).await;
    assert_eq!(engine.name(), "transcribe");
    let mut stream = engine.open(spec(customer_and_agent(), 90_000)).unwrap();
    for chunk in stereo_chunks(&[EVENT_FRAMES; 6]) {
        stream.audio.send(chunk).await.unwrap();
    }
    drop(stream.audio);
    let mut events = collect(&mut stream.events).await;
    let confidences = take_confidences(&mut events);
    assert_eq!(confidences.len(), 2);
    assert!(
        (confidences[0] - 0.9).abs() < 1e-5 && (confidences[1] - 0.8).abs() < 1e-5,
        "{confidences:?}"
    );

    let expected = vec![
        TranscriptEvent::Partial(Partial {
            channel: 0,
            speaker: Speaker::Customer,
            start_ms: 90_500,
            stable: "I need help".into(),
            unstable: "with my bill.".into(),
        }),
        TranscriptEvent::Final(Segment {
            channel: 0,
            speaker: Speaker::Customer,
            start_ms: 90_500,
            end_ms: 92_000,
            text: "I need help with my bill.".into(),
            confidence: 0.0,
        }),
        TranscriptEvent::Partial(Partial {
            channel: 1,
            speaker: Speaker::Agent,
            start_ms: 92_500,
            stable: "Sure, let".into(),
            unstable: "me check.".into(),
        }),
        TranscriptEvent::Final(Segment {
            channel: 1,
            speaker: Speaker::Agent,
            start_ms: 92_500,
            end_ms: 94_000,
            text: "Sure, let me check.".into(),
            confidence: 0.0,
        }),
    ];
    assert_eq!(events, expected);

    let sessions = fake.sessions();
    assert_eq!(sessions.len(), 1);
    let sent = &sessions[0];
    assert_eq!(sent.header("sample-rate"), Some("8000"));
    assert_eq!(sent.header("media-encoding"), Some("pcm"));
    assert_eq!(sent.header("language-code"), Some("en-US"));
    assert_eq!(sent.header("enable-channel-identification"), Some("true"));
    assert_eq!(sent.header("number-of-channels"), Some("2"));
    assert_eq!(
        sent.header("enable-partial-results-stabilization"),
        Some("true")
    );
    assert_eq!(sent.header("partial-results-stability"), Some("high"));
    assert_eq!(sent.audio_events, 6);
    assert!(
        sent.end_frame,
        "the SDK closes the audio with the empty end frame"
    );
    assert_eq!(
        sent.signed_messages, 7,
        "six signed audio events and the signed end frame"
    );
    assert_eq!(sent.faults, Vec::<String>::new());
}

#[tokio::test]
async fn final_confidence_is_the_mean_of_word_confidences() {
    let fake = FakeTranscribe::start(Script {
        utterances: vec![Utterance::new(1, 1, "thank you", 0.0, 1.0).with_confidence(0.75)],
        ..Script::default()
    })
    .await
    .unwrap();
    let mut stream = recognizer(&fake, 0)
        .await
        .open(spec(customer_and_agent(), 0))
        .unwrap();
    stream
        .audio
        .send(stereo_chunks(&[EVENT_FRAMES]).remove(0))
        .await
        .unwrap();
    drop(stream.audio);
    let events = collect(&mut stream.events).await;
    let Some(TranscriptEvent::Final(segment)) = events.last() else {
        panic!("{events:?}")
    };
    assert!(
        (segment.confidence - 0.75).abs() < 1e-6,
        "{}",
        segment.confidence
    );
}

#[tokio::test]
async fn audio_arrives_de_interleaved_per_channel_intact_in_events_of_at_most_100_ms() {
    let fake = FakeTranscribe::start(Script::default()).await.unwrap();
    let mut stream = recognizer(&fake, 0)
        .await
        .open(spec(customer_and_agent(), 0))
        .unwrap();
    let sizes = [37, 2_000, 5, 800, 1, 799, 160];
    for chunk in stereo_chunks(&sizes) {
        stream.audio.send(chunk).await.unwrap();
    }
    drop(stream.audio);
    assert_eq!(collect(&mut stream.events).await, vec![]);

    let total: usize = sizes.iter().sum();
    let sessions = fake.sessions();
    let sent = &sessions[0];
    assert_eq!(sent.audio.len(), 2);
    assert_eq!(
        sent.audio[0],
        samples(0, 0, total),
        "customer channel intact"
    );
    assert_eq!(sent.audio[1], samples(1, 0, total), "agent channel intact");
    assert_eq!(
        sent.misaligned_events, 0,
        "every event holds whole stereo frames"
    );
    assert!(
        sent.largest_event_bytes <= EVENT_FRAMES * 2 * 2,
        "{}",
        sent.largest_event_bytes
    );
    assert!(sent.end_frame);
}

#[tokio::test]
async fn a_mono_stream_asks_for_no_channel_identification_and_maps_to_its_speaker() {
    let fake = FakeTranscribe::start(Script {
        utterances: vec![Utterance::new(0, 1, "hello", 0.2, 0.6)],
        ..Script::default()
    })
    .await
    .unwrap();
    let mut stream = recognizer(&fake, 0)
        .await
        .open(spec(vec![Speaker::Agent], 0))
        .unwrap();
    stream
        .audio
        .send(AudioChunk {
            channels: vec![samples(0, 0, 400)],
        })
        .await
        .unwrap();
    drop(stream.audio);
    let events = collect(&mut stream.events).await;
    let Some(TranscriptEvent::Final(segment)) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!(
        (segment.channel, &segment.speaker, segment.text.as_str()),
        (0, &Speaker::Agent, "hello")
    );
    assert_eq!(segment.confidence, 1.0, "no confidences given");
    let sent = &fake.sessions()[0];
    assert_eq!(sent.header("enable-channel-identification"), None);
    assert_eq!(sent.header("number-of-channels"), None);
    assert_eq!(sent.audio, vec![samples(0, 0, 400)]);
}
