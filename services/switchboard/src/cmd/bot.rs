//! `switchboard bot validate|import|list|show|export|diff|publish`: bot definitions between files and
//! the database.

use std::path::{Path, PathBuf};

use anyhow::Context;
use lex_aws::{LexMirror, Stage};
use switchboard_bots::{BotDefinition, ValidationReport};
use switchboard_publishing::{Imported, definition_of};
use switchboard_storage::{AuditEntry, BotVersionRecord, Store, VersionStatus};

use crate::config::{Config, Overrides};
use crate::progress;

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
    /// Writes a stored version (default: the active one) as YAML files, as authored.
    Export {
        name: String,
        #[arg(long)]
        version: Option<u32>,
        /// Target directory (default: `bots_dir/NAME`).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Utterances and responses added and removed per intent between two stored versions.
    Diff { name: String, from: u32, to: u32 },
    /// Mirrors a stored version (default: the active one) into the bot's Amazon Lex V2 bot
    /// (`[lex.NAME]`): intents, build, a new Lex version, the alias, old versions removed.
    Publish {
        name: String,
        /// Publish to Amazon Lex V2 (Switchboard itself already serves the active version).
        #[arg(long)]
        lex: bool,
        #[arg(long)]
        version: Option<u32>,
    },
}

pub async fn run(cmd: BotCommand, o: &Overrides) -> anyhow::Result<()> {
    let config = Config::load(o)?;
    match cmd {
        BotCommand::Validate { dir } => validate(&dir.unwrap_or(config.bots_dir)),
        BotCommand::Import { dir } => {
            let store = crate::app::connect(&config).await?;
            let outcomes =
                switchboard_publishing::import_dir(&store, &dir.unwrap_or(config.bots_dir)).await?;
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
            for name in store.list_bots().await? {
                for v in store.list_bot_versions(&name).await? {
                    let mark = if v.active { "*" } else { " " };
                    println!(
                        "{mark} {name} v{} {} {:16} {:10} {} ({})",
                        v.version,
                        v.created_at.format("%Y-%m-%d %H:%M"),
                        v.status.as_str(),
                        v.author.as_deref().unwrap_or("files"),
                        v.reason,
                        &v.checksum[..12]
                    );
                }
            }
            Ok(())
        }
        BotCommand::Export { name, version, dir } => {
            let store = crate::app::connect(&config).await?;
            let record = stored(&store, &name, version).await?;
            let def = definition_of(&record)?;
            let dir = dir.unwrap_or_else(|| config.bots_dir.join(&name));
            switchboard_bots::export_bot(&def, &dir)
                .with_context(|| format!("writing {}", dir.display()))?;
            println!("{name} v{} written to {}", def.version, dir.display());
            Ok(())
        }
        BotCommand::Diff { name, from, to } => {
            let store = crate::app::connect(&config).await?;
            let a = definition_of(&stored(&store, &name, Some(from)).await?)?;
            let b = definition_of(&stored(&store, &name, Some(to)).await?)?;
            let changes = switchboard_publishing::diff::diff(&a, &b);
            if changes.is_empty() {
                println!(
                    "{name} v{from} and v{to} have the same intents, utterances and responses"
                );
            }
            for d in changes {
                println!("{} ({})", d.intent, d.change.as_str());
                for u in &d.added_utterances {
                    println!("  + {u}");
                }
                for u in &d.removed_utterances {
                    println!("  - {u}");
                }
                for r in &d.added_responses {
                    println!("  + response: {r}");
                }
                for r in &d.removed_responses {
                    println!("  - response: {r}");
                }
            }
            Ok(())
        }
        BotCommand::Publish { name, lex, version } => {
            if !lex {
                anyhow::bail!(
                    "say where to publish: `--lex` (Switchboard serves the active version already)"
                );
            }
            publish_to_lex(&config, &name, version).await
        }
        BotCommand::Show { name, version } => {
            let store = crate::app::connect(&config).await?;
            let def = definition_of(&stored(&store, &name, version).await?)?;
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

/// `bot publish NAME --lex`: one version into Lex, with progress, recorded in the audit log.
async fn publish_to_lex(config: &Config, name: &str, version: Option<u32>) -> anyhow::Result<()> {
    let lex = config.lex.get(name).with_context(|| {
        format!(
            "no [lex.{name}] section in the configuration; give it bot_id, alias_id and locale_id"
        )
    })?;
    let store = crate::app::connect(config).await?;
    let record = stored(&store, name, version).await?;
    if record.status != VersionStatus::Published {
        anyhow::bail!(
            "{name} v{} was refused by the regression gate and never served; pick a published version",
            record.version
        );
    }
    let def = definition_of(&record)?;
    let mirror = LexMirror::connect(lex.target()).await?;
    let bar = progress::bar("writing Lex intents");
    let release = mirror
        .publish(&def, &|stage| match stage {
            Stage::Intents { done, total } => progress::update(&bar, done, total),
            other => {
                bar.finish_and_clear();
                eprintln!("lex: {}", stage_label(other));
            }
        })
        .await;
    bar.finish_and_clear();
    let after = match &release {
        Ok(r) => {
            serde_json::json!({"version": def.version, "target": "lex", "target_version": r.bot_version})
        }
        Err(e) => {
            serde_json::json!({"version": def.version, "target": "lex", "error": e.to_string()})
        }
    };
    store
        .record_audit(&AuditEntry {
            actor: "cli".into(),
            action: if release.is_ok() {
                "bot.mirror"
            } else {
                "bot.mirror_failed"
            }
            .into(),
            subject: format!("bot:{name}"),
            before_json: None,
            after_json: Some(after.to_string()),
        })
        .await?;
    let release = release?;
    let c = &release.changes;
    println!(
        "{name} v{} is Lex version {} behind alias {}: {} intent(s) created, {} updated, {} deleted",
        def.version,
        release.bot_version,
        lex.alias_id,
        c.intents_created,
        c.intents_updated,
        c.intents_deleted
    );
    if !release.deleted_versions.is_empty() {
        println!(
            "old Lex versions deleted: {}",
            release.deleted_versions.join(", ")
        );
    }
    Ok(())
}

fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::Intents { .. } => "writing intents",
        Stage::Building => "building the locale (Lex takes a minute or more)",
        Stage::Versioning => "creating a version",
        Stage::MovingAlias => "moving the alias",
        Stage::Pruning => "deleting old versions",
    }
}

/// A stored version of `name`: the given one, or the active one.
async fn stored(
    store: &Store,
    name: &str,
    version: Option<u32>,
) -> anyhow::Result<BotVersionRecord> {
    let record = match version {
        Some(v) => store.bot_version(name, v).await?,
        None => store.active_bot_version(name).await?,
    };
    record.with_context(|| match version {
        Some(v) => format!("bot `{name}` has no version {v} stored"),
        None => format!("bot `{name}` has no active version stored"),
    })
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
