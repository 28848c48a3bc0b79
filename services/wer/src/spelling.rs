//! British → American spellings, so "colour" and "color" are the same word when scoring.
//!
//! `english.json` is taken unchanged from openai-whisper (`whisper/normalizers/english.json`,
//! release 20250625), which compiled it from <https://www.tysto.com/uk-us-spelling-list.html>.
//! openai-whisper is MIT licensed:
//!
//! > MIT License. Copyright (c) 2022 OpenAI. Permission is hereby granted, free of charge, to any
//! > person obtaining a copy of this software and associated documentation files (the
//! > "Software"), to deal in the Software without restriction, including without limitation the
//! > rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
//! > the Software, and to permit persons to whom the Software is furnished to do so, subject to
//! > the following conditions: The above copyright notice and this permission notice shall be
//! > included in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED
//! > "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
//! > WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
//! > EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
//! > LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
//! > CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::text::py_split;

/// British spelling → American spelling, parsed once from the embedded file.
static MAPPING: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    // The file ships inside the crate and a test parses it, so failure here is a build defect.
    serde_json::from_str(include_str!("english.json"))
        .expect("english.json embedded in switchboard-wer is a flat JSON object of strings")
});

/// Whisper's `EnglishSpellingNormalizer`: each whitespace-separated word is looked up whole.
pub(crate) fn americanize(s: &str) -> String {
    let words: Vec<&str> = py_split(s)
        .map(|word| MAPPING.get(word).copied().unwrap_or(word))
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_mapping_loads_whole() {
        assert_eq!(MAPPING.len(), 1739);
        assert_eq!(MAPPING.get("colour"), Some(&"color"));
    }

    #[test]
    fn maps_whole_words_only() {
        assert_eq!(
            americanize("the  colour\tof  colourful"),
            "the color of colorful"
        );
        assert_eq!(americanize("colours"), "colors");
        assert_eq!(americanize("recolourx"), "recolourx");
    }
}
