//! Digit splitting after Whisper's normaliser, so a number counts once per digit whichever way
//! it was written or grouped ("55", "5 5" and "five five" all become "5 5").

/// Characters Whisper's normaliser leaves attached to numbers; each becomes a word of its own.
const NUMBER_SYMBOLS: [char; 8] = ['.', '%', '$', '¢', '€', '£', '+', '-'];

/// Splits already-normalised text so every ASCII digit and number symbol is its own word.
///
/// Whisper writes a lone "1" as "one" but keeps a 1 inside a longer number as a digit; once
/// digits are split those must agree ("eleven" → "1 1", "1 1" → "one one"), so the word "one"
/// becomes "1" here, on both sides of a comparison alike.
pub fn split_digits(normalized: &str) -> String {
    let mut out = String::with_capacity(normalized.len() * 2);
    let mut push = |piece: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(if piece == "one" { "1" } else { piece });
    };
    for word in normalized.split_whitespace() {
        let mut run_start = None;
        for (i, c) in word.char_indices() {
            if c.is_ascii_digit() || NUMBER_SYMBOLS.contains(&c) {
                if let Some(start) = run_start.take() {
                    push(&word[start..i]);
                }
                push(&word[i..i + c.len_utf8()]);
            } else if run_start.is_none() {
                run_start = Some(i);
            }
        }
        if let Some(start) = run_start {
            push(&word[start..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digit_is_a_word() {
        assert_eq!(split_digits("55"), "5 5");
        assert_eq!(split_digits("room 101"), "room 1 0 1");
        assert_eq!(split_digits("the 1960s"), "the 1 9 6 0 s");
    }

    #[test]
    fn symbols_and_the_word_one_separate() {
        assert_eq!(split_digits("$20.50"), "$ 2 0 . 5 0");
        assert_eq!(split_digits("10% -5"), "1 0 % - 5");
        assert_eq!(split_digits("one.5 someone ones"), "1 . 5 someone ones");
    }

    #[test]
    fn empty_and_blank_stay_empty() {
        assert_eq!(split_digits(""), "");
        assert_eq!(split_digits("   "), "");
    }
}
