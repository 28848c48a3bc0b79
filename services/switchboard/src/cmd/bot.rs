//! `switchboard bot validate|import|list|show`: bot definitions from files into the database.

use std::path::{Path, PathBuf};

use anyhow::Context;
use switchboard_bots::{BotDefinition, ValidationReport};
use switchboard_storage::{Store, StoreError};

use crate::config::{Config, Overrides};

/// Subcommands of `switchboard bot`.
#[derive(Debug, clap::Subcommand)]
pub enum BotCommand {
    /// Check every bot under the definitions directory; exits non-zero on any problem.
    Validate {
        /// Definitions directory (default: `bots_dir` from the configuration).
        dir: Option<PathBuf>,
    },
    /// Validate and store new versions, making them active. A rejected definition changes nothing.
    Import {
        /// Definitions directory (default: `bots_dir` from the configuration).
        dir: Option<PathBuf>,
    },
    /// Stored bots and their versions.
    List,
    /// One bot's active (or given) version: intents, slots, fallback policy.
    Show {
        name: String,
        #[arg(long)]
        version: Option<u32>,
    },
}

/// What importing one bot directory did.
#[derive(Debug)]
pub enum Imported {
    New { bot: String, version: u32 },
    Unchanged { bot: String, version: u32 },
    Rejected { bot: String, reason: String },
}

pub async fn run(cmd: BotCommand, o: &Overrides) -> anyhow::Result<()> {
    let config = Config::load(o)?;
    match cmd {
        BotCommand::Validate { dir } => validate(&dir.unwrap_or(config.bots_dir)),
        BotCommand::Import { dir } => {
            let store = crate::app::connect(&config).await?;
            let outcomes = import_dir(&store, &dir.unwrap_or(config.bots_dir)).await?;
            let rejected = outcomes
                .iter()
                .filter(|o| matches!(o, Imported::Rejected { .. }))
                .count();
            if rejected > 0 {
                anyhow::bail!(
                    "{rejected} bot(s) rejected; the versions already stored stay active"
                );
            }
            Ok(())
        }
        BotCommand::List => {
            let store = crate::app::connect(&config).await?;
            for name in stored_bot_names(&store).await? {
                let active = store.active_bot_version(&name).await?.map(|r| r.version);
                for v in store.list_bot_versions(&name).await? {
                    let mark = if Some(v.version) == active { "*" } else { " " };
                    println!(
                        "{mark} {name} v{} {} {}",
                        v.version,
                        v.created_at.format("%Y-%m-%d %H:%M"),
                        &v.checksum[..12]
                    );
                }
            }
            Ok(())
        }
        BotCommand::Show { name, version } => {
            let store = crate::app::connect(&config).await?;
            let record = match version {
                Some(v) => store
                    .list_bot_versions(&name)
                    .await?
                    .into_iter()
                    .find(|r| r.version == v),
                None => store.active_bot_version(&name).await?,
            };
            let record =
                record.with_context(|| format!("bot `{name}` has no such version stored"))?;
            let def: BotDefinition = serde_json::from_str(&record.definition_json)?;
            print_bot(&def);
            Ok(())
        }
    }
}

fn validate(dir: &Path) -> anyhow::Result<()> {
    let results = switchboard_bots::validate_dir(dir)?;
    let mut bad = 0;
    for (name, result) in &results {
        match result {
            Ok(def) => println!(
                "ok    {name} v{} ({} intents)",
                def.version,
                def.intents.len()
            ),
            Err(report) => {
                bad += 1;
                println!("error {name}: {} problem(s)", report.len());
                print_report(report);
            }
        }
    }
    if results.is_empty() {
        anyhow::bail!("no bot definitions found under {}", dir.display());
    }
    if bad > 0 {
        anyhow::bail!("{bad} of {} bot(s) failed validation", results.len());
    }
    Ok(())
}

fn print_report(report: &ValidationReport) {
    for line in report.to_string().lines() {
        println!("      {line}");
    }
}

/// Stores every valid definition whose version is new; reports (and skips) the rest.
pub async fn import_dir(store: &Store, dir: &Path) -> anyhow::Result<Vec<Imported>> {
    if !dir.exists() {
        tracing::warn!(dir = %dir.display(), "bot definitions directory does not exist; nothing imported");
        return Ok(Vec::new());
    }
    let mut outcomes = Vec::new();
    for (name, result) in switchboard_bots::validate_dir(dir)? {
        let outcome = match result {
            Err(report) => Imported::Rejected {
                bot: name,
                reason: report.to_string(),
            },
            Ok(def) => import_one(store, def).await?,
        };
        match &outcome {
            Imported::New { bot, version } => tracing::info!(%bot, version, "bot version imported"),
            Imported::Unchanged { bot, version } => tracing::debug!(%bot, version, "bot unchanged"),
            Imported::Rejected { bot, reason } => {
                tracing::error!(%bot, "bot definition rejected:\n{reason}")
            }
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

async fn import_one(store: &Store, def: BotDefinition) -> anyhow::Result<Imported> {
    let (bot, version, checksum) = (def.name.clone(), def.version, def.checksum());
    let existing = store
        .list_bot_versions(&bot)
        .await?
        .into_iter()
        .find(|r| r.version == version);
    match existing {
        Some(r) if r.checksum == checksum => Ok(Imported::Unchanged { bot, version }),
        Some(_) => Ok(Imported::Rejected {
            reason: format!(
                "version {version} is already stored with different content; raise `version` in bot.yaml to publish the change"
            ),
            bot,
        }),
        None => {
            let json = serde_json::to_string(&def)?;
            match store
                .save_bot_version(&bot, version, &json, &checksum)
                .await
            {
                Ok(_) => {}
                Err(StoreError::Conflict(m)) => return Ok(Imported::Rejected { bot, reason: m }),
                Err(e) => return Err(e.into()),
            }
            let newest = store
                .list_bot_versions(&bot)
                .await?
                .iter()
                .map(|r| r.version)
                .max()
                .unwrap_or(version);
            if newest == version {
                store.activate_bot_version(&bot, version).await?;
            }
            Ok(Imported::New { bot, version })
        }
    }
}

/// Names of all bots with at least one stored version.
pub async fn stored_bot_names(store: &Store) -> anyhow::Result<Vec<String>> {
    Ok(store.list_bots().await?)
}

fn print_bot(def: &BotDefinition) {
    println!(
        "{} v{} ({}) — {}",
        def.name, def.version, def.locale, def.description
    );
    println!(
        "fallback: threshold {:.2}, out-of-scope budget {:.1} %, knowledge {} (min score {:.2}), handoff: {:?}",
        def.fallback.confidence_threshold,
        def.fallback.max_in_scope_cost * 100.0,
        if def.fallback.knowledge_fallback {
            "on"
        } else {
            "off"
        },
        def.fallback.knowledge_min_score,
        def.fallback.handoff_message
    );
    for intent in &def.intents {
        let slots: Vec<_> = intent.slots.iter().map(|s| s.name.as_str()).collect();
        println!(
            "  {:32} {:5} utterances  slots: {}",
            intent.name,
            intent.utterances.len(),
            slots.join(", ")
        );
    }
}
