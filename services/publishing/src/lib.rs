//! Bot versions, from the definition files and from the improvement loop, to every node.
//!
//! Agents propose missed utterances for intents, supervisors decide ([`Publisher::propose`],
//! [`Publisher::decide`]); approval builds a version ([`Publisher::build`]): the approved
//! utterances are merged into the active definition ([`merge`]), the result is validated by
//! writing and reading it back as files, trained, and scored beside the version serving on the
//! bot's tests ([`gate`]). A version that passes is stored and activated in one transaction,
//! swapped into the running registry, announced on the event bus so every node loads it
//! ([`Publisher::follow`]), and exported as YAML. One that fails is stored as rejected with its
//! report and its proposals go back to the supervisors. A bot with a [`Mirror`] (Amazon Lex V2)
//! has each published version copied there in the background. [`Publisher::rollback`] publishes an old
//! version's content as a new version. Every action lands in the audit log.
//!
//! This crate knows nothing of HTTP or JSON wire shapes; it stores its gate report as JSON.

mod build;
mod cluster;
pub mod diff;
mod error;
pub mod eval;
pub mod gate;
mod import;
pub mod merge;
mod mirror;
mod review;
mod swap;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use switchboard_chat::BotRegistry;
use switchboard_embeddings::Embedder;
use switchboard_events::EventBus;
use switchboard_storage::Store;

pub use build::BuildOutcome;
pub use cluster::{Cluster, JOIN_SIMILARITY};
pub use error::PublishError;
pub use import::{Imported, definition_of, import_dir};
pub use mirror::{Mirror, MirrorFuture};
pub use review::{Decided, ProposalInput, Reviewer};

/// Reports `(done, total)` of long work (training) to whoever shows progress.
pub type Progress = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// Progress nobody watches.
pub fn no_progress() -> Progress {
    Arc::new(|_, _| {})
}

/// Builds, gates, stores and swaps bot versions; one per process.
pub struct Publisher {
    pub(crate) store: Store,
    pub(crate) registry: Arc<BotRegistry>,
    pub(crate) embedder: Arc<dyn Embedder>,
    pub(crate) bus: Arc<dyn EventBus>,
    /// Where published versions are exported as YAML (`<dir>/<bot>/`), if anywhere.
    pub(crate) export_dir: Option<PathBuf>,
    /// Copies outside Switchboard (Amazon Lex V2) by bot name, updated after each publish.
    pub(crate) mirrors: HashMap<String, Arc<mirror::MirrorSlot>>,
    /// One build or swap per bot at a time in this process (across nodes, storage decides).
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Publisher {
    /// A publisher over the running registry; `export_dir` receives each published version.
    pub fn new(
        store: Store,
        registry: Arc<BotRegistry>,
        embedder: Arc<dyn Embedder>,
        bus: Arc<dyn EventBus>,
        export_dir: Option<PathBuf>,
    ) -> Self {
        Self {
            store,
            registry,
            embedder,
            bus,
            export_dir,
            mirrors: HashMap::new(),
            locks: Mutex::new(HashMap::new()),
        }
    }

    /// Also publishes `bot`'s new versions to `mirror` (after they serve here), from this node.
    pub fn with_mirror(mut self, bot: &str, mirror: Arc<dyn Mirror>) -> Self {
        self.mirrors
            .insert(bot.to_string(), mirror::MirrorSlot::new(mirror));
        self
    }

    /// The running bots, as chat turns see them.
    pub fn registry(&self) -> &Arc<BotRegistry> {
        &self.registry
    }

    /// Serialises builds and swaps of one bot within this process.
    pub(crate) async fn lock(&self, bot: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            locks.entry(bot.to_string()).or_default().clone()
        };
        lock.lock_owned().await
    }
}
