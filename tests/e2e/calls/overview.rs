//! The overview (`GET /v1/calls/dashboard`) over the calls the batch test stored: the server's
//! post-call pass adds each ended call up by day, agent and queue, and bad ranges are refused.

use serde_json::Value;
use switchboard_e2e::Server;

/// Asks for today's overview until it counts `calls` calls (the pass runs when a call ends and
/// every 10 s, so calls `analyze` stored show up too).
async fn overview(server: &Server, token: &str, query: &str, calls: u64) -> anyhow::Result<Value> {
    let mut last = Value::Null;
    for _ in 0..120 {
        last = server
            .get_json(&format!("/v1/calls/dashboard?{query}"), token)
            .await?;
        if last["totals"]["calls"] == calls {
            return Ok(last);
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    anyhow::bail!("the overview for {query:?} never counted {calls} calls: {last:#}")
}

/// `analysed` came through `analyze --agent agent-7 --queue roaming`, `uploaded` through an
/// upload with `queue=claims` and no agent.
pub(super) async fn check(
    server: &Server,
    supervisor: &str,
    agent: &str,
    analysed: &str,
    uploaded: &str,
) -> anyhow::Result<()> {
    let all = overview(server, supervisor, "top=5", 2).await?;
    let days = all["days"].as_array().unwrap();
    assert_eq!(days.len(), 30, "the default range is the last 30 days");
    assert_eq!(days.last().unwrap()["calls"], 2, "both calls are today's");
    assert!(days[0]["calls"] == 0 && days[0]["customer_sentiment"].is_null());
    let totals = &all["totals"];
    assert!(totals["duration_s"].as_f64().unwrap() > 60.0, "{totals}");
    let talk = totals["talk_share"].as_f64().unwrap();
    let silence = totals["silence_share"].as_f64().unwrap();
    assert!(
        (talk + silence - 1.0).abs() < 1e-6 && talk > 0.3,
        "{totals}"
    );
    assert!(totals["customer_sentiment"].is_f64(), "{totals}");
    let keys = |group: &str| -> Vec<Value> {
        all[group]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["key"].clone())
            .collect()
    };
    assert_eq!(keys("agents"), [Value::from("agent-7"), Value::Null]);
    let mut queues = keys("queues");
    queues.sort_by_key(|q| q.to_string());
    assert_eq!(queues, [Value::from("claims"), Value::from("roaming")]);
    let phrases = all["key_phrases"].as_array().unwrap();
    assert!(
        phrases.iter().any(|p| p["calls"] == 2),
        "the same call twice shares its topics: {phrases:#?}"
    );
    assert!(phrases.len() <= 5, "top=5 lists at most five");

    // One agent, one queue: only the analysed call.
    let one = overview(server, supervisor, "agent=agent-7&queue=roaming", 1).await?;
    assert_eq!(one["agents"][0]["key"], "agent-7");
    assert_eq!(one["queues"][0]["key"], "roaming");
    let stored: Value = server
        .get_json(&format!("/v1/calls/{analysed}"), supervisor)
        .await?;
    assert_eq!(stored["queue"], "roaming");
    let stored: Value = server
        .get_json(&format!("/v1/calls/{uploaded}"), supervisor)
        .await?;
    assert_eq!(stored["queue"], "claims");
    // Recording retention is off by default: only the transcript is kept.
    assert!(stored["audio_url"].is_null(), "{}", stored["audio_url"]);
    let audio = server
        .http()
        .get(format!("{}/v1/calls/{uploaded}/audio", server.url))
        .bearer_auth(supervisor)
        .send()
        .await?;
    assert_eq!(audio.status(), 404);
    let body = audio.text().await?;
    assert!(body.contains("recording retention is off"), "{body}");
    let nobody = overview(server, supervisor, "queue=nobody", 0).await?;
    assert_eq!(nobody["agents"], serde_json::json!([]));

    for (query, status, why) in [
        ("from=2026-12-02&to=2026-12-01", 400, "before it starts"),
        ("from=2020-01-01&to=2026-12-01", 400, "at most 400"),
        ("top=0", 400, "top must be"),
        ("from=yesterday", 400, "from"),
    ] {
        let response = server
            .http()
            .get(format!("{}/v1/calls/dashboard?{query}", server.url))
            .bearer_auth(supervisor)
            .send()
            .await?;
        assert_eq!(response.status(), status, "{query}");
        let body = response.text().await?;
        assert!(body.contains(why), "{query}: {body}");
    }
    let response = server
        .http()
        .get(format!("{}/v1/calls/dashboard", server.url))
        .bearer_auth(agent)
        .send()
        .await?;
    assert_eq!(response.status(), 403, "agents do not see the overview");
    Ok(())
}
