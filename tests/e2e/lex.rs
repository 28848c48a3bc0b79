//! Amazon Lex V2 as a publishing target, through the server and the CLI: the real SDK client
//! against a local Lex speaking its REST-JSON protocol (`lex_aws::fake`).

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use lex_aws::fake::FakeLex;
use serde_json::{Value, json};
use switchboard_e2e::{Backend, Server, Start, binary};

use crate::improve::{NONSENSE, RESPONSE, missed_in_a_taken_chat, new_intent};

const BOT: &str = "BOTID12345";
const ALIAS: &str = "ALIASID123";

/// Test credentials and no instance metadata, so the SDK signs without looking further.
const AWS_ENV: [(&str, &str); 3] = [
    ("AWS_ACCESS_KEY_ID", "AKIDSWITCHBOARDTEST"),
    ("AWS_SECRET_ACCESS_KEY", "switchboard-test-secret"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
];

fn write_config(dir: &Path, fake: &FakeLex) -> anyhow::Result<std::path::PathBuf> {
    let path = dir.join("switchboard.toml");
    let toml = format!(
        "[lex.banking]\nbot_id = \"{BOT}\"\nalias_id = \"{ALIAS}\"\nlocale_id = \"en_GB\"\n\
         region = \"eu-west-2\"\nendpoint_url = \"{}\"\nkeep_versions = 1\npoll_seconds = 0.05\n",
        fake.endpoint_url()
    );
    std::fs::write(&path, toml)?;
    Ok(path)
}

/// `switchboard bot ARGS` against the server's database and the test configuration.
fn cli(server: &Server, config: &Path, args: &[&str]) -> anyhow::Result<Output> {
    Ok(Command::new(binary())
        .arg("bot")
        .args(args)
        .args(["--database-url", &server.database_url])
        .env("SWITCHBOARD_CONFIG", config)
        .env("SWITCHBOARD_LOG", "warn")
        .envs(AWS_ENV)
        .output()?)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Waits for the background publish to move the alias (a publish that never arrives fails).
async fn alias_reaches(fake: &FakeLex, version: &str) -> Option<String> {
    for _ in 0..600 {
        let now = fake.alias_version(ALIAS);
        if now.as_deref() == Some(version) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    fake.alias_version(ALIAS)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_versions_reach_lex_and_the_cli_publishes_by_hand() -> anyhow::Result<()> {
    let fake = FakeLex::start(BOT, ALIAS, "en_GB").await?;
    let tmp = tempfile::tempdir()?;
    let config = write_config(tmp.path(), &fake)?;
    let mut env = vec![(
        "SWITCHBOARD_CONFIG".to_string(),
        config.display().to_string(),
    )];
    env.extend(AWS_ENV.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let server = Server::start_with(Start {
        extra_env: env,
        ..Start::sample(Backend::Sqlite)
    })
    .await?;
    // Starting imports v1 from files; only what the loop publishes goes to Lex by itself.
    assert!(fake.versions().is_empty());

    let agent = server.token("agent").await?;
    let supervisor = server.token("supervisor").await?;
    let missed = missed_in_a_taken_chat(&server, &agent, &supervisor).await?;
    let (status, made) = server
        .post_raw(&agent, "/v1/proposals", &new_intent(&missed))
        .await?;
    assert_eq!(status, 201, "{made}");
    let decision =
        json!({"decisions": [{"id": made[0]["id"], "verdict": "approve", "response": RESPONSE}]});
    let (status, decided) = server
        .post_raw(
            &supervisor,
            "/v1/proposals/decisions",
            &decision.to_string(),
        )
        .await?;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["builds"][0]["outcome"], "published", "{decided}");

    assert_eq!(alias_reaches(&fake, "1").await.as_deref(), Some("1"));
    let held = fake.intents("1").expect("Lex version 1 exists");
    let pets = held
        .iter()
        .find(|i| i.name == "pet_questions")
        .expect("new intent in Lex");
    assert_eq!(pets.utterances, [NONSENSE]);
    assert_eq!(pets.closing.as_deref(), Some(RESPONSE));
    let card = held
        .iter()
        .find(|i| i.name == "card_payment_not_recognised")
        .unwrap();
    assert_eq!(card.slots["payment_date"], "AMAZON.Date");
    assert_eq!(
        held.len(),
        79,
        "77 banking intents, the new one and Lex's fallback"
    );
    let audit: Value = server.get_json("/v1/audit", &server.admin).await?;
    let mirrored = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "bot.mirror")
        .cloned()
        .expect("the Lex publish is audited");
    assert_eq!(mirrored["after"]["target_version"], "1", "{mirrored}");
    assert_eq!(mirrored["after"]["version"], 2, "{mirrored}");

    // By hand: a new Lex version; keep_versions = 1 deletes version 1.
    let out = cli(&server, &config, &["publish", "banking", "--lex"])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("banking v2 is Lex version 2 behind alias ALIASID123"),
        "{said}"
    );
    assert!(said.contains("old Lex versions deleted: 1"), "{said}");
    assert_eq!(fake.versions(), [2]);

    // A build Lex fails: its reason is shown, the command fails, the alias stays.
    fake.fail_next_build(&["Intent 'pet_questions' conflicts with 'card_arrival'."]);
    let out = cli(&server, &config, &["publish", "banking", "--lex"])?;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("could not build locale en_GB"), "{err}");
    assert!(err.contains("conflicts with 'card_arrival'"), "{err}");
    assert_eq!(fake.alias_version(ALIAS).as_deref(), Some("2"));
    assert_eq!(fake.versions(), [2]);

    // Bad requests are refused with what to do.
    let out = cli(&server, &config, &["publish", "banking"])?;
    assert!(
        text(&out.stderr).contains("say where to publish: `--lex`"),
        "{}",
        text(&out.stderr)
    );
    let out = cli(&server, &config, &["publish", "telco", "--lex"])?;
    assert!(
        text(&out.stderr).contains("no [lex.telco] section"),
        "{}",
        text(&out.stderr)
    );
    let out = cli(
        &server,
        &config,
        &["publish", "banking", "--lex", "--version", "9"],
    )?;
    assert!(
        text(&out.stderr).contains("has no version 9"),
        "{}",
        text(&out.stderr)
    );
    assert!(!out.status.success());
    Ok(())
}
