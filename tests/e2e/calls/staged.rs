//! A staged call streamed over Amazon LCA's protocol, exactly as LCA's client sends a file.

use switchboard_e2e::{
    Backend, CallSocket, LiveFeed, Server, StagedCall, Start, lca_end, lca_start, unique_id,
};

use super::{
    CALL, assert_seq_contiguous, assert_speakers_match_script, assert_wer_per_speaker, by_seq,
    transcript,
};
use crate::on_both_databases;

on_both_databases!(
    a_staged_lca_call_is_stored_and_published_per_speaker,
    staged_call
);

async fn staged_call(backend: Backend) -> anyhow::Result<()> {
    // Recording retention on: the call's audio is kept for playback beside its transcript.
    let server = Server::start_with(Start {
        extra_env: vec![("SWITCHBOARD_KEEP_CALL_AUDIO".into(), "true".into())],
        ..Start::sample(backend)
    })
    .await?;
    let agent = server.token("agent").await?;
    let staged = StagedCall::load(CALL)?;
    let id = unique_id("lca");
    let mut live = LiveFeed::connect(&server, &agent, &id).await?;

    let mut socket = CallSocket::lca(&server, &agent).await?;
    socket.send_json(&lca_start(&id)).await?;
    // The file as is, 200 ms per frame, the first one starting with the RIFF header.
    let chunks = staged.lca_chunks(200);
    assert!(chunks[0].starts_with(b"RIFF") && chunks[0].len() == staged.header_len + 1600 * 4);
    socket.stream(&chunks, None).await?;
    socket.send_json(&lca_end(&id)).await?;
    assert_eq!(socket.closed().await?, (1000, "call ended".to_string()));

    // The server closes only once the transcript is stored.
    let call = server.call(&agent, &id).await?;
    assert_eq!(call["status"], "completed", "{call}");
    assert_eq!(call["source"], "lca");
    assert_eq!(call["from_number"], "+15550100");
    assert_eq!(call["agent_id"], "agent-7");
    assert_eq!(call["sample_rate"], 8000);
    assert_eq!(
        call["channel_roles"],
        serde_json::json!(["customer", "agent"])
    );
    assert_eq!(call["connections"], 1);
    // Each party's loudness, measured as the audio streamed (EBU R128).
    for channel in ["0", "1"] {
        let lufs = call["roles"][channel]["loudness_lufs"].as_f64();
        assert!(
            lufs.is_some_and(|l| (-60.0..0.0).contains(&l)),
            "{}",
            call["roles"]
        );
    }
    assert_eq!(
        call["audio_ms"],
        staged.duration_ms(),
        "the header is not counted as audio"
    );
    let segments = transcript(&call);
    assert_eq!(call["segments"], segments.len() as u64);
    for speaker in ["customer", "agent"] {
        assert!(
            segments.iter().any(|s| s["speaker"] == speaker),
            "no {speaker} segment: {segments:?}"
        );
    }
    assert_seq_contiguous(&segments);
    assert_wer_per_speaker(&staged, &segments, &format!("LCA {backend:?}"));
    assert_speakers_match_script(&staged, &segments, 0);

    // The live feed saw the same call: started, every stored segment, ended.
    let events = live.until_ended().await?;
    let started = &events[0];
    assert_eq!(started["type"], "call_started", "{events:?}");
    assert_eq!(
        (
            &started["call_id"],
            &started["agent_id"],
            &started["offset_ms"]
        ),
        (&id.clone().into(), &"agent-7".into(), &0.into())
    );
    let published: Vec<_> = events.iter().filter(|e| e["type"] == "segment").collect();
    assert_eq!(published.len(), segments.len(), "{events:?}");
    for (p, s) in published.iter().zip(&by_seq(&segments)) {
        for field in ["seq", "channel", "speaker", "start_ms", "end_ms", "text"] {
            assert_eq!(p[field], s[field], "live {p} vs stored {s}");
        }
    }
    let ended = events.last().unwrap();
    assert_eq!(ended["status"], "completed", "{ended}");
    assert_eq!(ended["segments"], segments.len() as u64);
    assert_eq!(ended["audio_ms"], staged.duration_ms());
    assert!(ended["reason"].is_null(), "{ended}");
    assert!(
        events
            .iter()
            .all(|e| e["call_id"] == id.as_str() || e["type"] == "skipped"),
        "only this call's events: {events:?}"
    );

    // The kept audio is exactly what was streamed, as a WAV file the browser plays.
    let url = call["audio_url"]
        .as_str()
        .expect("the call's audio is kept");
    let response = server
        .http()
        .get(format!("{}{url}", server.url))
        .bearer_auth(&agent)
        .send()
        .await?;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "audio/wav");
    let wav = response.bytes().await?;
    assert_eq!(&wav[..4], b"RIFF");
    assert_eq!(&wav[44..], &staged.file[staged.header_len..]);
    let other = server.named_token("agent", "agent-8").await?;
    let refused = server
        .http()
        .get(format!("{}{url}", server.url))
        .bearer_auth(&other)
        .send()
        .await?;
    assert_eq!(refused.status(), 403, "another agent's call");
    Ok(())
}
