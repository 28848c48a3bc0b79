//! Who may call what: bearer tokens with roles, checked on every route but health and assets.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use switchboard_storage::Role;

use crate::AppState;
use crate::error::ApiError;

/// Middleware for routes any token may use (the public chat widget's `client` role and up).
pub async fn client(s: State<AppState>, r: Request, n: Next) -> Response {
    check(s, r, n, Role::Client).await
}

/// Middleware for agent routes (agents, supervisors, admins).
pub async fn agent(s: State<AppState>, r: Request, n: Next) -> Response {
    check(s, r, n, Role::Agent).await
}

/// Middleware for supervisor routes (supervisors, admins).
pub async fn supervisor(s: State<AppState>, r: Request, n: Next) -> Response {
    check(s, r, n, Role::Supervisor).await
}

/// Middleware for admin routes.
pub async fn admin(s: State<AppState>, r: Request, n: Next) -> Response {
    check(s, r, n, Role::Admin).await
}

async fn check(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
    needed: Role,
) -> Response {
    let Some(token) = presented_token(&req) else {
        return ApiError::Unauthorized(
            "no token: send `Authorization: Bearer <token>` (or `?token=<token>` for browser websockets)".into(),
        )
        .into_response();
    };
    let info = match state.store.verify_token(&token).await {
        Ok(Some(info)) => info,
        Ok(None) => {
            return ApiError::Unauthorized("unknown or revoked token".into()).into_response();
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    if !info.role.permits(needed) {
        return ApiError::Forbidden(format!(
            "this route needs role `{}`; the token `{}` has role `{}`",
            needed.as_str(),
            info.name,
            info.role.as_str()
        ))
        .into_response();
    }
    tracing::debug!(token = %info.name, role = info.role.as_str(), "authorized");
    req.extensions_mut().insert(info);
    next.run(req).await
}

/// The token from the `Authorization` header, else from `?token=` / `?authorization=Bearer …`.
fn presented_token(req: &Request) -> Option<String> {
    if let Some(value) = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return bearer(value);
    }
    let Query(params) = Query::<HashMap<String, String>>::try_from_uri(req.uri()).ok()?;
    if let Some(t) = params.get("token").filter(|t| !t.is_empty()) {
        return Some(t.clone());
    }
    params.get("authorization").and_then(|v| bearer(v))
}

fn bearer(value: &str) -> Option<String> {
    let (scheme, token) = value.trim().split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(uri: &str, header: Option<&str>) -> Request {
        let mut b = axum::http::Request::builder().uri(uri);
        if let Some(h) = header {
            b = b.header(AUTHORIZATION, h);
        }
        b.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn tokens_come_from_header_or_query() {
        assert_eq!(
            presented_token(&req("/x", Some("Bearer abc"))).as_deref(),
            Some("abc")
        );
        assert_eq!(
            presented_token(&req("/x", Some("bearer  abc "))).as_deref(),
            Some("abc")
        );
        assert_eq!(
            presented_token(&req("/x?token=t1", None)).as_deref(),
            Some("t1")
        );
        assert_eq!(
            presented_token(&req("/x?authorization=Bearer%20t2", None)).as_deref(),
            Some("t2")
        );
    }

    #[test]
    fn malformed_credentials_are_no_token() {
        assert_eq!(presented_token(&req("/x", Some("Basic abc"))), None);
        assert_eq!(presented_token(&req("/x", Some("Bearer"))), None);
        assert_eq!(presented_token(&req("/x?token=", None)), None);
        assert_eq!(presented_token(&req("/x", None)), None);
    }
}
