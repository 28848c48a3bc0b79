//! The live feed while a turn is spoken: a partial for the utterance in progress, then its final.

use serde_json::Value;
use switchboard_e2e::{
    Backend, CallSocket, LiveFeed, Server, StagedCall, lca_end, lca_start, unique_id,
};

use super::{CALL, assert_speakers_match_script, by_seq, transcript};

/// The customer's first turn (4.77–9.90 s of the staged call), with a little silence around it.
const FROM_MS: u64 = 4_500;
const TO_MS: u64 = 10_500;
/// Where the client pauses: 2 s into the turn, mid-sentence.
const PAUSE_MS: u64 = 6_800;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_arrives_mid_turn_then_the_segment_with_its_start() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let agent = server.token("agent").await?;
    let staged = StagedCall::load(CALL)?;
    let id = unique_id("live");
    let mut live = LiveFeed::connect(&server, &agent, &id).await?;

    let mut socket = CallSocket::lca(&server, &agent).await?;
    socket.send_json(&lca_start(&id)).await?;
    assert_eq!(live.next().await?["type"], "call_started");
    // The customer is mid-sentence and the client pauses: the utterance cannot end, so the
    // partial asked for after its first second must arrive however busy the machine is.
    socket
        .stream(&staged.pcm_chunks(FROM_MS, PAUSE_MS, 200), None)
        .await?;
    let mut before_final = Vec::new();
    let partial = loop {
        let event = live.next().await?;
        assert!(
            event["type"] != "segment" && event["type"] != "call_ended",
            "the turn ended early: {event}"
        );
        before_final.push(event.clone());
        if event["type"] == "partial" {
            break event;
        }
    };
    assert_eq!(
        (&partial["channel"], &partial["speaker"]),
        (&0.into(), &"customer".into()),
        "{partial}"
    );
    let text = format!(
        "{} {}",
        partial["stable"].as_str().unwrap_or_default(),
        partial["unstable"].as_str().unwrap_or_default()
    );
    assert!(
        !text.trim().is_empty(),
        "an empty partial was published: {partial}"
    );
    println!("partial mid-turn: {text}");

    socket
        .stream(&staged.pcm_chunks(PAUSE_MS, TO_MS, 200), None)
        .await?;
    socket.send_json(&lca_end(&id)).await?;
    assert_eq!(socket.closed().await?.0, 1000);
    let events = live.until_ended().await?;
    assert_eq!(events.last().unwrap()["status"], "completed");

    // The final of the same utterance: same channel and start; what was published is stored.
    let finals: Vec<&Value> = events.iter().filter(|e| e["type"] == "segment").collect();
    let own = finals
        .iter()
        .find(|s| s["channel"] == partial["channel"] && s["start_ms"] == partial["start_ms"]);
    assert!(
        own.is_some(),
        "no final starts where the partial did: {partial} vs {finals:?}"
    );
    let call = server.call(&agent, &id).await?;
    let segments = transcript(&call);
    assert_speakers_match_script(&staged, &segments, FROM_MS as i64);
    let texts = |list: Vec<&Value>| {
        list.into_iter()
            .map(|s| s["text"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        texts(finals.clone()),
        texts(by_seq(&segments).iter().collect()),
        "published and stored texts"
    );
    let said = segments
        .iter()
        .filter_map(|s| s["text"].as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let score = wer::score(&staged.turns[1].text, &said);
    assert!(
        score.wer() < super::MAX_WER,
        "{said:?} vs {:?}",
        staged.turns[1].text
    );
    Ok(())
}
