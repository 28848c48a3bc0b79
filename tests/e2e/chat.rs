//! A visitor's chat with the sample bot: every answer source, stored transcripts, resumes.

use serde_json::Value;
use switchboard_e2e::{Backend, Chat, Server};

use crate::on_both_databases;

on_both_databases!(full_chat_uses_every_answer_source, full_chat);
on_both_databases!(sessions_resume_after_reconnect, resume);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_required_slot_is_asked_for_then_used() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let mut chat = Chat::connect(&server, &server.widget, "").await?;
    let question = chat.say("I think my card was stolen").await?;
    assert_eq!(
        question["source"]["intent"], "lost_or_stolen_card",
        "{question}"
    );
    assert!(
        question["text"].as_str().unwrap().contains("Which card"),
        "asks for the card type: {question}"
    );

    // An answer that names no card type is asked again, then the value is taken.
    let again = chat.say("hmm, not sure").await?;
    assert!(
        again["text"].as_str().unwrap().contains("Which card"),
        "{again}"
    );
    let answer = chat.say("the virtual one").await?;
    assert_eq!(
        answer["source"]["intent"], "lost_or_stolen_card",
        "{answer}"
    );
    let text = answer["text"].as_str().unwrap();
    assert!(
        text.contains("virtual"),
        "the slot value is used in the response: {text}"
    );
    assert!(!text.contains("Which card"), "{text}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_turns_are_stored_and_published_redacted() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let mut chat = Chat::connect(&server, &server.widget, "").await?;
    let session = chat.session_id();
    let reply = chat
        .say("my card 4539 1488 0343 6467 was charged twice, call me on (212) 555-0187")
        .await?;
    assert_eq!(reply["type"], "reply", "{reply}");
    let supervisor = server.token("supervisor").await?;
    let transcript: Vec<Value> = server
        .get_json(
            &format!("/v1/chat/sessions/{session}/transcript"),
            &supervisor,
        )
        .await?;
    let visitor = transcript[0]["text"].as_str().unwrap();
    assert_eq!(
        visitor,
        "my card [CARD_NUMBER] was charged twice, call me on [PHONE]"
    );
    let supervisor = server.token("supervisor").await?;
    let missed: Vec<Value> = server
        .get_json("/v1/missed-utterances?bot=banking", &supervisor)
        .await?;
    for m in missed
        .iter()
        .filter(|m| m["session_id"] == session.as_str())
    {
        assert!(
            !m["text"].as_str().unwrap().contains("4539"),
            "missed utterances are stored redacted: {m}"
        );
    }
    Ok(())
}

async fn full_chat(backend: Backend) -> anyhow::Result<()> {
    let server = Server::start(backend).await?;
    let mut chat = Chat::connect(&server, &server.widget, "&bot=banking").await?;
    assert_eq!(chat.session["bot"], "banking");
    assert!(
        chat.session["greeting"]
            .as_str()
            .is_some_and(|g| !g.is_empty())
    );
    let session = chat.session_id();

    let intent = chat
        .say("I ordered a card two weeks ago and it still hasn't arrived")
        .await?;
    assert_eq!(intent["type"], "reply", "{intent}");
    assert_eq!(intent["source"]["kind"], "intent", "{intent}");
    assert_eq!(intent["source"]["intent"], "card_arrival", "{intent}");
    assert!(intent["source"]["confidence"].as_f64().unwrap() > 0.0);
    assert!(intent["latency_ms"].as_f64().is_some());
    assert_eq!(intent["turn"], 1);

    let faq = chat
        .say("What are your branch opening hours on Saturday?")
        .await?;
    assert_eq!(faq["source"]["kind"], "knowledge", "{faq}");
    assert_eq!(faq["source"]["document_id"], "opening-hours", "{faq}");
    assert!(
        faq["source"]["title"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert_eq!(faq["turn"], 2);

    let handoff = chat
        .say("My neighbour's parrot keeps reciting poetry at night, what should I do")
        .await?;
    assert_eq!(handoff["source"]["kind"], "handoff", "{handoff}");
    assert_eq!(handoff["source"]["reason"], "no_match");
    assert!(
        handoff["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("agent"),
        "{handoff}"
    );

    // The transcript holds both sides of every turn, with sources.
    let supervisor = server.token("supervisor").await?;
    let transcript: Vec<Value> = server
        .get_json(
            &format!("/v1/chat/sessions/{session}/transcript"),
            &supervisor,
        )
        .await?;
    let speakers: Vec<_> = transcript
        .iter()
        .map(|t| t["speaker"].as_str().unwrap())
        .collect();
    assert_eq!(
        speakers,
        ["visitor", "bot", "visitor", "bot", "visitor", "bot"]
    );
    let sources: Vec<_> = transcript
        .iter()
        .filter_map(|t| t["source"].as_str())
        .collect();
    assert_eq!(sources, ["intent", "knowledge", "handoff"]);
    assert_eq!(transcript[1]["intent"], "card_arrival");
    assert_eq!(transcript[3]["document_id"], "opening-hours");

    // The handoff and the knowledge answer (low intent confidence) are missed utterances.
    let supervisor = server.token("supervisor").await?;
    let missed: Vec<Value> = server
        .get_json("/v1/missed-utterances?bot=banking", &supervisor)
        .await?;
    let ours: Vec<_> = missed
        .iter()
        .filter(|m| m["session_id"] == session.as_str())
        .collect();
    let reasons: Vec<_> = ours.iter().map(|m| m["reason"].as_str().unwrap()).collect();
    assert!(reasons.contains(&"handoff"), "{missed:?}");
    assert!(reasons.contains(&"low_confidence"), "{missed:?}");
    let parrot = ours.iter().find(|m| m["reason"] == "handoff").unwrap();
    assert!(parrot["text"].as_str().unwrap().contains("parrot"));
    assert!(
        !parrot["best_guesses"].as_array().unwrap().is_empty(),
        "best guesses are kept: {parrot}"
    );
    Ok(())
}

async fn resume(backend: Backend) -> anyhow::Result<()> {
    let server = Server::start(backend).await?;
    let mut first = Chat::connect(&server, &server.widget, "").await?;
    let id = first.session_id();
    first.say("How do I top up my account with a card?").await?;
    drop(first);

    let mut again = Chat::connect(&server, &server.widget, &format!("&session={id}")).await?;
    assert_eq!(again.session_id(), id, "same session after reconnect");
    let reply = again
        .say("Where is my new card? It hasn't come yet")
        .await?;
    assert_eq!(reply["turn"], 2, "turn numbers continue: {reply}");

    // An unknown session is reported, and a new one is started rather than failing.
    let url = format!(
        "{}/v1/chat?token={}&session=no-such-session",
        server.ws_url(),
        server.widget
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
    use futures::StreamExt;
    let first: Value = serde_json::from_str(ws.next().await.unwrap()?.to_text()?)?;
    assert_eq!(first["type"], "error");
    assert_eq!(first["code"], "unknown_session");
    let second: Value = serde_json::from_str(ws.next().await.unwrap()?.to_text()?)?;
    assert_eq!(second["type"], "session");
    assert_ne!(second["session_id"], "no-such-session");
    Ok(())
}
