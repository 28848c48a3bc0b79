//! Whisper's non-speech markers ("[BLANK_AUDIO]", "(upbeat music)", "*sigh*") are not words
//! anyone said; but it also brackets words it is unsure of ("[S.01A. 2A.]" for a postcode read
//! out on a call), and those are what was said.

/// The words of a transcript: a marker alone is nothing; brackets around words are dropped.
pub fn spoken(text: &str) -> String {
    let t = text.trim();
    for (open, close) in [('[', ']'), ('(', ')'), ('*', '*')] {
        let Some(inner) = t
            .strip_prefix(open)
            .and_then(|rest| rest.strip_suffix(close))
        else {
            continue;
        };
        if inner.contains([open, close]) {
            // "(a) and (b)" is not one bracketed span.
            continue;
        }
        let inner = inner.trim();
        return if is_marker(inner) {
            String::new()
        } else {
            inner.to_string()
        };
    }
    t.to_string()
}

/// A few letters-only words describe a sound ("BLANK_AUDIO", "inaudible", "upbeat music");
/// digits or sentence punctuation mean someone said something.
fn is_marker(inner: &str) -> bool {
    inner.split_whitespace().count() <= 3
        && inner
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::spoken;

    #[test]
    fn markers_are_dropped_and_bracketed_words_kept() {
        assert_eq!(spoken(" [BLANK_AUDIO]"), "");
        assert_eq!(spoken("(upbeat music)"), "");
        assert_eq!(spoken("*sighs*"), "");
        assert_eq!(spoken("[inaudible]"), "");
        assert_eq!(spoken("[S.01A. 2A.]"), "S.01A. 2A.");
        assert_eq!(spoken(" Hello (there) "), "Hello (there)");
        assert_eq!(spoken("(a) or (b)"), "(a) or (b)");
        assert_eq!(spoken("[]"), "");
    }
}
