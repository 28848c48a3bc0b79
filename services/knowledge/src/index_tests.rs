use super::*;
use crate::DEFAULT_MIN_SCORE;
use crate::testing::{HashEmbedder, faq};
use switchboard_embeddings::EmbedError;

fn build(dir: &Path) -> KnowledgeIndex {
    KnowledgeIndex::build(dir, faq(), &HashEmbedder, &mut |_, _| {}).unwrap()
}

fn top(index: &KnowledgeIndex, mode: Mode, q: &str) -> String {
    let emb = HashEmbedder.one(q);
    index.search_with(mode, q, &emb, 3).unwrap()[0].id.clone()
}

#[test]
fn finds_the_right_document_in_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(&dir.path().join("kb"));
    assert_eq!(index.len(), 4);
    for mode in [Mode::Bm25, Mode::Dense, Mode::Hybrid] {
        assert_eq!(
            top(&index, mode, "how long for my new card to arrive"),
            "card-delivery"
        );
        assert_eq!(
            top(&index, mode, "daily limit for a transfer"),
            "transfer-limit"
        );
    }
    // Stemming: "opening" and "branch" match "open" and "Branches".
    assert_eq!(top(&index, Mode::Bm25, "branch opening"), "opening-hours");
}

#[test]
fn hits_carry_signals_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(&dir.path().join("kb"));
    let q = "I lost my card";
    let hits = index.search(q, &HashEmbedder.one(q), 10).unwrap();
    assert_eq!(hits.len(), 4);
    assert_eq!(hits[0].id, "lost-card");
    assert_eq!(hits[0].source, "test/lost-card.md");
    assert!(hits[0].bm25 > 0.0 && hits[0].dense > 0.5, "{:?}", hits[0]);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(hits.iter().all(|h| (0.0..=1.0).contains(&h.score)));
}

/// The build names the encoder of its vectors, so a change of encoder can be detected on start;
/// builds from before that record open with an empty name instead of failing.
#[test]
fn a_build_records_its_encoder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb");
    assert_eq!(build(&path).encoder(), "word-hash/64");
    assert_eq!(
        KnowledgeIndex::open(&path).unwrap().encoder(),
        "word-hash/64"
    );
    std::fs::remove_file(path.join("encoder.txt")).unwrap();
    assert_eq!(KnowledgeIndex::open(&path).unwrap().encoder(), "");
}

#[test]
fn reopening_reads_stored_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb");
    let q = "when do branches open";
    let emb = HashEmbedder.one(q);
    let before = build(&path).search(q, &emb, 4).unwrap();
    // `open` takes no embedder: vectors come from disk.
    let after = KnowledgeIndex::open(&path)
        .unwrap()
        .search(q, &emb, 4)
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn threshold_separates_answerable_from_unrelated() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(&dir.path().join("kb"));
    let q = "What is the daily transfer limit?";
    let hit = index
        .best_answer(q, &HashEmbedder.one(q), DEFAULT_MIN_SCORE)
        .unwrap();
    assert_eq!(hit.map(|h| h.id).as_deref(), Some("transfer-limit"));
    let q = "recipe for chocolate muffins";
    assert_eq!(
        index
            .best_answer(q, &HashEmbedder.one(q), DEFAULT_MIN_SCORE)
            .unwrap(),
        None
    );
    // The same query with no threshold still returns its (bad) best guess.
    assert!(
        index
            .best_answer(q, &HashEmbedder.one(q), 0.0)
            .unwrap()
            .is_some()
    );
}

#[test]
fn query_syntax_characters_are_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(&dir.path().join("kb"));
    for q in ["card AND -lost \"", "title:card)(", "", "???", "C++ *"] {
        let hits = index.search(q, &HashEmbedder.one(q), 2).unwrap();
        assert_eq!(hits.len(), 2, "{q}");
    }
    assert!(
        index
            .search_with(Mode::Bm25, "???", &[], 2)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn wrong_embedding_size_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(&dir.path().join("kb"));
    let err = index.search("card", &[0.5; 3], 1).unwrap_err();
    assert!(
        matches!(
            err,
            KnowledgeError::DimensionMismatch {
                expected: 64,
                got: 3
            }
        ),
        "{err:?}"
    );
}

#[test]
fn empty_and_duplicate_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = KnowledgeIndex::build(&dir.path().join("a"), vec![], &HashEmbedder, &mut |_, _| {});
    assert!(matches!(err, Err(KnowledgeError::Empty)));
    let mut docs = faq();
    docs[1].id = docs[0].id.clone();
    let err = KnowledgeIndex::build(&dir.path().join("b"), docs, &HashEmbedder, &mut |_, _| {});
    assert!(matches!(err, Err(KnowledgeError::DuplicateId { .. })));
}

struct FailingEmbedder;
impl Embedder for FailingEmbedder {
    fn embed(&self, _: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Err(EmbedError::Inference("boom".into()))
    }
    fn dim(&self) -> usize {
        8
    }
}

#[test]
fn failed_build_leaves_no_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb");
    let err = KnowledgeIndex::build(&path, faq(), &FailingEmbedder, &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, KnowledgeError::Embed(_)), "{err:?}");
    assert!(!path.exists());
}

#[test]
fn progress_reaches_total() {
    let dir = tempfile::tempdir().unwrap();
    let mut calls = Vec::new();
    KnowledgeIndex::build(&dir.path().join("kb"), faq(), &HashEmbedder, &mut |d, t| {
        calls.push((d, t))
    })
    .unwrap();
    let (done, total) = *calls.last().unwrap();
    assert_eq!(done, total);
    assert!(total >= 4);
    assert_eq!(calls[0].0, 0);
}

#[test]
fn damaged_build_is_reported_not_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb");
    build(&path);
    std::fs::remove_file(path.join("vectors.bin")).unwrap();
    assert!(matches!(
        KnowledgeIndex::open(&path),
        Err(KnowledgeError::Io { .. })
    ));
    std::fs::write(path.join("documents.json"), "[{\"id\": 1}]").unwrap();
    assert!(matches!(
        KnowledgeIndex::open(&path),
        Err(KnowledgeError::Corrupt { .. })
    ));
}
