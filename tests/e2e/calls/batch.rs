//! Recorded calls analysed in bulk: `switchboard analyze` and `POST /v1/calls/recordings` run a
//! staged call through the live pipeline into the same store the server reads, detect which
//! channel is the agent, skip what is done on a re-run, and refuse bad files storing nothing.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use switchboard_e2e::{Backend, Server, StagedCall, binary, repo_root};

use super::CALL;

/// Every key `analyze --json` promises per call.
const KEYS: [&str; 17] = [
    "file",
    "call_id",
    "duration_s",
    "talk_time_s",
    "talk_ratio",
    "non_talk_s",
    "longest_silence_s",
    "interruptions",
    "overlap_s",
    "words_per_minute",
    "sentiment_by_quarter",
    "categories",
    "key_phrases",
    "summary",
    "roles",
    "transcript",
    "status",
];

/// `switchboard analyze ARGS` on the server's database and data, as an operator runs it.
fn analyze(server: &Server, args: &[&str]) -> anyhow::Result<Output> {
    let root = repo_root();
    Ok(Command::new(binary())
        .arg("analyze")
        .args(args)
        .args(["--database-url", &server.database_url])
        .arg("--data-dir")
        .arg(&server.data_dir)
        .env("SWITCHBOARD_BOTS_DIR", root.join("bot-definitions"))
        .env("SWITCHBOARD_KNOWLEDGE_DIR", root.join("knowledge"))
        .env("SWITCHBOARD_RULES_DIR", root.join("rules"))
        .env("SWITCHBOARD_EXPORT_BOTS", "false")
        .env("SWITCHBOARD_LOG", "warn")
        .output()?)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A WAV header whose `data` chunk claims more than the file holds, or whose samples are floats.
fn broken_wavs(dir: &Path) -> anyhow::Result<()> {
    let staged = StagedCall::load(CALL)?;
    let mut cut = staged.file.clone();
    cut.truncate(staged.header_len + 4000);
    std::fs::write(dir.join("cut.wav"), cut)?;
    let mut float = staged.file[..staged.header_len].to_vec();
    float[20] = 3; // WAVE_FORMAT_IEEE_FLOAT
    float.extend_from_slice(&staged.file[staged.header_len..staged.header_len + 800]);
    let len = (float.len() - staged.header_len) as u32;
    let at = staged.header_len - 4;
    float[at..at + 4].copy_from_slice(&len.to_le_bytes());
    std::fs::write(dir.join("float.wav"), float)?;
    std::fs::write(dir.join("notes.wav"), b"these are my notes, not audio")?;
    Ok(())
}

async fn call_count(server: &Server, token: &str) -> anyhow::Result<usize> {
    let calls: Value = server.get_json("/v1/calls", token).await?;
    Ok(calls.as_array().map_or(0, Vec::len))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recordings_are_analysed_with_roles_detected_resumed_and_bad_files_refused()
-> anyhow::Result<()> {
    let server = Server::start(Backend::Sqlite).await?;
    let supervisor = server.token("supervisor").await?;
    let dir = tempfile::tempdir()?;
    // The agent on channel 0: the opposite of the default, as PCA's users find their calls.
    let swapped = dir.path().join("swapped.wav");
    StagedCall::load(CALL)?.write_wav(&swapped, &[1, 0])?;
    let swapped_arg = swapped.display().to_string();

    let out = analyze(
        &server,
        &[
            &swapped_arg,
            "--json",
            "--agent",
            "agent-7",
            "--queue",
            "roaming",
        ],
    )?;
    assert!(
        out.status.success(),
        "analyze failed: {}",
        text(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout)?;
    let call = &json["calls"][0];
    for key in KEYS {
        assert!(!call[key].is_null(), "`{key}` missing from {call:#}");
    }
    assert_eq!(call["file"], swapped_arg.as_str());
    assert_eq!(call["status"], "completed");
    assert_eq!(call["roles"]["0"]["role"], "agent", "{:#}", call["roles"]);
    assert_eq!(call["roles"]["1"]["role"], "customer");
    assert_eq!(call["roles"]["0"]["detected"], true);
    let sure = call["roles"]["0"]["confidence"].as_f64().unwrap();
    assert!(sure > 0.5 && sure <= 1.0, "confidence {sure}");
    assert!(call["roles"]["0"]["loudness_lufs"].as_f64().unwrap() < 0.0);
    assert!(
        call["talk_time_s"]["agent"].as_f64().unwrap() > 3.0,
        "{call:#}"
    );
    assert!(call["talk_time_s"]["customer"].as_f64().unwrap() > 3.0);
    assert_eq!(
        call["sentiment_by_quarter"]["customer"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    let lines = call["transcript"].as_array().unwrap();
    assert!(lines.len() >= 4, "{lines:#?}");
    assert!(
        !call["summary"].as_array().unwrap().is_empty(),
        "{:#}",
        call["summary"]
    );
    let call_id = call["call_id"].as_str().unwrap().to_string();

    // The server sees the call as it sees a live one, agents' speech on the agent's channel.
    let stored: Value = server
        .get_json(&format!("/v1/calls/{call_id}"), &supervisor)
        .await?;
    assert_eq!(stored["source"], "batch");
    assert_eq!(stored["agent_id"], "agent-7");
    assert_eq!(
        stored["channel_roles"],
        serde_json::json!(["agent", "customer"])
    );
    let segments = stored["transcript"].as_array().unwrap();
    assert_eq!(segments.len(), lines.len());
    for s in segments {
        let role = if s["channel"] == 0 {
            "agent"
        } else {
            "customer"
        };
        assert_eq!(s["speaker"], role, "{s}");
    }
    assert!(stored["metrics"]["talk_time_s"]["agent"].as_f64().unwrap() > 3.0);
    assert_eq!(stored["roles"], call["roles"]);
    assert_eq!(stored["summary"], call["summary"]);
    assert_eq!(stored["key_phrases"], call["key_phrases"]);

    // Bad files beside the done one: each named with its reason; the done one is skipped.
    broken_wavs(dir.path())?;
    let out = analyze(&server, &[&dir.path().display().to_string(), "--json"])?;
    assert!(!out.status.success(), "bad files must fail the run");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("3 of 4 recording(s) could not be analysed"),
        "{stderr}"
    );
    assert!(stderr.contains("done before; skipped"), "{stderr}");
    let json: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(json["calls"][0]["call_id"], call_id.as_str());
    assert_eq!(
        json["calls"][0]["transcript"].as_array().unwrap().len(),
        lines.len()
    );
    let errors: Vec<String> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}: {}", e["file"], e["error"]))
        .collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let expect = [
        ("cut.wav", "truncated"),
        ("float.wav", "format tag 3"),
        ("notes.wav", "not a WAV file"),
    ];
    for ((file, why), error) in expect.iter().zip(&errors) {
        assert!(
            error.contains(file) && error.contains(why),
            "{file}: {error}"
        );
    }
    assert_eq!(
        call_count(&server, &supervisor).await?,
        1,
        "a refused file stored a call"
    );

    // Uploads: labelled roles kept, the same bytes answered from storage, bad ones refused.
    let original = StagedCall::load(CALL)?.file;
    let upload = |body: Vec<u8>, query: &str, token: &str| {
        server
            .http()
            .post(format!("{}/v1/calls/recordings?{query}", server.url))
            .bearer_auth(token)
            .header("content-type", "audio/wav")
            .body(body)
            .send()
    };
    let first = upload(
        original.clone(),
        "roles=customer,agent&name=call04.wav&queue=claims",
        &supervisor,
    )
    .await?;
    assert_eq!(first.status(), 201);
    let report: Value = first.json().await?;
    assert_eq!(report["file"], "call04.wav");
    assert_eq!(report["roles"]["0"]["role"], "customer");
    assert_eq!(report["roles"]["0"]["detected"], false);
    assert!(report["talk_time_s"]["agent"].as_f64().unwrap() > 3.0);
    let again = upload(original.clone(), "roles=customer,agent", &supervisor).await?;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await?;
    assert_eq!(again["call_id"], report["call_id"]);

    let agent = server.named_token("agent", "agent-7").await?;
    let refused = [
        (original.clone(), "", agent.as_str(), 403, "supervisor"),
        (
            b"not audio".to_vec(),
            "name=x.wav",
            &supervisor,
            400,
            "x.wav: not a WAV file",
        ),
        (
            std::fs::read(dir.path().join("cut.wav"))?,
            "",
            &supervisor,
            400,
            "truncated",
        ),
        (
            std::fs::read(dir.path().join("float.wav"))?,
            "",
            &supervisor,
            415,
            "format tag 3",
        ),
        (Vec::new(), "", &supervisor, 400, "empty"),
        (
            original.clone(),
            "roles=customer,boss",
            &supervisor,
            400,
            "boss",
        ),
    ];
    for (body, query, token, status, why) in refused {
        let response = upload(body, query, token).await?;
        assert_eq!(response.status(), status, "{query} {why}");
        let error: Value = response.json().await?;
        let message = error["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{why}: {message}");
    }
    assert_eq!(call_count(&server, &supervisor).await?, 2);

    // Search: the analysed call is found by its words (the server picks up calls `analyze`
    // stored), with the matching segments marked; filters narrow; bad searches are refused.
    let hits = found(
        &server,
        &supervisor,
        "q=roaming%20Japan&agent=agent-7",
        &call_id,
    )
    .await?;
    let snippet = &hits[0]["snippets"][0];
    let fragment = snippet["fragment"].as_str().unwrap();
    let marked: Vec<String> = snippet["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            fragment[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize]
                .to_lowercase()
        })
        .collect();
    assert!(
        marked.iter().any(|w| w == "roaming" || w == "japan"),
        "{snippet}"
    );
    let none: Value = server
        .get_json("/v1/calls/search?q=roaming&agent=nobody", &supervisor)
        .await?;
    assert_eq!(none["hits"], serde_json::json!([]));
    for (query, status, why) in [
        ("q=%22unclosed", 400, "cannot read the search"),
        ("q=card&min_duration_s=-1", 400, "min_duration_s"),
        (
            "q=card&from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
            400,
            "is after",
        ),
    ] {
        let response = server
            .http()
            .get(format!("{}/v1/calls/search?{query}", server.url))
            .bearer_auth(&supervisor)
            .send()
            .await?;
        assert_eq!(response.status(), status, "{query}");
        let body: Value = response.json().await?;
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains(why),
            "{query}: {body}"
        );
    }
    let agent_search = server
        .http()
        .get(format!("{}/v1/calls/search?q=card", server.url))
        .bearer_auth(&agent)
        .send()
        .await?;
    assert_eq!(agent_search.status(), 403);

    let uploaded = report["call_id"].as_str().unwrap();
    super::overview::check(&server, &supervisor, &agent, &call_id, uploaded).await?;

    // A mono mix: the two parties are told apart first, then each gets its role.
    let mono = tempfile::tempdir()?;
    let mixed = mono.path().join("mixed.wav");
    StagedCall::load(CALL)?.write_mono_mix(&mixed)?;
    let out = analyze(&server, &[&mixed.display().to_string(), "--json"])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout)?;
    let roles = &json["calls"][0]["roles"];
    let mut found = vec![roles["0"]["role"].clone(), roles["1"]["role"].clone()];
    found.sort_by_key(|r| r.to_string());
    assert_eq!(found, ["agent", "customer"], "{roles:#}");
    assert!(roles["0"]["detected"] == true && roles["1"]["detected"] == true);
    for who in ["agent", "customer"] {
        let talk = json["calls"][0]["talk_time_s"][who].as_f64().unwrap();
        assert!(talk > 2.0, "{who} talked {talk} s of the mix");
    }
    Ok(())
}

/// Searches until `call_id` is among the hits (the index follows storage within seconds).
async fn found(
    server: &Server,
    token: &str,
    query: &str,
    call_id: &str,
) -> anyhow::Result<Vec<Value>> {
    for _ in 0..120 {
        let answer: Value = server
            .get_json(&format!("/v1/calls/search?{query}"), token)
            .await?;
        let hits = answer["hits"].as_array().cloned().unwrap_or_default();
        if hits.iter().any(|h| h["call_id"] == call_id) {
            return Ok(hits);
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    anyhow::bail!("call {call_id} never showed up in search for {query}")
}
