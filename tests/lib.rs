//! Helpers shared by the end-to-end tests: start the real `switchboard serve` as a child
//! process on a free port with a fresh database, and talk to it with real clients.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, bail};
use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

mod call_clients;
pub use call_clients::{
    CallSocket, LiveFeed, StagedCall, Turn, Ws, calls_dir, lca_end, lca_recording, lca_start,
    unique_id, upgrade_refusal,
};

/// Which database a server under test uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// The admin token printed on first start.
    pub admin: String,
    /// The public widget's client token.
    pub widget: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// Holds the SQLite file and data dir; `None` once handed out by [`Server::stop`].
    tmp: Option<tempfile::TempDir>,
}

/// Root of the repository (this crate lives in `tests/`). Read at run time, because a shared
/// target dir may hold a test binary compiled in another checkout of the same sources.
pub fn repo_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// The `switchboard` binary built next to this test binary.
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let bin = dir.join("switchboard");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p switchboard` first (scripts/test.sh does)",
        bin.display()
    );
    bin
}

/// Copies a directory tree (a bot definitions folder a test may change).
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// The agent id of the tests' calls, and the name of the agent token [`Server::token`] issues.
pub const TEST_AGENT: &str = "agent-7";

/// Options for starting a server.
pub struct Start {
    pub backend: Backend,
    pub bots_dir: PathBuf,
    pub knowledge_dir: PathBuf,
    /// Call rules (the shipped `rules/` by default).
    pub rules_dir: PathBuf,
    /// Reuse this database instead of a fresh one (restart tests).
    pub database_url: Option<String>,
    pub extra_env: Vec<(String, String)>,
    /// The admin token of a reused database (the server prints one only on first start).
    pub admin: Option<String>,
}

impl Start {
    /// The sample bot and knowledge base on a fresh database.
    pub fn sample(backend: Backend) -> Self {
        Self {
            backend,
            bots_dir: repo_root().join("bot-definitions"),
            knowledge_dir: repo_root().join("knowledge"),
            rules_dir: repo_root().join("rules"),
            database_url: None,
            extra_env: Vec::new(),
            admin: None,
        }
    }
}

impl Server {
    /// Starts the sample configuration on `backend`.
    pub async fn start(backend: Backend) -> anyhow::Result<Self> {
        Self::start_with(Start::sample(backend)).await
    }

    /// Starts `switchboard serve` and waits until it listens. Starts are serialised: on a cold
    /// embedding cache the first server fills it and the others then start in seconds, instead
    /// of every test embedding the same 10,000 utterances at once on 2 cores.
    pub async fn start_with(opts: Start) -> anyhow::Result<Self> {
        static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        let _turn = ONE_AT_A_TIME.lock().await;
        let tmp = tempfile::tempdir()?;
        let data_dir = tmp.path().join("data");
        let database_url = match (&opts.database_url, opts.backend) {
            (Some(url), _) => url.clone(),
            (None, Backend::Sqlite) => {
                format!("sqlite://{}", tmp.path().join("switchboard.db").display())
            }
            (None, Backend::Postgres) => fresh_pg_schema().await?,
        };
        let mut cmd = Command::new(binary());
        cmd.arg("serve")
            .args(["--listen", "127.0.0.1:0", "--database-url", &database_url])
            .arg("--data-dir")
            .arg(&data_dir)
            .env("SWITCHBOARD_BOTS_DIR", &opts.bots_dir)
            .env("SWITCHBOARD_KNOWLEDGE_DIR", &opts.knowledge_dir)
            .env("SWITCHBOARD_RULES_DIR", &opts.rules_dir)
            .env("SWITCHBOARD_WEB_DIR", repo_root().join("web/dist"))
            .env("SWITCHBOARD_LOG", "warn")
            // Never rewrite the repository's bot definitions; tests that check export opt in.
            .env("SWITCHBOARD_EXPORT_BOTS", "false")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in &opts.extra_env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().context("spawning switchboard")?;
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (mut url, mut admin) = (None, None);
        while url.is_none() {
            let line = tokio::task::block_in_place(|| rx.recv_timeout(Duration::from_secs(900)))
                .context("server did not print its address (see stderr above)")?;
            if let Some(rest) = line.split("listening on ").nth(1) {
                url = Some(rest.trim().to_string());
            }
            if let Some(rest) = line.split("keep it safe): ").nth(1) {
                admin = Some(rest.trim().to_string());
            }
        }
        let widget = std::fs::read_to_string(data_dir.join("widget-token"))?
            .trim()
            .to_string();
        let admin = admin
            .or(opts.admin)
            .context("no admin token printed and none given")?;
        Ok(Self {
            child,
            url: url.unwrap(),
            admin,
            widget,
            data_dir,
            database_url,
            tmp: Some(tmp),
        })
    }

    /// `ws://…` form of the base URL.
    pub fn ws_url(&self) -> String {
        self.url.replacen("http://", "ws://", 1)
    }

    /// An HTTP client.
    pub fn http(&self) -> reqwest::Client {
        reqwest::Client::new()
    }

    /// `GET path` with `token`, expecting success and a JSON body.
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
    ) -> anyhow::Result<T> {
        let resp = self
            .http()
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
            .send()
            .await?;
        if !resp.status().is_success() {
            bail!("GET {path}: {} {}", resp.status(), resp.text().await?);
        }
        Ok(resp.json().await?)
    }

    /// Issues a token with `role` through the admin API and returns its secret. The agent token
    /// is named [`TEST_AGENT`]: an agent sees only calls whose `agentId` is its name, and the test
    /// clients' calls carry that id.
    pub async fn token(&self, role: &str) -> anyhow::Result<String> {
        let name = if role == "agent" {
            TEST_AGENT.to_string()
        } else {
            format!("{role}-{}", uuid_like())
        };
        self.named_token(role, &name).await
    }

    /// Issues a token with `role` and `name` (an agent token's name is the agent id it speaks for).
    pub async fn named_token(&self, role: &str, name: &str) -> anyhow::Result<String> {
        let resp = self
            .http()
            .post(format!("{}/v1/tokens", self.url))
            .bearer_auth(&self.admin)
            .json(&serde_json::json!({"name": name, "role": role}))
            .send()
            .await?;
        if resp.status() != 201 {
            bail!(
                "creating a {role} token: {} {}",
                resp.status(),
                resp.text().await?
            );
        }
        Ok(resp.json::<Value>().await?["secret"]
            .as_str()
            .context("secret")?
            .to_string())
    }

    /// `POST path` with a raw JSON body (or none): the status and the JSON answer (a string
    /// when the body is not JSON), for tests of refusals as much as of success.
    pub async fn post_raw(
        &self,
        token: &str,
        path: &str,
        body: &str,
    ) -> anyhow::Result<(u16, Value)> {
        let resp = self
            .http()
            .post(format!("{}{path}", self.url))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        Ok((
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        ))
    }

    /// Two servers sharing one fresh PostgreSQL database and the NATS bus: two nodes of one
    /// deployment.
    pub async fn two_nodes() -> anyhow::Result<(Self, Self)> {
        let nats = (
            "SWITCHBOARD_EVENT_BUS".to_string(),
            "nats://127.0.0.1:4222".to_string(),
        );
        let first = Self::start_with(Start {
            extra_env: vec![nats.clone()],
            ..Start::sample(Backend::Postgres)
        })
        .await?;
        let second = Self::start_with(Start {
            extra_env: vec![nats],
            database_url: Some(first.database_url.clone()),
            admin: Some(first.admin.clone()),
            ..Start::sample(Backend::Postgres)
        })
        .await?;
        Ok((first, second))
    }

    /// Stops the server but keeps its files (database, data dir) for a restart.
    pub fn stop(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.tmp.take().expect("files are handed out once")
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(mut self) -> anyhow::Result<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status()?;
        Ok(self.child.wait()?)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{:x}{}", t, N.fetch_add(1, Ordering::Relaxed))
}

/// A new empty schema in the test PostgreSQL, as a URL whose connections use it.
pub async fn fresh_pg_schema() -> anyhow::Result<String> {
    use sqlx::Connection;
    let base = std::env::var("SWITCHBOARD_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("e2e_{}", uuid_like());
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .with_context(|| format!("connecting to {base}"))?;
    // The schema name is ours (letters, digits, underscore), not user input.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await?;
    let sep = if base.contains('?') { '&' } else { '?' };
    Ok(format!("{base}{sep}options[search_path]={schema}"))
}

/// A chat websocket connection that has received its `session` message.
pub struct Chat {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    pub session: Value,
}

impl Chat {
    /// Connects with `token` in the query string (as browsers do).
    pub async fn connect(server: &Server, token: &str, query: &str) -> anyhow::Result<Self> {
        let url = format!("{}/v1/chat?token={token}{query}", server.ws_url());
        let (ws, _) = tokio_tungstenite::connect_async(url).await?;
        let mut chat = Self {
            ws,
            session: Value::Null,
        };
        chat.session = chat.recv().await?;
        if chat.session["type"] != "session" {
            bail!("expected a session message first, got {}", chat.session);
        }
        Ok(chat)
    }

    /// The session id from the greeting.
    pub fn session_id(&self) -> String {
        self.session["session_id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Sends a raw text frame.
    pub async fn send_raw(&mut self, text: &str) -> anyhow::Result<()> {
        self.ws.send(Message::Text(text.into())).await?;
        Ok(())
    }

    /// Sends a frame of any kind.
    pub async fn send_frame(&mut self, msg: Message) -> anyhow::Result<()> {
        self.ws.send(msg).await?;
        Ok(())
    }

    /// Sends a visitor message and returns the next server message.
    pub async fn say(&mut self, text: &str) -> anyhow::Result<Value> {
        self.send_raw(&serde_json::json!({"type": "message", "text": text}).to_string())
            .await?;
        self.recv().await
    }

    /// The next JSON message from the server (pings skipped).
    pub async fn recv(&mut self) -> anyhow::Result<Value> {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(60), self.ws.next())
                .await
                .context("no message from the server within 60 s")?
                .context("connection closed")??;
            match msg {
                Message::Text(t) => return Ok(serde_json::from_str(&t)?),
                Message::Close(frame) => bail!("closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// Waits for the server to close; returns the close code and reason.
    pub async fn closed(&mut self) -> anyhow::Result<(u16, String)> {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(60), self.ws.next())
                .await
                .context("no close")?;
            match msg {
                Some(Ok(Message::Close(Some(f)))) => {
                    return Ok((f.code.into(), f.reason.to_string()));
                }
                Some(Ok(Message::Close(None))) | None => return Ok((1005, String::new())),
                Some(Ok(_)) => continue,
                Some(Err(e)) => bail!("connection error instead of a close frame: {e}"),
            }
        }
    }
}
