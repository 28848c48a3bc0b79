//! Cases for the improvement loop's proposals, versions and audit log (run on both backends).

use super::{Ctx, count_rows};
use crate::{
    AuditEntry, Decision, NewBotVersion, NewProposal, ProposalFilter, ProposalOutcome,
    ProposalStatus, StoreError, VersionStatus,
};

fn proposal(missed_id: Option<&str>, text: &str, intent: &str) -> NewProposal {
    NewProposal {
        bot: "banking".into(),
        missed_id: missed_id.map(str::to_owned),
        text: text.into(),
        intent: intent.into(),
        new_intent: false,
        response: None,
        proposed_by: "agent-1".into(),
    }
}

fn approve(id: &str) -> Decision {
    Decision {
        id: id.into(),
        approve: true,
        text: None,
        intent: None,
        new_intent: None,
        response: None,
        note: None,
    }
}

fn version(v: u32, status: VersionStatus) -> NewBotVersion {
    NewBotVersion {
        bot: "banking".into(),
        version: v,
        definition_json: "{}".into(),
        checksum: format!("sum{v}"),
        status,
        author: "sup-1".into(),
        reason: "approved proposals".into(),
        base_version: Some(v - 1),
        report_json: Some(r#"{"accuracy":0.9}"#.into()),
        basis_version: Some(1),
    }
}

async fn missed_id(ctx: &Ctx, text: &str) -> String {
    let session = ctx.store.create_session("banking", 1).await.unwrap();
    let m = super::sessions::missed(&session.id, text, "low_confidence");
    ctx.store.record_missed(&m).await.unwrap()
}

pub(super) async fn proposals_are_decided_once_and_published_by_one_version(ctx: Ctx) {
    ctx.store
        .save_bot_version("banking", 1, "{}", "sum1")
        .await
        .unwrap();
    ctx.store.activate_bot_version("banking", 1).await.unwrap();
    let m1 = missed_id(&ctx, "my card got eaten").await;
    let m2 = missed_id(&ctx, "can I get a metal card").await;
    let made = ctx
        .store
        .propose(&[
            proposal(Some(&m1), "my card got eaten", "card_swallowed"),
            NewProposal {
                new_intent: true,
                ..proposal(Some(&m2), "can I get a metal card", "metal_card")
            },
        ])
        .await
        .unwrap();
    assert!(made.iter().all(|p| p.status == ProposalStatus::Pending));
    assert_eq!(
        ctx.store.missed(&m1).await.unwrap().unwrap().status,
        "proposed"
    );
    // The same missed utterance cannot be proposed twice.
    let again = ctx
        .store
        .propose(&[proposal(Some(&m1), "x y z", "card_swallowed")])
        .await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(m)) if m.contains(&m1)),
        "{again:?}"
    );

    // A new intent cannot be approved without its response; the batch changes nothing.
    let refused = ctx
        .store
        .decide(&[approve(&made[0].id), approve(&made[1].id)], "sup-1")
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("no response")),
        "{refused:?}"
    );
    assert_eq!(
        ctx.store
            .proposal(&made[0].id)
            .await
            .unwrap()
            .unwrap()
            .status,
        ProposalStatus::Pending
    );

    // Two supervisors decide the same batch at once: one wins, the other is told who did.
    let with_response = Decision {
        response: Some("We offer metal cards on the Premium plan.".into()),
        ..approve(&made[1].id)
    };
    let batch = [approve(&made[0].id), with_response];
    let (a, b) = tokio::join!(
        ctx.store.decide(&batch, "sup-1"),
        ctx.store.decide(&batch, "sup-2")
    );
    let (won, lost) = match (a, b) {
        (Ok(w), Err(e)) | (Err(e), Ok(w)) => (w, e),
        other => panic!("exactly one decision must win: {other:?}"),
    };
    let winner = won[0].decided_by.clone().unwrap();
    assert!(
        matches!(&lost, StoreError::Conflict(m) if m.contains("approved") && m.contains(&winner)),
        "{lost}"
    );
    assert!(won.iter().all(|p| p.status == ProposalStatus::Approved));

    let approved = ProposalFilter {
        bot: Some("banking".into()),
        status: Some(ProposalStatus::Approved),
        ..ProposalFilter::default()
    };
    assert_eq!(
        ctx.store.list_proposals(&approved, 10).await.unwrap().len(),
        2
    );

    // A version refused by the gate keeps its report and hands the proposals back.
    let outcomes: Vec<_> = made
        .iter()
        .map(|p| {
            (
                p.id.clone(),
                ProposalOutcome::Returned("v2 lost 3 points".into()),
            )
        })
        .collect();
    let rejected = ctx
        .store
        .commit_version(&version(2, VersionStatus::RejectedByGate), &outcomes)
        .await
        .unwrap();
    assert!(!rejected.active);
    let stored = ctx.store.bot_version("banking", 2).await.unwrap().unwrap();
    assert_eq!(
        (stored.base_version, stored.basis_version),
        (Some(1), Some(1))
    );
    assert_eq!(
        ctx.store
            .active_bot_version("banking")
            .await
            .unwrap()
            .unwrap()
            .version,
        1
    );
    let back = ctx.store.proposal(&made[0].id).await.unwrap().unwrap();
    assert_eq!(
        (back.status, back.build_note.as_deref(), back.version),
        (ProposalStatus::Pending, Some("v2 lost 3 points"), Some(2))
    );
    let activate = ctx.store.activate_bot_version("banking", 2).await;
    assert!(
        matches!(activate, Err(StoreError::NotFound(_))),
        "{activate:?}"
    );

    ctx.store
        .decide(&[approve(&made[0].id), approve(&made[1].id)], "sup-1")
        .await
        .unwrap();
    let outcomes = [
        (made[0].id.clone(), ProposalOutcome::Published),
        (
            made[1].id.clone(),
            ProposalOutcome::Refused("collides with intent card_about_to_expire".into()),
        ),
    ];
    // Two builds race for version 3: one commits, the other writes nothing.
    let v3 = version(3, VersionStatus::Published);
    let (a, b) = tokio::join!(
        ctx.store.commit_version(&v3, &outcomes),
        ctx.store.commit_version(&v3, &outcomes),
    );
    let (v3, lost) = match (a, b) {
        (Ok(v), Err(e)) | (Err(e), Ok(v)) => (v, e),
        other => panic!("exactly one commit must win: {other:?}"),
    };
    assert!(matches!(lost, StoreError::Conflict(_)), "{lost}");
    assert!(v3.active && v3.status == VersionStatus::Published);
    assert_eq!(
        (v3.author.as_deref(), v3.base_version),
        (Some("sup-1"), Some(2))
    );
    let versions = ctx.store.list_bot_versions("banking").await.unwrap();
    let active: Vec<u32> = versions
        .iter()
        .filter(|v| v.active)
        .map(|v| v.version)
        .collect();
    assert_eq!(active, [3]);
    assert_eq!(versions[0].reason, "imported from files");
    let published = ctx.store.proposal(&made[0].id).await.unwrap().unwrap();
    assert_eq!(
        (published.status, published.version),
        (ProposalStatus::Published, Some(3))
    );
    let refused = ctx.store.proposal(&made[1].id).await.unwrap().unwrap();
    assert_eq!(refused.status, ProposalStatus::Refused);
    assert!(refused.build_note.unwrap().contains("collides"));
}

pub(super) async fn a_build_that_lost_its_proposals_writes_nothing(ctx: Ctx) {
    let made = ctx
        .store
        .propose(&[proposal(None, "freeze my card", "lost_or_stolen_card")])
        .await
        .unwrap();
    ctx.store
        .decide(&[approve(&made[0].id)], "sup-1")
        .await
        .unwrap();
    let outcomes = [(made[0].id.clone(), ProposalOutcome::Published)];
    ctx.store
        .commit_version(&version(2, VersionStatus::Published), &outcomes)
        .await
        .unwrap();
    let stale = ctx
        .store
        .commit_version(&version(3, VersionStatus::Published), &outcomes)
        .await;
    assert!(
        matches!(&stale, Err(StoreError::Conflict(m)) if m.contains("no longer approved")),
        "{stale:?}"
    );
    assert_eq!(
        count_rows(&ctx.store, "SELECT COUNT(*) FROM bot_versions").await,
        1
    );
    // Unknown proposals and empty fields are refused before anything is written.
    let unknown = ctx.store.decide(&[approve("nope")], "sup-1").await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound(_))),
        "{unknown:?}"
    );
    let empty = ctx.store.propose(&[proposal(None, "  ", "x")]).await;
    assert!(matches!(empty, Err(StoreError::Invalid(_))), "{empty:?}");
    let missing = ctx
        .store
        .propose(&[proposal(Some("no-such-missed"), "hello there", "greet")])
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound(_))),
        "{missing:?}"
    );
    assert_eq!(
        count_rows(&ctx.store, "SELECT COUNT(*) FROM proposals").await,
        1
    );
}

pub(super) async fn audit_entries_read_back_newest_first(ctx: Ctx) {
    for action in ["proposal.approve", "bot.publish"] {
        ctx.store
            .record_audit(&AuditEntry {
                actor: "sup-1".into(),
                action: action.into(),
                subject: "bot:banking:v2".into(),
                before_json: None,
                after_json: Some("{}".into()),
            })
            .await
            .unwrap();
    }
    let log = ctx.store.list_audit(10).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|r| r.entry.action.as_str()).collect();
    assert_eq!(actions, ["bot.publish", "proposal.approve"]);
}
