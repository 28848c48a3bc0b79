//! Bad input on the chat websocket: a precise error code, a usable connection, nothing stored.

use serde_json::Value;
use switchboard_e2e::{Backend, Chat, Server};
use tokio_tungstenite::tungstenite::Message;

use crate::on_both_databases;

on_both_databases!(bad_messages_get_codes_and_store_nothing, bad_messages);

async fn bad_messages(backend: Backend) -> anyhow::Result<()> {
    let server = Server::start(backend).await?;
    let mut chat = Chat::connect(&server, &server.widget, "").await?;
    let session = chat.session_id();

    let cases: [(&str, &str); 7] = [
        ("this is not json", "invalid_json"),
        (r#"{"type":"shout","text":"hi"}"#, "unknown_type"),
        (r#"{"text":"no type"}"#, "unknown_type"),
        (r#"{"type":"message"}"#, "invalid_message"),
        (r#"{"type":"message","text":42}"#, "invalid_message"),
        (r#"{"type":"message","text":"   "}"#, "empty_text"),
        (r#"[1,2,3]"#, "unknown_type"),
    ];
    for (frame, code) in cases {
        chat.send_raw(frame).await?;
        let reply = chat.recv().await?;
        assert_eq!(reply["type"], "error", "{frame} -> {reply}");
        assert_eq!(reply["code"], code, "{frame} -> {reply}");
        assert!(reply["message"].as_str().is_some_and(|m| !m.is_empty()));
    }

    let long = "a".repeat(2_001);
    let reply = chat.say(&long).await?;
    assert_eq!(reply["code"], "text_too_long", "{reply}");
    assert!(reply["message"].as_str().unwrap().contains("2001"));
    // Exactly the limit is fine (counted in characters, not bytes). Asked in a chat of its own:
    // the bot hands nonsense to a person, and the chat under test should stay with the bot.
    let at_limit = "é".repeat(2_000);
    let mut other = Chat::connect(&server, &server.widget, "").await?;
    assert_eq!(other.say(&at_limit).await?["type"], "reply");

    chat.send_frame(Message::Binary(vec![1, 2, 3].into()))
        .await?;
    assert_eq!(chat.recv().await?["code"], "unsupported_frame");

    // After all that the connection still answers.
    let ok = chat.say("How do I top up my account?").await?;
    assert_eq!(ok["type"], "reply", "{ok}");

    // Only the one accepted message was stored, with its answer.
    let supervisor = server.token("supervisor").await?;
    let transcript: Vec<Value> = server
        .get_json(
            &format!("/v1/chat/sessions/{session}/transcript"),
            &supervisor,
        )
        .await?;
    assert_eq!(transcript.len(), 2, "{transcript:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flooding_is_rate_limited_and_the_connection_survives() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let mut chat = Chat::connect(&server, &server.widget, "").await?;
    // 200 pings sent back to back: more than 20 in any second are refused.
    for _ in 0..200 {
        chat.send_raw(r#"{"type":"ping"}"#).await?;
    }
    let mut limited = 0;
    for _ in 0..200 {
        let m = chat.recv().await?;
        match m["type"].as_str() {
            Some("pong") => {}
            Some("error") => {
                assert_eq!(m["code"], "rate_limited", "{m}");
                limited += 1;
            }
            _ => panic!("unexpected {m}"),
        }
    }
    assert!(
        limited >= 30,
        "expected a 200-message burst to be refused, {limited} were"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(chat.say("How do I top up?").await?["type"], "reply");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_frames_close_the_connection_with_1009() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let mut chat = Chat::connect(&server, &server.widget, "").await?;
    let huge = format!(
        r#"{{"type":"message","text":"{}"}}"#,
        "x".repeat(100 * 1024)
    );
    chat.send_raw(&huge).await?;
    let (code, reason) = chat.closed().await?;
    assert_eq!(code, 1009, "{reason}");
    // The server is fine and other visitors are unaffected.
    let mut other = Chat::connect(&server, &server.widget, "").await?;
    assert_eq!(other.say("How do I top up?").await?["type"], "reply");
    Ok(())
}
