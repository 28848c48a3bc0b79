//! Cases for live calls and their segments (run on both backends).

mod guards;

use super::Ctx;
use crate::{
    CallFilter, CallRecord, CallStart, NewCallSegment, RedactionRecord, SegmentInsights,
    SegmentSentiment, Store, StoreError,
};

pub(super) use guards::{
    concurrent_segment_appends_get_distinct_seqs, concurrent_starts_have_one_winner,
    invalid_call_starts_are_rejected_and_write_nothing,
    invalid_segments_are_rejected_and_write_nothing, unknown_call_is_not_found_and_writes_nothing,
};

fn call(id: &str) -> CallStart {
    CallStart {
        id: id.to_owned(),
        source: "lca".to_owned(),
        from_number: Some("+15550100".to_owned()),
        to_number: Some("+15550199".to_owned()),
        agent_id: None,
        queue: None,
        sample_rate: 8000,
        encoding: "pcm".to_owned(),
        channel_roles: vec!["customer".to_owned(), "agent".to_owned()],
    }
}

fn seg(speaker: &str, start_ms: u64, end_ms: u64, text: &str) -> NewCallSegment {
    NewCallSegment {
        channel: u32::from(speaker == "agent"),
        speaker: speaker.to_owned(),
        start_ms,
        end_ms,
        text: text.to_owned(),
        confidence: 0.875,
        insights: Default::default(),
    }
}

fn assert_conflict(result: crate::Result<CallRecord>, needles: &[&str]) {
    let err = result.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if needles.iter().all(|n| m.contains(n))),
        "expected Conflict mentioning {needles:?}, got {err}"
    );
}

pub(super) async fn new_call_starts_live_and_reads_back(ctx: Ctx) {
    let input = call("CA0001");
    let rec = ctx.store.start_call(&input).await.unwrap();
    assert_eq!(rec.id, input.id);
    assert_eq!(rec.source, "lca");
    assert_eq!(rec.from_number, input.from_number);
    assert_eq!(rec.to_number, input.to_number);
    assert_eq!(rec.agent_id, None);
    assert_eq!((rec.sample_rate, rec.encoding.as_str()), (8000, "pcm"));
    assert_eq!(rec.channel_roles, input.channel_roles);
    assert_eq!(rec.status, "live");
    assert_eq!((rec.audio_ms, rec.connections, rec.segments), (0, 1, 0));
    assert_eq!(rec.ended_at, None);
    assert_eq!(rec.updated_at, rec.started_at);
    assert_eq!(ctx.store.get_call("CA0001").await.unwrap(), rec);
    assert!(ctx.store.call_segments("CA0001").await.unwrap().is_empty());
}

pub(super) async fn segments_read_back_in_audio_order(ctx: Ctx) {
    ctx.store.start_call(&call("c1")).await.unwrap();
    ctx.store.start_call(&call("c2")).await.unwrap();
    // Appended out of audio order (two channels finish at different times), one start tie.
    let inputs = [
        seg("agent", 1200, 2500, "how can I help"),
        seg("customer", 0, 1500, "hello"),
        NewCallSegment {
            insights: SegmentInsights {
                redactions: vec![RedactionRecord {
                    kind: "card_number".into(),
                    start: 8,
                    end: 21,
                }],
                sentiment: Some(SegmentSentiment {
                    label: "negative".into(),
                    score: -0.75,
                    running: -0.5,
                }),
                key_phrases: vec!["card".into(), "declined payment".into()],
            },
            ..seg("customer", 3000, 4200, "my card [CARD_NUMBER] was declined")
        },
        seg("agent", 3000, 3100, "mm"),
    ];
    for (i, s) in inputs.iter().enumerate() {
        assert_eq!(
            ctx.store.append_call_segment("c1", s).await.unwrap(),
            i as u32
        );
        ctx.store
            .append_call_segment("c2", &seg("agent", 1, 2, "noise"))
            .await
            .unwrap();
    }
    let got = ctx.store.call_segments("c1").await.unwrap();
    let order: Vec<_> = got.iter().map(|s| (s.seq, s.text.as_str())).collect();
    assert_eq!(
        order,
        [
            (1, "hello"),
            (0, "how can I help"),
            (2, "my card [CARD_NUMBER] was declined"),
            (3, "mm")
        ]
    );
    let first = &got[0];
    let expected = &inputs[1];
    assert_eq!(
        (
            first.channel,
            first.speaker.as_str(),
            first.start_ms,
            first.end_ms,
            first.confidence
        ),
        (expected.channel, "customer", 0, 1500, expected.confidence)
    );
    // Insights come back as stored; a segment without them reads back empty.
    assert_eq!(got[2].insights, inputs[2].insights);
    assert_eq!(got[0].insights, SegmentInsights::default());
    assert_eq!(ctx.store.get_call("c1").await.unwrap().segments, 4);
    assert_eq!(ctx.store.call_segments("c2").await.unwrap().len(), 4);
}

pub(super) async fn reconnect_resumes_where_audio_stopped(ctx: Ctx) {
    let first = ctx.store.start_call(&call("c1")).await.unwrap();
    ctx.store
        .append_call_segment("c1", &seg("customer", 0, 900, "hi"))
        .await
        .unwrap();
    ctx.store.update_call_audio("c1", 5000).await.unwrap();
    let ended = ctx.store.end_call("c1", "incomplete", 6000).await.unwrap();
    assert_eq!(
        (ended.status.as_str(), ended.audio_ms),
        ("incomplete", 6000)
    );
    assert!(ended.ended_at.is_some());

    let mut again = call("c1");
    again.agent_id = Some("agent-7".to_owned());
    let resumed = ctx.store.start_call(&again).await.unwrap();
    assert_eq!(resumed.status, "live");
    assert_eq!(
        (resumed.connections, resumed.audio_ms, resumed.segments),
        (2, 6000, 1)
    );
    assert_eq!(resumed.ended_at, None);
    assert_eq!(resumed.started_at, first.started_at);
    assert_eq!(
        resumed.agent_id.as_deref(),
        Some("agent-7"),
        "missing details are filled in"
    );
    let seq = ctx
        .store
        .append_call_segment("c1", &seg("agent", 6100, 7000, "back"))
        .await;
    assert_eq!(seq.unwrap(), 1);
    let now = ctx.store.get_call("c1").await.unwrap();
    assert!(now.updated_at >= resumed.updated_at);
    assert_eq!(
        now,
        CallRecord {
            segments: 2,
            updated_at: now.updated_at,
            ..resumed
        }
    );
}

pub(super) async fn second_start_while_live_conflicts_and_keeps_call(ctx: Ctx) {
    ctx.store.start_call(&call("c1")).await.unwrap();
    ctx.store.update_call_audio("c1", 1234).await.unwrap();
    let before = ctx.store.get_call("c1").await.unwrap();
    let mut other = call("c1");
    other.agent_id = Some("intruder".to_owned());
    assert_conflict(
        ctx.store.start_call(&other).await,
        &["c1", "already streaming"],
    );
    assert_eq!(ctx.store.get_call("c1").await.unwrap(), before);
}

pub(super) async fn reconnect_with_other_format_conflicts_and_changes_nothing(ctx: Ctx) {
    ctx.store.start_call(&call("c1")).await.unwrap();
    let before = ctx.store.end_call("c1", "incomplete", 4000).await.unwrap();
    let mut rate = call("c1");
    rate.sample_rate = 16000;
    assert_conflict(
        ctx.store.start_call(&rate).await,
        &["c1", "8000 Hz", "16000 Hz"],
    );
    let mut encoding = call("c1");
    encoding.encoding = "mulaw".to_owned();
    assert_conflict(ctx.store.start_call(&encoding).await, &["pcm", "mulaw"]);
    let mut roles = call("c1");
    roles.channel_roles.reverse();
    assert_conflict(
        ctx.store.start_call(&roles).await,
        &["[\"agent\", \"customer\"]"],
    );
    assert_eq!(ctx.store.get_call("c1").await.unwrap(), before);
}

pub(super) async fn mark_live_calls_incomplete_after_restart(ctx: Ctx) {
    for id in ["a", "b", "c"] {
        ctx.store.start_call(&call(id)).await.unwrap();
    }
    let done = ctx.store.end_call("c", "completed", 900).await.unwrap();
    ctx.store.update_call_audio("a", 700).await.unwrap();

    // A restart opens the same database afresh.
    let restarted = Store::connect(&ctx.url).await.unwrap();
    assert_eq!(restarted.mark_live_calls_incomplete().await.unwrap(), 2);
    for id in ["a", "b"] {
        let rec = restarted.get_call(id).await.unwrap();
        assert_eq!(rec.status, "incomplete");
        assert!(rec.ended_at.is_some());
    }
    assert_eq!(restarted.get_call("a").await.unwrap().audio_ms, 700);
    assert_eq!(restarted.get_call("c").await.unwrap(), done);
    assert_eq!(restarted.mark_live_calls_incomplete().await.unwrap(), 0);
    restarted.close().await;
}

pub(super) async fn call_audio_never_moves_backwards(ctx: Ctx) {
    ctx.store.start_call(&call("c1")).await.unwrap();
    let audio = |store: Store| async move { store.get_call("c1").await.unwrap().audio_ms };
    ctx.store.update_call_audio("c1", 5000).await.unwrap();
    assert_eq!(audio(ctx.store.clone()).await, 5000);
    ctx.store.update_call_audio("c1", 3000).await.unwrap();
    assert_eq!(audio(ctx.store.clone()).await, 5000);
    ctx.store.update_call_audio("c1", 7000).await.unwrap();
    assert_eq!(audio(ctx.store.clone()).await, 7000);
    assert_eq!(
        ctx.store
            .end_call("c1", "completed", 1000)
            .await
            .unwrap()
            .audio_ms,
        7000
    );
    assert_eq!(
        ctx.store
            .end_call("c1", "completed", 9000)
            .await
            .unwrap()
            .audio_ms,
        9000
    );
    let err = ctx
        .store
        .update_call_audio("c1", u64::MAX)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(audio(ctx.store.clone()).await, 9000);
}

pub(super) async fn calls_are_listed_newest_first(ctx: Ctx) {
    // Ids sort in start order too, so a tie in started_at still lists newest first.
    for id in ["call-a", "call-b", "call-c"] {
        ctx.store.start_call(&call(id)).await.unwrap();
    }
    ctx.store
        .append_call_segment("call-a", &seg("agent", 0, 5, "hi"))
        .await
        .unwrap();
    let every = CallFilter::default();
    let all = ctx.store.list_calls(&every, 10).await.unwrap();
    let ids: Vec<_> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["call-c", "call-b", "call-a"]);
    assert_eq!(all[2], ctx.store.get_call("call-a").await.unwrap());
    assert_eq!(all[2].segments, 1);
    assert_eq!(ctx.store.list_calls(&every, 2).await.unwrap().len(), 2);
    assert!(ctx.store.list_calls(&every, 0).await.unwrap().is_empty());
}

pub(super) async fn calls_are_listed_by_agent_and_status(ctx: Ctx) {
    for (id, agent) in [("a1", "agent-1"), ("b1", "agent-2"), ("a2", "agent-1")] {
        let start = CallStart {
            agent_id: Some(agent.to_owned()),
            ..call(id)
        };
        ctx.store.start_call(&start).await.unwrap();
    }
    ctx.store.end_call("a2", "completed", 0).await.unwrap();
    let ids = |calls: Vec<CallRecord>| -> Vec<String> { calls.into_iter().map(|c| c.id).collect() };
    let agent = |a: &str, status: Option<&str>| CallFilter {
        agent_id: Some(a.to_owned()),
        status: status.map(str::to_owned),
    };
    let mine = ctx.store.list_calls(&agent("agent-1", None), 10).await;
    assert_eq!(ids(mine.unwrap()), ["a2", "a1"]);
    let live = ctx
        .store
        .list_calls(&agent("agent-1", Some("live")), 10)
        .await;
    assert_eq!(ids(live.unwrap()), ["a1"]);
    let all_live = CallFilter {
        status: Some("live".to_owned()),
        ..CallFilter::default()
    };
    let live = ctx.store.list_calls(&all_live, 10).await.unwrap();
    assert_eq!(ids(live), ["b1", "a1"]);
    assert!(
        ctx.store
            .list_calls(&agent("nobody", None), 10)
            .await
            .unwrap()
            .is_empty()
    );
}
