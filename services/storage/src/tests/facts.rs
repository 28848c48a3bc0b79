//! Cases for the overview's per-call figures and its sums (run on both backends).

use chrono::NaiveDate;

use super::rule_hits::call_with_two_segments;
use super::{Ctx, count_rows};
use crate::{CallFacts, DashboardQuery, LabelCount, StoreError};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn facts(id: &str, d: u32, agent: &str, queue: &str, sentiment: Option<f64>) -> CallFacts {
    CallFacts {
        call_id: id.to_owned(),
        day: day(d),
        agent_id: Some(agent.to_owned()),
        queue: Some(queue.to_owned()),
        duration_ms: 60_000,
        agent_talk_ms: 20_000,
        customer_talk_ms: 30_000,
        non_talk_ms: 10_000,
        longest_silence_ms: 4_000,
        interruptions: 2,
        overlap_ms: 1_500,
        customer_sentiment: sentiment,
        agent_sentiment: Some(0.5),
        categories: vec!["billing".to_owned()],
        key_phrases: vec!["late fee".to_owned(), "refund".to_owned()],
        missed_intents: vec![],
    }
}

fn query(from: u32, to: u32) -> DashboardQuery {
    DashboardQuery {
        from: day(from),
        to: day(to),
        agent_id: None,
        queue: None,
        top: 10,
    }
}

fn count(label: &str, calls: u64) -> LabelCount {
    LabelCount {
        label: label.to_owned(),
        calls,
    }
}

pub(super) async fn dashboard_sums_days_agents_queues_and_labels(ctx: Ctx) {
    for (id, d, agent, queue, s) in [
        ("F1", 2, "ana", "billing", Some(-0.5)),
        ("F2", 2, "ben", "billing", Some(0.25)),
        ("F3", 3, "ana", "sales", None),
        ("F4", 9, "ana", "sales", Some(1.0)),
    ] {
        call_with_two_segments(&ctx, id).await;
        let mut f = facts(id, d, agent, queue, s);
        if id == "F3" {
            f.categories = vec!["billing".to_owned(), "escalation".to_owned()];
            f.missed_intents = vec!["cancel_card".to_owned()];
        }
        ctx.store.save_call_facts(&f).await.unwrap();
    }
    // Saving again replaces the row and its labels rather than adding to them.
    ctx.store
        .save_call_facts(&facts("F2", 2, "ben", "billing", Some(0.25)))
        .await
        .unwrap();

    let d = ctx.store.dashboard(&query(1, 8)).await.unwrap();
    assert_eq!(d.totals.calls, 3, "F4 is after the range");
    assert_eq!(d.totals.duration_ms, 180_000);
    assert_eq!(d.totals.interruptions, 6);
    assert_eq!(d.totals.customer_sentiment_calls, 2);
    assert!((d.totals.customer_sentiment().unwrap() - -0.125).abs() < 1e-9);
    let days: Vec<(NaiveDate, u64)> = d.days.iter().map(|(d, t)| (*d, t.calls)).collect();
    assert_eq!(days, [(day(2), 2), (day(3), 1)]);
    assert_eq!(
        d.days[1].1.customer_sentiment(),
        None,
        "F3 had no scored customer turn"
    );
    let agents: Vec<(Option<&str>, u64)> = d
        .agents
        .iter()
        .map(|(a, t)| (a.as_deref(), t.calls))
        .collect();
    assert_eq!(agents, [(Some("ana"), 2), (Some("ben"), 1)]);
    let queues: Vec<(Option<&str>, u64)> = d
        .queues
        .iter()
        .map(|(q, t)| (q.as_deref(), t.calls))
        .collect();
    assert_eq!(queues, [(Some("billing"), 2), (Some("sales"), 1)]);
    assert_eq!(d.categories, [count("billing", 3), count("escalation", 1)]);
    assert_eq!(d.key_phrases, [count("late fee", 3), count("refund", 3)]);
    assert_eq!(d.missed_intents, [count("cancel_card", 1)]);
    assert_eq!(
        d.category_days,
        [
            (day(2), "billing".to_owned(), 2),
            (day(3), "billing".to_owned(), 1),
            (day(3), "escalation".to_owned(), 1)
        ]
    );

    let ana_sales = DashboardQuery {
        agent_id: Some("ana".to_owned()),
        queue: Some("sales".to_owned()),
        ..query(1, 30)
    };
    let d = ctx.store.dashboard(&ana_sales).await.unwrap();
    assert_eq!(d.totals.calls, 2);
    assert_eq!(d.categories, [count("billing", 2), count("escalation", 1)]);

    let billing = DashboardQuery {
        queue: Some("billing".to_owned()),
        ..query(1, 30)
    };
    let d = ctx.store.dashboard(&billing).await.unwrap();
    assert_eq!(d.totals.calls, 2);
    assert_eq!(d.categories, [count("billing", 2)]);
    assert_eq!(d.missed_intents, []);

    // A deleted call leaves the overview with it.
    assert!(ctx.store.delete_call("F1").await.unwrap());
    let d = ctx.store.dashboard(&query(1, 8)).await.unwrap();
    assert_eq!(d.totals.calls, 2);
    assert_eq!(d.categories, [count("billing", 2), count("escalation", 1)]);
    let agents: Vec<(Option<&str>, u64)> = d
        .agents
        .iter()
        .map(|(a, t)| (a.as_deref(), t.calls))
        .collect();
    assert_eq!(agents, [(Some("ana"), 1), (Some("ben"), 1)]);
    assert_eq!(
        count_rows(
            &ctx.store,
            "SELECT COUNT(*) FROM call_fact_labels WHERE call_id = 'F1'"
        )
        .await,
        0
    );
}

pub(super) async fn bad_facts_and_ranges_are_refused_and_write_nothing(ctx: Ctx) {
    call_with_two_segments(&ctx, "G1").await;
    let good = facts("G1", 2, "ana", "billing", Some(0.1));
    let mut cases = vec![
        CallFacts {
            customer_sentiment: Some(1.5),
            ..good.clone()
        },
        CallFacts {
            key_phrases: vec![" ".to_owned()],
            ..good.clone()
        },
        CallFacts {
            duration_ms: u64::MAX,
            ..good.clone()
        },
    ];
    for bad in cases.drain(..) {
        let err = ctx.store.save_call_facts(&bad).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    }
    let unknown = CallFacts {
        call_id: "nope".to_owned(),
        ..good.clone()
    };
    let err = ctx.store.save_call_facts(&unknown).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound(ref m) if m.contains("nope")),
        "{err:?}"
    );
    assert_eq!(
        count_rows(&ctx.store, "SELECT COUNT(*) FROM call_facts").await,
        0
    );
    assert_eq!(
        count_rows(&ctx.store, "SELECT COUNT(*) FROM call_fact_labels").await,
        0
    );

    let err = ctx.store.dashboard(&query(9, 2)).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("before")),
        "{err:?}"
    );
    let long = DashboardQuery {
        from: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        ..query(1, 2)
    };
    let err = ctx.store.dashboard(&long).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("at most")),
        "{err:?}"
    );
}
