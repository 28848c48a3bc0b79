//! Cases for chats handed to a person (run on both backends).

use super::Ctx;
use crate::{HandoffFilter, HandoffState, Speaker, StoreError, TurnRecord, now};

pub(super) async fn a_handed_off_chat_is_taken_by_one_agent_then_closed(ctx: Ctx) {
    let first = ctx.store.create_session("banking", 1).await.unwrap();
    let second = ctx.store.create_session("banking", 1).await.unwrap();
    assert_eq!(ctx.store.handoff(&first.id).await.unwrap(), None);
    let queued = ctx
        .store
        .request_handoff(&first.id, "no_match")
        .await
        .unwrap();
    assert_eq!(
        (queued.state, queued.agent_id.as_deref()),
        (HandoffState::Waiting, None)
    );
    assert_eq!(
        (queued.bot.as_str(), queued.reason.as_str()),
        ("banking", "no_match")
    );
    ctx.store
        .request_handoff(&second.id, "visitor_asked")
        .await
        .unwrap();
    // Asking again while waiting changes nothing.
    let again = ctx
        .store
        .request_handoff(&first.id, "visitor_asked")
        .await
        .unwrap();
    assert_eq!(again, queued);

    let waiting = HandoffFilter {
        state: Some(HandoffState::Waiting),
        ..HandoffFilter::default()
    };
    let queue = ctx.store.list_handoffs(&waiting, 10).await.unwrap();
    let ids: Vec<&str> = queue.iter().map(|h| h.session_id.as_str()).collect();
    assert_eq!(ids, [first.id.as_str(), second.id.as_str()], "oldest first");

    // Two agents race for the first chat: one wins, the other is told who has it.
    let (a, b) = tokio::join!(
        ctx.store.take_handoff(&first.id, "agent-1"),
        ctx.store.take_handoff(&first.id, "agent-2"),
    );
    let (winner, loser) = match (a, b) {
        (Ok(h), Err(e)) | (Err(e), Ok(h)) => (h, e),
        other => panic!("exactly one take must win: {other:?}"),
    };
    assert_eq!(winner.state, HandoffState::WithAgent);
    let holder = winner.agent_id.clone().unwrap();
    assert!(
        matches!(&loser, StoreError::Conflict(m) if m.contains(&holder)),
        "{loser}"
    );
    // Taking what one holds is a no-op.
    assert_eq!(
        ctx.store
            .take_handoff(&first.id, &holder)
            .await
            .unwrap()
            .state,
        HandoffState::WithAgent
    );
    let mine = HandoffFilter {
        agent_id: Some(holder.clone()),
        ..HandoffFilter::default()
    };
    assert_eq!(ctx.store.list_handoffs(&mine, 10).await.unwrap().len(), 1);
    assert_eq!(
        ctx.store.list_handoffs(&waiting, 10).await.unwrap().len(),
        1
    );

    let closed = ctx.store.close_handoff(&first.id, &holder).await.unwrap();
    assert_eq!(
        (closed.state, closed.agent_id.as_deref()),
        (HandoffState::Closed, Some(holder.as_str()))
    );
    assert_eq!(
        ctx.store
            .close_handoff(&first.id, &holder)
            .await
            .unwrap()
            .state,
        HandoffState::Closed
    );
    // A closed chat can be handed off again.
    let requeued = ctx
        .store
        .request_handoff(&first.id, "no_match")
        .await
        .unwrap();
    assert_eq!(
        (requeued.state, requeued.agent_id),
        (HandoffState::Waiting, None)
    );
}

pub(super) async fn agent_turns_name_their_agent(ctx: Ctx) {
    let session = ctx.store.create_session("banking", 1).await.unwrap();
    let agent = TurnRecord {
        speaker: Speaker::Agent,
        text: "Hi, I'm Sam; I can help with that.".to_owned(),
        source_kind: None,
        intent: None,
        confidence: None,
        document_id: None,
        latency_ms: None,
        at: now(),
        agent_id: Some("agent-7".to_owned()),
    };
    ctx.store.append_turn(&session.id, &agent).await.unwrap();
    assert_eq!(
        ctx.store.transcript(&session.id).await.unwrap(),
        std::slice::from_ref(&agent)
    );
    for bad in [
        TurnRecord {
            agent_id: None,
            ..agent.clone()
        },
        TurnRecord {
            speaker: Speaker::Visitor,
            ..agent.clone()
        },
    ] {
        let err = ctx.store.append_turn(&session.id, &bad).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ref m) if m.contains("agent_id")),
            "{err}"
        );
    }
    assert_eq!(ctx.store.transcript(&session.id).await.unwrap().len(), 1);
}

pub(super) async fn handoffs_refuse_what_does_not_fit_and_change_nothing(ctx: Ctx) {
    let session = ctx.store.create_session("banking", 1).await.unwrap();
    for err in [
        ctx.store
            .request_handoff("missing", "no_match")
            .await
            .unwrap_err(),
        ctx.store
            .take_handoff("missing", "agent-1")
            .await
            .unwrap_err(),
        ctx.store
            .close_handoff("missing", "agent-1")
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    }
    let err = ctx
        .store
        .request_handoff(&session.id, " ")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    // Nothing to take or close before the bot hands it off.
    let err = ctx
        .store
        .take_handoff(&session.id, "agent-1")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("not waiting")),
        "{err}"
    );
    ctx.store
        .request_handoff(&session.id, "no_match")
        .await
        .unwrap();
    let err = ctx
        .store
        .close_handoff(&session.id, "agent-1")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("not been taken")),
        "{err}"
    );
    ctx.store
        .take_handoff(&session.id, "agent-1")
        .await
        .unwrap();
    let err = ctx
        .store
        .close_handoff(&session.id, "agent-2")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("agent-1")),
        "{err}"
    );
    let held = ctx.store.handoff(&session.id).await.unwrap().unwrap();
    assert_eq!(
        (held.state, held.agent_id.as_deref()),
        (HandoffState::WithAgent, Some("agent-1"))
    );
}
