use switchboard_embeddings::{Embedder, WordHashEmbedder};

use super::*;

/// A lexical stand-in encoder, so the stages are tested without a model.
const WORDS: WordHashEmbedder = WordHashEmbedder { dim: 64 };

#[test]
fn the_built_in_sentences_train_a_model_that_reads_them_back() {
    let examples = built_in_examples();
    assert!(examples.len() > 150);
    let mut calls = 0;
    let model = SentimentModel::train(&examples, &WORDS, &mut |done, total| {
        calls += 1;
        assert!(done <= total);
    })
    .unwrap();
    assert!(calls >= 3, "progress is reported per batch");
    let gold: Vec<Label> = examples.iter().map(|e| e.label).collect();
    let vectors = WORDS
        .embed(&examples.iter().map(|e| e.text.as_str()).collect::<Vec<_>>())
        .unwrap();
    let predicted: Vec<Label> = examples
        .iter()
        .zip(&vectors)
        .map(|(e, v)| model.score(&e.text, v).label)
        .collect();
    // Training accuracy (in-sample): the head can fit what it saw.
    assert!(eval::scores(&gold, &predicted).accuracy > 0.9);
    let s = model.score(
        "Thank you so much, that's brilliant.",
        &WORDS
            .embed(&["Thank you so much, that's brilliant."])
            .unwrap()[0],
    );
    assert_eq!(s.label, Label::Positive);
    assert!(s.score > 0.0 && s.score <= 1.0);
}

#[test]
fn a_bad_training_file_names_the_line() {
    let err = parse_csv(
        "text,label\nfine,positive\nnope,angry\n".as_bytes(),
        "x.csv",
        1.0,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "x.csv: line 3: unknown sentiment label \"angry\": expected negative, neutral or positive"
    );
    let err = parse_csv("sentence,score\na,1\n".as_bytes(), "y.csv", 1.0).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a header with `text` and `label`"),
        "{err}"
    );
    let err = parse_csv("text,label\n,positive\n".as_bytes(), "z.csv", 1.0).unwrap_err();
    assert_eq!(err.to_string(), "z.csv: line 2: empty text");
    assert!(matches!(
        SentimentModel::train(&[], &WORDS, &mut |_, _| {}),
        Err(SentimentError::Empty)
    ));
}

#[test]
fn vader_reads_plain_complaints_as_neutral_which_is_why_the_head_exists() {
    assert_eq!(
        vader("I've been on hold for forty minutes.").label,
        Label::Neutral
    );
    assert_eq!(vader("This is great, thank you!").label, Label::Positive);
}

#[test]
fn the_running_score_follows_the_latest_turns() {
    let mut r = RunningSentiment::default();
    assert_eq!(r.current().label, Label::Neutral);
    for _ in 0..3 {
        r.update(Sentiment {
            label: Label::Negative,
            score: -0.9,
        });
    }
    assert_eq!(r.current().label, Label::Negative);
    for _ in 0..4 {
        r.update(Sentiment {
            label: Label::Positive,
            score: 0.9,
        });
    }
    assert_eq!(r.current().label, Label::Positive);
    assert_eq!(r.turns(), 7);
}

#[test]
fn macro_f1_counts_each_class_the_same() {
    use Label::*;
    let gold = [Negative, Negative, Neutral, Positive];
    let s = eval::scores(&gold, &[Negative, Negative, Negative, Positive]);
    assert_eq!(s.accuracy, 0.75);
    assert!((s.f1[0] - 0.8).abs() < 1e-9 && s.f1[1] == 0.0 && s.f1[2] == 1.0);
    assert!((s.macro_f1 - 0.6).abs() < 1e-9);
}
