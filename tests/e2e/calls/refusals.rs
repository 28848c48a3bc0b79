//! Call streams refused or cut short without speech: each gets a precise close code and reason,
//! and the calls table holds exactly what was accepted.

use serde_json::{Value, json};
use switchboard_e2e::{
    Backend, CallSocket, LiveFeed, Server, lca_end, lca_start, unique_id, upgrade_refusal,
};

use super::transcript;

/// 8 kHz stereo PCM16: bytes per ms.
const BYTES_PER_MS: usize = 32;

fn silence(ms: usize) -> Vec<u8> {
    vec![0; ms * BYTES_PER_MS]
}

/// Opens an LCA stream, sends `frames` (JSON text or binary audio), returns the close.
async fn lca_close(
    server: &Server,
    token: &str,
    frames: &[Frame],
) -> anyhow::Result<(u16, String)> {
    let mut socket = CallSocket::lca(server, token).await?;
    for frame in frames {
        match frame {
            Frame::Text(t) => socket.send_text(t).await?,
            Frame::Audio(a) => socket.send_audio(a).await?,
        }
    }
    socket.closed().await
}

enum Frame {
    Text(String),
    Audio(Vec<u8>),
}

fn start(value: Value) -> Frame {
    Frame::Text(value.to_string())
}

async fn stored_calls(server: &Server) -> anyhow::Result<usize> {
    Ok(server
        .get_json::<Vec<Value>>("/v1/calls?limit=500", &server.admin)
        .await?
        .len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_call_streams_are_closed_with_precise_codes() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let agent = server.token("agent").await?;
    let ingest = format!("{}/v1/calls/ingest", server.ws_url());

    // Who may stream: agents. Checked before the upgrade, as plain HTTP.
    assert_eq!(upgrade_refusal(&ingest).await?, Some(401));
    assert_eq!(
        upgrade_refusal(&format!("{ingest}?token=not-a-token")).await?,
        Some(401)
    );
    assert_eq!(
        upgrade_refusal(&format!("{ingest}?token={}", server.widget)).await?,
        Some(403)
    );
    assert_eq!(
        upgrade_refusal(&format!(
            "{}/v1/calls/twilio?token={}",
            server.ws_url(),
            server.widget
        ))
        .await?,
        Some(403)
    );
    // The staff feeds: calls (sidebar, live view) and chats (the handoff queue).
    for feed in ["/v1/calls/live", "/v1/chat/live"] {
        let url = format!("{}{feed}", server.ws_url());
        assert_eq!(upgrade_refusal(&url).await?, Some(401), "{feed}");
        let bad = format!("{url}?token=not-a-token");
        assert_eq!(upgrade_refusal(&bad).await?, Some(401), "{feed}");
        let client = format!("{url}?token={}", server.widget);
        assert_eq!(upgrade_refusal(&client).await?, Some(403), "{feed}");
    }

    // Refused before a call exists: nothing is stored.
    let (code, reason) = lca_close(&server, &agent, &[Frame::Audio(silence(20))]).await?;
    assert_eq!(code, 1008, "{reason}");
    assert!(reason.contains("START"), "{reason}");
    let (code, reason) =
        lca_close(&server, &agent, &[Frame::Text("callEvent START".into())]).await?;
    assert_eq!(code, 1007, "{reason}");
    assert!(reason.contains("not JSON"), "{reason}");
    let (code, reason) = lca_close(
        &server,
        &agent,
        &[Frame::Text(r#"{"callEvent":"PAUSE"}"#.into())],
    )
    .await?;
    assert_eq!(
        (code, reason.as_str()),
        (1008, "unknown callEvent `PAUSE` (expected START or END)")
    );
    let mut at_44k = lca_start(&unique_id("rate"));
    at_44k["samplingRate"] = json!(44100);
    let (code, reason) = lca_close(&server, &agent, &[start(at_44k)]).await?;
    assert_eq!(
        (code, reason.as_str()),
        (
            1003,
            "unsupported sample rate 44100 Hz (supported: 8000, 16000)"
        )
    );
    let mut opus = lca_start(&unique_id("opus"));
    opus["encoding"] = json!("opus");
    let (code, reason) = lca_close(&server, &agent, &[start(opus)]).await?;
    assert_eq!(code, 1003, "{reason}");
    assert!(reason.contains("unknown audio encoding `opus`"), "{reason}");
    let (code, reason) = lca_close(&server, &agent, &[start(lca_start(""))]).await?;
    assert_eq!(
        (code, reason.as_str()),
        (1008, "callId must be 1–200 printable characters")
    );
    assert_eq!(
        stored_calls(&server).await?,
        0,
        "no refused stream left a call behind"
    );

    // A chunk longer than a second: the call started, so it stays, incomplete and empty.
    let long = unique_id("long");
    let (code, reason) = lca_close(
        &server,
        &agent,
        &[start(lca_start(&long)), Frame::Audio(silence(1200))],
    )
    .await?;
    assert_eq!(
        (code, reason.as_str()),
        (
            1009,
            "chunk holds 1200 ms of audio; at most 1000 ms per chunk"
        )
    );
    let call = server.call(&agent, &long).await?;
    assert_eq!(
        (&call["status"], &call["segments"], &call["audio_ms"]),
        (&"incomplete".into(), &0.into(), &0.into()),
        "{call}"
    );

    // Exactly one second is fine; so is silence: completed, nothing said.
    let quiet = unique_id("quiet");
    let frames: Vec<Frame> = [start(lca_start(&quiet)), Frame::Audio(silence(1000))]
        .into_iter()
        .chain((0..15).map(|_| Frame::Audio(silence(200))))
        .chain([Frame::Text(lca_end(&quiet).to_string())])
        .collect();
    assert_eq!(
        lca_close(&server, &agent, &frames).await?,
        (1000, "call ended".into())
    );
    let call = server.call(&agent, &quiet).await?;
    assert_eq!(
        (&call["status"], &call["audio_ms"]),
        (&"completed".into(), &4000.into()),
        "{call}"
    );
    assert!(
        transcript(&call).is_empty(),
        "silence transcribed as {call}"
    );
    assert_eq!(call["segments"], 0);

    // END naming another call.
    let other = unique_id("other");
    let (code, reason) = lca_close(
        &server,
        &agent,
        &[
            start(lca_start(&other)),
            Frame::Text(lca_end("someone-else").to_string()),
        ],
    )
    .await?;
    assert_eq!(code, 1008, "{reason}");
    assert!(
        reason.contains("someone-else") && reason.contains(&other),
        "{reason}"
    );
    assert_eq!(server.call(&agent, &other).await?["status"], "incomplete");

    // A second connection for a call that is streaming is refused; the first one goes on.
    let busy = unique_id("busy");
    let mut live = LiveFeed::connect(&server, &agent, &busy).await?;
    let mut first = CallSocket::lca(&server, &agent).await?;
    first.send_json(&lca_start(&busy)).await?;
    assert_eq!(live.next().await?["type"], "call_started");
    let (code, reason) = lca_close(&server, &agent, &[start(lca_start(&busy))]).await?;
    assert_eq!(code, 1008, "{reason}");
    assert!(reason.contains("already streaming"), "{reason}");
    first.send_audio(&silence(200)).await?;
    first.send_json(&lca_end(&busy)).await?;
    assert_eq!(first.closed().await?.0, 1000);
    let call = server.call(&agent, &busy).await?;
    assert_eq!(
        (&call["status"], &call["connections"], &call["audio_ms"]),
        (&"completed".into(), &1.into(), &200.into()),
        "{call}"
    );

    assert_eq!(stored_calls(&server).await?, 4, "long, quiet, other, busy");
    Ok(())
}
