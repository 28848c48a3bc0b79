//! `vocabulary.txt` (GPT-2 byte-level tokens, one a line) back to the raw bytes whisper.cpp wants.

use crate::ModelError;

/// The first special token; whisper.cpp numbers the specials itself after the text tokens.
pub(crate) const END_OF_TEXT: &str = "<|endoftext|>";

/// GPT-2's `bytes_to_unicode` inverted: for each printable stand-in char, the byte it encodes.
/// Indexed by the char's code point (all stand-ins are below 0x144).
fn byte_decoder() -> [Option<u8>; 0x144] {
    let mut table = [None; 0x144];
    let mut next_extra = 0u32;
    for b in 0u8..=255 {
        let printable = matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
        let code = if printable {
            u32::from(b)
        } else {
            next_extra += 1;
            255 + next_extra
        };
        table[code as usize] = Some(b);
    }
    table
}

/// Decodes one byte-level token (e.g. `Ġthe` → b" the").
pub(crate) fn decode_token(token: &str, table: &[Option<u8>; 0x144]) -> Option<Vec<u8>> {
    token
        .chars()
        .map(|ch| table.get(ch as usize).copied().flatten())
        .collect()
}

/// The text tokens (everything before `<|endoftext|>`) as raw bytes, ids preserved.
///
/// Lines are split on `\n` only: an empty line is a real token (id 50256 in the multilingual
/// vocabulary) and other Unicode line breaks can occur inside tokens.
pub(crate) fn text_tokens(vocabulary: &[u8], file: &str) -> Result<Vec<Vec<u8>>, ModelError> {
    let table = byte_decoder();
    let mut tokens = Vec::with_capacity(51_000);
    for (i, line) in vocabulary.split(|&b| b == b'\n').enumerate() {
        let err = |message: String| ModelError::Vocabulary {
            file: file.to_string(),
            line: i + 1,
            message,
        };
        let text = std::str::from_utf8(line).map_err(|e| err(format!("not UTF-8: {e}")))?;
        if text == END_OF_TEXT {
            return Ok(tokens);
        }
        let bytes = decode_token(text, &table).ok_or_else(|| {
            err(format!(
                "token {text:?} has a character outside GPT-2's byte alphabet"
            ))
        })?;
        tokens.push(bytes);
    }
    Err(ModelError::Vocabulary {
        file: file.to_string(),
        line: tokens.len(),
        message: format!("no {END_OF_TEXT} line: cannot tell where the text tokens end"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_covers_every_byte_once() {
        let table = byte_decoder();
        let mut seen = [false; 256];
        for b in table.iter().flatten() {
            assert!(!seen[usize::from(*b)], "byte {b} mapped twice");
            seen[usize::from(*b)] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn decodes_space_newline_and_multibyte_tokens() {
        let table = byte_decoder();
        // GPT-2 writes space as U+0120 'Ġ' and newline as U+010A 'Ċ'.
        assert_eq!(decode_token("Ġthe", &table).unwrap(), b" the");
        assert_eq!(decode_token("ĊĊ", &table).unwrap(), b"\n\n");
        // "é" is the two UTF-8 bytes C3 A9, written as the chars for 0xC3 ('Ã') and 0xA9 ('©').
        assert_eq!(decode_token("Ã©", &table).unwrap(), "é".as_bytes());
        // A char outside the alphabet (e.g. a real 'é' U+00E9 is fine, but U+2028 is not).
        assert_eq!(decode_token("a\u{2028}", &table), None);
    }

    #[test]
    fn keeps_the_empty_line_token_and_stops_at_end_of_text() {
        let vocab = "!\nĠa\n\nb\n<|endoftext|>\n<|startoftranscript|>\n";
        let tokens = text_tokens(vocab.as_bytes(), "vocabulary.txt").unwrap();
        assert_eq!(
            tokens,
            vec![b"!".to_vec(), b" a".to_vec(), Vec::new(), b"b".to_vec()]
        );
    }

    #[test]
    fn splits_on_newline_only() {
        // 'č' (U+010D) is GPT-2's stand-in for a carriage return: it decodes to b'\r' and
        // belongs to its token rather than ending a line.
        let vocab = "ač\nb\n<|endoftext|>";
        let tokens = text_tokens(vocab.as_bytes(), "v").unwrap();
        assert_eq!(tokens, vec![b"a\r".to_vec(), b"b".to_vec()]);
    }

    #[test]
    fn bad_token_names_the_line() {
        let err =
            text_tokens("a\nb\u{2028}c\n<|endoftext|>".as_bytes(), "vocabulary.txt").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("vocabulary.txt: line 2"), "{msg}");
    }

    #[test]
    fn missing_end_of_text_is_an_error() {
        let err = text_tokens(b"a\nb\n", "v").unwrap_err();
        assert!(err.to_string().contains("<|endoftext|>"), "{err}");
    }
}
