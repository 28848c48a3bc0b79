//! The port against the original: every case's expected output was produced by openai-whisper's
//! Python `EnglishTextNormalizer` (release 20250625) via `tests/fixtures/make_whisper_cases.py`.

use wer::whisper_normalize;

#[test]
fn matches_python_whisper_normalizer() {
    let cases = include_str!("fixtures/whisper_english_cases.jsonl");
    let mut failures = Vec::new();
    let mut count = 0;
    for (line_number, line) in cases.lines().enumerate() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| {
            panic!("whisper_english_cases.jsonl line {}: {e}", line_number + 1)
        });
        let (Some(input), Some(expected)) = (case["input"].as_str(), case["expected"].as_str())
        else {
            panic!(
                "whisper_english_cases.jsonl line {}: needs string input and expected",
                line_number + 1
            );
        };
        count += 1;
        let got = whisper_normalize(input);
        if got != expected {
            failures.push(format!(
                "line {}: {input:?}\n  python: {expected:?}\n  rust:   {got:?}",
                line_number + 1
            ));
        }
    }
    assert!(count >= 600, "fixture holds only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
