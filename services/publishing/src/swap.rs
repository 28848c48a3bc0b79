//! Putting a version in front of visitors: here at once, on the other nodes through the event
//! bus, and back to an older version's content by rollback.

use std::sync::Arc;

use chrono::Utc;
use switchboard_chat::LoadedBot;
use switchboard_events::{Event, Received};
use switchboard_storage::{NewBotVersion, VersionStatus};

use crate::import::{definition_of, to_json};
use crate::{Progress, PublishError, Publisher, no_progress};

impl Publisher {
    /// Serves a committed version here and tells the other nodes. Turns already running finish
    /// on the version they started with.
    pub(crate) fn swap_in(&self, bot: Arc<LoadedBot>) {
        let (name, version) = (bot.definition.name.clone(), bot.definition.version);
        let bot = Arc::try_unwrap(bot).unwrap_or_else(|shared| LoadedBot {
            definition: shared.definition.clone(),
            model: shared.model.clone(),
            basis_version: shared.basis_version,
        });
        self.registry.publish(bot);
        metrics::counter!("switchboard_bot_swaps_total", "bot" => name.clone()).increment(1);
        tracing::info!(bot = %name, version, "version now serving");
        self.bus.publish(Event::BotPublished {
            bot: name,
            version,
            at: Utc::now(),
        });
    }

    /// Loads versions other nodes publish, for as long as the bus runs. A node that already
    /// serves that version (or a newer one) skips it, so its own announcements cost nothing;
    /// one that fell behind on the bus checks storage for every bot instead.
    pub fn follow(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        let mut events = self.bus.subscribe();
        tokio::spawn(async move {
            loop {
                let result = match events.recv().await {
                    Received::Event(Event::BotPublished { bot, version, .. }) => {
                        self.load_published(&bot, version).await
                    }
                    Received::Event(_) => Ok(()),
                    Received::Lagged(n) => {
                        tracing::warn!(
                            missed = n,
                            "fell behind on the event bus; checking every bot's active version"
                        );
                        self.resync().await
                    }
                    Received::Closed => return,
                };
                if let Err(e) = result {
                    tracing::error!(error = %e, "could not load a version another node published");
                }
            }
        })
    }

    /// Loads the active version of every bot served here that storage has moved past.
    pub async fn resync(&self) -> Result<(), PublishError> {
        for (bot, _) in self.registry.list() {
            if let Some(active) = self.store.active_bot_version(&bot).await? {
                self.load_published(&bot, active.version).await?;
            }
        }
        Ok(())
    }

    /// Trains and serves `version` of `bot` from storage unless this node serves it or newer.
    pub async fn load_published(&self, bot: &str, version: u32) -> Result<(), PublishError> {
        let _guard = self.lock(bot).await;
        let serving = self.registry.get(bot).map(|b| b.definition.version);
        if serving.is_some_and(|v| v >= version) {
            return Ok(());
        }
        let record = self
            .store
            .bot_version(bot, version)
            .await?
            .ok_or_else(|| PublishError::NotFound(format!("bot {bot:?} version {version}")))?;
        let loaded = self.train(&record, &no_progress()).await?;
        self.registry.publish(loaded);
        tracing::info!(%bot, version, "loaded a version another node published");
        Ok(())
    }

    /// Publishes the content of an earlier version as a new version (never rewriting history).
    /// Its gate report is computed for the record but does not block: a rollback is a decision.
    pub async fn rollback(
        &self,
        bot: &str,
        to: u32,
        author: &str,
        progress: &Progress,
    ) -> Result<switchboard_storage::BotVersionRecord, PublishError> {
        let _guard = self.lock(bot).await;
        let target = self
            .store
            .bot_version(bot, to)
            .await?
            .ok_or_else(|| PublishError::NotFound(format!("bot {bot:?} version {to}")))?;
        if target.status != VersionStatus::Published {
            return Err(PublishError::Invalid(format!(
                "v{to} of {bot:?} was refused by the regression gate and never served; pick a published version"
            )));
        }
        let active =
            self.store.active_bot_version(bot).await?.ok_or_else(|| {
                PublishError::NotFound(format!("bot {bot:?} has no active version"))
            })?;
        if active.checksum == target.checksum {
            return Err(PublishError::Invalid(format!(
                "{bot:?} v{} already serves the content of v{to}",
                active.version
            )));
        }
        let mut definition = definition_of(&target)?;
        definition.version = self.next_version(bot).await?;
        let (report, candidate) = self
            .train_and_gate(bot, &active, &definition, progress)
            .await?;
        let new = NewBotVersion {
            bot: bot.to_string(),
            version: definition.version,
            definition_json: to_json(&definition),
            checksum: definition.checksum(),
            status: VersionStatus::Published,
            author: author.to_string(),
            reason: format!("rollback to v{to}"),
            base_version: Some(active.version),
            report_json: Some(serde_json::to_string(&report).unwrap_or_default()),
            basis_version: crate::build::basis_of(&candidate),
        };
        let record = self.store.commit_version(&new, &[]).await?;
        self.swap_in(candidate);
        self.export(&definition);
        self.mirror(bot, author);
        self.audit(author, "bot.rollback", &record, Some(active.version))
            .await;
        Ok(record)
    }
}
