//! The HTTP API: tokens, bots, knowledge, metrics, and precise errors for bad requests.

use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_e2e::{Backend, Chat, Server};

use crate::on_both_databases;

on_both_databases!(tokens_are_issued_listed_and_revoked, tokens);

async fn tokens(backend: Backend) -> anyhow::Result<()> {
    let server = Server::start(backend).await?;
    let http = server.http();
    let url = format!("{}/v1/tokens", server.url);
    let created = http
        .post(&url)
        .bearer_auth(&server.admin)
        .json(&json!({"name": "alice", "role": "agent"}))
        .send()
        .await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await?;
    let secret = created["secret"].as_str().unwrap().to_string();
    assert_eq!(created["role"], "agent");

    // Listing never shows secrets.
    let listed = http
        .get(&url)
        .bearer_auth(&server.admin)
        .send()
        .await?
        .text()
        .await?;
    assert!(!listed.contains(&secret));
    assert!(listed.contains("alice"));

    // A duplicate name conflicts and leaves the first token working.
    let dup = http
        .post(&url)
        .bearer_auth(&server.admin)
        .json(&json!({"name": "alice", "role": "admin"}))
        .send()
        .await?;
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    assert_eq!(
        http.get(format!("{}/v1/bots", server.url))
            .bearer_auth(&secret)
            .send()
            .await?
            .status(),
        200
    );

    for (body, needle) in [
        (json!({"name": "bob", "role": "root"}), "unknown role"),
        (json!({"name": "", "role": "agent"}), "name"),
        (json!({"name": "bob"}), "role"),
        (json!({"name": "bob", "role": "agent", "extra": 1}), "extra"),
    ] {
        let resp = http
            .post(&url)
            .bearer_auth(&server.admin)
            .json(&body)
            .send()
            .await?;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{body}");
        let err: Value = resp.json().await?;
        assert!(
            err["error"]["message"].as_str().unwrap().contains(needle),
            "{body}: {err}"
        );
    }
    let not_json = http
        .post(&url)
        .bearer_auth(&server.admin)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await?;
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);

    let revoked = http
        .delete(format!("{url}/alice"))
        .bearer_auth(&server.admin)
        .send()
        .await?;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        http.get(format!("{}/v1/bots", server.url))
            .bearer_auth(&secret)
            .send()
            .await?
            .status(),
        401
    );
    let again = http
        .delete(format!("{url}/no-such-token"))
        .bearer_auth(&server.admin)
        .send()
        .await?;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bots_knowledge_and_metrics() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let http = server.http();
    let agent = server.token("agent").await?;

    let bots: Vec<Value> = server.get_json("/v1/bots", &agent).await?;
    let banking = bots
        .iter()
        .find(|b| b["name"] == "banking")
        .expect("sample bot loaded");
    assert_eq!(banking["intents"].as_array().unwrap().len(), 77);
    let missing = http
        .get(format!("{}/v1/bots/nope", server.url))
        .bearer_auth(&agent)
        .send()
        .await?;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let hits: Vec<Value> = server
        .get_json(
            "/v1/knowledge/search?q=what%20time%20do%20you%20open%20on%20saturday",
            &agent,
        )
        .await?;
    assert_eq!(hits[0]["document_id"], "opening-hours", "{hits:?}");
    // A vaguer question: MPNet ranks "find a branch" (which mentions opening hours) first; the
    // opening-hours article must still be on the shortlist the agent sees.
    let hits: Vec<Value> = server
        .get_json(
            "/v1/knowledge/search?q=when%20are%20branches%20open",
            &agent,
        )
        .await?;
    assert!(
        hits.iter()
            .take(3)
            .any(|h| h["document_id"] == "opening-hours"),
        "{hits:?}"
    );
    let no_q = http
        .get(format!("{}/v1/knowledge/search", server.url))
        .bearer_auth(&agent)
        .send()
        .await?;
    assert_eq!(no_q.status(), StatusCode::BAD_REQUEST);

    let reindexed: Value = http
        .post(format!("{}/v1/knowledge/reindex", server.url))
        .bearer_auth(&server.admin)
        .send()
        .await?
        .json()
        .await?;
    assert!(
        reindexed["documents"].as_u64().unwrap() >= 20,
        "{reindexed}"
    );

    let bad_limit = http
        .get(format!("{}/v1/chat/sessions?limit=0", server.url))
        .bearer_auth(&server.admin)
        .send()
        .await?;
    assert_eq!(bad_limit.status(), StatusCode::BAD_REQUEST);

    // A turn shows up in the metrics by source.
    let mut chat = Chat::connect(&server, &server.widget, "").await?;
    chat.say("my card has not arrived yet").await?;
    let metrics = http
        .get(format!("{}/metrics", server.url))
        .bearer_auth(&server.admin)
        .send()
        .await?
        .text()
        .await?;
    assert!(
        metrics.contains("switchboard_chat_turns_total{source=\"intent\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("switchboard_http_requests_total"));

    let unknown = http
        .get(format!("{}/no/such/path", server.url))
        .send()
        .await?;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let err: Value = unknown.json().await?;
    assert_eq!(err["error"]["code"], "not_found");
    Ok(())
}
