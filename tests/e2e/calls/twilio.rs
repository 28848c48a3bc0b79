//! Twilio Media Streams: the staged call as μ-law tracks (inbound customer, outbound agent).

use audio_codec_algorithms::encode_ulaw;
use base64::Engine as _;
use serde_json::{Value, json};
use switchboard_e2e::{Backend, CallSocket, Server, StagedCall, TEST_AGENT, unique_id};

use super::{
    CALL, assert_seq_contiguous, assert_speakers_match_script, assert_wer_per_speaker, transcript,
};

/// Samples per 20 ms media message at 8 kHz.
const MEDIA_SAMPLES: usize = 160;

fn start(stream_sid: &str, call_sid: &str, tracks: &[&str], params: Value) -> Value {
    json!({
        "event": "start", "sequenceNumber": "1", "streamSid": stream_sid,
        "start": {
            "accountSid": "AC0000", "streamSid": stream_sid, "callSid": call_sid, "tracks": tracks,
            "customParameters": params,
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
        },
    })
}

fn media(stream_sid: &str, seq: usize, track: &str, chunk: usize, samples: &[i16]) -> Value {
    let ulaw: Vec<u8> = samples.iter().map(|&s| encode_ulaw(s)).collect();
    json!({
        "event": "media", "sequenceNumber": seq.to_string(), "streamSid": stream_sid,
        "media": {
            "track": track, "chunk": chunk.to_string(), "timestamp": (chunk * 20).to_string(),
            "payload": base64::engine::general_purpose::STANDARD.encode(ulaw),
        },
    })
}

fn stop(stream_sid: &str, call_sid: &str) -> Value {
    json!({"event": "stop", "sequenceNumber": "99999", "streamSid": stream_sid, "stop": {"accountSid": "AC0000", "callSid": call_sid}})
}

/// Streams `channels` (customer, agent) from `connected` to `stop`, tracks interleaved per 20 ms; returns the close.
pub(super) async fn stream_call(
    socket: &mut CallSocket,
    channels: &[Vec<i16>],
    stream_sid: &str,
    call_sid: &str,
    params: Value,
) -> anyhow::Result<(u16, String)> {
    socket
        .send_json(&json!({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        .await?;
    socket
        .send_json(&start(
            stream_sid,
            call_sid,
            &["inbound", "outbound"],
            params,
        ))
        .await?;
    let (inbound, outbound) = (
        channels[0].chunks(MEDIA_SAMPLES),
        channels[1].chunks(MEDIA_SAMPLES),
    );
    let mut seq = 2;
    for (chunk, (customer, agent)) in inbound.zip(outbound).enumerate() {
        socket
            .send_json(&media(stream_sid, seq, "inbound", chunk, customer))
            .await?;
        socket
            .send_json(&media(stream_sid, seq + 1, "outbound", chunk, agent))
            .await?;
        seq += 2;
    }
    socket.send_json(&stop(stream_sid, call_sid)).await?;
    socket.closed().await
}

/// A stream whose `start` carries `params` and no URL token; returns the close.
async fn start_without_url_token(
    server: &Server,
    call_sid: &str,
    params: Value,
) -> anyhow::Result<(u16, String)> {
    let mut socket = CallSocket::twilio(server, None).await?;
    socket
        .send_json(&json!({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        .await?;
    socket
        .send_json(&start("MZ3", call_sid, &["inbound", "outbound"], params))
        .await?;
    socket.closed().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_twilio_media_stream_is_transcribed_per_track() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let agent = server.token("agent").await?;
    let staged = StagedCall::load(CALL)?;

    let call_sid = unique_id("CA");
    let mut socket = CallSocket::twilio(&server, Some(&agent)).await?;
    let params = json!({"agentId": TEST_AGENT, "from": "+15550111", "to": "+15550122"});
    assert_eq!(
        stream_call(&mut socket, &staged.channels, "MZ1", &call_sid, params).await?,
        (1000, "stream stopped".into())
    );
    let call = server.call(&agent, &call_sid).await?;
    assert_eq!(call["status"], "completed", "{call}");
    assert_eq!(
        (&call["source"], &call["agent_id"], &call["from_number"]),
        (&"twilio".into(), &TEST_AGENT.into(), &"+15550111".into())
    );
    assert_eq!(
        call["audio_ms"],
        staged.duration_ms(),
        "both tracks lined up, the tail flushed"
    );
    let segments = transcript(&call);
    for speaker in ["customer", "agent"] {
        assert!(
            segments.iter().any(|s| s["speaker"] == speaker),
            "no {speaker} segment: {segments:?}"
        );
    }
    assert_seq_contiguous(&segments);
    assert_speakers_match_script(&staged, &segments, 0);
    assert_wer_per_speaker(&staged, &segments, "Twilio μ-law");

    // Twilio cannot set headers: the token may come in customParameters instead of the URL.
    let short: Vec<Vec<i16>> = staged.channels.iter().map(|c| c[..8000].to_vec()).collect();
    let by_param = unique_id("CA");
    let mut socket = CallSocket::twilio(&server, None).await?;
    let params = json!({"token": agent, "agentId": TEST_AGENT});
    assert_eq!(
        stream_call(&mut socket, &short, "MZ2", &by_param, params).await?,
        (1000, "stream stopped".into())
    );
    let call = server.call(&agent, &by_param).await?;
    assert_eq!(
        (&call["status"], &call["audio_ms"]),
        (&"completed".into(), &1000.into()),
        "{call}"
    );

    // A bad token there is refused before a call exists.
    let refused = unique_id("CA");
    let (code, reason) =
        start_without_url_token(&server, &refused, json!({"token": "nope"})).await?;
    assert_eq!(code, 1008, "{reason}");
    assert!(reason.contains("unknown or revoked token"), "{reason}");
    let (code, reason) =
        start_without_url_token(&server, &refused, json!({"token": server.widget})).await?;
    assert_eq!(code, 1008, "{reason}");
    assert!(reason.contains("role `agent`"), "{reason}");
    let (code, reason) =
        start_without_url_token(&server, &refused, json!({"agentId": TEST_AGENT})).await?;
    assert_eq!(code, 1008, "{reason}");
    assert!(reason.contains("no token"), "{reason}");
    assert_eq!(server.call_status(&agent, &refused).await?, 404);

    // Media for a track the stream did not start: closed, the call kept as incomplete.
    let one_track = unique_id("CA");
    let mut socket = CallSocket::twilio(&server, Some(&agent)).await?;
    socket
        .send_json(&start(
            "MZ6",
            &one_track,
            &["inbound"],
            json!({"agentId": TEST_AGENT}),
        ))
        .await?;
    socket
        .send_json(&media("MZ6", 2, "inbound", 0, &short[0][..MEDIA_SAMPLES]))
        .await?;
    socket
        .send_json(&media("MZ6", 3, "outbound", 0, &short[1][..MEDIA_SAMPLES]))
        .await?;
    let (code, reason) = socket.closed().await?;
    assert_eq!(
        (code, reason.as_str()),
        (
            1008,
            "media for track `outbound`, not one of the started tracks (inbound)"
        )
    );
    let call = server.call(&agent, &one_track).await?;
    assert_eq!(
        (&call["status"], &call["channel_roles"]),
        (&"incomplete".into(), &json!(["customer"])),
        "{call}"
    );
    Ok(())
}
