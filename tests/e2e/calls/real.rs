//! A real contact-center recording (Amazon LCA's test call: two people over a phone line, loud
//! and clipped in places) streamed as LCA's client and Twilio send it, and transcribed from a
//! file, louder still: every speaker transcribed to the end of the call, never a crash.

use std::process::Command;

use serde_json::{Value, json};
use switchboard_e2e::{
    Backend, CallSocket, LiveFeed, Server, StagedCall, TEST_AGENT, binary, lca_end, lca_recording,
    lca_start, unique_id,
};

use super::{assert_seq_contiguous, transcript};
use crate::on_both_databases;

/// The end of the call that must be transcribed wherever someone speaks in it.
const TAIL_MS: u64 = 30_000;
/// Loudness above which a 100 ms window holds speech (line noise sits 20 dB below).
const SPEECH_DBFS: f64 = -35.0;

/// Every channel that has speech in the last 30 s has a segment there.
fn assert_transcribed_to_the_end(call: &StagedCall, segments: &[Value], what: &str) {
    let tail = call.duration_ms() - TAIL_MS;
    for (channel, role) in ["customer", "agent"].iter().enumerate() {
        let loud = call.loud_ms(channel, tail, SPEECH_DBFS);
        let heard: Vec<&Value> = segments
            .iter()
            .filter(|s| s["channel"] == channel && s["end_ms"].as_u64().unwrap_or(0) > tail)
            .collect();
        println!(
            "{what}: {role} speaks {loud} ms in the last 30 s; {} segment(s) there",
            heard.len()
        );
        if loud >= 1000 {
            assert!(
                !heard.is_empty(),
                "{what}: nothing of the {role} transcribed after {tail} ms: {segments:?}"
            );
        }
        assert!(
            segments.iter().any(|s| s["speaker"] == *role),
            "{what}: no {role} segment"
        );
    }
}

on_both_databases!(
    a_real_call_streamed_as_lca_sends_it_is_transcribed_to_the_end,
    real_lca_call
);

async fn real_lca_call(backend: Backend) -> anyhow::Result<()> {
    let server = Server::start(backend).await?;
    let agent = server.token("agent").await?;
    let recording = StagedCall::recording(&lca_recording())?;
    let id = unique_id("real");
    let mut live = LiveFeed::connect(&server, &agent, &id).await?;
    let mut socket = CallSocket::lca(&server, &agent).await?;
    socket.send_json(&lca_start(&id)).await?;
    // The whole file as is, RIFF header in the first 200 ms chunk, as fast as the server takes it.
    socket.stream(&recording.lca_chunks(200), None).await?;
    socket.send_json(&lca_end(&id)).await?;
    assert_eq!(socket.closed().await?, (1000, "call ended".to_string()));

    let call = server.call(&agent, &id).await?;
    assert_eq!(call["status"], "completed", "{call}");
    assert_eq!(call["audio_ms"], recording.duration_ms());
    let segments = transcript(&call);
    assert_seq_contiguous(&segments);
    assert_transcribed_to_the_end(&recording, &segments, &format!("LCA {backend:?}"));
    let events = live.until_ended().await?;
    let degraded: Vec<_> = events.iter().filter(|e| e["type"] == "degraded").collect();
    assert!(
        degraded.is_empty(),
        "no stage failed on the real call: {degraded:?}"
    );
    assert_enriched(&call, &events);
    Ok(())
}

/// The live stages ran on every final of the real call: scored, and each customer final of a
/// few words answered by the bot (suggestions) or kept as missed, never both, all of it stored.
fn assert_enriched(call: &Value, events: &[Value]) {
    let segments = transcript(call);
    for s in &segments {
        let label = s["sentiment"]["label"].as_str().unwrap_or("");
        assert!(["negative", "neutral", "positive"].contains(&label), "{s}");
    }
    let answered = |kind: &str| -> Vec<u64> {
        let seqs = events.iter().filter(|e| e["type"] == kind);
        seqs.map(|e| e["seq"].as_u64().unwrap()).collect()
    };
    let (suggested, missed) = (answered("suggestions"), answered("missed"));
    assert!(suggested.iter().all(|s| !missed.contains(s)), "{events:?}");
    let words = |s: &Value| {
        let text = s["text"].as_str().unwrap_or("");
        let spoken = text.split_whitespace().filter(|w| !w.starts_with('['));
        spoken
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
    };
    for s in segments
        .iter()
        .filter(|s| s["speaker"] == "customer" && words(s) >= 3)
    {
        let seq = s["seq"].as_u64().unwrap();
        assert!(
            suggested.contains(&seq) || missed.contains(&seq),
            "not assisted: {s}"
        );
    }
    for s in segments.iter().filter(|s| s["speaker"] == "agent") {
        let seq = s["seq"].as_u64().unwrap();
        assert!(
            !suggested.contains(&seq) && !missed.contains(&seq),
            "agent words assisted: {s}"
        );
    }
    assert_eq!(
        call["missed"].as_array().unwrap().len(),
        missed.len(),
        "{call}"
    );
    let stored: Vec<u64> = call["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["seq"].as_u64().unwrap())
        .collect();
    assert!(suggested.iter().all(|s| stored.contains(s)), "{call}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_call_over_twilio_as_mulaw_is_transcribed_per_track() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let agent = server.token("agent").await?;
    let recording = StagedCall::recording(&lca_recording())?;
    // The first minute, 6 dB hotter than the file: μ-law of a clipped line.
    let minute: Vec<Vec<i16>> = recording
        .louder(6.0)
        .channels
        .iter()
        .map(|c| c[..recording.frames(60_000)].to_vec())
        .collect();
    let call_sid = unique_id("CA");
    let mut socket = CallSocket::twilio(&server, Some(&agent)).await?;
    let params = json!({"agentId": TEST_AGENT});
    let close = super::twilio::stream_call(&mut socket, &minute, "MZ9", &call_sid, params).await?;
    assert_eq!(close, (1000, "stream stopped".into()));
    let call = server.call(&agent, &call_sid).await?;
    assert_eq!(
        (&call["status"], &call["audio_ms"]),
        (&"completed".into(), &60_000.into()),
        "{call}"
    );
    let segments = transcript(&call);
    assert_seq_contiguous(&segments);
    for speaker in ["customer", "agent"] {
        assert!(
            segments.iter().any(|s| s["speaker"] == speaker),
            "no {speaker} segment: {segments:?}"
        );
    }
    Ok(())
}

/// `switchboard transcribe FILE --json`'s segments.
fn transcribe(path: &std::path::Path) -> anyhow::Result<Vec<Value>> {
    let out = Command::new(binary())
        .arg("transcribe")
        .arg(path)
        .arg("--json")
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(
        out.status.success(),
        "transcribe {} exited with {}: {stderr}",
        path.display(),
        out.status
    );
    let json: Value = serde_json::from_slice(&out.stdout)?;
    Ok(json["segments"].as_array().cloned().unwrap_or_default())
}

#[test]
fn a_hot_clipped_recording_is_transcribed_from_a_file_to_the_end() -> anyhow::Result<()> {
    // What broke the VAD: the recording 6 dB hotter, clipped, as `sox … gain 6` makes it.
    let hot = StagedCall::recording(&lca_recording())?.louder(6.0);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("hot.wav");
    hot.write_wav(&path, &[0, 1])?;
    let segments = transcribe(&path)?;
    assert_transcribed_to_the_end(&hot, &segments, "transcribe hot.wav");
    Ok(())
}
