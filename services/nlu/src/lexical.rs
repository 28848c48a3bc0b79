//! Word and character n-gram TF-IDF features: they catch the exact wording (product names,
//! "virtual card" vs "card") that a sentence embedding blurs.

use std::collections::HashMap;

/// One sparse, L2-normalised feature vector: (feature index, value) pairs.
pub(crate) type Sparse = Vec<(u32, f32)>;

/// A vocabulary with inverse document frequencies learnt from the training texts.
#[derive(Debug, Clone)]
pub(crate) struct Lexicon {
    index: HashMap<String, u32>,
    idf: Vec<f32>,
    /// Weight of the character block relative to the word block.
    char_weight: f32,
}

/// Lower-cased alphanumeric words.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Raw n-gram terms of a text: word 1–2-grams (prefix `w:`) and character 2–5-grams inside
/// space-padded words (prefix `c:`).
fn terms(text: &str) -> Vec<String> {
    let ws = words(text);
    let mut out = Vec::with_capacity(ws.len() * 20);
    for (i, w) in ws.iter().enumerate() {
        out.push(format!("w:{w}"));
        if let Some(next) = ws.get(i + 1) {
            out.push(format!("w:{w} {next}"));
        }
        let padded: Vec<char> = format!(" {w} ").chars().collect();
        for n in 2..=5 {
            for gram in padded.windows(n) {
                let mut t = String::with_capacity(n + 2);
                t.push_str("c:");
                t.extend(gram);
                out.push(t);
            }
        }
    }
    out
}

impl Lexicon {
    /// Builds the vocabulary from training texts, keeping terms seen in at least `min_df` texts.
    pub(crate) fn fit(texts: &[&str], min_df: usize, char_weight: f32) -> Self {
        let mut df: HashMap<String, usize> = HashMap::new();
        for text in texts {
            let mut ts = terms(text);
            ts.sort_unstable();
            ts.dedup();
            for t in ts {
                *df.entry(t).or_default() += 1;
            }
        }
        let mut kept: Vec<(String, usize)> = df.into_iter().filter(|(_, d)| *d >= min_df).collect();
        kept.sort_unstable();
        let n = texts.len() as f32;
        let idf = kept
            .iter()
            .map(|(_, d)| ((1.0 + n) / (1.0 + *d as f32)).ln() + 1.0)
            .collect();
        let index = kept
            .into_iter()
            .enumerate()
            .map(|(i, (t, _))| (t, i as u32))
            .collect();
        Self {
            index,
            idf,
            char_weight,
        }
    }

    /// Number of features.
    pub(crate) fn len(&self) -> usize {
        self.idf.len()
    }

    /// Sublinear TF-IDF, each block (words, characters) scaled to unit length.
    pub(crate) fn vectorize(&self, text: &str) -> Sparse {
        let mut counts: HashMap<u32, (f32, bool)> = HashMap::new();
        for t in terms(text) {
            if let Some(&i) = self.index.get(&t) {
                counts.entry(i).or_insert((0.0, t.starts_with("c:"))).0 += 1.0;
            }
        }
        let mut out: Sparse = Vec::with_capacity(counts.len());
        let (mut word_norm, mut char_norm) = (0f32, 0f32);
        for (&i, &(tf, is_char)) in &counts {
            let v = (1.0 + tf.ln()) * self.idf[i as usize];
            if is_char {
                char_norm += v * v
            } else {
                word_norm += v * v
            }
            out.push((i, v));
        }
        let word_scale = 1.0 / word_norm.sqrt().max(1e-6);
        let char_scale = self.char_weight / char_norm.sqrt().max(1e-6);
        for (i, v) in out.iter_mut() {
            *v *= if counts[i].1 { char_scale } else { word_scale };
        }
        out.sort_unstable_by_key(|(i, _)| *i);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_cover_words_bigrams_and_char_grams() {
        let ts = terms("Top-up failed");
        assert!(ts.contains(&"w:top".to_string()));
        assert!(ts.contains(&"w:up failed".to_string()));
        assert!(ts.contains(&"c: to".to_string()));
        assert!(ts.contains(&"c:iled ".to_string()));
    }

    #[test]
    fn unseen_words_give_empty_vectors_and_blocks_are_unit_length() {
        let lex = Lexicon::fit(&["my card is lost", "card payment failed"], 1, 1.0);
        assert!(lex.vectorize("zzz qqq").is_empty());
        let v = lex.vectorize("lost card");
        let words: f32 = v
            .iter()
            .filter(|(i, _)| lex.index.iter().any(|(t, j)| j == i && t.starts_with("w:")))
            .map(|(_, x)| x * x)
            .sum();
        assert!((words - 1.0).abs() < 1e-4, "word block norm² {words}");
    }
}
