//! Number runs: digits as written ("4111 1111") or spoken as Whisper writes them ("four one one
//! one, oh seven", "double five", "twenty one"), joined across separators into one digit string.

use crate::tokens::{Token, TokenKind};

/// A run of number tokens read as one digit string.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    /// First and last token index (inclusive) of the run, with a leading `+` or `(`.
    pub first: usize,
    pub last: usize,
    pub digits: String,
    /// Written digits with separators, or spoken digits (read out, not said as an amount).
    pub grouped: bool,
}

pub(crate) fn digit_word(w: &str) -> Option<char> {
    Some(match w {
        "zero" | "oh" | "o" | "nought" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        _ => return None,
    })
}

fn teen(w: &str) -> Option<&'static str> {
    Some(match w {
        "ten" => "10",
        "eleven" => "11",
        "twelve" => "12",
        "thirteen" => "13",
        "fourteen" => "14",
        "fifteen" => "15",
        "sixteen" => "16",
        "seventeen" => "17",
        "eighteen" => "18",
        "nineteen" => "19",
        _ => return None,
    })
}

fn tens(w: &str) -> Option<char> {
    Some(match w {
        "twenty" => '2',
        "thirty" => '3',
        "forty" => '4',
        "fifty" => '5',
        "sixty" => '6',
        "seventy" => '7',
        "eighty" => '8',
        "ninety" => '9',
        _ => return None,
    })
}

/// Whether a word could be part of a spoken number (for callers that look around runs).
pub(crate) fn is_number_word(w: &str) -> bool {
    digit_word(w).is_some()
        || teen(w).is_some()
        || tens(w).is_some()
        || matches!(w, "double" | "triple" | "hundred" | "thousand")
}

/// Reads one number element at `i`: its digits, the next token index, and whether it was a
/// digit spoken on its own (or written digits).
fn element(tokens: &[Token], i: usize, in_run: bool) -> Option<(String, usize)> {
    let t = tokens.get(i)?;
    if t.kind == TokenKind::Digits {
        return Some((t.lower.clone(), i + 1));
    }
    if t.kind != TokenKind::Word {
        return None;
    }
    let w = t.lower.as_str();
    if let Some(d) = digit_word(w) {
        return Some((d.to_string(), i + 1));
    }
    if let Some(s) = teen(w) {
        return Some((s.to_string(), i + 1));
    }
    if let Some(d) = tens(w) {
        // "twenty one" / "twenty-one" is two digits; "twenty" alone ends in zero.
        let mut j = i + 1;
        if tokens.get(j).is_some_and(|t| t.is_punct('-')) {
            j += 1;
        }
        if let Some(u) = tokens.get(j).and_then(|t| digit_word(&t.lower))
            && u != '0'
        {
            return Some((format!("{d}{u}"), j + 1));
        }
        return Some((format!("{d}0"), i + 1));
    }
    let times = match w {
        "double" => 2,
        "triple" => 3,
        _ => 0,
    };
    if times > 0 {
        let next = tokens.get(i + 1)?;
        let d = match next.kind {
            TokenKind::Digits if next.lower.len() == 1 => next.lower.chars().next()?,
            TokenKind::Word => digit_word(&next.lower)?,
            _ => return None,
        };
        return Some((std::iter::repeat_n(d, times).collect(), i + 2));
    }
    if in_run {
        match w {
            "hundred" => return Some(("00".into(), i + 1)),
            "thousand" => return Some(("000".into(), i + 1)),
            _ => {}
        }
    }
    None
}

/// Words speech recognition writes for a digit between two others ("one 9 to 6"): read as that
/// digit only inside a run, never to start one.
fn homophone(w: &str) -> Option<char> {
    Some(match w {
        "won" => '1',
        "to" | "too" => '2',
        "free" | "tree" => '3',
        "for" | "fore" => '4',
        "ate" => '8',
        "nero" => '0',
        _ => return None,
    })
}

fn separator(t: &Token) -> bool {
    matches!(
        t.kind,
        TokenKind::Punct(',' | '-' | '.' | ')' | '(' | '/' | '…')
    ) || (t.kind == TokenKind::Word && t.lower == "dash")
}

/// Finds every number run in `tokens`, in order.
pub(crate) fn runs(tokens: &[Token]) -> Vec<Run> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some((first_digits, mut next)) = element(tokens, i, false) else {
            i += 1;
            continue;
        };
        let mut digits = first_digits;
        let mut last = next - 1;
        let mut elements = 1;
        let mut separated = false;
        loop {
            let mut j = next;
            let mut skipped = false;
            while tokens.get(j).is_some_and(separator) {
                skipped = true;
                j += 1;
            }
            // A homophone joins the run only when a digit follows it too.
            let inner = tokens
                .get(j)
                .filter(|t| t.kind == TokenKind::Word)
                .and_then(|t| homophone(&t.lower))
                .filter(|_| element(tokens, j + 1, true).is_some())
                .map(|d| (d.to_string(), j + 1));
            match element(tokens, j, true).or(inner) {
                Some((more, after)) => {
                    digits.push_str(&more);
                    separated |= skipped;
                    elements += 1;
                    last = after - 1;
                    next = after;
                }
                None => break,
            }
        }
        let mut first = i;
        if i > 0 && (tokens[i - 1].is_punct('+') || tokens[i - 1].is_punct('(')) {
            first = i - 1;
            separated = true;
        }
        let spoken = tokens[i..=last].iter().any(|t| t.kind == TokenKind::Word);
        // "oh" and "o" alone are interjections, not zeros.
        let only_oh = tokens[i..=last]
            .iter()
            .all(|t| matches!(t.lower.as_str(), "oh" | "o"));
        if !only_oh {
            out.push(Run {
                first,
                last,
                digits,
                grouped: separated || (spoken && elements > 1),
            });
        }
        i = last + 1;
    }
    out
}

/// The Luhn checksum that every payment card number passes.
pub(crate) fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (k, c) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if k % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::tokenize;

    fn digits(text: &str) -> Vec<String> {
        runs(&tokenize(text))
            .into_iter()
            .map(|r| r.digits)
            .collect()
    }

    #[test]
    fn spoken_digits_join_across_commas() {
        assert_eq!(
            digits(
                "Sure, it's four one one one, one one one one, one one one one, one one one one."
            ),
            vec!["4111111111111111"]
        );
        assert_eq!(
            digits("it's oh seven seven zero zero, nine zero zero, one two three"),
            vec!["07700900123"]
        );
    }

    #[test]
    fn double_triple_tens_and_teens() {
        assert_eq!(digits("double five triple two"), vec!["55222"]);
        assert_eq!(digits("nineteen eighty six"), vec!["1986"]);
        assert_eq!(digits("twenty-one twelve"), vec!["2112"]);
        assert_eq!(digits("eight hundred five five five"), vec!["800555"]);
    }

    #[test]
    fn written_groups_and_prefixes() {
        let t = tokenize("call +44 (20) 7946-0958 now");
        let r = runs(&t);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].digits, "442079460958");
        assert!(t[r[0].first].is_punct('+'));
    }

    #[test]
    fn misheard_digits_inside_a_run_are_read_as_digits() {
        assert_eq!(digits("free one 9 to 6 6 4 0"), vec!["1926640"]);
        assert_eq!(digits("Sure, it's 41… 31…"), vec!["4131"]);
        assert_eq!(digits("I want to go"), Vec::<String>::new());
    }

    #[test]
    fn a_lone_oh_is_not_a_number() {
        assert!(digits("Oh good, wait").is_empty());
        assert_eq!(digits("oh two"), vec!["02"]);
    }

    #[test]
    fn luhn_accepts_test_cards_and_refuses_typos() {
        assert!(luhn("4111111111111111"));
        assert!(luhn("5500005555555559"));
        assert!(!luhn("4111111111111112"));
    }
}
