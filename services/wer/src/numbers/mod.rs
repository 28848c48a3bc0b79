//! Port of openai-whisper's `EnglishNumberNormalizer` (whisper/normalizers/english.py, release
//! 20250625, MIT, Copyright (c) 2022 OpenAI): spelled-out numbers become digits, so "twenty five",
//! "25" and "twenty-five" are one word when scoring.

mod value;
mod vocab;
mod words;

use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::english::{compile, compile_py};
use crate::text::{is_py_space, py_split};
use vocab::VOCAB;

static AND_A_HALF: LazyLock<Regex> = LazyLock::new(|| compile_py(r"\band{S}+a{S}+half\b"));
static LETTER_DIGIT: LazyLock<Regex> = LazyLock::new(|| compile(r"([a-z])([0-9])"));
static DIGIT_LETTER: LazyLock<Regex> = LazyLock::new(|| compile(r"([0-9])([a-z])"));
static DIGIT_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| compile_py(r"([0-9]){S}+(st|nd|rd|th|s)\b"));
static COMBINE_CENTS: LazyLock<Regex> =
    LazyLock::new(|| compile(r"([€£$])([0-9]+) (?:and )?¢([0-9]{1,2})\b"));
static EXTRACT_CENTS: LazyLock<Regex> = LazyLock::new(|| compile(r"[€£$]0.([0-9]{1,2})\b"));
static LONE_ONE: LazyLock<Regex> = LazyLock::new(|| compile(r"\b1(s?)\b"));

/// `int(s)` for the one or two ASCII digits the cents patterns capture.
fn small_int(digits: &str) -> u32 {
    digits
        .bytes()
        .fold(0, |acc, b| acc * 10 + u32::from(b - b'0'))
}

/// `EnglishNumberNormalizer.__call__`.
pub(crate) fn normalize(s: &str) -> String {
    let s = preprocess(s);
    let words: Vec<&str> = py_split(&s).collect();
    postprocess(&words::process_words(&words).join(" "))
}

/// "<number> and a half" → "<number> point five"; spaces at digit/letter boundaries, except
/// before suffixes such as "th".
fn preprocess(s: &str) -> String {
    let segments: Vec<&str> = AND_A_HALF.split(s).collect();
    let mut results: Vec<&str> = Vec::with_capacity(segments.len() * 2);
    for (i, segment) in segments.iter().enumerate() {
        if segment.trim_matches(is_py_space).is_empty() {
            continue;
        }
        results.push(segment);
        if i + 1 < segments.len() {
            let last_word = py_split(segment).next_back().unwrap_or_default();
            let v = &*VOCAB;
            if v.decimals.contains(last_word) || v.multipliers.contains_key(last_word) {
                results.push("point five");
            } else {
                results.push("and a half");
            }
        }
    }
    let s = results.join(" ");
    let s = LETTER_DIGIT.replace_all(&s, "${1} ${2}");
    let s = DIGIT_LETTER.replace_all(&s, "${1} ${2}");
    DIGIT_SUFFIX.replace_all(&s, "${1}${2}").into_owned()
}

/// "$2 and ¢7" → "$2.07", "$0.07" → "¢7", and a lone "1" written "one".
fn postprocess(s: &str) -> String {
    let s = COMBINE_CENTS.replace_all(s, |c: &Captures| {
        format!("{}{}.{:02}", &c[1], &c[2], small_int(&c[3]))
    });
    let s = EXTRACT_CENTS.replace_all(&s, |c: &Captures| format!("¢{}", small_int(&c[1])));
    LONE_ONE.replace_all(&s, "one${1}").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelled_numbers_become_digits() {
        assert_eq!(normalize("twenty five"), "25");
        assert_eq!(normalize("nineteen ninety nine"), "1999");
        assert_eq!(normalize("two thousand and twenty"), "2020");
        assert_eq!(normalize("double oh seven"), "007");
    }

    #[test]
    fn currency_words_become_symbols() {
        assert_eq!(normalize("twenty dollars and fifty cents"), "$20.50");
        assert_eq!(normalize("fifty cents"), "¢50");
    }

    #[test]
    fn half_follows_numbers_only() {
        assert_eq!(preprocess("two and a half"), "two  point five");
        assert_eq!(preprocess("cake and a half"), "cake  and a half");
    }
}
