//! Port of openai-whisper's `EnglishTextNormalizer` (whisper/normalizers/english.py, release
//! 20250625, MIT, Copyright (c) 2022 OpenAI): the text-level steps around the number and
//! spelling normalisers. This is the released form, identical to the copy in `transformers`
//! that faster-whisper's WER benchmark uses; later commits on whisper's main branch (attaching
//! "$ 5" and "5 %", "half a million") are deliberately not ported, so figures stay comparable.

use std::sync::LazyLock;

use regex::Regex;

use crate::boundary::WordPattern;
use crate::text::{PY_SPACE, remove_symbols_and_diacritics};
use crate::{numbers, spelling};

/// Compiles a pattern written in this file; a failure is a defect of this crate, caught by tests.
pub(crate) fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("switchboard-wer pattern {pattern:?}: {e}"))
}

/// Compiles a pattern after putting Python's whitespace class in place of `{S}`.
pub(crate) fn compile_py(pattern: &str) -> Regex {
    compile(&pattern.replace("{S}", PY_SPACE))
}

static BRACKETS: LazyLock<Regex> = LazyLock::new(|| compile(r"[<\[][^>\]]*[>\]]"));
static PARENTHESES: LazyLock<Regex> = LazyLock::new(|| compile(r"\(([^)]+?)\)"));
static FILLERS: LazyLock<WordPattern> =
    LazyLock::new(|| WordPattern::new(&["hmm", "mm", "mhm", "mmm", "uh", "um"], true, true));
static SPACE_APOSTROPHE: LazyLock<Regex> = LazyLock::new(|| compile_py(r"{S}+'"));
static DIGIT_COMMA: LazyLock<Regex> = LazyLock::new(|| compile(r"(\d),(\d)"));
static PERIOD: LazyLock<Regex> = LazyLock::new(|| compile(r"\.([^0-9]|$)"));
static LONE_SYMBOL: LazyLock<Regex> = LazyLock::new(|| compile(r"[.$¢€£]([^0-9])"));
static LONE_PERCENT: LazyLock<Regex> = LazyLock::new(|| compile(r"([^0-9])%"));
static WHITESPACE: LazyLock<Regex> = LazyLock::new(|| compile_py(r"{S}+"));

/// Contractions, titles and perfect tenses, applied one after another in this order; `\b` is
/// Python's word boundary (see `boundary.rs`).
const REPLACERS: [(&str, &str); 49] = [
    (r"\bwon't\b", "will not"),
    (r"\bcan't\b", "can not"),
    (r"\blet's\b", "let us"),
    (r"\bain't\b", "aint"),
    (r"\by'all\b", "you all"),
    (r"\bwanna\b", "want to"),
    (r"\bgotta\b", "got to"),
    (r"\bgonna\b", "going to"),
    (r"\bi'ma\b", "i am going to"),
    (r"\bimma\b", "i am going to"),
    (r"\bwoulda\b", "would have"),
    (r"\bcoulda\b", "could have"),
    (r"\bshoulda\b", "should have"),
    (r"\bma'am\b", "madam"),
    (r"\bmr\b", "mister "),
    (r"\bmrs\b", "missus "),
    (r"\bst\b", "saint "),
    (r"\bdr\b", "doctor "),
    (r"\bprof\b", "professor "),
    (r"\bcapt\b", "captain "),
    (r"\bgov\b", "governor "),
    (r"\bald\b", "alderman "),
    (r"\bgen\b", "general "),
    (r"\bsen\b", "senator "),
    (r"\brep\b", "representative "),
    (r"\bpres\b", "president "),
    (r"\brev\b", "reverend "),
    (r"\bhon\b", "honorable "),
    (r"\basst\b", "assistant "),
    (r"\bassoc\b", "associate "),
    (r"\blt\b", "lieutenant "),
    (r"\bcol\b", "colonel "),
    (r"\bjr\b", "junior "),
    (r"\bsr\b", "senior "),
    (r"\besq\b", "esquire "),
    (r"'d been\b", " had been"),
    (r"'s been\b", " has been"),
    (r"'d gone\b", " had gone"),
    (r"'s gone\b", " has gone"),
    (r"'d done\b", " had done"),
    (r"'s got\b", " has got"),
    (r"n't\b", " not"),
    (r"'re\b", " are"),
    (r"'s\b", " is"),
    (r"'d\b", " would"),
    (r"'ll\b", " will"),
    (r"'t\b", " not"),
    (r"'ve\b", " have"),
    (r"'m\b", " am"),
];

static COMPILED_REPLACERS: LazyLock<Vec<(WordPattern, &'static str)>> = LazyLock::new(|| {
    REPLACERS
        .iter()
        .map(|&(pattern, with)| (WordPattern::python(pattern), with))
        .collect()
});

/// Characters that survive symbol removal because the number normaliser reads them.
const NUMERIC_SYMBOLS: [char; 6] = ['.', '%', '$', '¢', '€', '£'];

/// Whisper's `EnglishTextNormalizer` exactly, kept public so figures can also be reported without
/// digit splitting, the way faster-whisper's own WER benchmark reports them.
pub fn whisper_normalize(text: &str) -> String {
    let mut s = text.to_lowercase();
    s = BRACKETS.replace_all(&s, "").into_owned();
    s = PARENTHESES.replace_all(&s, "").into_owned();
    s = FILLERS.replace_all(&s, "").unwrap_or(s);
    s = SPACE_APOSTROPHE.replace_all(&s, "'").into_owned();
    for (pattern, with) in COMPILED_REPLACERS.iter() {
        if let Some(replaced) = pattern.replace_all(&s, with) {
            s = replaced;
        }
    }
    s = DIGIT_COMMA.replace_all(&s, "${1}${2}").into_owned();
    s = PERIOD.replace_all(&s, " ${1}").into_owned();
    s = remove_symbols_and_diacritics(&s, &NUMERIC_SYMBOLS);

    s = numbers::normalize(&s);
    s = spelling::americanize(&s);

    s = LONE_SYMBOL.replace_all(&s, " ${1}").into_owned();
    s = LONE_PERCENT.replace_all(&s, "${1} ").into_owned();
    WHITESPACE.replace_all(&s, " ").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(COMPILED_REPLACERS.len(), 49);
        for pattern in [
            &BRACKETS,
            &PARENTHESES,
            &SPACE_APOSTROPHE,
            &DIGIT_COMMA,
            &PERIOD,
        ] {
            LazyLock::force(pattern);
        }
        for pattern in [&LONE_SYMBOL, &LONE_PERCENT, &WHITESPACE] {
            LazyLock::force(pattern);
        }
    }

    #[test]
    fn removes_annotations_and_fillers() {
        assert_eq!(
            whisper_normalize("Um, [noise] I (cough) think <unk> so."),
            "i think so"
        );
    }

    #[test]
    fn expands_contractions_in_order() {
        assert_eq!(
            whisper_normalize("I won't, she's been, they'd"),
            "i will not she has been they would"
        );
    }
}
