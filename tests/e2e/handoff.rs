//! A chat the bot hands off reaches a person: it waits in the queue agents see, one agent takes
//! it (with the conversation so far and the bot's guesses), the visitor and the agent write to
//! each other through the same widget, and the bot answers again once the agent closes it.

use serde_json::{Value, json};
use switchboard_e2e::{Backend, Chat, LiveFeed, Server, TEST_AGENT};

/// What nothing in the sample bot or FAQ answers, so the bot hands off.
const NONSENSE: &str = "my parrot keeps reciting tax law at midnight";

/// `POST path` with a raw JSON body (or none): status and JSON answer.
async fn post(
    server: &Server,
    token: &str,
    path: &str,
    body: &str,
) -> anyhow::Result<(u16, Value)> {
    server.post_raw(token, path, body).await
}

/// The next event of `feed` of `kind`, skipping others.
async fn next_of(feed: &mut LiveFeed, kind: &str) -> anyhow::Result<Value> {
    loop {
        let event = feed.next().await?;
        if event["type"] == kind {
            return Ok(event);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handed_off_chat_reaches_a_person_and_back() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let me = server.token("agent").await?;
    let other = server.named_token("agent", "agent-8").await?;
    let supervisor = server.token("supervisor").await?;
    let mut my_feed = LiveFeed::chats(&server, &me).await?;
    let mut other_feed = LiveFeed::chats(&server, &other).await?;

    let mut visitor = Chat::connect(&server, &server.widget, "").await?;
    let session = visitor.session_id();
    let reply = visitor.say(NONSENSE).await?;
    assert_eq!(reply["source"]["kind"], "handoff", "{reply}");

    // Every agent sees it queued.
    for feed in [&mut my_feed, &mut other_feed] {
        let queued = next_of(feed, "handoff").await?;
        assert_eq!(
            (&queued["session_id"], &queued["state"]),
            (&json!(session), &json!("waiting"))
        );
    }
    let queue: Value = server.get_json("/v1/chat/handoffs", &me).await?;
    assert!(
        queue
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["session_id"] == session),
        "{queue}"
    );
    // While it waits, the visitor's words go to the queue, not the bot.
    let waiting = visitor.say("hello? anyone there?").await?;
    assert_eq!(waiting, json!({"type": "delivered", "agent": null}));

    // Two agents take it at once: one wins, the other is told who has it.
    let take = format!("/v1/chat/handoffs/{session}/take");
    let (mine, theirs) = tokio::join!(
        post(&server, &me, &take, ""),
        post(&server, &other, &take, "")
    );
    let ((winner, taken), (loser_status, refusal)) = match (mine?, theirs?) {
        ((200, t), (s, r)) => ((&me, t), (s, r)),
        ((s, r), (200, t)) => ((&other, t), (s, r)),
        both => panic!("exactly one take must win: {both:?}"),
    };
    let (loser, winner_name) = if winner == &me {
        (&other, TEST_AGENT)
    } else {
        (&me, "agent-8")
    };
    assert_eq!(loser_status, 409, "{refusal}");
    assert!(refusal.to_string().contains(winner_name), "{refusal}");
    // The conversation so far, with who said what and the bot's guesses.
    let speakers: Vec<&str> = taken["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["speaker"].as_str().unwrap())
        .collect();
    assert_eq!(speakers, ["visitor", "bot", "visitor"], "{taken}");
    let missed = taken["missed"].as_array().unwrap();
    assert_eq!(missed[0]["text"], NONSENSE, "{taken}");
    assert_eq!(missed[0]["reason"], "handoff");
    assert!(
        missed[0]["best_guesses"]
            .as_array()
            .is_some_and(|g| !g.is_empty()),
        "{taken}"
    );

    let joined = visitor.recv().await?;
    assert_eq!(
        joined,
        json!({"type": "agent_joined", "agent": winner_name})
    );
    // A reconnecting visitor is told at once who holds the chat.
    let mut again = Chat::connect(&server, &server.widget, &format!("&session={session}")).await?;
    assert_eq!(again.recv().await?, joined);

    // Visitor → agent: the holder's feed carries it, the other agent's does not.
    let (winner_feed, loser_feed) = if winner == &me {
        (&mut my_feed, &mut other_feed)
    } else {
        (&mut other_feed, &mut my_feed)
    };
    assert_eq!(
        visitor.say("I need help with my parrot").await?,
        json!({"type": "delivered", "agent": winner_name})
    );
    let heard = next_of(winner_feed, "visitor_message").await?;
    assert_eq!(
        (&heard["session_id"], &heard["text"]),
        (&json!(session), &json!("I need help with my parrot"))
    );

    // Agent → visitor, through the same widget.
    let say = format!("/v1/chat/handoffs/{session}/messages");
    let (status, turn) = post(
        &server,
        winner,
        &say,
        r#"{"text":"Hi, I'm here. What happened?"}"#,
    )
    .await?;
    assert_eq!(status, 201, "{turn}");
    assert_eq!(
        (&turn["speaker"], &turn["agent_id"]),
        (&json!("agent"), &json!(winner_name))
    );
    assert_eq!(
        visitor.recv().await?,
        json!({"type": "agent_message", "agent": winner_name, "text": "Hi, I'm here. What happened?"})
    );
    assert_eq!(again.recv().await?["type"], "agent_message");

    // Refusals change nothing.
    let cases = [
        (loser, say.clone(), r#"{"text":"me too"}"#, 403, winner_name),
        (winner, say.clone(), r#"{"text":"  "}"#, 400, "empty"),
        (winner, say.clone(), r#"{"text":"#, 400, "EOF"),
        (winner, say.clone(), r#"{"words":"hi"}"#, 400, "text"),
        (
            winner,
            "/v1/chat/handoffs/nope/messages".into(),
            r#"{"text":"hi"}"#,
            404,
            "nope",
        ),
        (
            winner,
            "/v1/chat/handoffs/nope/take".into(),
            "",
            404,
            "nope",
        ),
        (
            loser,
            format!("/v1/chat/handoffs/{session}/close"),
            "",
            409,
            winner_name,
        ),
        (
            &server.widget,
            say.clone(),
            r#"{"text":"hi"}"#,
            403,
            "agent",
        ),
    ];
    for (token, path, body, want, needle) in cases {
        let (status, answer) = post(&server, token, &path, body).await?;
        assert_eq!(status, want, "{path} {body}: {answer}");
        assert!(
            answer.to_string().contains(needle),
            "{path} {body}: {answer}"
        );
    }
    let long = json!({"text": "x".repeat(2001)}).to_string();
    assert_eq!(post(&server, winner, &say, &long).await?.0, 400);

    // The transcript records who said what; only the holder (and supervisors) may read it.
    let path = format!("/v1/chat/sessions/{session}/transcript");
    let transcript: Value = server.get_json(&path, winner).await?;
    let lines: Vec<(String, Option<String>)> = transcript
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["speaker"].as_str().unwrap().to_string(),
                t["agent_id"].as_str().map(String::from),
            )
        })
        .collect();
    let agent_line = ("agent".to_string(), Some(winner_name.to_string()));
    assert_eq!(lines.last(), Some(&agent_line), "{transcript}");
    assert_eq!(lines.len(), 5, "{transcript}");
    assert!(server.get_json::<Value>(&path, &supervisor).await.is_ok());
    let refused = server.get_json::<Value>(&path, loser).await.unwrap_err();
    assert!(refused.to_string().contains("403"), "{refused}");

    // Closing gives the chat back to the bot.
    let (status, closed) = post(
        &server,
        winner,
        &format!("/v1/chat/handoffs/{session}/close"),
        "",
    )
    .await?;
    assert_eq!(
        (status, &closed["state"]),
        (200, &json!("closed")),
        "{closed}"
    );
    assert_eq!(
        visitor.recv().await?,
        json!({"type": "agent_left", "agent": winner_name})
    );
    let back = visitor.say("I still haven't received my card").await?;
    assert_eq!(
        (&back["type"], &back["source"]["kind"]),
        (&json!("reply"), &json!("intent")),
        "{back}"
    );
    // The other agent saw it taken and given back, and none of the words in between.
    let mut seen = Vec::new();
    loop {
        let event = loser_feed.next().await?;
        let closed = event["type"] == "handoff" && event["state"] == "closed";
        seen.push(event);
        if closed {
            break;
        }
    }
    let kinds: Vec<(&str, &str)> = seen
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["state"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("handoff", "with_agent"), ("handoff", "closed")],
        "{seen:?}"
    );
    let missed: Value = server
        .get_json("/v1/missed-utterances", &supervisor)
        .await?;
    assert!(
        missed
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["text"] == NONSENSE && m["session_id"] == session)
    );
    Ok(())
}

/// The visitor on one node and the agent on another, sharing PostgreSQL and the NATS bus.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_person_may_be_on_another_node() -> anyhow::Result<()> {
    let (first, second) = Server::two_nodes().await?;
    let agent = second.token("agent").await?;
    let mut feed = LiveFeed::chats(&second, &agent).await?;
    // Tokens live in the shared database; the second node's start renewed the widget token.
    let mut visitor = Chat::connect(&first, &second.widget, "").await?;
    let session = visitor.session_id();
    assert_eq!(visitor.say(NONSENSE).await?["source"]["kind"], "handoff");
    assert_eq!(next_of(&mut feed, "handoff").await?["session_id"], session);

    let (status, _) = post(
        &second,
        &agent,
        &format!("/v1/chat/handoffs/{session}/take"),
        "",
    )
    .await?;
    assert_eq!(status, 200);
    assert_eq!(visitor.recv().await?["type"], "agent_joined");
    visitor.say("are you a real person?").await?;
    assert_eq!(
        next_of(&mut feed, "visitor_message").await?["text"],
        "are you a real person?"
    );
    let say = format!("/v1/chat/handoffs/{session}/messages");
    assert_eq!(
        post(&second, &agent, &say, r#"{"text":"I am."}"#).await?.0,
        201
    );
    assert_eq!(visitor.recv().await?["text"], "I am.");
    Ok(())
}
