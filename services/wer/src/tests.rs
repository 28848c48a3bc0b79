//! Scoring as a caller sees it: alignment counts, digit forms, empty inputs, corpus sums.

use super::*;

#[test]
fn identical_text_has_no_errors() {
    let s = score_normalized("the cat sat", "the cat sat");
    assert_eq!(
        s,
        Score {
            reference_words: 3,
            ..Score::default()
        }
    );
    assert_eq!(s.wer(), 0.0);
}

#[test]
fn counts_each_kind_of_error() {
    let sub = score_normalized("the cat sat", "the dog sat");
    assert_eq!(
        (sub.substitutions, sub.deletions, sub.insertions, sub.errors),
        (1, 0, 0, 1)
    );

    let del = score_normalized("the cat sat down", "the sat down");
    assert_eq!(
        (del.substitutions, del.deletions, del.insertions, del.errors),
        (0, 1, 0, 1)
    );

    let ins = score_normalized("the cat sat", "the big cat sat");
    assert_eq!(
        (ins.substitutions, ins.deletions, ins.insertions, ins.errors),
        (0, 0, 1, 1)
    );
    assert_eq!(ins.reference_words, 3);
    assert!((ins.wer() - 1.0 / 3.0).abs() < 1e-12);
}

#[test]
fn mixed_errors_take_the_cheapest_path() {
    // kitten → sitting, word by word: 2 substitutions and 1 insertion.
    let s = score_normalized("k i t t e n", "s i t t i n g");
    assert_eq!(
        (s.substitutions, s.deletions, s.insertions, s.errors),
        (2, 0, 1, 3)
    );
    // Everything shifted by one word: one deletion at the front, one insertion at the back.
    let s = score_normalized("a b c d e", "b c d e f");
    assert_eq!(
        (s.substitutions, s.deletions, s.insertions, s.errors),
        (0, 1, 1, 2)
    );
    // Words moved from the end to the middle.
    let s = score_normalized("a b c d", "a d b c");
    assert_eq!(s.errors, 2);
}

#[test]
fn empty_inputs() {
    assert_eq!(score("", ""), Score::default());
    assert_eq!(score("", "").wer(), 0.0);
    let all_inserted = score_normalized("", "hello there");
    assert_eq!(
        (all_inserted.insertions, all_inserted.reference_words),
        (2, 0)
    );
    assert_eq!(all_inserted.wer(), 1.0);
    let all_deleted = score_normalized("hello there", "   ");
    assert_eq!((all_deleted.deletions, all_deleted.errors), (2, 2));
    assert_eq!(all_deleted.wer(), 1.0);
    // Only fillers and annotations: nothing left to score on either side.
    assert_eq!(score("Um, [noise]", "(cough) uh"), Score::default());
}

#[test]
fn digit_forms_score_as_equal() {
    let forms = ["five five", "55", "5 5", "fifty five", "fifty-five"];
    for reference in forms {
        for hypothesis in forms {
            let s = score(reference, hypothesis);
            assert_eq!(s.errors, 0, "{reference:?} vs {hypothesis:?}: {s:?}");
            assert_eq!(s.reference_words, 2);
        }
    }
    assert_eq!(normalize("eleven"), normalize("1 1"));
    assert_eq!(normalize("eleven"), normalize("one one"));
}

#[test]
fn a_wrong_digit_is_one_error() {
    let s = score(
        "my number is 5551234",
        "my number is five five five one two three five",
    );
    assert_eq!((s.errors, s.substitutions, s.reference_words), (1, 1, 10));
}

#[test]
fn normalises_before_scoring() {
    let s = score(
        "The colour, um, isn't [noise] right!",
        "the color is not right",
    );
    assert_eq!(s.errors, 0);
    assert_eq!(normalize("I paid $20.50"), "i paid $ 2 0 . 5 0");
    assert_eq!(
        normalize("twenty dollars and fifty cents"),
        normalize("$20.50")
    );
}

#[test]
fn corpus_total_sums_errors_and_words() {
    let mut total = Score::default();
    total.add(&score_normalized("a b c d", "a b c d"));
    total.add(&score_normalized("e f", "e x"));
    assert_eq!(
        (total.errors, total.reference_words, total.substitutions),
        (1, 6, 1)
    );
    assert!((total.wer() - 1.0 / 6.0).abs() < 1e-12);
}
