//! The live knowledge handle: readers keep answering while a new build is made and swapped in.
//!
//! Layout under the root: one `gen-<n>/` directory per build and a `CURRENT` file naming the
//! live one. A reindex builds `gen-<n+1>/` completely, opens it, rewrites `CURRENT` atomically
//! (write + rename), swaps the in-memory pointer, then deletes the old directory. Readers that
//! still hold the old build keep working: its documents and vectors are in memory and its
//! tantivy files stay mapped until the last reader drops them (unlink semantics on Unix).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use switchboard_embeddings::Embedder;

use crate::{Document, Hit, KnowledgeError, KnowledgeIndex, io_err};

const CURRENT: &str = "CURRENT";

/// Shared, hot-swappable access to the current knowledge build.
#[derive(Debug)]
pub struct Knowledge {
    root: PathBuf,
    current: ArcSwap<KnowledgeIndex>,
    /// Serialises reindexing so two rebuilds cannot race for the next generation.
    reindexing: Mutex<()>,
}

impl Knowledge {
    /// Opens the live build under `root`, removing leftovers of interrupted builds.
    pub fn open(root: &Path) -> Result<Self, KnowledgeError> {
        let current_file = root.join(CURRENT);
        let name = std::fs::read_to_string(&current_file).map_err(io_err(&current_file))?;
        let name = name.trim();
        let index = KnowledgeIndex::open(&root.join(name))?;
        remove_generations_except(root, name);
        Ok(Self {
            root: root.to_path_buf(),
            current: ArcSwap::from_pointee(index),
            reindexing: Mutex::new(()),
        })
    }

    /// Opens the build under `root`, or builds one from `docs` when there is none yet.
    pub fn open_or_build(
        root: &Path,
        docs: Vec<Document>,
        embedder: &dyn Embedder,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Self, KnowledgeError> {
        if root.join(CURRENT).exists() {
            return Self::open(root);
        }
        std::fs::create_dir_all(root).map_err(io_err(root))?;
        let (name, index) = build_generation(root, docs, embedder, progress)?;
        write_current(root, &name)?;
        remove_generations_except(root, &name);
        Ok(Self {
            root: root.to_path_buf(),
            current: ArcSwap::from_pointee(index),
            reindexing: Mutex::new(()),
        })
    }

    /// The build readers should use now; hold it for a whole turn for consistent results.
    pub fn snapshot(&self) -> Arc<KnowledgeIndex> {
        self.current.load_full()
    }

    /// Hybrid search on the current build (see [`KnowledgeIndex::search`]).
    pub fn search(
        &self,
        query: &str,
        embedding: &[f32],
        k: usize,
    ) -> Result<Vec<Hit>, KnowledgeError> {
        self.current.load().search(query, embedding, k)
    }

    /// Builds `docs` into a fresh generation and swaps it in; on error the old build stays live.
    pub fn reindex(
        &self,
        docs: Vec<Document>,
        embedder: &dyn Embedder,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(), KnowledgeError> {
        let _guard = self.reindexing.lock().unwrap_or_else(|p| p.into_inner());
        let (name, index) = build_generation(&self.root, docs, embedder, progress)?;
        write_current(&self.root, &name)?;
        let old = self.current.swap(Arc::new(index));
        tracing::info!(generation = %name, documents = self.current.load().len(), "knowledge reindexed");
        if let Err(e) = std::fs::remove_dir_all(old.dir()) {
            tracing::warn!(dir = %old.dir().display(), error = %e, "could not remove old knowledge build");
        }
        Ok(())
    }
}

/// Builds into the next unused `gen-<n>` directory under `root`.
fn build_generation(
    root: &Path,
    docs: Vec<Document>,
    embedder: &dyn Embedder,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(String, KnowledgeIndex), KnowledgeError> {
    let next = generations(root)
        .into_iter()
        .map(|(n, _)| n + 1)
        .max()
        .unwrap_or(1);
    let name = format!("gen-{next}");
    let index = KnowledgeIndex::build(&root.join(&name), docs, embedder, progress)?;
    Ok((name, index))
}

/// Points `CURRENT` at `name` atomically (readers of the file see old or new, never half).
fn write_current(root: &Path, name: &str) -> Result<(), KnowledgeError> {
    let tmp = root.join(format!("{CURRENT}.tmp"));
    std::fs::write(&tmp, name).map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, root.join(CURRENT)).map_err(io_err(root.join(CURRENT)))
}

fn generations(root: &Path) -> Vec<(u64, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let n = name.strip_prefix("gen-")?.parse().ok()?;
            Some((n, e.path()))
        })
        .collect()
}

fn remove_generations_except(root: &Path, keep: &str) {
    for (_, path) in generations(root) {
        if path.file_name().is_some_and(|n| n != keep)
            && let Err(e) = std::fs::remove_dir_all(&path)
        {
            tracing::warn!(dir = %path.display(), error = %e, "could not remove stale knowledge build");
        }
    }
}

#[cfg(test)]
#[path = "handle_tests.rs"]
mod tests;
