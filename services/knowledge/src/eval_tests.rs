use super::*;
use crate::testing::{HashEmbedder, shared_data};

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn perfect_and_missed_questions_are_scored() {
    let dir = tempfile::tempdir().unwrap();
    let answers = write(
        dir.path(),
        "a.csv",
        "Answer_ID,Text\n1,Freeze a lost card in the app.\n2,Branches open at nine.\n3,Transfers are limited per day.\n",
    );
    let questions = write(
        dir.path(),
        "q.csv",
        "question,answer_ids\nI lost my card,1\nwhen do branches open,2 3\nzzz qqq,3\n",
    );
    let pool = load_answers(&answers).unwrap();
    let qs = load_questions(&questions, &pool).unwrap();
    assert_eq!(qs[1].answer_ids, vec!["2", "3"]);
    let index =
        KnowledgeIndex::build(&dir.path().join("kb"), pool, &HashEmbedder, &mut |_, _| {}).unwrap();
    let r = evaluate(&index, &qs, &HashEmbedder, Mode::Hybrid, &mut |_, _| {}).unwrap();
    assert_eq!(r.questions, 3);
    // Questions 1 and 2 are found first; the nonsense one can rank answer 3 anywhere in 1..=3.
    assert!(r.recall_at_1 >= 2.0 / 3.0 - 1e-9, "{r:?}");
    assert!((r.recall_at_5 - 1.0).abs() < 1e-9, "{r:?}");
    assert!(r.mrr > 2.0 / 3.0 && r.mrr <= 1.0, "{r:?}");
    let bm25 = evaluate(&index, &qs, &HashEmbedder, Mode::Bm25, &mut |_, _| {}).unwrap();
    // BM25 finds nothing for the nonsense question.
    assert!((bm25.recall_at_5 - 2.0 / 3.0).abs() < 1e-9, "{bm25:?}");
}

#[test]
fn bad_inputs_have_precise_errors() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.csv", "answer_id,text\n");
    assert!(matches!(load_answers(&empty), Err(KnowledgeError::Empty)));
    let header = write(dir.path(), "h.csv", "id,answer\n1,x\n");
    assert!(matches!(
        load_answers(&header),
        Err(KnowledgeError::BadHeader { .. })
    ));
    assert!(matches!(
        load_answers(&dir.path().join("nope.csv")),
        Err(KnowledgeError::Io { .. })
    ));

    let pool = load_answers(&write(dir.path(), "a.csv", "answer_id,text\n1,x\n")).unwrap();
    let unknown = write(
        dir.path(),
        "q.csv",
        "question,answer_ids\nfine,1\nbad,1 7\n",
    );
    match load_questions(&unknown, &pool).unwrap_err() {
        KnowledgeError::Csv { line, message, .. } => {
            assert_eq!(line, 3);
            assert!(message.contains("`7`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let none = write(dir.path(), "q2.csv", "question,answer_ids\n");
    assert!(matches!(
        load_questions(&none, &pool),
        Err(KnowledgeError::Csv { .. })
    ));
}

#[test]
fn stackfaq_files_load() {
    let dir = shared_data().join("stackfaq");
    let pool = load_answers(&dir.join("answers.csv")).unwrap();
    assert_eq!(pool.len(), 719);
    let qs = load_questions(&dir.join("questions_train.csv"), &pool).unwrap();
    assert_eq!(qs.len(), 874);
    assert_eq!(qs[0].answer_ids, vec!["1", "2"]);
}
