//! Starting, restarting and stopping: bot versions survive bad definitions; shutdown is graceful.

use switchboard_e2e::{Backend, Chat, Server, Start, copy_dir, repo_root};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_definition_never_replaces_the_running_bot() -> anyhow::Result<()> {
    let first = Server::start(Backend::Sqlite).await?;
    let db = first.database_url.clone();
    let admin = first.admin.clone();
    let _files = first.stop();

    // Same database, a copy of the bot with a bumped version and a broken intent file.
    let tmp = tempfile::tempdir()?;
    let bots = tmp.path().join("bots");
    copy_dir(&repo_root().join("bot-definitions"), &bots)?;
    let bot_yaml = bots.join("banking/bot.yaml");
    let yaml = std::fs::read_to_string(&bot_yaml)?;
    let bumped = yaml.replacen("version: 1", "version: 2", 1);
    assert_ne!(yaml, bumped, "bot.yaml carries `version: 1`");
    std::fs::write(&bot_yaml, bumped)?;
    std::fs::write(
        bots.join("banking/intents/card_arrival.yaml"),
        "name: card_arrival\nutterances: [\"x\"]\n",
    )?;

    let mut opts = Start::sample(Backend::Sqlite);
    opts.bots_dir = bots;
    opts.database_url = Some(db);
    opts.admin = Some(admin);
    let second = Server::start_with(opts).await?;
    let mut chat = Chat::connect(&second, &second.widget, "").await?;
    assert_eq!(
        chat.session["bot_version"], 1,
        "still the stored version: {}",
        chat.session
    );
    let reply = chat.say("my card still has not arrived").await?;
    assert_eq!(reply["source"]["intent"], "card_arrival", "{reply}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_chats_with_going_away_and_exits_cleanly() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let mut chat = Chat::connect(&server, &server.widget, "").await?;
    assert_eq!(
        chat.say("how do I top up my account").await?["type"],
        "reply"
    );
    let waiter = tokio::spawn(async move { chat.closed().await });
    let status = tokio::task::spawn_blocking(move || server.terminate()).await??;
    assert!(status.success(), "exit status {status}");
    let (code, reason) = waiter.await??;
    assert_eq!(code, 1001, "{reason}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_article_fails_the_reindex_and_the_old_index_keeps_answering() -> anyhow::Result<()>
{
    let tmp = tempfile::tempdir()?;
    let knowledge = tmp.path().join("knowledge");
    copy_dir(&repo_root().join("knowledge"), &knowledge)?;
    let mut opts = Start::sample(Backend::Sqlite);
    opts.knowledge_dir = knowledge.clone();
    let server = Server::start_with(opts).await?;

    std::fs::write(
        knowledge.join("broken.md"),
        "---\ntitle: [unclosed\n---\nbody\n",
    )?;
    let resp = server
        .http()
        .post(format!("{}/v1/knowledge/reindex", server.url))
        .bearer_auth(&server.admin)
        .send()
        .await?;
    assert_eq!(resp.status(), 400);
    let err: serde_json::Value = resp.json().await?;
    let message = err["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("broken.md:"),
        "names the file and line: {message}"
    );

    let agent = server.token("agent").await?;
    let hits: Vec<serde_json::Value> = server
        .get_json("/v1/knowledge/search?q=branch%20opening%20hours", &agent)
        .await?;
    assert_eq!(
        hits[0]["document_id"], "opening-hours",
        "the previous index still answers: {hits:?}"
    );
    Ok(())
}
