//! Splits text into words, digit strings and punctuation, keeping byte offsets.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Letters, possibly with digits or apostrophes (`fourteenth`, `14th`, `SW1A`, `it's`).
    Word,
    /// ASCII digits only.
    Digits,
    /// One character that is neither (`,`, `-`, `@`, `$`).
    Punct(char),
}

/// One token of the text, with its byte range and a lower-cased copy.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    pub lower: String,
}

impl Token {
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokenKind::Punct(c)
    }

    /// Ends a sentence: cues before it do not reach numbers after it.
    pub fn ends_sentence(&self) -> bool {
        matches!(self.kind, TokenKind::Punct('.' | '?' | '!' | ';'))
    }
}

/// Tokenises `text`; whitespace separates tokens and is dropped.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_alphanumeric() {
            let mut end = start + c.len_utf8();
            let mut digits_only = c.is_ascii_digit();
            while let Some(&(i, n)) = chars.peek() {
                let apostrophe = (n == '\'' || n == '’') && !digits_only;
                if n.is_alphanumeric() || apostrophe {
                    digits_only &= n.is_ascii_digit();
                    end = i + n.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &text[start..end];
            tokens.push(Token {
                kind: if digits_only {
                    TokenKind::Digits
                } else {
                    TokenKind::Word
                },
                start,
                end,
                lower: word.to_lowercase().replace('’', "'"),
            });
        } else {
            tokens.push(Token {
                kind: TokenKind::Punct(c),
                start,
                end: start + c.len_utf8(),
                lower: c.to_string(),
            });
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_digits_and_punctuation_keep_their_offsets() {
        let text = "It's 4111-1111, SW1A café.";
        let t = tokenize(text);
        let kinds: Vec<_> = t.iter().map(|t| (t.kind, &text[t.start..t.end])).collect();
        assert_eq!(
            kinds,
            vec![
                (TokenKind::Word, "It's"),
                (TokenKind::Digits, "4111"),
                (TokenKind::Punct('-'), "-"),
                (TokenKind::Digits, "1111"),
                (TokenKind::Punct(','), ","),
                (TokenKind::Word, "SW1A"),
                (TokenKind::Word, "café"),
                (TokenKind::Punct('.'), "."),
            ]
        );
        assert_eq!(t[0].lower, "it's");
    }
}
