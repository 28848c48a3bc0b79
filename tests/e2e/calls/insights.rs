//! Live call intelligence: staged calls that read personal data aloud, streamed over LCA, come
//! out redacted (stored, live finals and partials) and scored for sentiment.

use regex::Regex;
use serde_json::Value;
use switchboard_e2e::{
    Backend, CallSocket, LiveFeed, Server, StagedCall, lca_end, lca_start, unique_id,
};

use super::transcript;
use crate::on_both_databases;

on_both_databases!(
    personal_data_read_aloud_never_reaches_storage_or_the_feed,
    redacted_and_scored
);

/// Digits as text or read out, four or more in a row: what a card, account or phone number
/// leaves behind if redaction missed it.
fn leaked_number(text: &str) -> Option<String> {
    let written = Regex::new(r"\d[\d ,.\-]{6,}\d").unwrap();
    let spoken = Regex::new(
        r"(?i)\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|triple)[ ,.\-]+){3,}(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b",
    )
    .unwrap();
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).count();
    written
        .find_iter(text)
        .find(|m| digits(m.as_str()) >= 8)
        .or_else(|| spoken.find(text))
        .map(|m| m.as_str().to_string())
}

async fn stream(
    server: &Server,
    token: &str,
    name: &str,
) -> anyhow::Result<(String, Vec<Value>, Vec<Value>)> {
    let staged = StagedCall::load(name)?;
    let id = unique_id("pii");
    let mut live = LiveFeed::connect(server, token, &id).await?;
    let mut socket = CallSocket::lca(server, token).await?;
    socket.send_json(&lca_start(&id)).await?;
    socket.stream(&staged.lca_chunks(200), None).await?;
    socket.send_json(&lca_end(&id)).await?;
    assert_eq!(socket.closed().await?, (1000, "call ended".to_string()));
    let events = live.until_ended().await?;
    let call = server.call(token, &id).await?;
    assert_eq!(call["status"], "completed", "{call}");
    Ok((id, transcript(&call), events))
}

async fn redacted_and_scored(backend: Backend) -> anyhow::Result<()> {
    let server = Server::start(backend).await?;
    let agent = server.token("agent").await?;
    for name in [
        "call_01_lost_card",
        "call_05_transaction_dispute",
        "call_02_bill_dispute_frustrated",
    ] {
        let (_, segments, events) = stream(&server, &agent, name).await?;
        assert!(!segments.is_empty(), "{name}: no transcript");
        for s in &segments {
            let text = s["text"].as_str().unwrap();
            assert_eq!(
                leaked_number(text),
                None,
                "{name}: stored segment leaks a number: {s}"
            );
            // Each redaction names its kind and points at its tag in the stored text.
            for r in s["redactions"].as_array().unwrap() {
                let (start, end) = (
                    r["start"].as_u64().unwrap() as usize,
                    r["end"].as_u64().unwrap() as usize,
                );
                let kind = r["kind"].as_str().unwrap();
                assert_eq!(
                    &text[start..end],
                    format!("[{}]", kind.to_uppercase()).replace("CARD_SECURITY_CODE", "CARD_CODE"),
                    "{s}"
                );
            }
            let sentiment = &s["sentiment"];
            assert!(
                ["negative", "neutral", "positive"]
                    .contains(&sentiment["label"].as_str().unwrap_or("")),
                "{name}: {s}"
            );
            for key in ["score", "running"] {
                let v = sentiment[key].as_f64().unwrap();
                assert!((-1.0..=1.0).contains(&v), "{name}: {key} {v}");
            }
        }
        for e in &events {
            let live_text = match e["type"].as_str() {
                Some("segment") => e["text"].as_str().unwrap_or("").to_string(),
                Some("partial") => format!(
                    "{} {}",
                    e["stable"].as_str().unwrap_or(""),
                    e["unstable"].as_str().unwrap_or("")
                ),
                _ => continue,
            };
            assert_eq!(
                leaked_number(&live_text),
                None,
                "{name}: live event leaks a number: {e}"
            );
        }
        let published = events.iter().filter(|e| e["type"] == "segment");
        assert!(
            published
                .clone()
                .all(|e| e["sentiment"]["label"].is_string()),
            "{name}: {events:?}"
        );
        if name == "call_02_bill_dispute_frustrated" {
            // A customer who is fed up and threatens to cancel reads as negative somewhere.
            assert!(
                segments
                    .iter()
                    .any(|s| s["speaker"] == "customer" && s["sentiment"]["label"] == "negative"),
                "{segments:?}"
            );
        }
    }
    Ok(())
}

#[test]
fn the_leak_check_sees_written_and_spoken_numbers() {
    assert!(leaked_number("it's 4111 1111 1111 1111").is_some());
    assert!(leaked_number("it's four one one one, one one one one").is_some());
    assert!(leaked_number("two hundred and twelve pounds, forty eight hours").is_none());
    assert!(leaked_number("Sure, it's [CARD_NUMBER].").is_none());
}
