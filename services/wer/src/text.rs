//! The pieces of Python's string semantics that Whisper's normaliser leans on, so ours matches it.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Python's `\s` (and `str.isspace`) in regex syntax: Unicode White_Space plus U+001C..U+001F,
/// which Python also counts as whitespace and Rust's `\s` does not.
pub(crate) const PY_SPACE: &str = r"[\s\x1C-\x1F]";

/// Python's `str.isspace()` for one character.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.split()` with no argument: words between runs of whitespace, none empty.
pub(crate) fn py_split(s: &str) -> impl DoubleEndedIterator<Item = &str> {
    s.split(is_py_space).filter(|word| !word.is_empty())
}

/// Python's `unicodedata.decimal(c)`: the value of any Unicode decimal digit (category Nd), not
/// just ASCII, as Python's `\d` and `int()` read them. Nd digits come in contiguous runs 0..9
/// (a Unicode stability guarantee), so a digit's value is its distance from its run's start.
pub(crate) fn decimal_value(c: char) -> Option<u32> {
    if c.is_ascii_digit() {
        return Some(c as u32 - '0' as u32);
    }
    let is_decimal =
        |c: char| !c.is_ascii() && c.general_category() == GeneralCategory::DecimalNumber;
    if !is_decimal(c) {
        return None;
    }
    let mut offset = 0;
    let mut code = c as u32;
    while let Some(prev) = code
        .checked_sub(1)
        .and_then(char::from_u32)
        .filter(|&p| is_decimal(p))
    {
        offset += 1;
        code = prev as u32;
    }
    Some(offset % 10)
}

/// Letters NFKD leaves whole, spelt the way Whisper's `ADDITIONAL_DIACRITICS` spells them.
fn additional_diacritic(c: char) -> Option<&'static str> {
    Some(match c {
        'œ' => "oe",
        'Œ' => "OE",
        'ø' => "o",
        'Ø' => "O",
        'æ' => "ae",
        'Æ' => "AE",
        'ß' => "ss",
        'ẞ' => "SS",
        'đ' | 'ð' => "d",
        'Đ' | 'Ð' => "D",
        'þ' | 'Þ' => "th",
        'ł' => "l",
        'Ł' => "L",
        _ => return None,
    })
}

/// Whisper's `remove_symbols_and_diacritics`: NFKD, drop non-spacing marks, turn every other
/// mark, symbol and punctuation character into a space, except the characters in `keep`.
pub(crate) fn remove_symbols_and_diacritics(s: &str, keep: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if c.is_ascii_alphanumeric() || c == ' ' || keep.contains(&c) {
            out.push(c);
        } else if let Some(spelt) = additional_diacritic(c) {
            out.push_str(spelt);
        } else if c.general_category() == GeneralCategory::NonspacingMark {
            // dropped, like Python's category "Mn"
        } else if matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Mark
                | GeneralCategoryGroup::Symbol
                | GeneralCategoryGroup::Punctuation
        ) {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_counts_information_separators_as_space() {
        let words: Vec<&str> = py_split(" a\u{1f}b\u{a0}c\t").collect();
        assert_eq!(words, ["a", "b", "c"]);
    }

    #[test]
    fn reads_digits_of_any_script() {
        assert_eq!(decimal_value('7'), Some(7));
        assert_eq!(decimal_value('٥'), Some(5)); // ARABIC-INDIC DIGIT FIVE
        assert_eq!(decimal_value('०'), Some(0)); // DEVANAGARI DIGIT ZERO
        assert_eq!(decimal_value('𝟗'), Some(9)); // MATHEMATICAL BOLD DIGIT NINE, after 𝟎..𝟗 runs
        assert_eq!(decimal_value('²'), None);
        assert_eq!(decimal_value('a'), None);
    }

    #[test]
    fn symbols_become_spaces_and_accents_vanish() {
        assert_eq!(
            remove_symbols_and_diacritics("café, naïve!", &[]),
            "cafe  naive "
        );
        assert_eq!(
            remove_symbols_and_diacritics("$5.00 – Œuvre", &['$', '.']),
            "$5.00   OEuvre"
        );
    }
}
