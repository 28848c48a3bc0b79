//! The bot that improves itself: a missed utterance, picked by the agent who handled the chat,
//! approved by a supervisor, becomes a new version that is gated, published (here, on the other
//! nodes, and as YAML), answered by the bot, diffed, rolled back and audited.

use serde_json::{Value, json};
use switchboard_e2e::{Backend, Chat, Server, Start, copy_dir, repo_root};

/// What nothing in the sample bot or FAQ answers, so the bot hands off.
pub(crate) const NONSENSE: &str = "my parrot keeps reciting tax law at midnight";
pub(crate) const RESPONSE: &str =
    "Parrots and tax law are beyond me, but an agent will gladly listen.";

/// A chat that hands off on [`NONSENSE`], taken by the agent `agent`: the missed utterance id.
pub(crate) async fn missed_in_a_taken_chat(
    server: &Server,
    agent: &str,
    supervisor: &str,
) -> anyhow::Result<String> {
    let mut visitor = Chat::connect(server, &server.widget, "").await?;
    let session = visitor.session_id();
    let reply = visitor.say(NONSENSE).await?;
    assert_eq!(reply["source"]["kind"], "handoff", "{reply}");
    let (status, taken) = server
        .post_raw(agent, &format!("/v1/chat/handoffs/{session}/take"), "")
        .await?;
    assert_eq!(status, 200, "{taken}");
    let missed: Value = server
        .get_json("/v1/missed-utterances?bot=banking", supervisor)
        .await?;
    let id = missed
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["session_id"] == session)
        .map(|m| m["id"].as_str().unwrap().to_string());
    Ok(id.expect("the handoff left a missed utterance"))
}

/// The proposal of `missed` as the new intent `pet_questions`, by `token`.
pub(crate) fn new_intent(missed: &str) -> String {
    json!({"proposals": [{"missed_id": missed, "intent": "pet_questions", "new_intent": true}]})
        .to_string()
}

/// The banking version `server` serves once it reaches `want`, or after two minutes (a full
/// training of the 77-intent bot takes a minute when other tests share the cores).
async fn serving(server: &Server, token: &str, want: u64) -> anyhow::Result<Value> {
    let mut version = Value::Null;
    for _ in 0..1200 {
        let bot: Value = server.get_json("/v1/bots/banking", token).await?;
        version = bot["version"].clone();
        if version == want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Ok(version)
}

/// A supervisor's one decision, which must build and publish a version.
async fn approve_and_publish(
    server: &Server,
    supervisor: &str,
    decision: Value,
) -> anyhow::Result<()> {
    let body = json!({"decisions": [decision]}).to_string();
    let (status, decided) = server
        .post_raw(supervisor, "/v1/proposals/decisions", &body)
        .await?;
    assert_eq!(
        (status, &decided["builds"][0]["outcome"]),
        (200, &json!("published")),
        "{decided}"
    );
    Ok(())
}

async fn reply_to(server: &Server, text: &str) -> anyhow::Result<Value> {
    let mut chat = Chat::connect(server, &server.widget, "").await?;
    chat.say(text).await
}

async fn the_loop_turns_a_missed_utterance_into_a_published_version(
    backend: Backend,
) -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let bots = tmp.path().join("bots");
    copy_dir(&repo_root().join("bot-definitions"), &bots)?;
    let server = Server::start_with(Start {
        bots_dir: bots.clone(),
        extra_env: vec![("SWITCHBOARD_EXPORT_BOTS".into(), "true".into())],
        ..Start::sample(backend)
    })
    .await?;
    let agent = server.token("agent").await?;
    let other_agent = server.named_token("agent", "agent-8").await?;
    let supervisor = server.named_token("supervisor", "sup-ann").await?;
    let missed = missed_in_a_taken_chat(&server, &agent, &supervisor).await?;

    // Only the agent who handled the conversation may pick from it.
    let (status, body) = server
        .post_raw(&other_agent, "/v1/proposals", &new_intent(&missed))
        .await?;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("agent-8"),
        "{body}"
    );
    let (status, body) = server
        .post_raw(&server.widget, "/v1/proposals", &new_intent(&missed))
        .await?;
    assert_eq!(status, 403, "a client token proposes nothing: {body}");

    // Bad picks are refused, precisely, and store nothing.
    let refusals = [
        (
            json!({"proposals": [{"missed_id": missed, "intent": "no_such_intent"}]}),
            400,
            "has no intent \"no_such_intent\"",
        ),
        (
            json!({"proposals": [{"missed_id": missed, "intent": "9lives", "new_intent": true}]}),
            400,
            "not a name Lex takes",
        ),
        (
            json!({"proposals": [{"missed_id": missed, "intent": "card_arrival", "text": " "}]}),
            400,
            "empty",
        ),
        (
            json!({"proposals": [{"missed_id": missed, "intent": "card_arrival", "text": "a".repeat(501)}]}),
            400,
            "501 characters",
        ),
        (
            json!({"proposals": [{"missed_id": "nope", "intent": "card_arrival"}]}),
            404,
            "nope",
        ),
        (json!({"proposals": []}), 400, "no proposals"),
        (
            json!({"proposals": [{"missed_id": missed, "intent": "card_arrival", "colour": "red"}]}),
            400,
            "colour",
        ),
    ];
    for (body, want, says) in refusals {
        let (status, answer) = server
            .post_raw(&agent, "/v1/proposals", &body.to_string())
            .await?;
        assert_eq!(status, want, "{body} → {answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{body} → {answer}");
    }
    let (status, answer) = server
        .post_raw(&agent, "/v1/proposals", "{not json")
        .await?;
    assert_eq!(status, 400, "{answer}");
    let none: Value = server.get_json("/v1/proposals", &supervisor).await?;
    assert_eq!(none, json!([]), "refusals stored nothing");

    let (status, made) = server
        .post_raw(&agent, "/v1/proposals", &new_intent(&missed))
        .await?;
    assert_eq!(status, 201, "{made}");
    let id = made[0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        (&made[0]["status"], &made[0]["text"]),
        (&json!("pending"), &json!(NONSENSE))
    );
    let (status, again) = server
        .post_raw(&agent, "/v1/proposals", &new_intent(&missed))
        .await?;
    assert_eq!(status, 409, "one proposal per missed utterance: {again}");

    // Agents do not decide; a new intent needs its response before approval.
    let approve = |extra: Value| {
        let mut d = json!({"id": id, "verdict": "approve"});
        d.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"decisions": [d]}).to_string()
    };
    let (status, _) = server
        .post_raw(&agent, "/v1/proposals/decisions", &approve(json!({})))
        .await?;
    assert_eq!(status, 403);
    let (status, body) = server
        .post_raw(&supervisor, "/v1/proposals/decisions", &approve(json!({})))
        .await?;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("needs a response"), "{body}");
    let (status, body) = server
        .post_raw(
            &supervisor,
            "/v1/proposals/decisions",
            &json!({"decisions": [{"id": id, "verdict": "maybe"}]}).to_string(),
        )
        .await?;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("\\\"maybe\\\""), "{body}");

    let (status, decided) = server
        .post_raw(
            &supervisor,
            "/v1/proposals/decisions",
            &approve(json!({"response": RESPONSE, "note": "fair question"})),
        )
        .await?;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(
        (
            &decided["proposals"][0]["status"],
            &decided["proposals"][0]["version"]
        ),
        (&json!("published"), &json!(2)),
        "the answer says where the approval ended: {decided}"
    );
    let build = &decided["builds"][0];
    assert_eq!(
        (&build["bot"], &build["outcome"], &build["version"]),
        (&json!("banking"), &json!("published"), &json!(2)),
        "{decided}"
    );
    assert_eq!(
        (&build["added"], &build["new_intents"]),
        (&json!(1), &json!(["pet_questions"]))
    );
    assert_eq!(build["report"]["passed"], true, "{build}");
    let (status, late) = server
        .post_raw(
            &supervisor,
            "/v1/proposals/decisions",
            &approve(json!({"response": RESPONSE})),
        )
        .await?;
    assert_eq!(status, 409, "{late}");
    assert!(
        late.to_string().contains("sup-ann"),
        "the conflict names who decided: {late}"
    );

    // The new version serves at once: the words the bot missed are now answered.
    let bot: Value = server.get_json("/v1/bots/banking", &agent).await?;
    assert_eq!(bot["version"], 2, "{bot}");
    let reply = reply_to(&server, NONSENSE).await?;
    assert_eq!(
        (&reply["source"]["kind"], &reply["source"]["intent"]),
        (&json!("intent"), &json!("pet_questions")),
        "{reply}"
    );
    assert_eq!(reply["text"], RESPONSE);

    let history: Value = server
        .get_json("/v1/bots/banking/versions", &supervisor)
        .await?;
    assert_eq!(
        (
            &history[0]["version"],
            &history[0]["active"],
            &history[0]["author"]
        ),
        (&json!(2), &json!(true), &json!("sup-ann")),
        "{history}"
    );
    assert_eq!(
        (&history[1]["reason"], &history[1]["author"]),
        (&json!("imported from files"), &Value::Null)
    );
    let diff: Value = server
        .get_json("/v1/bots/banking/diff?from=1&to=2", &supervisor)
        .await?;
    assert_eq!(
        diff,
        json!([{"intent": "pet_questions", "change": "added", "added_utterances": [NONSENSE], "removed_utterances": [], "added_responses": [RESPONSE], "removed_responses": []}])
    );
    let mine: Value = server
        .get_json("/v1/proposals?status=published", &agent)
        .await?;
    assert_eq!(
        (&mine[0]["id"], &mine[0]["version"], &mine[0]["note"]),
        (&json!(id), &json!(2), &json!("fair question")),
        "publishing keeps the supervisor's note: {mine}"
    );

    // Exported as files that load back as that version.
    let exported = std::fs::read_to_string(bots.join("banking/intents/pet_questions.yaml"))?;
    assert!(
        exported.contains(NONSENSE) && exported.contains("Parrots and tax law"),
        "{exported}"
    );
    assert!(std::fs::read_to_string(bots.join("banking/bot.yaml"))?.contains("version: 2"));

    // Rollback publishes v1's content as v3; rolling back to what serves is refused.
    let (status, rolled) = server
        .post_raw(
            &supervisor,
            "/v1/bots/banking/rollback",
            r#"{"version": 1}"#,
        )
        .await?;
    assert_eq!(status, 200, "{rolled}");
    assert_eq!(
        (&rolled["version"], &rolled["reason"], &rolled["active"]),
        (&json!(3), &json!("rollback to v1"), &json!(true))
    );
    assert_eq!(
        reply_to(&server, NONSENSE).await?["source"]["kind"],
        "handoff"
    );
    let (status, body) = server
        .post_raw(
            &supervisor,
            "/v1/bots/banking/rollback",
            r#"{"version": 1}"#,
        )
        .await?;
    assert_eq!(status, 400, "{body}");
    let (status, _) = server
        .post_raw(
            &supervisor,
            "/v1/bots/banking/rollback",
            r#"{"version": 9}"#,
        )
        .await?;
    assert_eq!(status, 404);

    // Every step is in the audit log, for admins only.
    let resp = server
        .http()
        .get(format!("{}/v1/audit", server.url))
        .bearer_auth(&supervisor)
        .send()
        .await?;
    assert_eq!(resp.status(), 403);
    let audit: Value = server.get_json("/v1/audit", &server.admin).await?;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "bot.rollback",
            "bot.publish",
            "proposal.approve",
            "proposal.create"
        ],
        "{audit}"
    );
    assert_eq!(audit[2]["before"]["status"], "pending");
    assert_eq!(audit[2]["after"]["response"], RESPONSE);
    Ok(())
}
crate::on_both_databases!(
    the_loop_publishes,
    the_loop_turns_a_missed_utterance_into_a_published_version
);

/// Approval on one node is served by the other, which loads the version from storage when the
/// bus announces it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_published_on_one_node_serves_on_every_node() -> anyhow::Result<()> {
    let (a, b) = Server::two_nodes().await?;
    let agent = a.token("agent").await?;
    let supervisor = a.token("supervisor").await?;
    let missed = missed_in_a_taken_chat(&a, &agent, &supervisor).await?;
    let (status, made) = a
        .post_raw(&agent, "/v1/proposals", &new_intent(&missed))
        .await?;
    assert_eq!(status, 201, "{made}");
    approve_and_publish(
        &a,
        &supervisor,
        json!({"id": made[0]["id"], "verdict": "approve", "response": RESPONSE}),
    )
    .await?;
    // Node b trains the version when told; wait for it (a failure to arrive fails the test).
    assert_eq!(serving(&b, &agent, 2).await?, 2, "node b never loaded v2");
    let reply = reply_to(&b, NONSENSE).await?;
    assert_eq!(reply["source"]["intent"], "pet_questions", "{reply}");

    // A new phrasing of a known intent reuses v2's model basis (adapter, calibration); node b
    // rebuilds v3 on the same basis, so both nodes answer with the very same confidence.
    let phrasing = "has the courier picked up my replacement card";
    let proposal =
        json!({"proposals": [{"bot": "banking", "text": phrasing, "intent": "card_arrival"}]});
    let (status, made) = a
        .post_raw(&supervisor, "/v1/proposals", &proposal.to_string())
        .await?;
    assert_eq!(status, 201, "{made}");
    approve_and_publish(
        &a,
        &supervisor,
        json!({"id": made[0]["id"], "verdict": "approve"}),
    )
    .await?;
    let history: Value = a.get_json("/v1/bots/banking/versions", &supervisor).await?;
    assert_eq!(
        (&history[0]["version"], &history[0]["basis_version"]),
        (&json!(3), &json!(2)),
        "{history}"
    );
    assert_eq!(
        history[1]["basis_version"],
        Value::Null,
        "v2 added an intent: trained in full"
    );
    assert_eq!(serving(&b, &agent, 3).await?, 3, "node b never loaded v3");
    let (on_a, on_b) = (reply_to(&a, phrasing).await?, reply_to(&b, phrasing).await?);
    assert_eq!(on_a["source"]["intent"], "card_arrival", "{on_a}");
    assert_eq!(
        on_a["source"], on_b["source"],
        "the nodes serve different models"
    );
    Ok(())
}

/// Killed while building: on restart the old version serves, nothing half-written exists, and
/// the approval is built again, so it is never lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_mid_publish_loses_nothing() -> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let agent = server.token("agent").await?;
    let supervisor = server.token("supervisor").await?;
    let missed = missed_in_a_taken_chat(&server, &agent, &supervisor).await?;
    let (_, made) = server
        .post_raw(&agent, "/v1/proposals", &new_intent(&missed))
        .await?;
    let id = made[0]["id"].as_str().unwrap().to_string();
    let decision =
        json!({"decisions": [{"id": id, "verdict": "approve", "response": RESPONSE}]}).to_string();
    let url = format!("{}/v1/proposals/decisions", server.url);
    let request = server
        .http()
        .post(url)
        .bearer_auth(&supervisor)
        .header("content-type", "application/json")
        .body(decision)
        .send();
    let pending = tokio::spawn(request);
    // Kill it once the approval is stored, while the version is being built.
    loop {
        let approved: Value = server
            .get_json("/v1/proposals?status=approved", &supervisor)
            .await?;
        let published: Value = server
            .get_json("/v1/proposals?status=published", &supervisor)
            .await?;
        if approved.as_array().unwrap().len() + published.as_array().unwrap().len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (db, admin) = (server.database_url.clone(), server.admin.clone());
    let _files = server.stop();
    let _ = pending.await;

    let restarted = Server::start_with(Start {
        database_url: Some(db),
        admin: Some(admin),
        ..Start::sample(Backend::Sqlite)
    })
    .await?;
    let supervisor = restarted.token("supervisor").await?;
    // Whatever moment the kill hit, the approval ends up published in one whole version.
    let mut history = Value::Null;
    for _ in 0..600 {
        history = restarted
            .get_json("/v1/bots/banking/versions", &supervisor)
            .await?;
        if history[0]["version"] == 2 && history[0]["active"] == true {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let versions: Vec<(i64, bool, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["active"].as_bool().unwrap(),
                v["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            (2, true, "published".to_string()),
            (1, false, "published".to_string())
        ],
        "{history}"
    );
    let proposal: Value = restarted
        .get_json("/v1/proposals?status=published", &supervisor)
        .await?;
    assert_eq!(
        (&proposal[0]["id"], &proposal[0]["version"]),
        (&json!(id), &json!(2)),
        "{proposal}"
    );
    assert_eq!(
        reply_to(&restarted, NONSENSE).await?["source"]["intent"],
        "pet_questions"
    );
    Ok(())
}
