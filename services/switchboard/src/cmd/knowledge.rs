//! `switchboard knowledge index`: (re)builds the FAQ index from `knowledge/`.

use anyhow::Context;
use switchboard_knowledge::{Document, Knowledge};

use crate::config::{Config, Overrides};
use crate::progress;

/// Subcommands of `switchboard knowledge`.
#[derive(Debug, clap::Subcommand)]
pub enum KnowledgeCommand {
    /// Rebuild the index from the knowledge directory (Markdown and CSV), with a progress bar.
    /// A running server picks it up on `POST /v1/knowledge/reindex` or its next start.
    Index,
}

pub async fn run(cmd: KnowledgeCommand, o: &Overrides) -> anyhow::Result<()> {
    let config = Config::load(o)?;
    match cmd {
        KnowledgeCommand::Index => {
            config.ensure_data_dir()?;
            let docs = load_documents(&config)?;
            let embedder = crate::app::load_knowledge_embedder(&config)?;
            let root = config.data_dir.join("knowledge");
            let n = docs.len();
            let bar = progress::bar("indexing knowledge");
            let mut tick = |done, total| progress::update(&bar, done, total);
            let knowledge =
                Knowledge::open_or_build(&root, Vec::new(), embedder.as_ref(), &mut tick)?;
            knowledge.reindex(docs, embedder.as_ref(), &mut tick)?;
            bar.finish_and_clear();
            println!(
                "indexed {n} documents from {} into {}",
                config.knowledge_dir.display(),
                root.display()
            );
            Ok(())
        }
    }
}

/// Every document under the knowledge directory; a missing directory is an empty knowledge base.
pub fn load_documents(config: &Config) -> anyhow::Result<Vec<Document>> {
    if !config.knowledge_dir.exists() {
        tracing::warn!(dir = %config.knowledge_dir.display(), "knowledge directory does not exist; the bot will hand off instead");
        return Ok(Vec::new());
    }
    switchboard_knowledge::load::load_dir(&config.knowledge_dir)
        .with_context(|| format!("loading knowledge from {}", config.knowledge_dir.display()))
}
