//! Cases for bot definition versions (run on both backends).

use super::{Ctx, count_rows};
use crate::StoreError;

const V1: &str = r#"{"name":"faq","version":1,"intents":[]}"#;
const V2: &str = r#"{"name":"faq","version":2,"intents":[{"name":"hours"}]}"#;

pub(super) async fn bot_versions_save_list_and_activate(ctx: Ctx) {
    // Saved out of order on purpose: listing is by version.
    let v2 = ctx
        .store
        .save_bot_version("faq", 2, V2, "sum2")
        .await
        .unwrap();
    let v1 = ctx
        .store
        .save_bot_version("faq", 1, V1, "sum1")
        .await
        .unwrap();
    ctx.store
        .save_bot_version("sales", 1, V1, "other")
        .await
        .unwrap();
    assert!(!v1.active && !v2.active);
    assert_eq!(ctx.store.list_bots().await.unwrap(), ["faq", "sales"]);
    assert_eq!(
        ctx.store.list_bot_versions("faq").await.unwrap(),
        vec![v1.clone(), v2.clone()]
    );
    assert_eq!(ctx.store.active_bot_version("faq").await.unwrap(), None);

    let active = ctx.store.activate_bot_version("faq", 1).await.unwrap();
    assert!(active.active);
    assert_eq!((active.version, active.definition_json.as_str()), (1, V1));
    assert_eq!(
        ctx.store.active_bot_version("faq").await.unwrap(),
        Some(active.clone())
    );
    // Activating again is harmless.
    assert_eq!(
        ctx.store.activate_bot_version("faq", 1).await.unwrap(),
        active
    );

    ctx.store.activate_bot_version("faq", 2).await.unwrap();
    let listed = ctx.store.list_bot_versions("faq").await.unwrap();
    let flags: Vec<_> = listed.iter().map(|v| (v.version, v.active)).collect();
    assert_eq!(flags, [(1, false), (2, true)]);
    assert_eq!(
        ctx.store
            .active_bot_version("faq")
            .await
            .unwrap()
            .unwrap()
            .checksum,
        "sum2"
    );
    assert_eq!(
        ctx.store.active_bot_version("sales").await.unwrap(),
        None,
        "other bots untouched"
    );
    assert!(
        ctx.store
            .list_bot_versions("nobody")
            .await
            .unwrap()
            .is_empty()
    );
}

pub(super) async fn duplicate_bot_version_conflicts_and_keeps_existing(ctx: Ctx) {
    let original = ctx
        .store
        .save_bot_version("faq", 1, V1, "sum1")
        .await
        .unwrap();
    ctx.store.activate_bot_version("faq", 1).await.unwrap();
    let err = ctx
        .store
        .save_bot_version("faq", 1, V2, "sum2")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("faq")),
        "{err}"
    );
    let kept = ctx.store.list_bot_versions("faq").await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].definition_json.as_str(), kept[0].checksum.as_str()),
        (V1, "sum1")
    );
    assert_eq!(kept[0].created_at, original.created_at);
    assert!(
        kept[0].active,
        "conflict must not deactivate the existing version"
    );
}

pub(super) async fn activating_unknown_version_is_not_found_and_keeps_active(ctx: Ctx) {
    ctx.store
        .save_bot_version("faq", 1, V1, "sum1")
        .await
        .unwrap();
    ctx.store.activate_bot_version("faq", 1).await.unwrap();
    let err = ctx.store.activate_bot_version("faq", 9).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound(ref m) if m.contains('9')),
        "{err}"
    );
    let err = ctx
        .store
        .activate_bot_version("nobody", 1)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    assert_eq!(
        ctx.store
            .active_bot_version("faq")
            .await
            .unwrap()
            .map(|v| v.version),
        Some(1)
    );
}

pub(super) async fn non_json_definition_is_rejected(ctx: Ctx) {
    for (bot, definition) in [("faq", "{not json"), ("faq", ""), ("", V1)] {
        let err = ctx
            .store
            .save_bot_version(bot, 1, definition, "sum")
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(_)),
            "{definition:?}: {err}"
        );
    }
    assert_eq!(
        count_rows(&ctx.store, "SELECT COUNT(*) FROM bot_versions").await,
        0
    );
}
