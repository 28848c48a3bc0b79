//! The fake's HTTP side: Lex V2 model-building paths, REST-JSON bodies, AWS error shapes.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use super::state::{Fault, Lex, invalid, not_found};

type Shared = Arc<Mutex<Lex>>;
type Answer = Result<Response, Fault>;

impl IntoResponse for Fault {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = json!({"message": self.message}).to_string();
        (
            status,
            [
                ("x-amzn-errortype", self.code),
                ("content-type", "application/json"),
            ],
            body,
        )
            .into_response()
    }
}

fn lock(s: &Shared) -> MutexGuard<'_, Lex> {
    s.lock().unwrap_or_else(|p| p.into_inner())
}

fn ok(status: u16, body: Value) -> Answer {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    Ok((
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response())
}

fn parse(body: &Bytes) -> Result<Value, Fault> {
    if body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| invalid(format!("request body is not JSON: {e}")))
}

pub(crate) fn router(shared: Shared) -> Router {
    let locale = "/bots/{bot}/botversions/{ver}/botlocales/{loc}";
    Router::new()
        .route(locale, post(build).get(describe_locale))
        .route(
            &format!("{locale}/intents"),
            post(list_intents).put(create_intent),
        )
        .route(
            &format!("{locale}/intents/{{intent}}"),
            put(update_intent).delete(delete_intent),
        )
        .route(
            &format!("{locale}/intents/{{intent}}/slots"),
            post(list_slots).put(create_slot),
        )
        .route(
            &format!("{locale}/intents/{{intent}}/slots/{{slot}}"),
            put(update_slot).delete(delete_slot),
        )
        .route(
            &format!("{locale}/slottypes"),
            post(list_slot_types).put(create_slot_type),
        )
        .route(&format!("{locale}/slottypes/{{st}}"), put(update_slot_type))
        .route(
            "/bots/{bot}/botversions",
            put(create_version).post(list_versions),
        )
        .route(
            "/bots/{bot}/botversions/{ver}",
            get(describe_version).delete(delete_version),
        )
        .route("/bots/{bot}/botaliases", post(list_aliases))
        .route(
            "/bots/{bot}/botaliases/{alias}",
            get(describe_alias).put(update_alias),
        )
        .fallback(|req: Request| async move {
            not_found(format!("operation {} {}", req.method(), req.uri().path())).into_response()
        })
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            throttle_and_log,
        ))
        .with_state(shared)
}

/// Records every request and throttles the ones a test asked for, before any handler runs.
async fn throttle_and_log(State(s): State<Shared>, req: Request, next: Next) -> Response {
    {
        let mut lex = lock(&s);
        lex.log
            .push(format!("{} {}", req.method(), req.uri().path()));
        if lex.faults.throttle > 0 {
            lex.faults.throttle -= 1;
            return Fault {
                status: 429,
                code: "ThrottlingException",
                message: "Rate exceeded".into(),
            }
            .into_response();
        }
    }
    next.run(req).await
}

type LocalePath = Path<(String, String, String)>;
type IntentPath = Path<(String, String, String, String)>;
type SlotPath = Path<(String, String, String, String, String)>;

async fn build(State(s): State<Shared>, Path((bot, ver, loc)): LocalePath) -> Answer {
    ok(202, lock(&s).start_build(&bot, &ver, &loc)?)
}

async fn describe_locale(State(s): State<Shared>, Path((bot, ver, loc)): LocalePath) -> Answer {
    ok(200, lock(&s).describe_locale(&bot, &ver, &loc)?)
}

async fn list_intents(State(s): State<Shared>, Path((bot, ver, loc)): LocalePath) -> Answer {
    let lex = lock(&s);
    let l = lex.locale(&bot, &ver, &loc)?;
    let summaries: Vec<Value> = l
        .intents
        .iter()
        .map(|(id, i)| {
            let mut s = json!({"intentId": id, "intentName": i.name, "lastUpdatedDateTime": 1.7e9});
            if i.built_in {
                s["parentIntentSignature"] = json!("AMAZON.FallbackIntent");
            }
            s
        })
        .collect();
    ok(
        200,
        json!({"botId": bot, "botVersion": ver, "localeId": loc, "intentSummaries": summaries}),
    )
}

async fn create_intent(
    State(s): State<Shared>,
    Path((bot, ver, loc)): LocalePath,
    body: Bytes,
) -> Answer {
    ok(
        200,
        lock(&s).create_intent((&bot, &ver, &loc), parse(&body)?)?,
    )
}

async fn update_intent(
    State(s): State<Shared>,
    Path((bot, ver, loc, intent)): IntentPath,
    body: Bytes,
) -> Answer {
    ok(
        200,
        lock(&s).update_intent((&bot, &ver, &loc), &intent, parse(&body)?)?,
    )
}

async fn delete_intent(
    State(s): State<Shared>,
    Path((bot, ver, loc, intent)): IntentPath,
) -> Answer {
    let mut lex = lock(&s);
    let draft = lex.draft_mut(&bot, &ver, &loc)?;
    match draft.intents.get(&intent) {
        Some(i) if i.built_in => return Err(invalid("built-in intents cannot be deleted")),
        Some(_) => draft.intents.remove(&intent),
        None => return Err(not_found(format!("intent {intent}"))),
    };
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list_slots(State(s): State<Shared>, Path((bot, ver, loc, intent)): IntentPath) -> Answer {
    let lex = lock(&s);
    let i = lex
        .locale(&bot, &ver, &loc)?
        .intents
        .get(&intent)
        .ok_or_else(|| not_found(format!("intent {intent}")))?;
    let summaries: Vec<Value> = i
        .slots
        .iter()
        .map(|(id, (name, body))| json!({"slotId": id, "slotName": name, "slotTypeId": body["slotTypeId"]}))
        .collect();
    ok(
        200,
        json!({"botId": bot, "intentId": intent, "slotSummaries": summaries}),
    )
}

async fn create_slot(
    State(s): State<Shared>,
    Path((bot, ver, loc, intent)): IntentPath,
    body: Bytes,
) -> Answer {
    ok(
        200,
        lock(&s).create_slot((&bot, &ver, &loc), &intent, parse(&body)?)?,
    )
}

async fn update_slot(
    State(s): State<Shared>,
    Path((bot, ver, loc, intent, slot)): SlotPath,
    body: Bytes,
) -> Answer {
    ok(
        200,
        lock(&s).update_slot((&bot, &ver, &loc), &intent, &slot, parse(&body)?)?,
    )
}

async fn delete_slot(
    State(s): State<Shared>,
    Path((bot, ver, loc, intent, slot)): SlotPath,
) -> Answer {
    let mut lex = lock(&s);
    let draft = lex.draft_mut(&bot, &ver, &loc)?;
    let i = draft
        .intents
        .get_mut(&intent)
        .ok_or_else(|| not_found(format!("intent {intent}")))?;
    i.slots
        .remove(&slot)
        .ok_or_else(|| not_found(format!("slot {slot}")))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list_slot_types(State(s): State<Shared>, Path((bot, ver, loc)): LocalePath) -> Answer {
    let lex = lock(&s);
    let summaries: Vec<Value> = lex
        .locale(&bot, &ver, &loc)?
        .slot_types
        .iter()
        .map(|(id, (name, _))| json!({"slotTypeId": id, "slotTypeName": name}))
        .collect();
    ok(200, json!({"botId": bot, "slotTypeSummaries": summaries}))
}

async fn create_slot_type(
    State(s): State<Shared>,
    Path((bot, ver, loc)): LocalePath,
    body: Bytes,
) -> Answer {
    ok(
        200,
        lock(&s).put_slot_type((&bot, &ver, &loc), None, parse(&body)?)?,
    )
}

async fn update_slot_type(
    State(s): State<Shared>,
    Path((bot, ver, loc, st)): IntentPath,
    body: Bytes,
) -> Answer {
    ok(
        200,
        lock(&s).put_slot_type((&bot, &ver, &loc), Some(&st), parse(&body)?)?,
    )
}

async fn create_version(State(s): State<Shared>, Path(bot): Path<String>, body: Bytes) -> Answer {
    ok(202, lock(&s).create_version(&bot, &parse(&body)?)?)
}

async fn list_versions(State(s): State<Shared>, Path(bot): Path<String>) -> Answer {
    ok(200, lock(&s).list_versions(&bot)?)
}

async fn describe_version(
    State(s): State<Shared>,
    Path((bot, ver)): Path<(String, String)>,
) -> Answer {
    ok(200, lock(&s).describe_version(&bot, &ver)?)
}

async fn delete_version(
    State(s): State<Shared>,
    Path((bot, ver)): Path<(String, String)>,
) -> Answer {
    ok(202, lock(&s).delete_version(&bot, &ver)?)
}

async fn list_aliases(State(s): State<Shared>, Path(bot): Path<String>) -> Answer {
    ok(200, lock(&s).list_aliases(&bot)?)
}

async fn describe_alias(
    State(s): State<Shared>,
    Path((bot, alias)): Path<(String, String)>,
) -> Answer {
    ok(200, lock(&s).alias_json(&bot, &alias)?)
}

async fn update_alias(
    State(s): State<Shared>,
    Path((bot, alias)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    ok(202, lock(&s).update_alias(&bot, &alias, &parse(&body)?)?)
}
