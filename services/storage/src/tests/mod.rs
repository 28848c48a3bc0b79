//! One suite, run against both backends: every case in `tokens`, `sessions`, `bots` and `calls`
//! becomes `tests::sqlite::<case>` (fresh file in a temp dir) and `tests::postgres::<case>` (fresh
//! schema).
//!
//! PostgreSQL: `SWITCHBOARD_TEST_PG` names the database (default below); failing to connect
//! fails the test (nothing is skipped).

use std::future::Future;

use sqlx::AssertSqlSafe;
use sqlx::postgres::PgPoolOptions;

use crate::{Role, Store, StoreError};

mod bots;
mod calls;
mod facts;
mod handoffs;
mod proposals;
mod recordings;
mod rule_hits;
mod sessions;
mod suggestions;
mod tokens;

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// What a case gets: a migrated store and the URL it was opened with (to open it again).
#[derive(Clone)]
pub(super) struct Ctx {
    pub store: Store,
    pub url: String,
}

/// Runs `case` on a store backed by a new SQLite file that is deleted afterwards.
async fn run_sqlite<F, Fut>(case: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("create temp dir");
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    let store = Store::connect(&url).await.expect("open SQLite store");
    case(Ctx {
        store: store.clone(),
        url,
    })
    .await;
    store.close().await;
}

/// Runs `case` on a store confined to a new PostgreSQL schema via `search_path`; the schema is
/// dropped afterwards, also when the case panics.
async fn run_postgres<F, Fut>(case: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    // PostgreSQL is part of the test setup: an unreachable one fails the test, never skips it.
    let base = std::env::var("SWITCHBOARD_TEST_PG").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned());
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect(&base)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot reach test PostgreSQL at {base}: {e} (start it, or point SWITCHBOARD_TEST_PG at one)"
            )
        });
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .expect("create test schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options[search_path]={schema}");

    let store = Store::connect(&url).await.expect("open PostgreSQL store");
    let outcome = tokio::spawn(case(Ctx {
        store: store.clone(),
        url,
    }))
    .await;
    store.close().await;
    sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await
        .expect("drop test schema");
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Counts rows with raw SQL, to check what did (not) reach the database.
pub(super) async fn count_rows(store: &Store, sql: &'static str) -> i64 {
    on_pool!(store, pool => sqlx::query_scalar(sql).fetch_one(pool).await).expect("count rows")
}

/// Declares each listed case once per backend.
macro_rules! both_backends {
    ($($module:ident: [$($case:ident),* $(,)?]),* $(,)?) => {
        mod sqlite {
            $($(#[tokio::test]
            async fn $case() {
                super::run_sqlite(super::$module::$case).await
            })*)*
        }
        mod postgres {
            $($(#[tokio::test]
            async fn $case() {
                super::run_postgres(super::$module::$case).await
            })*)*
        }
    };
}

both_backends! {
    facts: [
        dashboard_sums_days_agents_queues_and_labels,
        bad_facts_and_ranges_are_refused_and_write_nothing,
    ],
    recordings: [
        recordings_round_trip_and_are_replaced_whole,
        invalid_recordings_write_nothing,
        live_loudness_is_kept_per_channel,
        deleting_a_call_removes_everything_under_it_and_nothing_else,
        ended_calls_are_listed_in_the_order_they_changed,
    ],
    tokens: [
        connect_twice_is_idempotent,
        ping_answers,
        created_token_verifies_and_only_its_hash_is_stored,
        unknown_or_tampered_tokens_do_not_verify,
        revoked_token_fails_verification,
        duplicate_active_name_conflicts_and_keeps_existing,
        invalid_token_names_are_rejected_without_writing,
        counts_active_tokens_per_role,
    ],
    sessions: [
        sessions_are_created_fetched_and_listed_newest_first,
        transcript_keeps_append_order,
        concurrent_appends_get_distinct_positions,
        append_to_unknown_session_is_not_found_and_writes_nothing,
        invalid_turns_are_rejected_and_transcript_unchanged,
        times_are_kept_to_the_microsecond,
        missed_utterances_round_trip_and_filter_by_bot,
        invalid_missed_utterances_write_nothing,
    ],
    bots: [
        bot_versions_save_list_and_activate,
        duplicate_bot_version_conflicts_and_keeps_existing,
        activating_unknown_version_is_not_found_and_keeps_active,
        non_json_definition_is_rejected,
    ],
    calls: [
        new_call_starts_live_and_reads_back,
        segments_read_back_in_audio_order,
        reconnect_resumes_where_audio_stopped,
        second_start_while_live_conflicts_and_keeps_call,
        reconnect_with_other_format_conflicts_and_changes_nothing,
        concurrent_segment_appends_get_distinct_seqs,
        concurrent_starts_have_one_winner,
        invalid_segments_are_rejected_and_write_nothing,
        invalid_call_starts_are_rejected_and_write_nothing,
        unknown_call_is_not_found_and_writes_nothing,
        mark_live_calls_incomplete_after_restart,
        call_audio_never_moves_backwards,
        calls_are_listed_newest_first,
        calls_are_listed_by_agent_and_status,
    ],
    rule_hits: [
        rule_hits_are_recorded_once_and_read_back_in_order,
        invalid_rule_hits_write_nothing,
    ],
    handoffs: [
        a_handed_off_chat_is_taken_by_one_agent_then_closed,
        agent_turns_name_their_agent,
        handoffs_refuse_what_does_not_fit_and_change_nothing,
    ],
    suggestions: [
        suggestions_round_trip_with_the_agents_verdict,
        invalid_suggestions_and_feedback_write_nothing,
        call_missed_utterances_sit_beside_chat_ones,
    ],
    proposals: [
        proposals_are_decided_once_and_published_by_one_version,
        a_build_that_lost_its_proposals_writes_nothing,
        audit_entries_read_back_newest_first,
    ],
}

#[test]
fn roles_parse_print_and_order() {
    for role in Role::ALL {
        assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        assert_eq!(role.to_string(), role.as_str());
    }
    assert!(matches!(
        "root".parse::<Role>(),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        "Admin".parse::<Role>(),
        Err(StoreError::Invalid(_))
    ));
    assert!(Role::Admin.permits(Role::Admin));
    assert!(Role::Admin.permits(Role::Client));
    assert!(Role::Supervisor.permits(Role::Agent));
    assert!(Role::Agent.permits(Role::Client));
    assert!(!Role::Agent.permits(Role::Supervisor));
    assert!(!Role::Client.permits(Role::Agent));
    assert!(!Role::Supervisor.permits(Role::Admin));
}

#[tokio::test]
async fn unsupported_url_scheme_is_invalid() {
    let err = Store::connect("mysql://localhost/db").await.unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref m) if m.contains("mysql")),
        "{err}"
    );
}

#[tokio::test]
async fn unreachable_postgres_is_a_database_error() {
    // Port 1 on loopback refuses connections immediately.
    let err = Store::connect("postgres://postgres@127.0.0.1:1/test")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err}");
}

#[tokio::test]
async fn in_memory_sqlite_works() {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    let session = store.create_session("faq", 1).await.unwrap();
    assert_eq!(store.get_session(&session.id).await.unwrap(), Some(session));
    assert_eq!(store.backend_name(), "sqlite");
}

#[tokio::test]
async fn sqlite_file_uses_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new").join("dir").join("fresh.db");
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert!(
        path.exists(),
        "database file and its directory should be created"
    );
    let crate::Backend::Sqlite(pool) = &store.backend else {
        panic!("expected SQLite")
    };
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(fk, 1);
}
