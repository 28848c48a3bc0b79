//! Cases for sessions, transcripts and missed utterances (run on both backends).

use chrono::{Duration, TimeZone, Utc};

use super::{Ctx, count_rows};
use crate::{MissedOrigin, MissedUtterance, Speaker, StoreError, TurnRecord, now};

fn visitor(text: &str) -> TurnRecord {
    TurnRecord {
        speaker: Speaker::Visitor,
        text: text.to_owned(),
        source_kind: None,
        intent: None,
        confidence: None,
        document_id: None,
        latency_ms: None,
        at: now(),
        agent_id: None,
    }
}

fn bot(text: &str, kind: &str) -> TurnRecord {
    TurnRecord {
        speaker: Speaker::Bot,
        text: text.to_owned(),
        source_kind: Some(kind.to_owned()),
        intent: Some("opening_hours".to_owned()),
        confidence: Some(0.8125),
        document_id: Some("faq-17".to_owned()),
        latency_ms: Some(42),
        at: now(),
        agent_id: None,
    }
}

pub(super) fn missed(session_id: &str, text: &str, reason: &str) -> MissedUtterance {
    MissedUtterance {
        origin: MissedOrigin::Chat {
            session_id: session_id.to_owned(),
        },
        text: text.to_owned(),
        best_guesses: vec![("billing".to_owned(), 0.41), ("refunds".to_owned(), 0.25)],
        reason: reason.to_owned(),
        at: now(),
    }
}

pub(super) async fn sessions_are_created_fetched_and_listed_newest_first(ctx: Ctx) {
    let first = ctx.store.create_session("faq", 3).await.unwrap();
    let second = ctx.store.create_session("faq", 4).await.unwrap();
    let third = ctx.store.create_session("sales", 1).await.unwrap();
    assert_eq!((first.bot.as_str(), first.bot_version), ("faq", 3));
    assert_eq!(
        ctx.store.get_session(&second.id).await.unwrap(),
        Some(second.clone())
    );
    assert_eq!(
        ctx.store.get_session("no-such-session").await.unwrap(),
        None
    );

    let all = ctx.store.list_sessions(10).await.unwrap();
    let ids: Vec<_> = all.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [third.id.as_str(), second.id.as_str(), first.id.as_str()]
    );
    assert_eq!(ctx.store.list_sessions(2).await.unwrap().len(), 2);
    assert!(ctx.store.list_sessions(0).await.unwrap().is_empty());
    assert!(matches!(
        ctx.store.create_session(" ", 1).await,
        Err(StoreError::Invalid(_))
    ));
}

pub(super) async fn transcript_keeps_append_order(ctx: Ctx) {
    let session = ctx.store.create_session("faq", 1).await.unwrap();
    let other = ctx.store.create_session("faq", 1).await.unwrap();
    assert!(ctx.store.transcript(&session.id).await.unwrap().is_empty());

    // Same timestamp on every turn: order must come from append order, not from time.
    let at = now();
    let mut turns = vec![
        visitor("hi"),
        bot("Hello! How can I help?", "intent"),
        visitor("when do you open?"),
        bot("We open at 9.", "knowledge"),
        visitor("I want a human"),
        bot("Connecting you to an agent.", "handoff"),
    ];
    for t in &mut turns {
        t.at = at;
    }
    for (i, turn) in turns.iter().enumerate() {
        assert_eq!(
            ctx.store.append_turn(&session.id, turn).await.unwrap(),
            i as u64 + 1
        );
        ctx.store
            .append_turn(&other.id, &visitor("noise"))
            .await
            .unwrap();
    }
    assert_eq!(ctx.store.transcript(&session.id).await.unwrap(), turns);
    assert_eq!(
        ctx.store.transcript(&other.id).await.unwrap().len(),
        turns.len()
    );

    let touched = ctx.store.get_session(&session.id).await.unwrap().unwrap();
    assert!(touched.updated_at >= session.updated_at);
}

pub(super) async fn concurrent_appends_get_distinct_positions(ctx: Ctx) {
    let session = ctx.store.create_session("faq", 1).await.unwrap();
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let store = ctx.store.clone();
            let id = session.id.clone();
            tokio::spawn(async move { store.append_turn(&id, &visitor(&format!("m{i}"))).await })
        })
        .collect();
    let mut positions = Vec::new();
    for task in tasks {
        positions.push(task.await.unwrap().unwrap());
    }
    positions.sort_unstable();
    assert_eq!(positions, (1..=12).collect::<Vec<u64>>());
    let mut texts: Vec<_> = ctx
        .store
        .transcript(&session.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.text)
        .collect();
    texts.sort();
    let mut expected: Vec<_> = (0..12).map(|i| format!("m{i}")).collect();
    expected.sort();
    assert_eq!(texts, expected);
}

pub(super) async fn append_to_unknown_session_is_not_found_and_writes_nothing(ctx: Ctx) {
    let err = ctx
        .store
        .append_turn("missing", &visitor("hello?"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound(ref m) if m.contains("missing")),
        "{err}"
    );
    assert_eq!(
        count_rows(&ctx.store, "SELECT COUNT(*) FROM turns").await,
        0
    );
    assert!(matches!(
        ctx.store.transcript("missing").await,
        Err(StoreError::NotFound(_))
    ));
}

pub(super) async fn invalid_turns_are_rejected_and_transcript_unchanged(ctx: Ctx) {
    let session = ctx.store.create_session("faq", 1).await.unwrap();
    let kept = visitor("first");
    ctx.store.append_turn(&session.id, &kept).await.unwrap();

    let bad_kind = bot("?", "guess");
    let mut nan = bot("?", "intent");
    nan.confidence = Some(f32::NAN);
    let mut infinite = bot("?", "intent");
    infinite.confidence = Some(f32::INFINITY);
    for turn in [bad_kind, nan, infinite] {
        let err = ctx.store.append_turn(&session.id, &turn).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    }
    // A message with an invalid reply: neither is written.
    let err = ctx
        .store
        .append_turns(&session.id, &[visitor("second"), bot("?", "guess")])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(
        ctx.store.transcript(&session.id).await.unwrap(),
        vec![kept.clone()]
    );
    // A message and its reply go in together, in order.
    let pair = [visitor("second"), bot("answer", "intent")];
    assert_eq!(ctx.store.append_turns(&session.id, &pair).await.unwrap(), 3);
    assert_eq!(
        ctx.store.transcript(&session.id).await.unwrap(),
        [vec![kept], pair.to_vec()].concat()
    );
}

pub(super) async fn times_are_kept_to_the_microsecond(ctx: Ctx) {
    let session = ctx.store.create_session("faq", 1).await.unwrap();
    let precise =
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 30, 5).unwrap() + Duration::nanoseconds(123_456_789);
    let whole = Utc.with_ymd_and_hms(2026, 3, 1, 12, 30, 6).unwrap();
    let mut turn = visitor("timed");
    turn.at = precise;
    ctx.store.append_turn(&session.id, &turn).await.unwrap();
    turn.at = whole;
    ctx.store.append_turn(&session.id, &turn).await.unwrap();
    let times: Vec<_> = ctx
        .store
        .transcript(&session.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.at)
        .collect();
    assert_eq!(times, [precise - Duration::nanoseconds(789), whole]);
}

pub(super) async fn missed_utterances_round_trip_and_filter_by_bot(ctx: Ctx) {
    let faq = ctx.store.create_session("faq", 1).await.unwrap();
    let sales = ctx.store.create_session("sales", 2).await.unwrap();
    let base = now();
    let mut inputs = vec![
        missed(&faq.id, "can I pay in bitcoin", "low_confidence"),
        missed(&sales.id, "discount for students?", "handoff"),
        missed(&faq.id, "talk to a person", "handoff"),
    ];
    for (i, m) in inputs.iter_mut().enumerate() {
        m.at = base + Duration::seconds(i as i64);
    }
    inputs[1].best_guesses.clear();
    let mut ids = Vec::new();
    for m in &inputs {
        ids.push(ctx.store.record_missed(m).await.unwrap());
    }

    let all = ctx.store.list_missed(None, 10).await.unwrap();
    let got: Vec<_> = all
        .iter()
        .map(|r| (r.id.as_str(), r.bot.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (ids[2].as_str(), "faq"),
            (ids[1].as_str(), "sales"),
            (ids[0].as_str(), "faq")
        ]
    );
    assert!(all.iter().all(|r| r.status == "new"));
    assert_eq!(all[0].utterance, inputs[2]);
    assert_eq!(all[1].utterance, inputs[1]);

    let faq_only = ctx.store.list_missed(Some("faq"), 10).await.unwrap();
    let texts: Vec<_> = faq_only.iter().map(|r| r.utterance.text.as_str()).collect();
    assert_eq!(texts, ["talk to a person", "can I pay in bitcoin"]);
    assert_eq!(
        ctx.store.list_missed(Some("faq"), 1).await.unwrap().len(),
        1
    );
    assert!(
        ctx.store
            .list_missed(Some("nobody"), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub(super) async fn invalid_missed_utterances_write_nothing(ctx: Ctx) {
    let session = ctx.store.create_session("faq", 1).await.unwrap();
    let err = ctx
        .store
        .record_missed(&missed("missing", "hm", "handoff"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    let err = ctx
        .store
        .record_missed(&missed(&session.id, "hm", "bored"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let mut nan = missed(&session.id, "hm", "handoff");
    nan.best_guesses.push(("x".to_owned(), f32::NAN));
    let err = ctx.store.record_missed(&nan).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("\"x\"")),
        "{err}"
    );
    assert_eq!(
        count_rows(&ctx.store, "SELECT COUNT(*) FROM missed_utterances").await,
        0
    );
}
