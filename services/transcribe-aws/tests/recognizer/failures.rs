//! Calls that go wrong: service exceptions, throttling, malformed audio.

use crate::common::{
    EVENT_FRAMES, collect, customer_and_agent, recognizer, samples, spec, stereo_chunks,
};
use switchboard_transcription::{AsrError, AudioChunk, Recognizer, Speaker, TranscriptEvent};
use transcribe_aws::fake::{Exception, Failure, FakeTranscribe, Script, Utterance};

#[tokio::test]
async fn an_error_mid_stream_keeps_earlier_finals_then_fails_and_closes() {
    let fake = FakeTranscribe::start(Script {
        utterances: vec![
            Utterance::new(0, 1, "my account number is", 0.0, 1.5),
            Utterance::new(1, 9, "never said", 5.0, 6.0),
        ],
        fail: Some(Failure {
            after_events: 3,
            exception: Exception::BadRequest,
            message: "Your stream is too big".into(),
        }),
        ..Script::default()
    })
    .await
    .unwrap();
    let mut stream = recognizer(&fake, 0)
        .await
        .open(spec(customer_and_agent(), 0))
        .unwrap();
    for chunk in stereo_chunks(&[EVENT_FRAMES; 5]) {
        stream.audio.send(chunk).await.unwrap();
    }
    // The audio sender stays alive: the failure alone must end the events.
    let events = collect(&mut stream.events).await;
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(matches!(&events[0], TranscriptEvent::Partial(p) if p.speaker == Speaker::Customer));
    assert!(matches!(&events[1], TranscriptEvent::Final(s) if s.text == "my account number is"));
    let TranscriptEvent::Failed(AsrError::Service(why)) = &events[2] else {
        panic!("{events:?}")
    };
    assert!(
        why.contains("BadRequestException") && why.contains("Your stream is too big"),
        "{why}"
    );
    assert!(why.contains("call-42"), "{why}");
    assert!(
        stream
            .audio
            .send(stereo_chunks(&[1]).remove(0))
            .await
            .is_err(),
        "audio refused after failure"
    );
}

#[tokio::test]
async fn a_throttled_start_is_retried_and_no_audio_is_lost() {
    let fake = FakeTranscribe::start(Script {
        throttle_starts: 2,
        utterances: vec![Utterance::new(0, 2, "hello again", 0.0, 1.0)],
        ..Script::default()
    })
    .await
    .unwrap();
    let mut stream = recognizer(&fake, 3)
        .await
        .open(spec(customer_and_agent(), 0))
        .unwrap();
    let sizes = [EVENT_FRAMES; 4];
    for chunk in stereo_chunks(&sizes) {
        stream.audio.send(chunk).await.unwrap();
    }
    drop(stream.audio);
    let events = collect(&mut stream.events).await;
    assert!(
        matches!(events.as_slice(), [TranscriptEvent::Partial(_), TranscriptEvent::Final(s)] if s.text == "hello again"),
        "{events:?}"
    );

    let sessions = fake.sessions();
    let throttled: Vec<bool> = sessions.iter().map(|s| s.throttled).collect();
    assert_eq!(throttled, vec![true, true, false]);
    let total = sizes.iter().sum();
    assert_eq!(
        sessions[2].audio,
        vec![samples(0, 0, total), samples(1, 0, total)]
    );
}

#[tokio::test]
async fn a_start_throttled_every_time_ends_in_throttled() {
    let fake = FakeTranscribe::start(Script {
        throttle_starts: usize::MAX,
        ..Script::default()
    })
    .await
    .unwrap();
    let mut stream = recognizer(&fake, 2)
        .await
        .open(spec(customer_and_agent(), 0))
        .unwrap();
    stream
        .audio
        .send(stereo_chunks(&[EVENT_FRAMES]).remove(0))
        .await
        .unwrap();
    let events = collect(&mut stream.events).await;
    let [TranscriptEvent::Failed(AsrError::Throttled(why))] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert!(
        why.contains("LimitExceededException") && why.contains("concurrent streams"),
        "{why}"
    );
    assert_eq!(fake.sessions().len(), 3, "the first start and two retries");
    assert!(
        stream
            .audio
            .send(stereo_chunks(&[1]).remove(0))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_malformed_chunk_ends_the_audio_delivers_what_was_heard_then_fails() {
    let fake = FakeTranscribe::start(Script {
        utterances: vec![Utterance::new(0, 1, "one moment", 0.0, 1.0)],
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
    stream
        .audio
        .send(AudioChunk {
            channels: vec![samples(0, 0, 10)],
        })
        .await
        .unwrap();
    let events = collect(&mut stream.events).await;
    assert!(
        matches!(&events[..], [TranscriptEvent::Partial(_), TranscriptEvent::Final(_), TranscriptEvent::Failed(AsrError::Unsupported(why))] if why.contains("1 channels")),
        "{events:?}"
    );
    assert!(
        fake.sessions()[0].end_frame,
        "the audio still ended cleanly"
    );
}
