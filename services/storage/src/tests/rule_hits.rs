//! Cases for the rules a call matched (run on both backends).

use super::Ctx;
use crate::{CallStart, NewCallSegment, NewRuleHit, StoreError};

pub(super) async fn call_with_two_segments(ctx: &Ctx, id: &str) {
    ctx.store
        .start_call(&CallStart {
            id: id.to_owned(),
            source: "lca".to_owned(),
            from_number: None,
            to_number: None,
            agent_id: Some("agent-7".to_owned()),
            queue: None,
            sample_rate: 8000,
            encoding: "pcm".to_owned(),
            channel_roles: vec!["customer".to_owned(), "agent".to_owned()],
        })
        .await
        .unwrap();
    for (start_ms, text) in [(0, "hello"), (2_000, "let me speak to a manager")] {
        let seg = NewCallSegment {
            channel: 0,
            speaker: "customer".to_owned(),
            start_ms,
            end_ms: start_ms + 1_000,
            text: text.to_owned(),
            confidence: 0.9,
            insights: Default::default(),
        };
        ctx.store.append_call_segment(id, &seg).await.unwrap();
    }
}

fn hit(rule: &str, severity: Option<&str>, seq: u32) -> NewRuleHit {
    NewRuleHit {
        rule: rule.to_owned(),
        category: "Escalation".to_owned(),
        severity: severity.map(str::to_owned),
        reason: "customer said \"speak to a manager\"".to_owned(),
        description: "The customer asked for a manager.".to_owned(),
        seq,
    }
}

pub(super) async fn rule_hits_are_recorded_once_and_read_back_in_order(ctx: Ctx) {
    call_with_two_segments(&ctx, "CR1").await;
    let alert = hit("supervisor-request", Some("high"), 1);
    let category = hit("escalation-words", None, 0);
    assert!(ctx.store.record_rule_hit("CR1", &alert).await.unwrap());
    assert!(ctx.store.record_rule_hit("CR1", &category).await.unwrap());
    // The same rule again (a resumed call) is not a second hit, and keeps the first.
    let again = NewRuleHit {
        reason: "other words".to_owned(),
        ..hit("supervisor-request", Some("high"), 0)
    };
    assert!(!ctx.store.record_rule_hit("CR1", &again).await.unwrap());
    let stored = ctx.store.call_rule_hits("CR1").await.unwrap();
    let hits: Vec<&NewRuleHit> = stored.iter().map(|r| &r.hit).collect();
    assert_eq!(hits, [&category, &alert]);
}

pub(super) async fn invalid_rule_hits_write_nothing(ctx: Ctx) {
    call_with_two_segments(&ctx, "CR2").await;
    let cases = [
        (hit("", None, 0), "empty rule"),
        (
            NewRuleHit {
                category: " ".to_owned(),
                ..hit("r", None, 0)
            },
            "empty category",
        ),
        (hit("r", Some("urgent"), 0), "severity \"urgent\""),
        (
            NewRuleHit {
                description: "x".repeat(501),
                ..hit("r", None, 0)
            },
            "description longer than 500",
        ),
    ];
    for (bad, needle) in cases {
        let err = ctx.store.record_rule_hit("CR2", &bad).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ref m) if m.contains(needle)),
            "{needle}: {err}"
        );
    }
    for (call, seq) in [("nope", 0), ("CR2", 9)] {
        let err = ctx
            .store
            .record_rule_hit(call, &hit("r", None, seq))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::NotFound(_)),
            "{call} {seq}: {err}"
        );
    }
    assert!(ctx.store.call_rule_hits("CR2").await.unwrap().is_empty());
}
