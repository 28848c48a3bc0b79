use std::sync::mpsc;

use super::*;
use crate::testing::{HashEmbedder, faq};
use switchboard_embeddings::{EmbedError, Embedding};

/// Embeds like [`HashEmbedder`] but first tells the test it started, then waits for a go.
struct GatedEmbedder {
    started: Mutex<mpsc::Sender<()>>,
    go: Mutex<mpsc::Receiver<()>>,
}

impl Embedder for GatedEmbedder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        let _ = self.started.lock().unwrap().send(());
        let _ = self.go.lock().unwrap().recv();
        HashEmbedder.embed(texts)
    }
    fn dim(&self) -> usize {
        HashEmbedder.dim()
    }
}

fn new_docs() -> Vec<Document> {
    vec![Document {
        id: "mortgage".into(),
        title: "Can I get a mortgage?".into(),
        body: "Mortgages are offered to customers with a regular income.".into(),
        tags: vec![],
        source: "test/mortgage.md".into(),
    }]
}

fn top_id(k: &Knowledge, q: &str) -> String {
    k.search(q, &HashEmbedder.one(q), 1).unwrap()[0].id.clone()
}

#[test]
fn reindex_keeps_old_build_readable_until_swap() {
    let root = tempfile::tempdir().unwrap();
    let knowledge =
        Knowledge::open_or_build(root.path(), faq(), &HashEmbedder, &mut |_, _| {}).unwrap();
    let old = knowledge.snapshot();
    let old_dir = old.dir().to_path_buf();

    let (started_tx, started_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel();
    let gated = GatedEmbedder {
        started: Mutex::new(started_tx),
        go: Mutex::new(go_rx),
    };
    std::thread::scope(|s| {
        let builder = s.spawn(|| knowledge.reindex(new_docs(), &gated, &mut |_, _| {}));
        started_rx.recv().unwrap();
        // Mid-build: readers still get the complete old build, and CURRENT still names it.
        assert_eq!(top_id(&knowledge, "lost my card"), "lost-card");
        assert_eq!(knowledge.snapshot().len(), 4);
        let current = std::fs::read_to_string(root.path().join("CURRENT")).unwrap();
        assert_eq!(root.path().join(current), old_dir);
        drop(go_tx);
        builder.join().unwrap().unwrap();
    });

    assert_eq!(top_id(&knowledge, "mortgage"), "mortgage");
    assert_eq!(knowledge.snapshot().len(), 1);
    assert!(!old_dir.exists(), "old build directory removed after swap");
    // A reader that took its snapshot before the swap can still finish its turn.
    let q = "lost my card";
    assert_eq!(
        old.search(q, &HashEmbedder.one(q), 1).unwrap()[0].id,
        "lost-card"
    );
}

#[test]
fn reopen_finds_the_swapped_build() {
    let root = tempfile::tempdir().unwrap();
    let knowledge =
        Knowledge::open_or_build(root.path(), faq(), &HashEmbedder, &mut |_, _| {}).unwrap();
    knowledge
        .reindex(new_docs(), &HashEmbedder, &mut |_, _| {})
        .unwrap();
    drop(knowledge);
    // A half-built generation left by a crash is cleaned up on open.
    std::fs::create_dir(root.path().join("gen-99")).unwrap();
    let reopened = Knowledge::open(root.path()).unwrap();
    assert_eq!(top_id(&reopened, "mortgage"), "mortgage");
    assert!(!root.path().join("gen-99").exists());
    // open_or_build on an existing root opens instead of rebuilding.
    let again =
        Knowledge::open_or_build(root.path(), faq(), &HashEmbedder, &mut |_, _| {}).unwrap();
    assert_eq!(again.snapshot().len(), 1);
}

#[test]
fn failed_reindex_keeps_serving_the_old_build() {
    let root = tempfile::tempdir().unwrap();
    let knowledge =
        Knowledge::open_or_build(root.path(), faq(), &HashEmbedder, &mut |_, _| {}).unwrap();
    let err = knowledge
        .reindex(vec![], &HashEmbedder, &mut |_, _| {})
        .unwrap_err();
    assert!(matches!(err, KnowledgeError::Empty));
    assert_eq!(top_id(&knowledge, "lost my card"), "lost-card");
    assert_eq!(Knowledge::open(root.path()).unwrap().snapshot().len(), 4);
}

#[test]
fn open_without_a_build_is_an_io_error() {
    let root = tempfile::tempdir().unwrap();
    assert!(matches!(
        Knowledge::open(root.path()),
        Err(KnowledgeError::Io { .. })
    ));
}
