//! Word cues: what role detection and summaries look for in what people say, matched on
//! normalised words because transcripts (Whisper's especially) have no reliable punctuation,
//! case or contraction spelling.
//!
//! A pattern is words separated by spaces, each slot one word to match:
//! - `a|b` — any of the alternatives; `go_ahead` — an alternative of several words;
//! - `slot?` — the slot may be missing;
//! - `*` — any one word; `#` — a number (digits or number words, one or more: "twenty four").

/// A pattern and the evidence it carries (1.0: one strong cue).
pub(crate) type Cue = (&'static str, f32);

/// Lowercase words with punctuation stripped and contractions spelled out, so "I'll" and
/// "i will" both give `i will`, and "can't", "cant" and "cannot" give `can not`.
pub(crate) fn words(text: &str) -> Vec<String> {
    let text = text
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}', '`'], "'");
    let mut out = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        let word = raw.trim_matches('\'');
        if !word.is_empty() {
            expand(word, &mut out);
        }
    }
    out
}

/// Pushes `word`, spelled out when it is a contraction (with or without its apostrophe).
fn expand(word: &str, out: &mut Vec<String>) {
    let mut push = |ws: &[&str]| out.extend(ws.iter().map(|w| w.to_string()));
    let whole: &[&str] = match word {
        "can't" | "cant" | "cannot" => &["can", "not"],
        "won't" | "wont" => &["will", "not"],
        "im" => &["i", "am"],
        // "I'll" far more often than "ill" on a support line.
        "ill" => &["i", "will"],
        "ive" => &["i", "have"],
        "youll" => &["you", "will"],
        "youve" => &["you", "have"],
        "youre" => &["you", "are"],
        _ => &[],
    };
    if !whole.is_empty() {
        return push(whole);
    }
    // "don't", "didnt", "isn't"…: only after an auxiliary, so "want" stays "want".
    for suffix in ["n't", "nt"] {
        if let Some(stem) = word
            .strip_suffix(suffix)
            .filter(|s| AUXILIARIES.contains(s))
        {
            return push(&[stem, "not"]);
        }
    }
    for (suffix, spelled) in [
        ("'ll", "will"),
        ("'ve", "have"),
        ("'m", "am"),
        ("'re", "are"),
        ("'d", "would"),
    ] {
        if let Some(stem) = word.strip_suffix(suffix) {
            return push(&[stem, spelled]);
        }
    }
    match word.strip_suffix("'s") {
        Some("let") => push(&["let", "us"]),
        Some(stem) if IS_BEFORE_S.contains(&stem) => push(&[stem, "is"]),
        // A possessive: "today's" is `today`.
        Some(stem) => push(&[stem]),
        None => push(&[word]),
    }
}

const AUXILIARIES: &[&str] = &[
    "do", "does", "did", "is", "was", "are", "were", "have", "has", "had", "could", "would",
    "should",
];
const IS_BEFORE_S: &[&str] = &[
    "it", "that", "what", "there", "here", "he", "she", "who", "where", "how",
];
/// Spoken numbers, for "within five days" as well as "within 5 days".
const NUMBER_WORDS: &str = "one two three four five six seven eight nine ten eleven twelve \
    thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty \
    sixty seventy eighty ninety hundred";

fn is_number(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_digit()) || NUMBER_WORDS.split_whitespace().any(|w| w == word)
}

/// Whether `pattern` occurs anywhere in `words`.
pub(crate) fn contains(words: &[String], pattern: &str) -> bool {
    let slots: Vec<&str> = pattern.split_whitespace().collect();
    (0..words.len()).any(|i| matches_at(&words[i..], &slots))
}

/// The summed weight of the cues found in `words` (each counted once).
pub(crate) fn score(words: &[String], cues: &[Cue]) -> f32 {
    cues.iter()
        .filter(|(pattern, _)| contains(words, pattern))
        .map(|(_, weight)| weight)
        .sum()
}

/// Whether `slots` match a prefix of `words`.
fn matches_at(words: &[String], slots: &[&str]) -> bool {
    let Some((slot, rest)) = slots.split_first() else {
        return true;
    };
    let (slot, optional) = match slot.strip_suffix('?') {
        Some(slot) => (slot, true),
        None => (*slot, false),
    };
    if optional && matches_at(words, rest) {
        return true;
    }
    slot.split('|').any(|alt| {
        let taken = match alt {
            "*" => usize::from(!words.is_empty()),
            "#" => words.iter().take_while(|w| is_number(w)).count(),
            _ => {
                let parts: Vec<&str> = alt.split('_').collect();
                let same =
                    parts.len() <= words.len() && parts.iter().zip(words).all(|(p, w)| p == w);
                if same { parts.len() } else { 0 }
            }
        };
        taken > 0 && matches_at(&words[taken..], rest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contractions_are_spelled_out_with_or_without_apostrophes() {
        assert_eq!(words("I'll"), words("i will"));
        assert_eq!(words("I’ve CAN'T, cannot."), words("ive can not can not"));
        assert_eq!(words("didnt want it's"), ["did", "not", "want", "it", "is"]);
        assert_eq!(words("[CARD_NUMBER] today's"), ["card", "number", "today"]);
    }

    #[test]
    fn patterns_take_alternatives_optional_slots_and_numbers() {
        let w = words("I'll go ahead and block it, new card in twenty four days");
        assert!(contains(&w, "i will go_ahead_and? block|cancel"));
        assert!(contains(&w, "i will block|cancel|go_ahead"));
        assert!(contains(&w, "in|within # business? days"));
        assert!(contains(&w, "new * in"));
        assert!(!contains(&w, "i will cancel"));
        assert_eq!(
            score(&w, &[("block it", 1.0), ("new card", 0.5), ("nope", 9.0)]),
            1.5
        );
    }
}
