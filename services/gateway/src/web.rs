//! The browser UI: built `web/dist` served as static files, with the widget page configured.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tower_http::services::ServeDir;

use crate::error::{self, ApiError};
use crate::{AppState, WebConfig};

/// Pages served by name: the chat widget and the embedding demo (their `%SWITCHBOARD_TOKEN%` /
/// `%SWITCHBOARD_BOT%` placeholders filled per request), and the staff pages, which sign in
/// with the person's own token instead.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|s| page(s, "index.html")))
        .route("/index.html", get(|s| page(s, "index.html")))
        .route("/embed-demo.html", get(|s| page(s, "embed-demo.html")))
        .route("/agent", get(|s| page(s, "agent.html")))
        .route("/supervisor", get(|s| page(s, "supervisor.html")))
        .route("/review", get(|s| page(s, "review.html")))
        .route("/queue", get(|s| page(s, "queue.html")))
        .route("/history", get(|s| page(s, "history.html")))
        .route("/audit", get(|s| page(s, "audit.html")))
        .route("/calls", get(|s| page(s, "calls.html")))
        .route("/dashboard", get(|s| page(s, "dashboard.html")))
}

/// Every other path: a file from `web/dist`, or the JSON 404.
pub fn files(web: &WebConfig) -> ServeDir<axum::routing::MethodRouter> {
    ServeDir::new(&web.dist)
        .append_index_html_on_directories(false)
        .fallback(get(error::not_found))
}

async fn page(State(state): State<AppState>, file: &str) -> Response {
    let path = state.web.dist.join(file);
    match tokio::fs::read_to_string(&path).await {
        Ok(html) => (
            [(header::CACHE_CONTROL, "no-store")],
            Html(
                html.replace("%SWITCHBOARD_TOKEN%", &state.web.widget_token)
                    .replace("%SWITCHBOARD_BOT%", &state.web.default_bot),
            ),
        )
            .into_response(),
        Err(e) => ApiError::Unavailable(format!(
            "the web UI is not built ({}: {e}); run `npm ci && npm run build` in web/ (scripts/run.sh does this)",
            path.display()
        ))
        .into_response(),
    }
}
