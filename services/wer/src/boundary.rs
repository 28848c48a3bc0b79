//! Literal word patterns with Python's idea of a word boundary.
//!
//! Whisper's contraction and filler patterns (`\bwon't\b`, `\b(hmm|mm|…)\b`) run before symbols
//! are removed, where Rust's `\b` and Python's disagree: Python counts "½", "²" and "①" as word
//! characters and combining marks as not, Rust the other way round. "10 mm²" keeps its "mm" in
//! Python; with Rust's `\b` the "mm" would be dropped as a filler.

use regex::Regex;

use crate::english::compile;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Python's `\w` for `str` patterns: alphanumeric (`str.isalnum`) or underscore.
fn is_py_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || (!c.is_ascii()
            && matches!(
                c.general_category_group(),
                GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
            ))
}

/// Python's `\b` at byte offset `at` of `s`.
fn is_boundary(s: &str, at: usize) -> bool {
    let before = s[..at].chars().next_back().is_some_and(is_py_word);
    let after = s[at..].chars().next().is_some_and(is_py_word);
    before != after
}

/// `\b?(alt1|alt2|…)\b?` over literal alternatives, tried in order like Python's backtracking.
pub(crate) struct WordPattern {
    candidates: Regex,
    alternatives: Vec<&'static str>,
    boundary_before: bool,
    boundary_after: bool,
}

impl WordPattern {
    /// A Python pattern of the form `\bliteral\b` (either `\b` optional).
    pub(crate) fn python(pattern: &'static str) -> Self {
        let body = pattern.strip_prefix(r"\b").unwrap_or(pattern);
        let body = body.strip_suffix(r"\b").unwrap_or(body);
        Self::new(
            &[body],
            pattern.starts_with(r"\b"),
            pattern.ends_with(r"\b"),
        )
    }

    /// Literal alternatives, each optionally bounded by Python's `\b` before and after.
    pub(crate) fn new(
        alternatives: &[&'static str],
        boundary_before: bool,
        boundary_after: bool,
    ) -> Self {
        let escaped: Vec<String> = alternatives.iter().map(|alt| regex::escape(alt)).collect();
        WordPattern {
            candidates: compile(&escaped.join("|")),
            alternatives: alternatives.to_vec(),
            boundary_before,
            boundary_after,
        }
    }

    /// The first alternative matching at `at`, with its boundaries, as its length in bytes.
    fn match_at(&self, s: &str, at: usize) -> Option<usize> {
        if self.boundary_before && !is_boundary(s, at) {
            return None;
        }
        self.alternatives
            .iter()
            .filter(|alt| s[at..].starts_with(**alt))
            .map(|alt| alt.len())
            .find(|&len| !self.boundary_after || is_boundary(s, at + len))
    }

    /// Python's `re.sub(pattern, with, s)`; `None` when nothing matched.
    pub(crate) fn replace_all(&self, s: &str, with: &str) -> Option<String> {
        let mut out = String::new();
        let mut matched = false;
        let mut copied = 0;
        let mut search = 0;
        while let Some(found) = self.candidates.find_at(s, search) {
            let at = found.start();
            match self.match_at(s, at) {
                Some(len) => {
                    matched = true;
                    out.push_str(&s[copied..at]);
                    out.push_str(with);
                    copied = at + len;
                    search = copied;
                }
                None => search = at + s[at..].chars().next().map_or(1, char::len_utf8),
            }
            if search >= s.len() {
                break;
            }
        }
        if !matched {
            return None;
        }
        out.push_str(&s[copied..]);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_follow_python() {
        let fillers = WordPattern::new(&["hmm", "mm", "mhm", "mmm", "uh", "um"], true, true);
        assert_eq!(
            fillers.replace_all("10 mm² and mm", "").as_deref(),
            Some("10 mm² and ")
        );
        assert_eq!(
            fillers.replace_all("mmm, umbrella um", "").as_deref(),
            Some(", umbrella ")
        );
        assert_eq!(fillers.replace_all("summer", ""), None);
        let not = WordPattern::new(&["n't"], false, true);
        assert_eq!(
            not.replace_all("don't isn't½", " not").as_deref(),
            Some("do not isn't½")
        );
    }
}
