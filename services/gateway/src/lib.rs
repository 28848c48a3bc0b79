//! The only crate that speaks HTTP, websockets and JSON: routes, auth, wire shapes.
//!
//! Handlers translate between wire shapes ([`wire`]) and the domain crates' plain types; no
//! business rule lives here beyond "who may call what" ([`auth`]) and "what input is acceptable
//! on the wire" (sizes, rates, framing).

mod api;
mod assist_api;
mod audio_api;
mod auth;
mod call_metrics;
mod call_wire;
mod calls_api;
mod calls_ws;
mod chat_ws;
mod dashboard_api;
mod error;
mod handoff_api;
mod improve_api;
mod improve_wire;
mod recordings_api;
pub mod report_wire;
mod search_api;
mod telemetry;
mod twilio_ws;
mod web;
pub mod wire;
mod ws_close;
mod ws_feed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use switchboard_calls::CallService;
use switchboard_chat::ChatService;
use switchboard_events::EventBus;
use switchboard_knowledge::Knowledge;
use switchboard_storage::Store;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use telemetry::Metrics;

/// What a reindex request runs; the binary supplies it so the gateway never reads `knowledge/`.
pub type Reindexer = Arc<dyn Fn() -> Result<usize, String> + Send + Sync>;

/// What a rules reload runs: the number of rules now applied, or every problem found (the
/// running rules stay). The binary supplies it so the gateway never reads `rules/`.
pub type RulesReloader = Arc<dyn Fn() -> Result<usize, String> + Send + Sync>;

/// Everything the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub chat: Arc<ChatService>,
    pub store: Store,
    pub knowledge: Arc<Knowledge>,
    pub metrics: Metrics,
    pub web: WebConfig,
    pub reindex: Reindexer,
    /// The call rules in force, for listing.
    pub rules: Arc<rules::Rules>,
    pub reload_rules: RulesReloader,
    /// Cancelled on shutdown: websockets stop taking messages, finish their turn and close.
    pub shutdown: CancellationToken,
    pub limits: Limits,
    /// Live calls; `None` when call transcription is off (`asr.engine = "off"`).
    pub calls: Option<Arc<CallService>>,
    /// The event bus, for live feeds.
    pub bus: Arc<dyn EventBus>,
    /// The improvement loop: proposals, decisions, versions.
    pub publisher: Arc<switchboard_publishing::Publisher>,
    /// Search across calls' transcripts; `None` where this server keeps no call index.
    pub call_search: Option<Arc<switchboard_search::CallIndex>>,
}

/// Where the browser UI lives and what the public widget is configured with.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Built `web/dist`; when missing, `/` explains how to build it.
    pub dist: PathBuf,
    /// The public `client` token injected into the widget page.
    pub widget_token: String,
    /// The bot the widget talks to by default.
    pub default_bot: String,
}

/// Wire-level limits on chat input.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Longest accepted message text, in characters.
    pub max_text_chars: usize,
    /// Largest websocket frame accepted at all, in bytes; larger frames close the connection.
    pub max_frame_bytes: usize,
    /// Messages per second one connection may send.
    pub messages_per_second: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_text_chars: 2_000,
            max_frame_bytes: 64 * 1024,
            messages_per_second: 20,
        }
    }
}

/// All routes, with auth applied per route group.
pub fn router(state: AppState) -> Router {
    use axum::middleware::from_fn_with_state as guard;

    let client = Router::new()
        .route("/v1/chat", get(chat_ws::upgrade))
        .route("/v1/me", get(api::me))
        .route_layer(guard(state.clone(), auth::client));
    let agent = Router::new()
        .route("/v1/bots", get(api::list_bots))
        .route("/v1/bots/{bot}", get(api::show_bot))
        .route("/v1/chat/sessions/{id}/transcript", get(api::transcript))
        .route("/v1/chat/handoffs", get(handoff_api::list))
        .route("/v1/chat/handoffs/{id}/take", post(handoff_api::take))
        .route("/v1/chat/handoffs/{id}/messages", post(handoff_api::say))
        .route(
            "/v1/chat/handoffs/{id}/close",
            post(handoff_api::close_chat),
        )
        .route("/v1/chat/live", get(handoff_api::live))
        .route("/v1/knowledge/search", get(api::search_knowledge))
        .route("/v1/calls/ingest", get(calls_ws::upgrade))
        .route("/v1/calls/live", get(calls_api::live))
        .route("/v1/calls", get(calls_api::list_calls))
        .route("/v1/calls/{id}", get(calls_api::get_call))
        .route("/v1/calls/{id}/audio", get(audio_api::audio))
        .route(
            "/v1/calls/{id}/suggestions/{suggestion}/feedback",
            post(assist_api::feedback),
        )
        .route(
            "/v1/proposals",
            get(improve_api::list_proposals).post(improve_api::propose),
        )
        .route("/v1/review/missed", get(improve_api::my_missed))
        .route_layer(guard(state.clone(), auth::agent));
    let supervisor = Router::new()
        .route("/v1/chat/sessions", get(api::list_sessions))
        .route("/v1/missed-utterances", get(api::list_missed))
        .route("/v1/rules", get(api::list_rules))
        .route("/v1/proposals/decisions", post(improve_api::decide))
        .route("/v1/missed-utterances/clusters", get(improve_api::clusters))
        .route("/v1/bots/{bot}/versions", get(improve_api::versions))
        .route("/v1/bots/{bot}/diff", get(improve_api::diff))
        .route("/v1/bots/{bot}/rollback", post(improve_api::rollback))
        .route("/v1/calls/search", get(search_api::search))
        .route("/v1/calls/dashboard", get(dashboard_api::dashboard))
        .route(
            "/v1/calls/recordings",
            post(recordings_api::upload).layer(axum::extract::DefaultBodyLimit::max(
                recordings_api::MAX_UPLOAD_BYTES,
            )),
        )
        .route_layer(guard(state.clone(), auth::supervisor));
    let admin = Router::new()
        .route("/v1/tokens", get(api::list_tokens).post(api::create_token))
        .route("/v1/tokens/{id}", axum::routing::delete(api::revoke_token))
        .route("/v1/knowledge/reindex", post(api::reindex))
        .route("/v1/rules/reload", post(api::reload_rules))
        .route("/v1/audit", get(improve_api::audit))
        .route("/metrics", get(telemetry::render))
        .route_layer(guard(state.clone(), auth::admin));
    let public = Router::new()
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .route("/openapi.json", get(api::openapi))
        // Twilio cannot send headers: the token is checked inside (URL or customParameters).
        .route("/v1/calls/twilio", get(twilio_ws::upgrade));

    Router::new()
        .merge(client)
        .merge(agent)
        .merge(supervisor)
        .merge(admin)
        .merge(public)
        .merge(web::routes())
        .fallback_service(web::files(&state.web))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            telemetry::track,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `state.shutdown` is cancelled, then drains: open chat turns finish, websockets
/// close with "going away", and in-flight HTTP requests complete, for at most `drain`.
pub async fn serve(listener: TcpListener, state: AppState, drain: Duration) -> std::io::Result<()> {
    let token = state.shutdown.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(token.clone().cancelled_owned());
    let mut server = std::pin::pin!(server.into_future());
    tokio::select! {
        result = &mut server => result,
        _ = token.cancelled() => match tokio::time::timeout(drain, server).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(?drain, "connections still open after the drain period; closing them");
                Ok(())
            }
        },
    }
}
