//! `switchboard serve`: the server, with first-run bootstrap of the tokens it needs.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use switchboard_calls::{CallLimits, CallService, PostCallSync};
use switchboard_gateway::{AppState, Limits, Metrics, Reindexer, RulesReloader, WebConfig};
use switchboard_search::CallIndex;
use switchboard_storage::{Role, Store, StoreError};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, Overrides};

/// The widget token's name before each node named its own.
const LEGACY_WIDGET_TOKEN_NAME: &str = "web-widget";
/// Name of the first admin token, created when no admin exists.
const FIRST_ADMIN_NAME: &str = "admin";
/// How often call search looks for calls stored by other processes (`analyze`, other nodes).
const SEARCH_SYNC_EVERY: Duration = Duration::from_secs(10);

pub async fn run(o: &Overrides) -> anyhow::Result<()> {
    let config = Config::load(o)?;
    let app = crate::app::build(&config).await?;
    bootstrap_admin(&app.store).await?;
    let widget_token = widget_token(&app.store, &config).await?;
    let calls = match crate::asr::recognizer(&config).await? {
        Some(recognizer) => {
            let calls = CallService::new(
                app.store.clone(),
                app.bus.clone(),
                recognizer,
                app.insights.clone(),
                CallLimits::default(),
            );
            let calls = match config.audio_archive()? {
                Some(archive) => {
                    tracing::info!(
                        days = config.call_audio_days,
                        "call audio is kept for playback"
                    );
                    tokio::spawn(archive.clone().sweep_forever());
                    calls.keep_audio(archive)
                }
                None => calls,
            };
            let recovered = calls.recover().await?;
            if recovered > 0 {
                tracing::warn!(
                    calls = recovered,
                    "calls left live by the previous run were marked incomplete"
                );
            }
            tracing::info!(engine = calls.engine(), "call transcription ready");
            Some(Arc::new(calls))
        }
        None => {
            tracing::info!("call transcription is off (asr.engine = \"off\")");
            None
        }
    };

    let listener = TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    // Call search and the overview follow storage: calls that end here, on other nodes or in
    // `analyze`. (The mark was renamed when the overview was added, so one full pass fills it.)
    let call_search = Arc::new(
        CallIndex::open(&config.data_dir.join("call-search"))
            .context("opening the call search index")?,
    );
    let sync = PostCallSync::new(
        app.store.clone(),
        call_search.clone(),
        config.data_dir.join("post-call.mark"),
    );
    tokio::spawn(sync.run(app.bus.clone(), SEARCH_SYNC_EVERY, shutdown.clone()));
    let reindex: Reindexer = {
        let (knowledge, embedder, config) = (
            app.knowledge.clone(),
            app.knowledge_embedder.clone(),
            config.clone(),
        );
        Arc::new(move || {
            let docs =
                crate::cmd::knowledge::load_documents(&config).map_err(|e| format!("{e:#}"))?;
            let n = docs.len();
            knowledge
                .reindex(docs, embedder.as_ref(), &mut |_, _| {})
                .map_err(|e| e.to_string())?;
            Ok(n)
        })
    };
    let reload_rules: RulesReloader = {
        let (rules, dir) = (app.rules.clone(), config.rules_dir.clone());
        Arc::new(move || {
            let set = rules.reload(&dir).map_err(|report| {
                format!(
                    "the rules in {} have problems; the running rules stay. {report}",
                    dir.display()
                )
            })?;
            tracing::info!(rules = set.len(), "call rules reloaded");
            Ok(set.len())
        })
    };
    let state = AppState {
        chat: app.chat,
        store: app.store.clone(),
        knowledge: app.knowledge,
        metrics: Metrics::install(),
        web: WebConfig {
            dist: config.web_dir.clone(),
            widget_token,
            default_bot: config.default_bot.clone(),
        },
        reindex,
        rules: app.rules.clone(),
        reload_rules,
        shutdown: shutdown.clone(),
        limits: Limits {
            max_text_chars: config.max_text_chars,
            messages_per_second: config.messages_per_second,
            ..Limits::default()
        },
        calls,
        bus: app.bus.clone(),
        publisher: app.publisher.clone(),
        call_search: Some(call_search.clone()),
    };
    // Versions published on other nodes (or by this one) are loaded as they are announced.
    app.publisher.clone().follow();
    // Approvals a killed process never built are built now, in the background.
    let publisher = app.publisher.clone();
    tokio::spawn(async move {
        if let Err(e) = publisher
            .build_pending(&switchboard_publishing::no_progress())
            .await
        {
            tracing::error!(error = %e, "building approvals left from an earlier run failed");
        }
    });
    tokio::spawn(signal_shutdown(shutdown));
    // Tests and scripts wait for this exact line to learn the port.
    println!("switchboard listening on http://{addr}");
    tracing::info!(%addr, database = app.store.backend_name(), "serving");
    switchboard_gateway::serve(listener, state, Duration::from_secs(config.drain_seconds)).await?;
    app.store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// On first start there is no admin: create one and print its secret once.
async fn bootstrap_admin(store: &Store) -> anyhow::Result<()> {
    if store.count_tokens_with_role(Role::Admin).await? > 0 {
        return Ok(());
    }
    let (_, secret) = store.create_token(FIRST_ADMIN_NAME, Role::Admin).await?;
    println!("created the first admin token (shown only now; keep it safe): {secret}");
    Ok(())
}

/// The public widget's `client` token: kept in the data dir so restarts reuse it. Each node
/// names its own (`web-widget-…`, the name kept beside the secret), so nodes sharing a database
/// never revoke each other's.
async fn widget_token(store: &Store, config: &Config) -> anyhow::Result<String> {
    let path = config.data_dir.join("widget-token");
    let name_path = config.data_dir.join("widget-token.name");
    if let Ok(secret) = std::fs::read_to_string(&path) {
        let secret = secret.trim().to_string();
        if store
            .verify_token(&secret)
            .await?
            .is_some_and(|t| t.role == Role::Client)
        {
            return Ok(secret);
        }
    }
    // No usable secret on disk (first start, a new data dir, or a revoked token). Secrets are
    // stored hashed, so this node's old token cannot be recovered: replace it. Data dirs from
    // before per-node names used the one shared name.
    let old_name = std::fs::read_to_string(&name_path)
        .map(|n| n.trim().to_string())
        .unwrap_or_else(|_| LEGACY_WIDGET_TOKEN_NAME.to_string());
    match store.revoke_token(&old_name).await {
        Ok(_) | Err(StoreError::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let name = format!(
        "web-widget-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let (_, secret) = store.create_token(&name, Role::Client).await?;
    write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    std::fs::write(&name_path, &name)
        .with_context(|| format!("writing {}", name_path.display()))?;
    Ok(secret)
}

fn write_private(path: &std::path::Path, secret: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    opts.mode(0o600);
    opts.open(path)?.write_all(secret.as_bytes())
}

async fn signal_shutdown(token: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down: finishing open turns");
    token.cancel();
}
