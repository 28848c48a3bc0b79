//! Cases for agent assist on calls: suggestions, the agent's verdicts, a call's missed
//! utterances (run on both backends).

use super::Ctx;
use super::rule_hits::call_with_two_segments;
use crate::{MissedOrigin, MissedUtterance, NewSuggestion, StoreError, now};

fn suggestion(seq: u32, rank: u32, kind: &str, score: f32) -> NewSuggestion {
    NewSuggestion {
        seq,
        rank,
        bot: "banking".to_owned(),
        kind: kind.to_owned(),
        reference: format!("ref-{rank}"),
        title: format!("Title {rank}"),
        text: "You can freeze the card in the app.".to_owned(),
        score,
    }
}

pub(super) async fn suggestions_round_trip_with_the_agents_verdict(ctx: Ctx) {
    call_with_two_segments(&ctx, "CS1").await;
    let made = vec![
        suggestion(1, 0, "knowledge", 0.71),
        suggestion(1, 1, "knowledge", 0.52),
    ];
    let recorded = ctx.store.record_suggestions("CS1", &made).await.unwrap();
    assert_eq!(recorded.len(), 2);
    assert!(recorded.iter().all(|r| r.feedback.is_none()));
    let first = &recorded[0].id;
    let used = ctx
        .store
        .suggestion_feedback("CS1", first, "used", "agent-7")
        .await
        .unwrap();
    assert_eq!(used.feedback.as_deref(), Some("used"));
    assert_eq!(used.feedback_by.as_deref(), Some("agent-7"));
    // A later verdict replaces the first (a mis-click corrected).
    ctx.store
        .suggestion_feedback("CS1", first, "not_helpful", "agent-7")
        .await
        .unwrap();
    let stored = ctx.store.call_suggestions("CS1").await.unwrap();
    let got: Vec<(&NewSuggestion, Option<&str>)> = stored
        .iter()
        .map(|r| (&r.suggestion, r.feedback.as_deref()))
        .collect();
    assert_eq!(got, [(&made[0], Some("not_helpful")), (&made[1], None)]);
    assert!(stored[0].feedback_at.is_some());
}

pub(super) async fn invalid_suggestions_and_feedback_write_nothing(ctx: Ctx) {
    call_with_two_segments(&ctx, "CS2").await;
    let cases = [
        (suggestion(0, 0, "guess", 0.5), "kind \"guess\""),
        (suggestion(0, 0, "intent", 1.5), "score 1.5"),
        (suggestion(0, 0, "intent", f32::NAN), "score NaN"),
        (
            NewSuggestion {
                text: " ".to_owned(),
                ..suggestion(0, 0, "intent", 0.9)
            },
            "empty text",
        ),
        (
            NewSuggestion {
                reference: String::new(),
                ..suggestion(0, 0, "intent", 0.9)
            },
            "empty reference",
        ),
    ];
    for (bad, needle) in cases {
        // A good suggestion beside a bad one is not written either: all or none.
        let batch = [suggestion(0, 1, "intent", 0.9), bad];
        let err = ctx
            .store
            .record_suggestions("CS2", &batch)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ref m) if m.contains(needle)),
            "{needle}: {err}"
        );
    }
    for (call, seq) in [("nope", 0), ("CS2", 9)] {
        let err = ctx
            .store
            .record_suggestions(call, &[suggestion(seq, 0, "intent", 0.9)])
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::NotFound(_)),
            "{call} {seq}: {err}"
        );
    }
    assert!(ctx.store.call_suggestions("CS2").await.unwrap().is_empty());

    let kept = ctx
        .store
        .record_suggestions("CS2", &[suggestion(0, 0, "intent", 0.9)])
        .await
        .unwrap();
    let err = ctx
        .store
        .record_suggestions("CS2", &[suggestion(0, 0, "intent", 0.8)])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let id = &kept[0].id;
    let err = ctx
        .store
        .suggestion_feedback("CS2", id, "great", "agent-7")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("\"great\"")),
        "{err}"
    );
    for (call, sid) in [("CS2", "no-such-id"), ("other-call", id.as_str())] {
        let err = ctx
            .store
            .suggestion_feedback(call, sid, "used", "agent-7")
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::NotFound(_)),
            "{call} {sid}: {err}"
        );
    }
    let stored = ctx.store.call_suggestions("CS2").await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].suggestion.score, 0.9);
    assert_eq!(stored[0].feedback, None);
}

pub(super) async fn call_missed_utterances_sit_beside_chat_ones(ctx: Ctx) {
    call_with_two_segments(&ctx, "CM1").await;
    let session = ctx.store.create_session("faq", 1).await.unwrap();
    let chat = MissedUtterance {
        origin: MissedOrigin::Chat {
            session_id: session.id.clone(),
        },
        text: "talk to a person".to_owned(),
        best_guesses: vec![],
        reason: "handoff".to_owned(),
        at: now(),
    };
    let call = MissedUtterance {
        origin: MissedOrigin::Call {
            call_id: "CM1".to_owned(),
            seq: 1,
            speaker: "customer".to_owned(),
            bot: "banking".to_owned(),
        },
        text: "let me speak to a manager".to_owned(),
        best_guesses: vec![("complaint".to_owned(), 0.31)],
        reason: "no_match".to_owned(),
        at: now() + chrono::Duration::seconds(1),
    };
    ctx.store.record_missed(&chat).await.unwrap();
    let id = ctx.store.record_missed(&call).await.unwrap();

    let all = ctx.store.list_missed(None, 10).await.unwrap();
    let got: Vec<(&str, &MissedUtterance)> =
        all.iter().map(|r| (r.bot.as_str(), &r.utterance)).collect();
    assert_eq!(got, [("banking", &call), ("faq", &chat)]);
    let banking = ctx.store.list_missed(Some("banking"), 10).await.unwrap();
    assert_eq!(banking.len(), 1);
    let of_call = ctx.store.call_missed("CM1").await.unwrap();
    assert_eq!(of_call.len(), 1);
    assert_eq!(
        (of_call[0].id.as_str(), &of_call[0].utterance),
        (id.as_str(), &call)
    );

    let unknown = MissedUtterance {
        origin: MissedOrigin::Call {
            call_id: "CM1".to_owned(),
            seq: 7,
            speaker: "customer".to_owned(),
            bot: "banking".to_owned(),
        },
        ..call.clone()
    };
    let err = ctx.store.record_missed(&unknown).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound(ref m) if m.contains("segment 7")),
        "{err}"
    );
    assert_eq!(ctx.store.list_missed(None, 10).await.unwrap().len(), 2);
}
