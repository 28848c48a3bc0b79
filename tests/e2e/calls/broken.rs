//! Streams that break after speech: what was said before the break is transcribed and kept, the
//! call is `incomplete`, and a reconnect with the same callId appends after the audio received.

use switchboard_e2e::{
    Backend, CallSocket, LiveFeed, Server, StagedCall, lca_end, lca_start, unique_id,
};

use super::{CALL, assert_seq_contiguous, assert_speakers_match_script, transcript};

/// The staged call's first 6 s: the agent's greeting and the start of the customer's turn.
const FIRST_PART_MS: u64 = 6_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_streams_keep_what_was_said_and_reconnects_append() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let agent = server.token("agent").await?;
    let staged = StagedCall::load(CALL)?;
    let speech = staged.pcm_chunks(0, FIRST_PART_MS, 200);

    // A frame that is not a whole number of stereo PCM16 frames.
    let odd = unique_id("odd");
    let mut socket = CallSocket::lca(&server, &agent).await?;
    socket.send_json(&lca_start(&odd)).await?;
    socket.stream(&speech, None).await?;
    socket.send_audio(&[1, 2, 3]).await?;
    let (code, reason) = socket.closed().await?;
    assert_eq!(
        (code, reason.as_str()),
        (
            1007,
            "3 bytes is not a whole number of 4-byte sample frames"
        )
    );
    assert_kept(&server, &agent, &staged, &odd).await?;

    // A second START on the same connection.
    let twice = unique_id("twice");
    let mut socket = CallSocket::lca(&server, &agent).await?;
    socket.send_json(&lca_start(&twice)).await?;
    socket.stream(&speech, None).await?;
    let intruder = unique_id("intruder");
    socket.send_json(&lca_start(&intruder)).await?;
    let (code, reason) = socket.closed().await?;
    assert_eq!(code, 1008, "{reason}");
    assert!(
        reason.contains("second START") && reason.contains(&intruder),
        "{reason}"
    );
    assert_kept(&server, &agent, &staged, &twice).await?;
    assert_eq!(
        server.call_status(&agent, &intruder).await?,
        404,
        "the second START stored nothing"
    );

    // The client vanishes: TCP closed, no END, no close frame.
    let vanished = unique_id("vanished");
    let mut live = LiveFeed::connect(&server, &agent, &vanished).await?;
    let mut socket = CallSocket::lca(&server, &agent).await?;
    socket.send_json(&lca_start(&vanished)).await?;
    assert_eq!(live.next().await?["type"], "call_started");
    socket.stream(&speech, None).await?;
    drop(socket);
    let ended = live.until_ended().await?.pop().unwrap();
    assert_eq!(ended["status"], "incomplete", "{ended}");
    let first = assert_kept(&server, &agent, &staged, &vanished).await?;
    println!("vanished client's end reason: {}", ended["reason"]);

    // The same callId again: appended after the 6 s already received.
    let second_part = staged.pcm_chunks(10_000, 17_000, 200);
    let mut socket = CallSocket::lca(&server, &agent).await?;
    socket.send_json(&lca_start(&vanished)).await?;
    assert_eq!(
        live.next().await?["offset_ms"],
        FIRST_PART_MS,
        "call_started tells where the audio resumes"
    );
    socket.stream(&second_part, None).await?;
    socket.send_json(&lca_end(&vanished)).await?;
    assert_eq!(socket.closed().await?.0, 1000);
    let call = server.call(&agent, &vanished).await?;
    assert_eq!(call["status"], "completed", "{call}");
    assert_eq!(call["connections"], 2);
    assert_eq!(call["audio_ms"], FIRST_PART_MS + 7_000);
    let segments = transcript(&call);
    assert_seq_contiguous(&segments);
    assert_eq!(
        &segments[..first.len()],
        &first[..],
        "the first connection's segments are untouched"
    );
    let appended = &segments[first.len()..];
    assert!(
        !appended.is_empty(),
        "nothing transcribed from the second connection: {call}"
    );
    let last_first_seq = first
        .iter()
        .filter_map(|s| s["seq"].as_u64())
        .max()
        .unwrap();
    for s in appended {
        assert!(
            s["start_ms"].as_u64().unwrap() >= FIRST_PART_MS,
            "{s} starts before the resume offset"
        );
        assert!(
            s["seq"].as_u64().unwrap() > last_first_seq,
            "{s} is numbered among the first connection's"
        );
    }
    // Moved back to file time, the second part's segments line up with the script.
    assert_speakers_match_script(&staged, appended, 10_000 - FIRST_PART_MS as i64);
    Ok(())
}

/// The call ended `incomplete` with the 6 s counted and a transcript of them kept; returns it.
async fn assert_kept(
    server: &Server,
    token: &str,
    staged: &StagedCall,
    id: &str,
) -> anyhow::Result<Vec<serde_json::Value>> {
    let call = server.call_when_ended(token, id).await?;
    assert_eq!(call["status"], "incomplete", "{call}");
    assert_eq!(call["audio_ms"], FIRST_PART_MS, "{call}");
    let segments = transcript(&call);
    assert!(
        segments.iter().any(|s| s["speaker"] == "agent"),
        "the agent's greeting is kept: {call}"
    );
    assert_eq!(call["segments"], segments.len() as u64);
    assert_speakers_match_script(staged, &segments, 0);
    Ok(segments)
}
