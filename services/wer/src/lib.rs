//! Word error rate scored the way the Whisper paper scores it, so `switchboard eval asr` figures
//! can be set beside faster-whisper's: both sides go through a faithful port of openai-whisper's
//! `EnglishTextNormalizer` (numbers to digits, British to American spelling, fillers, bracketed
//! annotations and punctuation removed, contractions expanded), then every digit becomes a word
//! of its own, then the words are aligned by Levenshtein distance.
//!
//! The normaliser ports openai-whisper release 20250625 (MIT, Copyright (c) 2022 OpenAI), the
//! form `transformers` copies and faster-whisper's WER benchmark uses; its outputs are checked
//! against the Python original in `tests/whisper_reference.rs`. One known difference remains: a
//! zero-width joiner (U+200C/U+200D) touching a digit counts as a word character for the `regex`
//! crate's `\b` but not for Python's, which changes "1\u{200d}" → "one\u{200d}" and "5 s\u{200d}"
//! → "5s\u{200d}" in Python only.

mod align;
mod boundary;
mod digits;
mod english;
mod numbers;
mod spelling;
mod text;

pub use align::{Score, score, score_normalized};
pub use digits::split_digits;
pub use english::whisper_normalize;

/// Whisper's English normaliser followed by digit splitting: the form both sides are scored in.
pub fn normalize(text: &str) -> String {
    split_digits(&whisper_normalize(text))
}

#[cfg(test)]
mod tests;
