//! Copies of published versions kept outside Switchboard (Amazon Lex V2), brought up to date in
//! the background: a Lex build takes minutes, and visitors here are served the new version at
//! once. Every attempt lands in the audit log; a failed one leaves the copy on its last version.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use switchboard_bots::BotDefinition;
use switchboard_storage::{AuditEntry, Store};

use crate::Publisher;
use crate::import::definition_of;

/// What a mirror's publish returns: its own label for the version (Lex's version number), or
/// why it failed, in the target's words.
pub type MirrorFuture<'a> = Pin<Box<dyn Future<Output = Result<String, String>> + Send + 'a>>;

/// A place outside Switchboard that serves a bot too; the binary supplies the implementation,
/// so this crate never knows the cloud SDK behind it.
pub trait Mirror: Send + Sync {
    /// Short name of the target for logs and the audit log, e.g. `lex`.
    fn kind(&self) -> &'static str;
    /// Makes the target serve `def`.
    fn publish<'a>(&'a self, def: &'a BotDefinition) -> MirrorFuture<'a>;
}

/// One bot's mirror; `busy` keeps its publishes one at a time.
pub(crate) struct MirrorSlot {
    mirror: Arc<dyn Mirror>,
    busy: tokio::sync::Mutex<Option<String>>,
}

impl MirrorSlot {
    pub(crate) fn new(mirror: Arc<dyn Mirror>) -> Arc<Self> {
        Arc::new(Self {
            mirror,
            busy: tokio::sync::Mutex::new(None),
        })
    }
}

impl Publisher {
    /// Brings `bot`'s mirror, if it has one, up to the active version in the background.
    pub(crate) fn mirror(&self, bot: &str, actor: &str) {
        let Some(slot) = self.mirrors.get(bot).cloned() else {
            return;
        };
        let (store, bot, actor) = (self.store.clone(), bot.to_string(), actor.to_string());
        tokio::spawn(async move {
            sync(&store, &slot, &bot, &actor).await;
        });
    }
}

/// Publishes the version active when the mirror is free: of several publishes in quick
/// succession only the latest goes out, and an unchanged one is skipped.
async fn sync(store: &Store, slot: &MirrorSlot, bot: &str, actor: &str) {
    let mut last = slot.busy.lock().await;
    let active = match store.active_bot_version(bot).await {
        Ok(Some(a)) => a,
        Ok(None) => return,
        Err(e) => {
            tracing::error!(%bot, error = %e, "could not read the version to mirror");
            return;
        }
    };
    if last.as_deref() == Some(active.checksum.as_str()) {
        return;
    }
    let def = match definition_of(&active) {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(%bot, error = %e, "stored version does not load; not mirrored");
            return;
        }
    };
    let kind = slot.mirror.kind();
    let result = slot.mirror.publish(&def).await;
    let after = match &result {
        Ok(label) => {
            *last = Some(active.checksum.clone());
            metrics::counter!("switchboard_bot_mirror_total", "target" => kind, "outcome" => "published").increment(1);
            serde_json::json!({"version": active.version, "target": kind, "target_version": label})
        }
        Err(why) => {
            metrics::counter!("switchboard_bot_mirror_total", "target" => kind, "outcome" => "failed").increment(1);
            tracing::error!(%bot, version = active.version, target = kind, error = %why, "mirroring the version failed");
            serde_json::json!({"version": active.version, "target": kind, "error": why})
        }
    };
    let entry = AuditEntry {
        actor: actor.to_string(),
        action: if result.is_ok() {
            "bot.mirror"
        } else {
            "bot.mirror_failed"
        }
        .to_string(),
        subject: format!("bot:{bot}"),
        before_json: None,
        after_json: Some(after.to_string()),
    };
    if let Err(e) = store.record_audit(&entry).await {
        tracing::error!(error = %e, ?entry, "could not write the audit log");
    }
}
