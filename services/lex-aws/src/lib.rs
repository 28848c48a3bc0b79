//! Amazon Lex V2 as a publishing target: a bot version Switchboard publishes is mirrored into
//! a Lex bot so Lex channels (Amazon Connect, phone, web) answer with the same intents.
//!
//! [`LexMirror::publish`] writes the definition into the Lex bot's draft (custom slot types,
//! intents with their sample utterances, slots and closing responses; intents the definition
//! no longer has are deleted), builds the locale and waits for it, snapshots a numbered
//! version, moves the alias to it and deletes versions beyond the retention count. A failed
//! build stops before any version exists, so the alias keeps serving the last good one.
//!
//! This is the only crate that knows the Lex SDK; it knows nothing of storage or HTTP.
//! The `fake` feature adds [`fake::FakeLex`], a stateful local Lex speaking REST-JSON.

mod client;
mod config;
mod draft;
mod error;
mod release;
pub mod shape;

#[cfg(feature = "fake")]
pub mod fake;

use switchboard_bots::BotDefinition;

pub use config::{LexTarget, StaticCredentials};
pub use draft::DraftChanges;
pub use error::LexError;

/// Where a publish is, for progress displays; Lex builds take seconds to minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Intents { done: usize, total: usize },
    Building,
    Versioning,
    MovingAlias,
    Pruning,
}

/// What one publish did in Lex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexRelease {
    /// The numbered Lex version the alias now points to.
    pub bot_version: String,
    pub changes: DraftChanges,
    /// Old numbered versions deleted by the retention rule.
    pub deleted_versions: Vec<String>,
}

/// A connected Lex target.
pub struct LexMirror {
    client: aws_sdk_lexmodelsv2::Client,
    target: LexTarget,
}

impl LexMirror {
    /// Builds the SDK client for `target` (no request is sent yet).
    pub async fn connect(target: LexTarget) -> Result<Self, LexError> {
        for (field, value) in [
            ("bot_id", &target.bot_id),
            ("alias_id", &target.alias_id),
            ("locale_id", &target.locale_id),
        ] {
            if value.trim().is_empty() {
                return Err(LexError::Config(format!("`{field}` is empty")));
            }
        }
        Ok(Self {
            client: client::connect(&target).await?,
            target,
        })
    }

    /// The target this mirror writes to.
    pub fn target(&self) -> &LexTarget {
        &self.target
    }

    /// Mirrors `def` into Lex and makes it what the alias serves.
    pub async fn publish(
        &self,
        def: &BotDefinition,
        on_stage: &(dyn Fn(Stage) + Send + Sync),
    ) -> Result<LexRelease, LexError> {
        let (client, t) = (&self.client, &self.target);
        let changes = draft::write(client, t, def, on_stage).await?;
        on_stage(Stage::Building);
        release::build(client, t).await?;
        on_stage(Stage::Versioning);
        let bot_version = release::version(client, t).await?;
        on_stage(Stage::MovingAlias);
        release::move_alias(client, t, &bot_version).await?;
        on_stage(Stage::Pruning);
        let deleted_versions = release::prune(client, t).await?;
        tracing::info!(
            bot = %def.name,
            lex_bot = %t.bot_id,
            lex_version = %bot_version,
            created = changes.intents_created,
            updated = changes.intents_updated,
            deleted = changes.intents_deleted,
            "bot published to Lex"
        );
        Ok(LexRelease {
            bot_version,
            changes,
            deleted_versions,
        })
    }
}

#[cfg(test)]
mod tests;
