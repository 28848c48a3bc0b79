//! Live call intelligence: staged calls that read personal data aloud, streamed over LCA, come
//! out redacted (stored, live finals and partials), scored for sentiment, with key phrases, and
//! checked against the shipped rules (categories and alerts); rule files are reloaded safely.

use regex::Regex;
use serde_json::Value;
use switchboard_e2e::{
    Backend, CallSocket, LiveFeed, Server, StagedCall, Start, lca_end, lca_start, unique_id,
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

async fn stream(server: &Server, token: &str, name: &str) -> anyhow::Result<(Value, Vec<Value>)> {
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
    Ok((call, events))
}

async fn redacted_and_scored(backend: Backend) -> anyhow::Result<()> {
    let server = Server::start(backend).await?;
    let agent = server.token("agent").await?;
    for name in [
        "call_01_lost_card",
        "call_05_transaction_dispute",
        "call_02_bill_dispute_frustrated",
    ] {
        let (call, events) = stream(&server, &agent, name).await?;
        let segments = transcript(&call);
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
        // Key phrases say what was talked about, never a redaction tag.
        let phrases: Vec<&str> = segments
            .iter()
            .flat_map(|s| s["key_phrases"].as_array().unwrap())
            .map(|p| p.as_str().unwrap())
            .collect();
        assert!(!phrases.is_empty(), "{name}: no key phrases");
        assert!(
            phrases.iter().all(|p| !p.contains('[') && !p.is_empty()),
            "{name}: {phrases:?}"
        );
        if name == "call_01_lost_card" {
            assert!(
                phrases.iter().any(|p| p.to_lowercase().contains("card")),
                "{name}: {phrases:?}"
            );
        }
        // Every rule hit stored on the call was announced live, with redacted words.
        let stored: Vec<&str> = call["rule_hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["rule"].as_str().unwrap())
            .collect();
        let announced: Vec<&Value> = events.iter().filter(|e| e["type"] == "rule_hit").collect();
        let mut live_rules: Vec<&str> = announced
            .iter()
            .map(|e| e["rule"].as_str().unwrap())
            .collect();
        let mut stored_rules = stored.clone();
        live_rules.sort();
        stored_rules.sort();
        assert_eq!(live_rules, stored_rules, "{name}: {announced:?}");
        for e in &announced {
            assert_eq!(leaked_number(e["text"].as_str().unwrap()), None, "{e}");
        }
        if name == "call_02_bill_dispute_frustrated" {
            // Fed up, calling again, threatening to cancel: categories on the call and at least
            // one alert for supervisors.
            let categories = call["categories"].as_array().unwrap();
            assert!(
                !categories.is_empty(),
                "{name}: no categories: {segments:?}"
            );
            assert!(
                call["rule_hits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|h| h["severity"].is_string()),
                "{name}: no alert: {call}"
            );
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

/// Streams a staged call into `nodes.0` and returns what `nodes.1`'s live feed showed of it.
async fn streamed_watched_elsewhere(
    nodes: (&Server, &Server),
    token: &str,
    name: &str,
    id: &str,
) -> anyhow::Result<Vec<Value>> {
    let staged = StagedCall::load(name)?;
    let mut watching = LiveFeed::connect(nodes.1, token, id).await?;
    let mut socket = CallSocket::lca(nodes.0, token).await?;
    socket.send_json(&lca_start(id)).await?;
    socket.stream(&staged.lca_chunks(200), None).await?;
    socket.send_json(&lca_end(id)).await?;
    assert_eq!(socket.closed().await?, (1000, "call ended".to_string()));
    watching.until_ended().await
}

/// Two nodes on one database and the real NATS server: a call streamed into one is watched, with
/// its insights and alerts, on the other node's live feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_and_alerts_reach_every_node_over_nats() -> anyhow::Result<()> {
    let (first, second) = Server::two_nodes().await?;
    let agent = first.token("agent").await?;
    let id = unique_id("nats");
    let events = streamed_watched_elsewhere(
        (&first, &second),
        &agent,
        "call_02_bill_dispute_frustrated",
        &id,
    )
    .await?;
    let segments: Vec<&Value> = events.iter().filter(|e| e["type"] == "segment").collect();
    assert!(!segments.is_empty(), "{events:?}");
    assert!(
        segments.iter().all(|e| e["sentiment"]["label"].is_string()),
        "{events:?}"
    );
    assert!(events.iter().any(|e| e["type"] == "rule_hit"), "{events:?}");
    // The second node reads the same call from the shared database.
    let call = second.call(&agent, &id).await?;
    assert_eq!(call["transcript"].as_array().unwrap().len(), segments.len());
    assert!(!call["categories"].as_array().unwrap().is_empty(), "{call}");

    // A card number read aloud on the first node reaches the second only redacted: everything
    // it shows came over NATS.
    let id = unique_id("nats-pii");
    let events =
        streamed_watched_elsewhere((&first, &second), &agent, "call_01_lost_card", &id).await?;
    assert!(events.iter().any(|e| e["type"] == "segment"), "{events:?}");
    for e in &events {
        let text = e["text"].as_str().unwrap_or("");
        assert_eq!(
            leaked_number(text),
            None,
            "an event on the bus leaks a number: {e}"
        );
    }
    Ok(())
}

/// Rules are edited while the server runs: a broken file is refused with where it is broken,
/// and the rules in force stay until a good set replaces them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_rule_file_is_refused_and_the_running_rules_stay() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let shipped = switchboard_e2e::repo_root().join("rules/contact-center.yaml");
    std::fs::copy(&shipped, dir.path().join("contact-center.yaml"))?;
    let server = Server::start_with(Start {
        rules_dir: dir.path().to_path_buf(),
        ..Start::sample(Backend::Sqlite)
    })
    .await?;
    let supervisor = server.token("supervisor").await?;
    let names = |rules: &Value| -> Vec<String> {
        rules
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    let before = server.get_json::<Value>("/v1/rules", &supervisor).await?;
    assert!(
        names(&before).contains(&"supervisor-request".to_string()),
        "{before}"
    );
    let supervisor_rule = &before[0];
    assert_eq!(supervisor_rule["alert"], "high", "{before}");
    assert!(
        supervisor_rule["condition"]
            .as_str()
            .unwrap()
            .starts_with("phrases: speak to a supervisor"),
        "{before}"
    );

    let reload = |token: String| {
        let http = server.http();
        let url = format!("{}/v1/rules/reload", server.url);
        async move { http.post(url).bearer_auth(token).send().await }
    };
    std::fs::write(
        dir.path().join("broken.yaml"),
        "rules:\n  - name: no-condition\n    category: Oops\n",
    )?;
    let refused = reload(server.admin.clone()).await?;
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await?;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("broken.yaml:2:") && message.contains("has no condition"),
        "{message}"
    );
    assert!(message.contains("the running rules stay"), "{message}");
    assert_eq!(
        server.get_json::<Value>("/v1/rules", &supervisor).await?,
        before
    );

    // Only admins reload.
    assert_eq!(reload(supervisor.clone()).await?.status(), 403);
    let anonymous = server
        .http()
        .post(format!("{}/v1/rules/reload", server.url))
        .send()
        .await?;
    assert_eq!(anonymous.status(), 401);

    std::fs::write(
        dir.path().join("broken.yaml"),
        "rules:\n  - name: refund-request\n    category: Refund\n    phrases: [refund]\n",
    )?;
    let applied = reload(server.admin.clone()).await?;
    assert_eq!(applied.status(), 200);
    let count = before.as_array().unwrap().len() + 1;
    assert_eq!(applied.json::<Value>().await?["rules"], count);
    let after = names(&server.get_json::<Value>("/v1/rules", &supervisor).await?);
    assert_eq!(after.len(), count);
    assert!(after.contains(&"refund-request".to_string()), "{after:?}");
    Ok(())
}

#[test]
fn the_leak_check_sees_written_and_spoken_numbers() {
    assert!(leaked_number("it's 4111 1111 1111 1111").is_some());
    assert!(leaked_number("it's four one one one, one one one one").is_some());
    assert!(leaked_number("two hundred and twelve pounds, forty eight hours").is_none());
    assert!(leaked_number("Sure, it's [CARD_NUMBER].").is_none());
}
