//! `asr.engine = "transcribe"` through the server: the real AWS SDK client talks to a local
//! server speaking Amazon Transcribe's streaming wire protocol (`transcribe_aws::fake`).

use std::time::Duration;

use serde_json::{Value, json};
use switchboard_e2e::{
    Backend, CallSocket, LiveFeed, Server, StagedCall, Start, lca_end, lca_start, unique_id,
};
use transcribe_aws::fake::{Exception, Failure, FakeTranscribe, Script, Utterance};

use super::{CALL, transcript};

/// A server whose calls go to `fake`, signing with static test credentials from the environment.
async fn server_for(fake: &FakeTranscribe) -> anyhow::Result<Server> {
    let mut opts = Start::sample(Backend::Sqlite);
    let env = [
        ("SWITCHBOARD_ASR__ENGINE", "transcribe".to_string()),
        ("SWITCHBOARD_ASR__TRANSCRIBE_ENDPOINT", fake.endpoint_url()),
        ("SWITCHBOARD_ASR__TRANSCRIBE_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "AKIDSWITCHBOARDTEST".into()),
        ("AWS_SECRET_ACCESS_KEY", "switchboard-test-secret".into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
    ];
    opts.extra_env = env.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    Server::start_with(opts).await
}

/// (speaker, text, start_ms, end_ms) of each stored segment.
fn segments_of(call: &Value) -> Vec<(String, String, u64, u64)> {
    transcript(call)
        .iter()
        .map(|s| {
            (
                s["speaker"].as_str().unwrap().into(),
                s["text"].as_str().unwrap().into(),
                s["start_ms"].as_u64().unwrap(),
                s["end_ms"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn said(speaker: &str, text: &str, start_ms: u64, end_ms: u64) -> (String, String, u64, u64) {
    (speaker.into(), text.into(), start_ms, end_ms)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcribe_finals_are_stored_per_channel_and_offset_on_reconnect() -> anyhow::Result<()> {
    let fake = FakeTranscribe::start(Script {
        utterances: vec![
            Utterance::new(1, 5, "Contoso Mobile, this is Emma.", 0.5, 2.25).with_confidence(0.9),
            Utterance::new(0, 10, "I'm travelling to Japan next week.", 4.75, 9.5),
            // Said when the audio ends.
            Utterance::new(1, usize::MAX, "Anything else?", 12.0, 13.0),
        ],
        ..Script::default()
    })
    .await?;
    let server = server_for(&fake).await?;
    let agent = server.token("agent").await?;
    let staged = StagedCall::load(CALL)?;
    let id = unique_id("aws");

    let mut socket = CallSocket::lca(&server, &agent).await?;
    socket.send_json(&lca_start(&id)).await?;
    socket.stream(&staged.lca_chunks(200), None).await?;
    socket.send_json(&lca_end(&id)).await?;
    assert_eq!(socket.closed().await?, (1000, "call ended".into()));
    let call = server.call(&agent, &id).await?;
    assert_eq!(call["status"], "completed", "{call}");
    let first = vec![
        said("agent", "Contoso Mobile, this is Emma.", 500, 2250),
        said("customer", "I'm travelling to Japan next week.", 4750, 9500),
        said("agent", "Anything else?", 12_000, 13_000),
    ];
    assert_eq!(segments_of(&call), first);
    assert!((transcript(&call)[0]["confidence"].as_f64().unwrap() - 0.9).abs() < 1e-6);

    // Post-call metrics, measured from those segments over the call's audio.
    let m = &call["metrics"];
    let duration = staged.duration_ms() as f64 / 1000.0;
    let close = |v: &Value, want: f64| (v.as_f64().unwrap() - want).abs() < 1e-3;
    assert!(close(&m["duration_s"], duration), "{m}");
    assert!(close(&m["talk_time_s"]["agent"], 2.75), "{m}");
    assert!(close(&m["talk_time_s"]["customer"], 4.75), "{m}");
    assert!(close(&m["talk_ratio"], 2.75 / 7.5), "{m}");
    assert!(close(&m["non_talk_s"], duration - 7.5), "{m}");
    let longest = [0.5, 2.5, 2.5, duration - 13.0]
        .into_iter()
        .fold(0.0, f64::max);
    assert!(close(&m["longest_silence_s"], longest), "{m}");
    assert_eq!(
        (&m["interruptions"], &m["overlap_s"]),
        (&json!([]), &json!(0.0))
    );
    // 7 agent words in 2.75 s, 6 customer words in 4.75 s.
    assert!(
        close(&m["words_per_minute"]["agent"], 7.0 * 60.0 / 2.75),
        "{m}"
    );
    assert!(
        close(&m["words_per_minute"]["customer"], 6.0 * 60.0 / 4.75),
        "{m}"
    );
    let quarters = m["sentiment_by_quarter"]["customer"].as_array().unwrap();
    assert_eq!(quarters.len(), 4);
    assert!(
        quarters.iter().any(|q| q.is_number()),
        "the customer's turn was scored: {m}"
    );

    // What Transcribe received: 8 kHz, two identified channels, the file's samples unchanged.
    let sessions = fake.sessions();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    let got = &sessions[0];
    assert_eq!(got.header("sample-rate"), Some("8000"));
    assert_eq!(got.header("number-of-channels"), Some("2"));
    assert_eq!(got.header("enable-channel-identification"), Some("true"));
    assert_eq!(got.header("media-encoding"), Some("pcm"));
    assert_eq!(got.header("language-code"), Some("en-US"));
    assert!(
        got.end_frame && got.faults.is_empty() && got.misaligned_events == 0,
        "{:?}",
        got.faults
    );
    assert!(
        got.signed_messages > 0,
        "audio events are SigV4-signed with the environment's credentials"
    );
    assert!(
        got.audio[0] == staged.channels[0],
        "channel 0 differs from the file's customer channel"
    );
    assert!(
        got.audio[1] == staged.channels[1],
        "channel 1 differs from the file's agent channel"
    );

    // The same callId again: a new Transcribe stream, its times moved by the audio before.
    let mut socket = CallSocket::lca(&server, &agent).await?;
    socket.send_json(&lca_start(&id)).await?;
    socket
        .stream(&staged.pcm_chunks(0, 10_000, 200), None)
        .await?;
    socket.send_json(&lca_end(&id)).await?;
    assert_eq!(socket.closed().await?.0, 1000);
    let call = server.call(&agent, &id).await?;
    let offset = staged.duration_ms();
    let mut expected = first.clone();
    expected.extend(
        first
            .iter()
            .map(|(who, text, s, e)| (who.clone(), text.clone(), s + offset, e + offset)),
    );
    assert_eq!(segments_of(&call), expected);
    assert_eq!(
        (&call["connections"], &call["audio_ms"]),
        (&2.into(), &(offset + 10_000).into())
    );
    let sessions = fake.sessions();
    assert_eq!(sessions.len(), 2);
    assert!(
        sessions[1].audio[0] == staged.channels[0][..80_000]
            && sessions[1].audio[1] == staged.channels[1][..80_000]
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transcribe_failure_mid_call_keeps_the_segments_before_it() -> anyhow::Result<()> {
    let fake = FakeTranscribe::start(Script {
        utterances: vec![
            Utterance::new(1, 3, "Contoso Mobile.", 0.5, 1.5),
            Utterance::new(0, 6, "Hi Emma.", 4.75, 5.5),
            Utterance::new(0, 1_000, "never said", 60.0, 61.0),
        ],
        fail: Some(Failure {
            after_events: 12,
            exception: Exception::InternalFailure,
            message: "fake outage".into(),
        }),
        ..Script::default()
    })
    .await?;
    let server = server_for(&fake).await?;
    let agent = server.token("agent").await?;
    let staged = StagedCall::load(CALL)?;
    let id = unique_id("aws-fail");

    let mut live = LiveFeed::connect(&server, &agent, &id).await?;
    let mut socket = CallSocket::lca(&server, &agent).await?;
    socket.send_json(&lca_start(&id)).await?;
    // Audio goes on, 4× faster than real time, until the server stops taking it (the whole
    // call at most: the fake fails after 1.2 s).
    let audio = staged.pcm_chunks(0, staged.duration_ms(), 200).into_iter();
    let close = socket
        .stream_until_closed(audio, Duration::from_millis(50))
        .await?;
    let (code, reason) = close.expect("the server closed the stream after Transcribe failed");
    assert_eq!(code, 1011, "{reason}");
    assert!(reason.contains("speech service failed"), "{reason}");

    let ended = live.until_ended().await?.pop().unwrap();
    assert_eq!(ended["status"], "incomplete", "{ended}");
    println!(
        "call_ended reason after the Transcribe failure: {}",
        ended["reason"]
    );
    let call = server.call(&agent, &id).await?;
    assert_eq!(call["status"], "incomplete", "{call}");
    assert_eq!(
        segments_of(&call),
        vec![
            said("agent", "Contoso Mobile.", 500, 1500),
            said("customer", "Hi Emma.", 4750, 5500)
        ]
    );
    Ok(())
}
