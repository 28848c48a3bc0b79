//! Against a real NATS server: `nats://127.0.0.1:4222`, or `SWITCHBOARD_TEST_NATS`. Each test uses
//! its own random subject prefix, so tests (and concurrent runs) never see each other's events.

use std::time::Duration;

use chrono::Utc;

use super::*;
use crate::Received;

fn nats_url() -> String {
    std::env::var("SWITCHBOARD_TEST_NATS").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

fn unique_prefix() -> String {
    format!("test.{:016x}.events", fastrand::u64(..))
}

/// One "node": its own connection to the shared server.
async fn node(prefix: &str, options: NatsOptions) -> NatsBus {
    NatsBus::connect_with(&nats_url(), prefix, options)
        .await
        .unwrap_or_else(|e| {
            panic!("these tests need NATS (set SWITCHBOARD_TEST_NATS to its URL): {e}")
        })
}

/// The next thing a subscription gets; the guard turns a lost event into a failure, not a hang.
async fn next(sub: &mut Subscription) -> Received {
    tokio::time::timeout(Duration::from_secs(10), sub.recv())
        .await
        .expect("no event within 10 s")
}

fn expect_err(result: Result<NatsBus, EventsError>) -> EventsError {
    match result {
        Ok(_) => panic!("connected, but an error was expected"),
        Err(e) => e,
    }
}

fn missed(text: &str) -> Event {
    Event::MissedUtterance {
        session_id: "s1".into(),
        bot: "banking".into(),
        text: text.into(),
        at: Utc::now(),
    }
}

fn text_of(received: Received) -> String {
    match received {
        Received::Event(Event::MissedUtterance { text, .. }) => text,
        other => panic!("unexpected {other:?}"),
    }
}

fn one_of_each() -> Vec<Event> {
    let at = Utc::now();
    vec![
        Event::ChatTurn {
            session_id: "s1".into(),
            bot: "banking".into(),
            visitor_text: "what is my balance?".into(),
            reply_text: "Let me check.".into(),
            source_kind: "intent".into(),
            at,
        },
        Event::MissedUtterance {
            session_id: "s1".into(),
            bot: "banking".into(),
            text: "¿qué?".into(),
            at,
        },
        Event::BotPublished {
            bot: "banking".into(),
            version: 4,
            at,
        },
        Event::CallStarted {
            call_id: "c1".into(),
            from_number: Some("+15550100".into()),
            to_number: None,
            agent_id: Some("agent-7".into()),
            offset_ms: 1_500,
            at,
        },
        Event::CallPartial {
            call_id: "c1".into(),
            channel: 1,
            speaker: "agent".into(),
            start_ms: 2_000,
            stable: "thank you for".into(),
            unstable: "calling".into(),
        },
        Event::CallSegment {
            call_id: "c1".into(),
            seq: 3,
            channel: 0,
            speaker: "customer".into(),
            start_ms: 4_000,
            end_ms: 6_250,
            text: "I lost my card.".into(),
            confidence: 0.875,
            sentiment: Some(crate::SentimentReading {
                label: "negative".into(),
                score: -0.5,
                running: -0.25,
            }),
            key_phrases: vec!["card".into()],
        },
        Event::CallRuleHit {
            call_id: "c1".into(),
            seq: 4,
            speaker: "customer".into(),
            text: "Let me speak to a manager.".into(),
            rule: "supervisor-request".into(),
            category: "Escalation".into(),
            severity: Some("high".into()),
            reason: "customer said \"speak to a manager\"".into(),
            description: "The customer asked for a manager.".into(),
            at,
        },
        Event::ChatHandoff {
            session_id: "s1".into(),
            bot: "banking".into(),
            state: "with_agent".into(),
            agent_id: Some("agent-7".into()),
            reason: "no_match".into(),
            at,
        },
        Event::ChatVisitorMessage {
            session_id: "s1".into(),
            bot: "banking".into(),
            text: "are you a person?".into(),
            at,
        },
        Event::ChatAgentMessage {
            session_id: "s1".into(),
            agent_id: "agent-7".into(),
            text: "I am; how can I help?".into(),
            at,
        },
        Event::CallSuggestions {
            call_id: "c1".into(),
            seq: 4,
            bot: "banking".into(),
            suggestions: vec![crate::SuggestionCard {
                id: "s1".into(),
                kind: "knowledge".into(),
                reference: "faq-3".into(),
                title: "Lost cards".into(),
                text: "Freeze it in the app.".into(),
                score: 0.62,
            }],
            at,
        },
        Event::CallSuggestionFeedback {
            call_id: "c1".into(),
            suggestion_id: "s1".into(),
            feedback: "used".into(),
            by: "agent-7".into(),
            at,
        },
        Event::CallMissedUtterance {
            call_id: "c1".into(),
            seq: 5,
            speaker: "customer".into(),
            bot: "banking".into(),
            text: "my parrot ate the statement".into(),
            best_guesses: vec![("card_arrival".into(), 0.2)],
            at,
        },
        Event::CallLagging {
            call_id: "c1".into(),
            behind_ms: 3_200,
        },
        Event::CallDegraded {
            call_id: "c1".into(),
            stage: "recognizer".into(),
            reason: "panicked".into(),
            resumed_at_ms: 130_400,
        },
        Event::CallEnded {
            call_id: "c1".into(),
            status: "incomplete".into(),
            reason: Some("client vanished".into()),
            audio_ms: 60_000,
            segments: 12,
            at,
        },
    ]
}

#[test]
fn every_event_round_trips_through_json() {
    for event in one_of_each() {
        let json = serde_json::to_vec(&event).expect("events serialise");
        let back: Event = serde_json::from_slice(&json).expect("events deserialise");
        assert_eq!(back, event);
    }
}

#[test]
fn subjects_name_events_as_their_json_type_does() {
    for event in one_of_each() {
        let json = serde_json::to_value(&event).expect("events serialise");
        assert_eq!(json["type"], kind(&event), "{event:?}");
    }
}

#[test]
fn credentials_are_hidden_in_urls() {
    assert_eq!(redact("nats://u:secret@h:4222"), "nats://u:***@h:4222");
    assert_eq!(redact("nats://s3cr3t-token@h:4222"), "nats://***@h:4222");
    assert_eq!(redact("nats://h:4222"), "nats://h:4222");
}

#[tokio::test]
async fn every_node_receives_every_event_exactly_once_in_order() {
    let prefix = unique_prefix();
    let a = node(&prefix, NatsOptions::default()).await;
    let b = node(&prefix, NatsOptions::default()).await;
    let other = node(&unique_prefix(), NatsOptions::default()).await;
    let (mut on_a, mut on_b, mut on_other) = (a.subscribe(), b.subscribe(), other.subscribe());

    for text in ["one", "two", "three", "end of a"] {
        a.publish(missed(text));
    }
    for sub in [&mut on_a, &mut on_b] {
        for expected in ["one", "two", "three", "end of a"] {
            assert_eq!(text_of(next(sub).await), expected);
        }
    }
    // Had `a` also delivered its own events locally, `on_a` would now see "one" again.
    b.publish(missed("from b"));
    assert_eq!(text_of(next(&mut on_a).await), "from b");
    assert_eq!(text_of(next(&mut on_b).await), "from b");
    // Another prefix is another deployment: its first event is its own.
    other.publish(missed("other deployment"));
    assert_eq!(text_of(next(&mut on_other).await), "other deployment");
    assert_eq!((a.dropped(), b.dropped(), other.dropped()), (0, 0, 0));
}

#[tokio::test]
async fn a_slow_subscriber_is_told_what_it_lost() {
    let bus = node(
        &unique_prefix(),
        NatsOptions {
            subscriber_capacity: 2,
            ..NatsOptions::default()
        },
    )
    .await;
    let mut slow = bus.subscribe();
    let mut watcher = bus.subscribe();
    for text in ["a", "b", "c", "d"] {
        bus.publish(missed(text));
    }
    // The watcher may lag too; once it has seen "d", all four have been rebroadcast on this node.
    loop {
        match next(&mut watcher).await {
            Received::Event(Event::MissedUtterance { text, .. }) if text == "d" => break,
            Received::Closed => panic!("the bus closed"),
            _ => {}
        }
    }
    assert_eq!(next(&mut slow).await, Received::Lagged(2));
    assert_eq!(text_of(next(&mut slow).await), "c");
    assert_eq!(text_of(next(&mut slow).await), "d");
}

#[tokio::test]
async fn publishing_while_no_one_listens_is_fine() {
    let prefix = unique_prefix();
    let a = node(&prefix, NatsOptions::default()).await;
    let b = node(&prefix, NatsOptions::default()).await;
    let mut on_b = b.subscribe();
    a.publish(missed("nobody on a listens"));
    assert_eq!(text_of(next(&mut on_b).await), "nobody on a listens");

    let mut late = a.subscribe();
    a.publish(missed("after"));
    // The first event may still have been on its way back to `a` when `late` joined.
    let mut first = text_of(next(&mut late).await);
    if first == "nobody on a listens" {
        first = text_of(next(&mut late).await);
    }
    assert_eq!(first, "after");
    assert_eq!(a.dropped(), 0);
}

#[tokio::test]
async fn a_full_publish_queue_drops_and_counts_instead_of_waiting() {
    let bus = node(
        &unique_prefix(),
        NatsOptions {
            publish_queue: 1,
            ..NatsOptions::default()
        },
    )
    .await;
    let mut sub = bus.subscribe();
    // No await in between: on this single-threaded runtime the send task cannot drain the queue.
    for n in 0..5 {
        bus.publish(missed(&n.to_string()));
    }
    assert_eq!(bus.dropped(), 4);
    assert_eq!(text_of(next(&mut sub).await), "0");
    bus.publish(missed("after the queue drained"));
    assert_eq!(text_of(next(&mut sub).await), "after the queue drained");
    assert_eq!(bus.dropped(), 4);
}

#[tokio::test]
async fn dropping_the_bus_closes_its_subscriptions() {
    let bus = node(&unique_prefix(), NatsOptions::default()).await;
    let mut sub = bus.subscribe();
    drop(bus);
    assert_eq!(next(&mut sub).await, Received::Closed);
}

#[tokio::test]
async fn an_unreachable_server_fails_with_its_url() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("bound").port()
    };
    let err = expect_err(
        NatsBus::connect(
            &format!("nats://user:secret@127.0.0.1:{port}"),
            "switchboard.events",
        )
        .await,
    );
    assert!(matches!(err, EventsError::Connect { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&format!("nats://user:***@127.0.0.1:{port}")),
        "{message}"
    );
    assert!(!message.contains("secret"), "{message}");
}

#[tokio::test]
async fn urls_that_are_not_nats_are_refused_by_name() {
    for url in [
        "memory",
        "127.0.0.1:4222",
        "http://127.0.0.1:4222",
        "nats://",
    ] {
        match expect_err(NatsBus::connect(url, "switchboard.events").await) {
            EventsError::InvalidUrl { url: named, .. } => assert_eq!(named, url),
            other => panic!("{url}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn prefixes_that_are_not_plain_subjects_are_refused() {
    for prefix in ["", "a..b", ".a", "a.", "a.*", "a.>", "a b"] {
        match expect_err(NatsBus::connect(&nats_url(), prefix).await) {
            EventsError::InvalidPrefix { prefix: named, .. } => assert_eq!(named, prefix),
            other => panic!("{prefix:?}: {other:?}"),
        }
    }
}
