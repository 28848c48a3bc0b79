//! Definitions from files into storage, and the active versions into the running registry.

use std::path::Path;
use std::sync::Arc;

use switchboard_bots::BotDefinition;
use switchboard_chat::LoadedBot;
use switchboard_storage::{BotVersionRecord, Store, StoreError};

use crate::{Progress, PublishError, Publisher};

/// What importing one bot directory did.
#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    New { bot: String, version: u32 },
    Unchanged { bot: String, version: u32 },
    Rejected { bot: String, reason: String },
}

/// Stores every valid definition under `dir` whose version is new (the newest becomes
/// active); reports and skips the rest, so one broken bot never stops the others.
pub async fn import_dir(store: &Store, dir: &Path) -> Result<Vec<Imported>, PublishError> {
    if !dir.exists() {
        tracing::warn!(dir = %dir.display(), "bot definitions directory does not exist; nothing imported");
        return Ok(Vec::new());
    }
    let bots = switchboard_bots::validate_dir(dir)
        .map_err(|e| PublishError::Invalid(format!("reading {}: {e}", dir.display())))?;
    let mut outcomes = Vec::new();
    for (name, result) in bots {
        let outcome = match result {
            Err(report) => Imported::Rejected {
                bot: name,
                reason: report.to_string(),
            },
            Ok(def) => import_one(store, def).await?,
        };
        match &outcome {
            Imported::New { bot, version } => {
                tracing::info!(%bot, version, "bot version imported")
            }
            Imported::Unchanged { bot, version } => {
                tracing::debug!(%bot, version, "bot unchanged")
            }
            Imported::Rejected { bot, reason } => {
                tracing::error!(%bot, "bot definition rejected:\n{reason}")
            }
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

async fn import_one(store: &Store, def: BotDefinition) -> Result<Imported, PublishError> {
    let (bot, version, checksum) = (def.name.clone(), def.version, def.checksum());
    let versions = store.list_bot_versions(&bot).await?;
    match versions.iter().find(|r| r.version == version) {
        Some(r) if r.checksum == checksum => return Ok(Imported::Unchanged { bot, version }),
        Some(_) => {
            return Ok(Imported::Rejected {
                reason: format!(
                    "version {version} is already stored with different content; raise `version` in bot.yaml to publish the change"
                ),
                bot,
            });
        }
        None => {}
    }
    let json = to_json(&def);
    match store
        .save_bot_version(&bot, version, &json, &checksum)
        .await
    {
        Ok(_) => {}
        Err(StoreError::Conflict(m)) => return Ok(Imported::Rejected { bot, reason: m }),
        Err(e) => return Err(e.into()),
    }
    let newest = versions.iter().map(|r| r.version).max().unwrap_or(0);
    if version > newest {
        store.activate_bot_version(&bot, version).await?;
    }
    Ok(Imported::New { bot, version })
}

impl Publisher {
    /// Trains and serves the active version of every stored bot (at start-up).
    pub async fn load_active(&self, progress: &Progress) -> Result<(), PublishError> {
        for name in self.store.list_bots().await? {
            let Some(record) = self.store.active_bot_version(&name).await? else {
                continue;
            };
            let loaded = self.train(&record, progress).await?;
            self.registry.publish(loaded);
        }
        Ok(())
    }

    /// Trains a stored version (off the async threads), reporting `progress(done, total)`. A
    /// version built on an earlier one's basis gets that same basis, from the model serving
    /// here when it has it, else fitted again from the basis version's utterances: every node
    /// serves exactly the model the gate checked.
    pub(crate) async fn train(
        &self,
        record: &BotVersionRecord,
        progress: &Progress,
    ) -> Result<LoadedBot, PublishError> {
        let definition = definition_of(record)?;
        let Some(b) = record.basis_version.filter(|&b| b != record.version) else {
            return self.train_definition(definition, None, progress).await;
        };
        let on_basis = match self.basis(record, b, progress).await {
            Ok(basis) => {
                self.train_definition(definition.clone(), Some(&basis), progress)
                    .await
            }
            Err(error) => Err(error),
        };
        // A basis that cannot be rebuilt (its version gone, its intents not these) must not
        // stop the version from serving: train it in full, which only loses the exact match
        // with the model the gate checked.
        match on_basis {
            Ok(loaded) => Ok(loaded),
            Err(error) => {
                tracing::warn!(bot = %record.bot, version = record.version, basis = b, %error,
                    "could not train on the recorded model basis; training in full");
                self.train_definition(definition, None, progress).await
            }
        }
    }

    /// The model whose basis version `b` is: the one serving here, or `b` trained again.
    async fn basis(
        &self,
        record: &BotVersionRecord,
        b: u32,
        progress: &Progress,
    ) -> Result<Arc<LoadedBot>, PublishError> {
        if let Some(serving) = self.registry.get(&record.bot)
            && serving.basis_version == b
        {
            return Ok(serving);
        }
        let basis_record = self
            .store
            .bot_version(&record.bot, b)
            .await?
            .ok_or_else(|| {
                PublishError::NotFound(format!(
                    "bot {:?} v{}: its basis v{b}",
                    record.bot, record.version
                ))
            })?;
        let def = definition_of(&basis_record)?;
        Ok(Arc::new(self.train_definition(def, None, progress).await?))
    }

    /// Trains a definition off the async threads: in full, or on the basis `on` holds.
    pub(crate) async fn train_definition(
        &self,
        definition: BotDefinition,
        on: Option<&Arc<LoadedBot>>,
        progress: &Progress,
    ) -> Result<LoadedBot, PublishError> {
        let (name, version) = (definition.name.clone(), definition.version);
        let embedder = self.embedder.clone();
        let progress = progress.clone();
        let basis = on.map(|b| (b.model.basis().clone(), b.basis_version));
        let started = std::time::Instant::now();
        let loaded = tokio::task::spawn_blocking(move || {
            let basis = basis.as_ref().map(|(b, v)| (b, *v));
            LoadedBot::build(definition, basis, embedder.as_ref(), &mut |d, t| {
                progress(d, t)
            })
        })
        .await
        .map_err(|e| PublishError::Build {
            bot: name.clone(),
            reason: e.to_string(),
        })?
        .map_err(|e| PublishError::Build {
            bot: name.clone(),
            reason: e.to_string(),
        })?;
        let full = loaded.basis_version == version;
        tracing::info!(bot = %name, version, full, elapsed = ?started.elapsed(), "bot trained");
        Ok(loaded)
    }
}

/// The definition a stored version holds.
pub fn definition_of(record: &BotVersionRecord) -> Result<BotDefinition, PublishError> {
    serde_json::from_str(&record.definition_json).map_err(|e| PublishError::Build {
        bot: record.bot.clone(),
        reason: format!("stored definition v{} is unreadable: {e}", record.version),
    })
}

/// How storage keeps a definition.
pub(crate) fn to_json(def: &BotDefinition) -> String {
    // Plain structs of strings, numbers and lists always serialise.
    serde_json::to_string(def).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use switchboard_embeddings::{EmbedError, Embedder, Embedding};
    use switchboard_events::InProcessBus;
    use switchboard_storage::{NewBotVersion, VersionStatus};

    use super::*;
    use crate::eval::{Labelled, bot_from};

    /// A fast stand-in encoder: hashed bag of words, unit length.
    struct Words;

    impl Embedder for Words {
        fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
            Ok(texts
                .iter()
                .map(|t| {
                    let mut v = [0f32; 32];
                    for w in t.split_whitespace() {
                        v[w.bytes().fold(7usize, |h, b| h * 31 + b as usize) % 32] += 1.0;
                    }
                    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                    v.iter().map(|x| x / n).collect()
                })
                .collect())
        }
        fn dim(&self) -> usize {
            32
        }
    }

    /// A version whose recorded basis cannot be rebuilt (that version is not stored) still
    /// serves: it is trained in full instead of failing the start-up.
    #[tokio::test]
    async fn a_version_whose_basis_is_gone_is_trained_in_full() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        let rows: Vec<Labelled> = (0..12)
            .map(|i| Labelled {
                text: format!(
                    "{} number {i}",
                    if i % 2 == 0 { "hello there" } else { "bye now" }
                ),
                label: if i % 2 == 0 { "greet" } else { "bye" }.into(),
            })
            .collect();
        let mut def = bot_from("tiny", &rows);
        def.version = 2;
        let record = store
            .commit_version(
                &NewBotVersion {
                    bot: "tiny".into(),
                    version: 2,
                    definition_json: to_json(&def),
                    checksum: def.checksum(),
                    status: VersionStatus::Published,
                    author: "sup".into(),
                    reason: "test".into(),
                    base_version: Some(1),
                    report_json: None,
                    basis_version: Some(1),
                },
                &[],
            )
            .await
            .unwrap();
        let publisher = Publisher::new(
            store,
            Arc::new(switchboard_chat::BotRegistry::default()),
            Arc::new(Words),
            Arc::new(InProcessBus::new(16)),
            None,
        );
        let loaded = publisher
            .train(&record, &crate::no_progress())
            .await
            .unwrap();
        assert_eq!((loaded.definition.version, loaded.basis_version), (2, 2));
    }
}
