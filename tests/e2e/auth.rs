//! Every route checks tokens: none → 401, wrong role → 403, right role → success.

use reqwest::{Method, StatusCode};
use switchboard_e2e::{Backend, Chat, Server};

/// (method, path, least role that may call it)
const ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/v1/bots", "agent"),
    ("GET", "/v1/bots/banking", "agent"),
    ("GET", "/v1/knowledge/search?q=opening%20hours", "agent"),
    ("GET", "/v1/chat/sessions", "supervisor"),
    ("GET", "/v1/missed-utterances", "supervisor"),
    ("GET", "/v1/calls", "agent"),
    ("GET", "/v1/me", "client"),
    ("GET", "/v1/chat/handoffs", "agent"),
    ("GET", "/v1/tokens", "admin"),
    ("POST", "/v1/knowledge/reindex", "admin"),
    ("GET", "/metrics", "admin"),
];

const ROLES: [&str; 4] = ["client", "agent", "supervisor", "admin"];

fn rank(role: &str) -> usize {
    ROLES.iter().position(|r| *r == role).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_checks_token_and_role() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let http = server.http();
    let mut tokens = Vec::new();
    for role in ROLES {
        tokens.push((role, server.token(role).await?));
    }
    for (method, path, needed) in ROUTES {
        let url = format!("{}{path}", server.url);
        let method = Method::from_bytes(method.as_bytes())?;
        let anonymous = http.request(method.clone(), &url).send().await?;
        assert_eq!(
            anonymous.status(),
            StatusCode::UNAUTHORIZED,
            "{path} without a token"
        );
        assert!(anonymous.headers().contains_key("www-authenticate"));
        let body: serde_json::Value = anonymous.json().await?;
        assert_eq!(body["error"]["code"], "unauthorized");

        let bogus = http
            .request(method.clone(), &url)
            .bearer_auth("sb_not_a_real_token")
            .send()
            .await?;
        assert_eq!(
            bogus.status(),
            StatusCode::UNAUTHORIZED,
            "{path} with an unknown token"
        );

        for (role, token) in &tokens {
            let resp = http
                .request(method.clone(), &url)
                .bearer_auth(token)
                .send()
                .await?;
            if rank(role) >= rank(needed) {
                assert!(
                    resp.status().is_success(),
                    "{path} as {role}: {}",
                    resp.status()
                );
            } else {
                assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{path} as {role}");
                let body: serde_json::Value = resp.json().await?;
                assert_eq!(body["error"]["code"], "forbidden");
                assert!(body["error"]["message"].as_str().unwrap().contains(needed));
            }
        }
    }
    // Token management itself is admin-only, for writes too.
    let agent = &tokens[1].1;
    let create = http
        .post(format!("{}/v1/tokens", server.url))
        .bearer_auth(agent)
        .json(&serde_json::json!({"name": "sneaky", "role": "admin"}))
        .send()
        .await?;
    assert_eq!(create.status(), StatusCode::FORBIDDEN);
    let revoke = http
        .delete(format!("{}/v1/tokens/admin", server.url))
        .bearer_auth(agent)
        .send()
        .await?;
    assert_eq!(revoke.status(), StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_websocket_needs_a_live_token() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let ws = server.ws_url();
    let err = tokio_tungstenite::connect_async(format!("{ws}/v1/chat"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("401"), "{err}");
    let err = tokio_tungstenite::connect_async(format!("{ws}/v1/chat?token=wrong"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("401"), "{err}");

    // The header works as well as the query parameter.
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        format!("{ws}/v1/chat"),
    )?;
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {}", server.widget).parse()?,
    );
    let (_ok, resp) = tokio_tungstenite::connect_async(req).await?;
    assert_eq!(resp.status(), 101);

    // A revoked token stops working at once.
    let client = server.token("client").await?;
    Chat::connect(&server, &client, "").await?;
    let tokens: Vec<serde_json::Value> = server.get_json("/v1/tokens", &server.admin).await?;
    let id = tokens
        .iter()
        .rev()
        .find(|t| t["role"] == "client" && t["name"] != "web-widget")
        .unwrap()["id"]
        .clone();
    let resp = server
        .http()
        .delete(format!("{}/v1/tokens/{}", server.url, id.as_str().unwrap()))
        .bearer_auth(&server.admin)
        .send()
        .await?;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let err = tokio_tungstenite::connect_async(format!("{ws}/v1/chat?token={client}"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("401"), "{err}");

    // Unknown bot: a plain 404 before upgrading.
    let err =
        tokio_tungstenite::connect_async(format!("{ws}/v1/chat?token={}&bot=nope", server.widget))
            .await
            .unwrap_err();
    assert!(err.to_string().contains("404"), "{err}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_public_pages_need_no_token() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let http = server.http();
    assert_eq!(
        http.get(format!("{}/healthz", server.url))
            .send()
            .await?
            .text()
            .await?,
        "ok"
    );
    let ready: serde_json::Value = http
        .get(format!("{}/readyz", server.url))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(ready["ready"], true, "{ready}");
    let openapi: serde_json::Value = http
        .get(format!("{}/openapi.json", server.url))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(openapi["openapi"], "3.1.0");
    assert!(openapi["paths"]["/v1/tokens"]["post"].is_object());
    Ok(())
}
