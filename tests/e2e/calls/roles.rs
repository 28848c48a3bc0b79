//! Who sees which call: an agent token sees only the calls whose `agentId` is its name, in
//! `GET /v1/calls/{id}` and on the live feed; supervisors see every call.

use serde_json::{Value, json};
use switchboard_e2e::{
    Backend, CallSocket, LiveFeed, Server, StagedCall, TEST_AGENT, lca_end, lca_start, unique_id,
};

use super::CALL;

/// Streams the first seconds of the staged call as `agent_id`'s call.
async fn short_call(
    server: &Server,
    token: &str,
    id: &str,
    agent_id: &str,
    staged: &StagedCall,
) -> anyhow::Result<()> {
    let mut start = lca_start(id);
    start["agentId"] = json!(agent_id);
    let mut socket = CallSocket::lca(server, token).await?;
    socket.send_json(&start).await?;
    socket
        .stream(&staged.pcm_chunks(0, 11_000, 200), None)
        .await?;
    socket.send_json(&lca_end(id)).await?;
    assert_eq!(socket.closed().await?, (1000, "call ended".to_string()));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_see_only_their_own_calls() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let mine = server.token("agent").await?;
    let theirs = server.named_token("agent", "agent-8").await?;
    let supervisor = server.token("supervisor").await?;
    let staged = StagedCall::load(CALL)?;

    let mut my_feed = LiveFeed::connect_all(&server, &mine).await?;
    let mut all = LiveFeed::connect_all(&server, &supervisor).await?;
    let other = unique_id("theirs");
    short_call(&server, &theirs, &other, "agent-8", &staged).await?;
    let own = unique_id("mine");
    short_call(&server, &mine, &own, TEST_AGENT, &staged).await?;

    // The agent's feed carried its own call only (the other one ended before it began).
    let seen = my_feed.until_ended().await?;
    let calls = |events: &[Value]| -> Vec<String> {
        let mut ids: Vec<String> = events
            .iter()
            .map(|e| e["call_id"].as_str().unwrap_or_default().to_string())
            .collect();
        ids.dedup();
        ids
    };
    assert_eq!(calls(&seen), std::slice::from_ref(&own), "{seen:?}");
    assert!(seen.iter().any(|e| e["type"] == "segment"), "{seen:?}");
    // The supervisor's carried both.
    let mut everything = all.until_ended().await?;
    everything.extend(all.until_ended().await?);
    assert_eq!(calls(&everything), [other.clone(), own.clone()]);

    assert_eq!(server.call(&mine, &own).await?["agent_id"], TEST_AGENT);
    assert_eq!(server.call_status(&mine, &other).await?, 403);
    assert_eq!(server.call_status(&theirs, &other).await?, 200);
    assert_eq!(server.call_status(&theirs, &own).await?, 403);
    for id in [&own, &other] {
        assert_eq!(server.call_status(&supervisor, id).await?, 200);
    }
    // The call list is the agent's own; supervisors list every call, by status if they ask.
    let listed = |calls: Value| -> Vec<String> {
        let ids = calls.as_array().unwrap().iter();
        ids.map(|c| c["id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(
        listed(server.get_json("/v1/calls", &mine).await?),
        std::slice::from_ref(&own)
    );
    let everyone = listed(
        server
            .get_json("/v1/calls?status=completed", &supervisor)
            .await?,
    );
    assert_eq!(everyone, [own.clone(), other.clone()]);
    assert!(
        listed(
            server
                .get_json("/v1/calls?status=live", &supervisor)
                .await?
        )
        .is_empty()
    );
    let bad = server
        .http()
        .get(format!("{}/v1/calls?status=ringing", server.url))
        .bearer_auth(&supervisor)
        .send()
        .await?;
    assert_eq!(bad.status().as_u16(), 400);
    assert!(bad.text().await?.contains("ringing"));
    // A token says whom it speaks for (the pages ask before they connect).
    let me: Value = server.get_json("/v1/me", &mine).await?;
    assert_eq!(me, json!({"name": TEST_AGENT, "role": "agent"}));
    Ok(())
}
