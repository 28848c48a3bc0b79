//! Cases for connecting, health and API tokens (run on both backends by `both_backends!`).

use sha2::{Digest, Sha256};

use super::{Ctx, count_rows};
use crate::{Role, Store, StoreError};

pub(super) async fn connect_twice_is_idempotent(ctx: Ctx) {
    let (info, plaintext) = ctx.store.create_token("before", Role::Admin).await.unwrap();
    let again = Store::connect(&ctx.url)
        .await
        .expect("second connect re-runs migrations");
    again.migrate().await.expect("explicit migrate is a no-op");
    assert_eq!(again.verify_token(&plaintext).await.unwrap(), Some(info));
    assert_eq!(again.list_tokens().await.unwrap().len(), 1);
    again.close().await;
}

pub(super) async fn ping_answers(ctx: Ctx) {
    ctx.store.ping().await.unwrap();
}

pub(super) async fn created_token_verifies_and_only_its_hash_is_stored(ctx: Ctx) {
    let (info, plaintext) = ctx.store.create_token("ci bot", Role::Agent).await.unwrap();
    assert_eq!(info.name, "ci bot");
    assert_eq!(info.role, Role::Agent);
    assert_eq!(info.revoked_at, None);
    let random = plaintext.strip_prefix("sb_").expect("sb_ prefix");
    assert_eq!(random.len(), 43);
    assert!(
        random.chars().all(|c| c.is_ascii_alphanumeric()),
        "{plaintext}"
    );

    assert_eq!(
        ctx.store.verify_token(&plaintext).await.unwrap(),
        Some(info.clone())
    );
    assert_eq!(ctx.store.list_tokens().await.unwrap(), vec![info]);

    let (_, second) = ctx.store.create_token("other", Role::Agent).await.unwrap();
    assert_ne!(plaintext, second, "tokens must be random");

    let stored: String = on_pool!(ctx.store, pool => sqlx::query_scalar(
        "SELECT token_hash FROM tokens WHERE name = 'ci bot'",
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(stored, hex::encode(Sha256::digest(plaintext.as_bytes())));
    let leaked: i64 = on_pool!(ctx.store, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM tokens WHERE token_hash = $1 OR name = $1 OR id = $1",
    )
    .bind(&plaintext)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(leaked, 0, "plaintext must not be stored");
}

pub(super) async fn unknown_or_tampered_tokens_do_not_verify(ctx: Ctx) {
    let (_, plaintext) = ctx.store.create_token("web", Role::Client).await.unwrap();
    let mut tampered = plaintext.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'a' { 'b' } else { 'a' });
    for candidate in [
        "",
        "sb_",
        "nonsense",
        &plaintext[3..],
        &tampered,
        &plaintext.to_uppercase(),
    ] {
        assert_eq!(
            ctx.store.verify_token(candidate).await.unwrap(),
            None,
            "{candidate:?}"
        );
    }
    assert!(ctx.store.verify_token(&plaintext).await.unwrap().is_some());
}

pub(super) async fn revoked_token_fails_verification(ctx: Ctx) {
    let (by_name, name_secret) = ctx
        .store
        .create_token("ops", Role::Supervisor)
        .await
        .unwrap();
    let (by_id, id_secret) = ctx.store.create_token("kiosk", Role::Client).await.unwrap();

    let revoked = ctx.store.revoke_token("ops").await.unwrap();
    assert_eq!(revoked.id, by_name.id);
    assert!(revoked.revoked_at.is_some());
    assert_eq!(ctx.store.verify_token(&name_secret).await.unwrap(), None);
    assert!(
        ctx.store.verify_token(&id_secret).await.unwrap().is_some(),
        "others unaffected"
    );

    ctx.store.revoke_token(&by_id.id).await.unwrap();
    assert_eq!(ctx.store.verify_token(&id_secret).await.unwrap(), None);

    assert!(matches!(
        ctx.store.revoke_token("ops").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        ctx.store.revoke_token("nobody").await,
        Err(StoreError::NotFound(_))
    ));

    let listed = ctx.store.list_tokens().await.unwrap();
    assert_eq!(listed.len(), 2, "revoked tokens stay listed");
    assert!(listed.iter().all(|t| t.revoked_at.is_some()));
}

pub(super) async fn duplicate_active_name_conflicts_and_keeps_existing(ctx: Ctx) {
    let (first, secret) = ctx.store.create_token("deploy", Role::Admin).await.unwrap();
    let err = ctx
        .store
        .create_token("deploy", Role::Client)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("deploy")),
        "{err}"
    );
    assert_eq!(ctx.store.list_tokens().await.unwrap(), vec![first.clone()]);
    assert_eq!(ctx.store.verify_token(&secret).await.unwrap(), Some(first));

    // Once revoked, the name can be issued again.
    ctx.store.revoke_token("deploy").await.unwrap();
    let (second, second_secret) = ctx.store.create_token("deploy", Role::Agent).await.unwrap();
    assert_eq!(
        ctx.store.verify_token(&second_secret).await.unwrap(),
        Some(second)
    );
    assert_eq!(ctx.store.list_tokens().await.unwrap().len(), 2);
}

pub(super) async fn invalid_token_names_are_rejected_without_writing(ctx: Ctx) {
    let too_long = "x".repeat(101);
    let id_like = uuid::Uuid::now_v7().to_string();
    for name in [
        "",
        "   ",
        " padded",
        "tab\there",
        too_long.as_str(),
        id_like.as_str(),
    ] {
        let err = ctx.store.create_token(name, Role::Admin).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{name:?}: {err}");
    }
    assert_eq!(
        count_rows(&ctx.store, "SELECT COUNT(*) FROM tokens").await,
        0
    );
}

pub(super) async fn counts_active_tokens_per_role(ctx: Ctx) {
    assert_eq!(
        ctx.store.count_tokens_with_role(Role::Admin).await.unwrap(),
        0
    );
    ctx.store.create_token("a1", Role::Admin).await.unwrap();
    ctx.store.create_token("a2", Role::Admin).await.unwrap();
    ctx.store.create_token("g1", Role::Agent).await.unwrap();
    assert_eq!(
        ctx.store.count_tokens_with_role(Role::Admin).await.unwrap(),
        2
    );
    assert_eq!(
        ctx.store.count_tokens_with_role(Role::Agent).await.unwrap(),
        1
    );
    assert_eq!(
        ctx.store
            .count_tokens_with_role(Role::Supervisor)
            .await
            .unwrap(),
        0
    );
    ctx.store.revoke_token("a1").await.unwrap();
    assert_eq!(
        ctx.store.count_tokens_with_role(Role::Admin).await.unwrap(),
        1
    );
}
