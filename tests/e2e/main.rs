//! End-to-end tests: each starts the real `switchboard serve` (SQLite and PostgreSQL) and
//! drives it with real HTTP and websocket clients. One binary, modules per area.

mod api;
mod auth;
mod calls;
mod chat;
mod handoff;
mod improve;
mod input;
mod lex;
mod lifecycle;
mod tidy;

/// Declares `<name>_sqlite` and `<name>_postgres` tests running `body(Backend)`.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident, $body:ident) => {
        mod $name {
            use switchboard_e2e::Backend;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() -> anyhow::Result<()> {
                super::$body(Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() -> anyhow::Result<()> {
                super::$body(Backend::Postgres).await
            }
        }
    };
}
