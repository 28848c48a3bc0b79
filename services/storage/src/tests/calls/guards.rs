//! Call cases about concurrency and bad input: racing starts and appends, invalid fields and
//! unknown ids must leave stored data as it was.

use super::{call, seg};
use crate::tests::{Ctx, count_rows};
use crate::{
    CallStart, NewCallSegment, RedactionRecord, SegmentInsights, SegmentSentiment, Store,
    StoreError,
};

pub(in crate::tests) async fn concurrent_segment_appends_get_distinct_seqs(ctx: Ctx) {
    ctx.store.start_call(&call("c1")).await.unwrap();
    let tasks: Vec<_> = (0..20u64)
        .map(|i| {
            let store = ctx.store.clone();
            let s = seg("customer", i * 100, i * 100 + 50, &format!("s{i}"));
            tokio::spawn(async move { store.append_call_segment("c1", &s).await })
        })
        .collect();
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await.unwrap().unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (0..20).collect::<Vec<u32>>());
    let texts: Vec<_> = ctx
        .store
        .call_segments("c1")
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert_eq!(texts, (0..20).map(|i| format!("s{i}")).collect::<Vec<_>>());
}

/// Starts `id` from `n` tasks at once and returns how many succeeded; the rest must conflict.
async fn race_starts(store: &Store, id: &str, n: usize) -> usize {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (store, start) = (store.clone(), call(id));
            tokio::spawn(async move { store.start_call(&start).await })
        })
        .collect();
    let mut wins = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => wins += 1,
            Err(StoreError::Conflict(m)) => assert!(m.contains("already streaming"), "{m}"),
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    wins
}

pub(in crate::tests) async fn concurrent_starts_have_one_winner(ctx: Ctx) {
    assert_eq!(race_starts(&ctx.store, "c1", 8).await, 1);
    assert_eq!(ctx.store.get_call("c1").await.unwrap().connections, 1);
    ctx.store.end_call("c1", "incomplete", 100).await.unwrap();
    assert_eq!(race_starts(&ctx.store, "c1", 8).await, 1);
    let rec = ctx.store.get_call("c1").await.unwrap();
    assert_eq!((rec.status.as_str(), rec.connections), ("live", 2));
}

pub(in crate::tests) async fn invalid_segments_are_rejected_and_write_nothing(ctx: Ctx) {
    ctx.store.start_call(&call("c1")).await.unwrap();
    let before = ctx.store.get_call("c1").await.unwrap();
    let mut cases = vec![
        seg("bot", 0, 10, "who"),
        seg("customer", 20, 10, "backwards"),
        seg("customer", 0, 10, ""),
        seg("customer", 0, 10, "  \n"),
    ];
    for confidence in [-0.1, 1.5, f32::NAN, f32::INFINITY] {
        cases.push(NewCallSegment {
            confidence,
            ..seg("agent", 0, 10, "x")
        });
    }
    let sentiment = |label: &str, score: f32, running: f32| SegmentInsights {
        sentiment: Some(SegmentSentiment {
            label: label.into(),
            score,
            running,
        }),
        ..Default::default()
    };
    for insights in [
        sentiment("furious", -0.5, -0.5),
        sentiment("negative", -1.5, -0.5),
        sentiment("negative", -0.5, f32::NAN),
        SegmentInsights {
            redactions: vec![RedactionRecord {
                kind: "phone".into(),
                start: 3,
                end: 40,
            }],
            ..Default::default()
        },
    ] {
        cases.push(NewCallSegment {
            insights,
            ..seg("agent", 0, 10, "it's [PHONE]")
        });
    }
    for bad in &cases {
        let err = ctx.store.append_call_segment("c1", bad).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ref m) if m.contains("c1")),
            "{bad:?}: {err}"
        );
    }
    assert_eq!(
        count_rows(&ctx.store, "SELECT COUNT(*) FROM call_segments").await,
        0
    );
    assert_eq!(ctx.store.get_call("c1").await.unwrap(), before);
}

pub(in crate::tests) async fn invalid_call_starts_are_rejected_and_write_nothing(ctx: Ctx) {
    let mut cases = Vec::new();
    for id in ["", "  ", "CA\n01", "CA\u{7}01", &"x".repeat(201)] {
        cases.push(call(id));
    }
    cases.push(CallStart {
        source: "sip".to_owned(),
        ..call("c1")
    });
    cases.push(CallStart {
        sample_rate: 0,
        ..call("c1")
    });
    cases.push(CallStart {
        encoding: String::new(),
        ..call("c1")
    });
    cases.push(CallStart {
        channel_roles: vec![],
        ..call("c1")
    });
    cases.push(CallStart {
        channel_roles: vec!["bot".to_owned()],
        ..call("c1")
    });
    cases.push(CallStart {
        from_number: Some("+1\r\n".to_owned()),
        ..call("c1")
    });
    for bad in &cases {
        let err = ctx.store.start_call(bad).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{bad:?}: {err}");
    }
    assert_eq!(
        count_rows(&ctx.store, "SELECT COUNT(*) FROM calls").await,
        0
    );
    let longest = call(&"x".repeat(200));
    assert_eq!(ctx.store.start_call(&longest).await.unwrap().id, longest.id);

    ctx.store.start_call(&call("c1")).await.unwrap();
    let err = ctx.store.end_call("c1", "live", 0).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("\"live\"")),
        "{err}"
    );
    assert_eq!(ctx.store.get_call("c1").await.unwrap().status, "live");
}

pub(in crate::tests) async fn unknown_call_is_not_found_and_writes_nothing(ctx: Ctx) {
    fn is_not_found<T: std::fmt::Debug>(result: crate::Result<T>) {
        let err = result.unwrap_err();
        assert!(
            matches!(err, StoreError::NotFound(ref m) if m.contains("nope")),
            "{err}"
        );
    }
    let store = &ctx.store;
    is_not_found(store.get_call("nope").await);
    is_not_found(store.call_segments("nope").await);
    is_not_found(
        store
            .append_call_segment("nope", &seg("agent", 0, 1, "x"))
            .await,
    );
    is_not_found(store.update_call_audio("nope", 10).await);
    is_not_found(store.end_call("nope", "completed", 10).await);
    assert_eq!(count_rows(store, "SELECT COUNT(*) FROM calls").await, 0);
    assert_eq!(
        count_rows(store, "SELECT COUNT(*) FROM call_segments").await,
        0
    );
}
