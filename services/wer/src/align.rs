//! Word-level Levenshtein alignment with the error kinds counted separately.

use std::collections::HashMap;

use crate::normalize;

/// One utterance's (or, summed with [`Score::add`], one corpus's) edit counts: corpus WER is the
/// sum of errors over the sum of reference words, not a mean of per-file rates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    /// Substitutions + deletions + insertions: the minimum edit distance in words.
    pub errors: usize,
    /// Words in the normalised reference: the WER denominator.
    pub reference_words: usize,
    /// Reference words replaced by a different hypothesis word.
    pub substitutions: usize,
    /// Reference words missing from the hypothesis.
    pub deletions: usize,
    /// Hypothesis words with no reference counterpart.
    pub insertions: usize,
}

impl Score {
    /// Errors per reference word. With no reference words it is 0.0 when there are no errors
    /// and 1.0 (every word is wrong) otherwise, so an empty reference never yields NaN or ∞.
    pub fn wer(&self) -> f64 {
        match (self.reference_words, self.errors) {
            (0, 0) => 0.0,
            (0, _) => 1.0,
            (words, errors) => errors as f64 / words as f64,
        }
    }

    /// Accumulates another utterance into a corpus total.
    pub fn add(&mut self, other: &Score) {
        self.errors += other.errors;
        self.reference_words += other.reference_words;
        self.substitutions += other.substitutions;
        self.deletions += other.deletions;
        self.insertions += other.insertions;
    }
}

/// Scores raw transcripts: both sides go through [`normalize`] first, as in the Whisper paper.
pub fn score(reference: &str, hypothesis: &str) -> Score {
    score_normalized(&normalize(reference), &normalize(hypothesis))
}

/// Edit counts along one minimum-cost path; ties prefer substitution, then deletion.
#[derive(Clone, Copy, Default)]
struct Cell {
    substitutions: u32,
    deletions: u32,
    insertions: u32,
}

impl Cell {
    fn cost(self) -> u32 {
        self.substitutions + self.deletions + self.insertions
    }
}

/// Scores text that is already normalised: words are whatever whitespace separates.
pub fn score_normalized(reference: &str, hypothesis: &str) -> Score {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut intern = |word| {
        let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        *ids.entry(word).or_insert(next)
    };
    let reference: Vec<u32> = reference.split_whitespace().map(&mut intern).collect();
    let hypothesis: Vec<u32> = hypothesis.split_whitespace().map(&mut intern).collect();

    // Shared ends are matched in some optimal alignment; trimming them keeps long files cheap.
    let prefix = reference
        .iter()
        .zip(&hypothesis)
        .take_while(|(r, h)| r == h)
        .count();
    let (r, h) = (&reference[prefix..], &hypothesis[prefix..]);
    let suffix = r
        .iter()
        .rev()
        .zip(h.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (r, h) = (&r[..r.len() - suffix], &h[..h.len() - suffix]);

    // One row of the DP table at a time: row[j] aligns r[..i] with h[..j].
    let mut row: Vec<Cell> = (0..=h.len())
        .map(|j| Cell {
            insertions: j as u32,
            ..Cell::default()
        })
        .collect();
    for &word in r {
        let mut diagonal = row[0];
        row[0].deletions += 1;
        for (j, &hyp_word) in h.iter().enumerate() {
            let mut best = diagonal;
            best.substitutions += u32::from(word != hyp_word);
            let mut deletion = row[j + 1];
            deletion.deletions += 1;
            let mut insertion = row[j];
            insertion.insertions += 1;
            if deletion.cost() < best.cost() {
                best = deletion;
            }
            if insertion.cost() < best.cost() {
                best = insertion;
            }
            diagonal = row[j + 1];
            row[j + 1] = best;
        }
    }
    let last = row[h.len()];
    let (substitutions, deletions, insertions) = (
        last.substitutions as usize,
        last.deletions as usize,
        last.insertions as usize,
    );
    Score {
        errors: substitutions + deletions + insertions,
        reference_words: reference.len(),
        substitutions,
        deletions,
        insertions,
    }
}
