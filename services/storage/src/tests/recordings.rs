//! Cases for analysed recordings and deleting a call (run on both backends).

use super::rule_hits::call_with_two_segments;
use super::{Ctx, count_rows};
use crate::{ChannelRecord, NewRuleHit, RecordingRecord, StoreError};

fn channel(channel: u16, role: &str, detected: bool, confidence: f64) -> ChannelRecord {
    ChannelRecord {
        channel,
        role: role.to_owned(),
        detected,
        confidence,
        loudness_lufs: Some(-23.5),
    }
}

fn recording(channels: Vec<ChannelRecord>) -> RecordingRecord {
    RecordingRecord {
        file_name: "calls/monday/0001.wav".to_owned(),
        channels,
    }
}

pub(super) async fn recordings_round_trip_and_are_replaced_whole(ctx: Ctx) {
    call_with_two_segments(&ctx, "R1").await;
    assert_eq!(ctx.store.call_recording("R1").await.unwrap(), None);
    let mut first = recording(vec![
        channel(0, "agent", true, 0.81),
        channel(1, "customer", true, 0.81),
    ]);
    first.channels[1].loudness_lufs = None;
    ctx.store.save_call_recording("R1", &first).await.unwrap();
    assert_eq!(ctx.store.call_recording("R1").await.unwrap(), Some(first));
    let second = recording(vec![channel(0, "customer", false, 1.0)]);
    ctx.store.save_call_recording("R1", &second).await.unwrap();
    assert_eq!(ctx.store.call_recording("R1").await.unwrap(), Some(second));
}

pub(super) async fn invalid_recordings_write_nothing(ctx: Ctx) {
    call_with_two_segments(&ctx, "R2").await;
    let good = recording(vec![channel(0, "agent", false, 1.0)]);
    ctx.store.save_call_recording("R2", &good).await.unwrap();
    let cases = [
        (
            recording(vec![channel(0, "supervisor", true, 0.7)]),
            "role \"supervisor\"",
        ),
        (
            recording(vec![channel(0, "agent", true, 1.5)]),
            "outside 0…1",
        ),
        (
            recording(vec![channel(1, "agent", true, 0.9)]),
            "channel 1 listed at position 0",
        ),
        (
            RecordingRecord {
                file_name: " ".into(),
                channels: vec![],
            },
            "file name",
        ),
    ];
    for (bad, why) in cases {
        match ctx.store.save_call_recording("R2", &bad).await {
            Err(StoreError::Invalid(m)) => assert!(m.contains(why), "{m}"),
            other => panic!("{why}: {other:?}"),
        }
    }
    assert_eq!(
        ctx.store.call_recording("R2").await.unwrap(),
        Some(good.clone())
    );
    match ctx.store.save_call_recording("nope", &good).await {
        Err(StoreError::NotFound(m)) => assert!(m.contains("nope"), "{m}"),
        other => panic!("{other:?}"),
    }
}

pub(super) async fn deleting_a_call_removes_everything_under_it_and_nothing_else(ctx: Ctx) {
    call_with_two_segments(&ctx, "D1").await;
    call_with_two_segments(&ctx, "D2").await;
    let hit = NewRuleHit {
        rule: "manager".into(),
        category: "Escalation".into(),
        severity: None,
        reason: "asked".into(),
        description: String::new(),
        seq: 1,
    };
    for id in ["D1", "D2"] {
        ctx.store.record_rule_hit(id, &hit).await.unwrap();
        ctx.store
            .save_call_recording(id, &recording(vec![channel(0, "agent", false, 1.0)]))
            .await
            .unwrap();
    }
    assert!(ctx.store.delete_call("D1").await.unwrap());
    assert!(!ctx.store.delete_call("D1").await.unwrap());
    assert!(matches!(
        ctx.store.get_call("D1").await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        count_rows(
            &ctx.store,
            "SELECT COUNT(*) FROM call_segments WHERE call_id = 'D1'"
        )
        .await,
        0
    );
    assert_eq!(
        count_rows(
            &ctx.store,
            "SELECT COUNT(*) FROM call_rule_hits WHERE call_id = 'D1'"
        )
        .await,
        0
    );
    assert_eq!(
        count_rows(
            &ctx.store,
            "SELECT COUNT(*) FROM call_channels WHERE call_id = 'D1'"
        )
        .await,
        0
    );
    assert_eq!(ctx.store.call_segments("D2").await.unwrap().len(), 2);
    assert_eq!(ctx.store.call_rule_hits("D2").await.unwrap().len(), 1);
    assert!(ctx.store.call_recording("D2").await.unwrap().is_some());
}

pub(super) async fn ended_calls_are_listed_in_the_order_they_changed(ctx: Ctx) {
    call_with_two_segments(&ctx, "C1").await;
    call_with_two_segments(&ctx, "C2").await;
    call_with_two_segments(&ctx, "C3").await;
    assert!(
        ctx.store
            .calls_changed_since(None, 10)
            .await
            .unwrap()
            .is_empty(),
        "live calls wait"
    );
    for id in ["C2", "C1"] {
        ctx.store.end_call(id, "completed", 5_000).await.unwrap();
    }
    let changed = ctx.store.calls_changed_since(None, 10).await.unwrap();
    let ids: Vec<&str> = changed.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["C2", "C1"]);
    let mark = Some((changed[0].updated_at, changed[0].id.clone()));
    let rest = ctx
        .store
        .calls_changed_since(mark.clone(), 10)
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["C1"]
    );
    assert_eq!(
        ctx.store.calls_changed_since(None, 1).await.unwrap().len(),
        1
    );
    ctx.store.end_call("C3", "incomplete", 1_000).await.unwrap();
    let after_c1 = Some((rest[0].updated_at, rest[0].id.clone()));
    let last = ctx.store.calls_changed_since(after_c1, 10).await.unwrap();
    assert_eq!(
        last.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["C3"]
    );
}

pub(super) async fn live_loudness_is_kept_per_channel(ctx: Ctx) {
    call_with_two_segments(&ctx, "L1").await;
    assert!(ctx.store.call_channels("L1").await.unwrap().is_empty());
    ctx.store
        .save_channel_loudness("L1", &[Some(-21.5), None])
        .await
        .unwrap();
    ctx.store
        .save_channel_loudness("L1", &[Some(-20.0), Some(-30.0)])
        .await
        .unwrap();
    let channels = ctx.store.call_channels("L1").await.unwrap();
    let got: Vec<(u16, &str, Option<f64>)> = channels
        .iter()
        .map(|c| (c.channel, c.role.as_str(), c.loudness_lufs))
        .collect();
    assert_eq!(
        got,
        [(0, "customer", Some(-20.0)), (1, "agent", Some(-30.0))]
    );
    assert_eq!(ctx.store.call_recording("L1").await.unwrap(), None);
    for bad in [vec![Some(f64::NAN)], vec![None, None, None]] {
        let err = ctx
            .store
            .save_channel_loudness("L1", &bad)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    }
    let err = ctx
        .store
        .save_channel_loudness("nope", &[None])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert_eq!(ctx.store.call_channels("L1").await.unwrap(), channels);
}
