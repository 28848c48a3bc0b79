use super::*;
use crate::testing::shared_data;

fn md(text: &str) -> Result<Document, KnowledgeError> {
    parse_markdown(Path::new("knowledge/card-delivery.md"), text)
}

fn front_matter_line(err: KnowledgeError) -> (usize, String) {
    match err {
        KnowledgeError::FrontMatter {
            line,
            message,
            path,
        } => {
            assert_eq!(path, Path::new("knowledge/card-delivery.md"));
            (line, message)
        }
        other => panic!("expected a front matter error, got {other:?}"),
    }
}

#[test]
fn markdown_with_front_matter() {
    let doc = md("---\nid: card-delivery-time\ntitle: How long does a new card take?\ntags: [cards, delivery]\n---\nUsually **5 days**.\n\nCall us otherwise.\n").unwrap();
    assert_eq!(doc.id, "card-delivery-time");
    assert_eq!(doc.title, "How long does a new card take?");
    assert_eq!(doc.tags, vec!["cards", "delivery"]);
    assert_eq!(doc.body, "Usually **5 days**.\n\nCall us otherwise.");
    assert_eq!(doc.source, "knowledge/card-delivery.md");
}

#[test]
fn id_defaults_to_file_stem() {
    let doc = md("---\ntitle: Delivery\n---\nBody").unwrap();
    assert_eq!(doc.id, "card-delivery");
    assert!(doc.tags.is_empty());
}

#[test]
fn missing_front_matter_is_line_1() {
    let (line, msg) = front_matter_line(md("# Just markdown\n").unwrap_err());
    assert_eq!(line, 1);
    assert!(msg.contains("---"), "{msg}");
}

#[test]
fn unclosed_front_matter_is_reported() {
    let (line, msg) = front_matter_line(md("---\ntitle: x\nbody text\n").unwrap_err());
    assert_eq!(line, 1);
    assert!(msg.contains("never closed"), "{msg}");
}

#[test]
fn yaml_error_points_at_file_line() {
    // Line 4 of the file holds the broken flow sequence.
    let err = md("---\nid: a\ntitle: ok\ntags: [cards, delivery\n---\nbody").unwrap_err();
    let (line, _) = front_matter_line(err);
    assert!((4..=5).contains(&line), "line {line}");
}

#[test]
fn unknown_key_is_rejected_with_line() {
    let (line, msg) = front_matter_line(md("---\nid: a\ntitel: typo\n---\nbody").unwrap_err());
    assert_eq!(line, 3);
    assert!(msg.contains("titel"), "{msg}");
}

#[test]
fn missing_title_is_rejected() {
    let (line, msg) = front_matter_line(md("---\nid: a\n---\nbody").unwrap_err());
    assert_eq!(line, 3);
    assert!(msg.contains("title"), "{msg}");
}

#[test]
fn load_dir_reads_nested_files_and_rejects_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("cards")).unwrap();
    std::fs::write(dir.path().join("a.md"), "---\ntitle: A\n---\nalpha").unwrap();
    std::fs::write(dir.path().join("cards/b.md"), "---\ntitle: B\n---\nbeta").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    std::fs::write(
        dir.path().join("README.md"),
        "# How this folder works (no front matter)",
    )
    .unwrap();
    std::fs::write(dir.path().join("cards/readme.md"), "notes").unwrap();
    let docs = load_dir(dir.path()).unwrap();
    let ids: Vec<_> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, vec!["a", "b"]);

    std::fs::write(dir.path().join("cards/c.md"), "---\nid: a\ntitle: C\n---\n").unwrap();
    match load_dir(dir.path()).unwrap_err() {
        KnowledgeError::DuplicateId { id, .. } => assert_eq!(id, "a"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn load_dir_names_the_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.md"), "---\ntitle: A\n---\nalpha").unwrap();
    std::fs::write(dir.path().join("zbroken.md"), "no front matter").unwrap();
    let err = load_dir(dir.path()).unwrap_err().to_string();
    assert!(err.contains("zbroken.md:1:"), "{err}");
}

#[test]
fn csv_headers_match_case_insensitively_with_optional_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("faq.csv");
    std::fs::write(
        &path,
        "ID,Category,QUESTION,Answer\nq1,cards,Lost card?,Call us.\n",
    )
    .unwrap();
    let docs = load_csv(&path).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(
        (docs[0].id.as_str(), docs[0].title.as_str()),
        ("q1", "Lost card?")
    );
    assert_eq!(docs[0].body, "Call us.");
    assert_eq!(docs[0].tags, vec!["cards"]);
    assert_eq!(docs[0].source, format!("{}:2", path.display()));
}

#[test]
fn csv_bad_header_lists_found_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("faq.csv");
    std::fs::write(&path, "q,a\nx,y\n").unwrap();
    let err = load_csv(&path).unwrap_err();
    assert!(matches!(err, KnowledgeError::BadHeader { .. }), "{err:?}");
    assert!(err.to_string().contains("\"question\""), "{err}");
}

#[test]
fn csv_empty_answer_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("faq.csv");
    std::fs::write(&path, "question,answer\na,b\nc,\n").unwrap();
    match load_csv(&path).unwrap_err() {
        KnowledgeError::Csv { line, .. } => assert_eq!(line, 3),
        other => panic!("{other:?}"),
    }
}

#[test]
fn csv_missing_file_is_io_error() {
    let err = load_csv(Path::new("/nonexistent/faq.csv")).unwrap_err();
    assert!(matches!(err, KnowledgeError::Io { .. }), "{err:?}");
}

#[test]
fn bankfaq_imports_with_class_as_category() {
    let path = shared_data().join("bankfaq/BankFAQs.csv");
    let docs = load_csv(&path).unwrap();
    assert!(docs.len() > 1500, "{}", docs.len());
    // `Class` is read as the category, so every row is tagged.
    assert_eq!(docs[0].tags, vec!["security"]);
    assert!(docs.iter().all(|d| d.tags.len() == 1));
    assert!(
        docs[0].title.starts_with("Do I need to enter"),
        "{}",
        docs[0].title
    );
    assert!(
        docs[0].body.starts_with("Please listen"),
        "{}",
        docs[0].body
    );
    assert_eq!(docs[0].id, "BankFAQs-2");
}
