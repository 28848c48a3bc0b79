//! A local Amazon Lex V2 model-building service for tests: the real REST-JSON wire format and
//! a stateful bot, so the real SDK client is exercised end to end.
//!
//! One bot with one locale: a draft with `AMAZON.FallbackIntent`, numbered versions snapshotted
//! from it, a `TestBotAlias` and the alias under test. Builds and versions settle after a poll,
//! builds fail for the reasons Lex gives (an intent with no utterances, a slot type that does not
//! exist) or ones a test queues, and a test can throttle requests or make builds find another
//! build running. Signatures are not checked.

mod routes;
mod state;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

/// A running fake; it stops when dropped.
pub struct FakeLex {
    addr: SocketAddr,
    lex: Arc<Mutex<state::Lex>>,
    task: tokio::task::JoinHandle<()>,
}

/// One intent as a numbered version (or the draft) holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldIntent {
    pub name: String,
    pub utterances: Vec<String>,
    /// Slot name → slot type id.
    pub slots: BTreeMap<String, String>,
    /// The closing response's message, if any.
    pub closing: Option<String>,
}

impl FakeLex {
    /// Listens on an ephemeral loopback port, holding one bot with `locale_id` and `alias_id`.
    pub async fn start(bot_id: &str, alias_id: &str, locale_id: &str) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let lex = Arc::new(Mutex::new(state::Lex::new(bot_id, locale_id, alias_id)));
        let app = routes::router(lex.clone());
        let task = tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                tracing::warn!(%err, "fake Lex server stopped");
            }
        });
        Ok(Self { addr, lex, task })
    }

    /// What to put in `LexTarget::endpoint_url`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn lock(&self) -> MutexGuard<'_, state::Lex> {
        self.lex.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Throttles the next `n` requests, whatever they are.
    pub fn throttle_next(&self, n: u32) {
        self.lock().faults.throttle += n;
    }

    /// Makes the next `n` builds find another build of the locale running.
    pub fn busy_builds(&self, n: u32) {
        self.lock().faults.busy_builds += n;
    }

    /// Makes the next build fail with `reasons`.
    pub fn fail_next_build(&self, reasons: &[&str]) {
        let reasons = reasons.iter().map(|r| r.to_string()).collect();
        self.lock().faults.failing_builds.push_back(reasons);
    }

    /// The version an alias points to.
    pub fn alias_version(&self, alias_id: &str) -> Option<String> {
        self.lock().aliases.get(alias_id).map(|a| a.version.clone())
    }

    /// Numbered versions that exist, oldest first.
    pub fn versions(&self) -> Vec<u64> {
        self.lock().versions.keys().copied().collect()
    }

    /// The intents of `version` (`DRAFT` or a number), sorted by name; `None` if it does not exist.
    pub fn intents(&self, version: &str) -> Option<Vec<HeldIntent>> {
        let lex = self.lock();
        let locale = match version {
            "DRAFT" => &lex.draft,
            v => &lex.versions.get(&v.parse::<u64>().ok()?)?.locale,
        };
        let mut out: Vec<HeldIntent> = locale.intents.values().map(held).collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Some(out)
    }

    /// `METHOD /path` of every request so far, throttled ones included.
    pub fn requests(&self) -> Vec<String> {
        self.lock().log.clone()
    }
}

fn held(i: &state::Intent) -> HeldIntent {
    let text = |v: &Value| v.as_str().map(str::to_owned);
    HeldIntent {
        name: i.name.clone(),
        utterances: i.body["sampleUtterances"]
            .as_array()
            .map(|a| a.iter().filter_map(|u| text(&u["utterance"])).collect())
            .unwrap_or_default(),
        slots: i
            .slots
            .values()
            .map(|(name, body)| (name.clone(), text(&body["slotTypeId"]).unwrap_or_default()))
            .collect(),
        closing: text(
            &i.body["intentClosingSetting"]["closingResponse"]["messageGroups"][0]["message"]["plainTextMessage"]
                ["value"],
        ),
    }
}

impl Drop for FakeLex {
    fn drop(&mut self) {
        self.task.abort();
    }
}
