//! Precision and recall per kind on a labelled dialogue file: backs `switchboard eval redaction`.
//!
//! The file holds conversations (a line starting with `=` opens one), one turn per line as
//! `speaker: text`, with personal data marked `{kind:value}`; `#` starts a comment line.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{PiiKind, Redactor};

/// One labelled turn: the plain text and where its personal data lies.
#[derive(Debug, Clone)]
pub struct Turn {
    pub speaker: String,
    pub text: String,
    pub gold: Vec<(PiiKind, usize, usize)>,
}

/// A problem with the labelled file, with its line.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Format {
        path: String,
        line: usize,
        message: String,
    },
}

/// Reads a labelled file into conversations of turns.
pub fn load(path: &Path) -> Result<Vec<Vec<Turn>>, EvalError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: name.clone(),
        source,
    })?;
    parse(&text).map_err(|(line, message)| EvalError::Format {
        path: name,
        line,
        message,
    })
}

fn parse(text: &str) -> Result<Vec<Vec<Turn>>, (usize, String)> {
    let mut conversations: Vec<Vec<Turn>> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('=') {
            conversations.push(Vec::new());
            continue;
        }
        let (speaker, marked) = line
            .split_once(':')
            .ok_or((line_no, "expected `speaker: text`".to_string()))?;
        let turn = unmark(speaker.trim(), marked.trim()).map_err(|m| (line_no, m))?;
        match conversations.last_mut() {
            Some(c) => c.push(turn),
            None => conversations.push(vec![turn]),
        }
    }
    Ok(conversations)
}

/// Strips `{kind:value}` marks, recording where each value lies in the plain text.
fn unmark(speaker: &str, marked: &str) -> Result<Turn, String> {
    let mut text = String::new();
    let mut gold = Vec::new();
    let mut rest = marked;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find('}').ok_or("a `{` is never closed")? + open;
        let (kind, value) = rest[open + 1..close]
            .split_once(':')
            .ok_or("a mark must read {kind:value}")?;
        let kind: PiiKind = kind
            .trim()
            .parse()
            .map_err(|e: crate::UnknownKind| e.to_string())?;
        gold.push((kind, text.len(), text.len() + value.len()));
        text.push_str(value);
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    Ok(Turn {
        speaker: speaker.to_string(),
        text,
        gold,
    })
}

/// Counts for one kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindScore {
    /// Marked values of this kind.
    pub gold: usize,
    /// Marked values covered by a redaction of this kind.
    pub found: usize,
    /// Redactions of this kind.
    pub predicted: usize,
    /// Redactions of this kind that cover a marked value of this kind.
    pub correct: usize,
}

impl KindScore {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.gold)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Scores of a whole file.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub turns: usize,
    pub per_kind: BTreeMap<PiiKind, KindScore>,
    /// Every kind together.
    pub all: KindScore,
    /// Turns with nothing marked that the redactor changed anyway.
    pub untouched_changed: usize,
    pub untouched_turns: usize,
}

/// Redacts every conversation turn by turn and compares with the marks.
pub fn evaluate(redactor: &Redactor, conversations: &[Vec<Turn>]) -> Report {
    let mut report = Report::default();
    for conversation in conversations {
        let mut c = redactor.conversation();
        for turn in conversation {
            report.turns += 1;
            let found = c.spans(&turn.speaker, &turn.text);
            if turn.gold.is_empty() {
                report.untouched_turns += 1;
                report.untouched_changed += usize::from(!found.is_empty());
            }
            let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
            for &(kind, s, e) in &turn.gold {
                let hit = found
                    .iter()
                    .any(|f| f.kind == kind && overlaps((s, e), (f.start, f.end)));
                for score in [report.per_kind.entry(kind).or_default(), &mut report.all] {
                    score.gold += 1;
                    score.found += usize::from(hit);
                }
            }
            for f in &found {
                let hit = turn
                    .gold
                    .iter()
                    .any(|&(k, s, e)| k == f.kind && overlaps((s, e), (f.start, f.end)));
                for score in [report.per_kind.entry(f.kind).or_default(), &mut report.all] {
                    score.predicted += 1;
                    score.correct += usize::from(hit);
                }
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_stripped_and_scored() {
        let convs = parse("= a\nagent: Can I have your account number?\ncustomer: It's {bank_account:12345678}, order 5.\n").unwrap();
        assert_eq!(convs[0][1].text, "It's 12345678, order 5.");
        assert_eq!(convs[0][1].gold, vec![(PiiKind::BankAccount, 5, 13)]);
        let r = evaluate(&Redactor::default(), &convs);
        assert_eq!(
            r.all,
            KindScore {
                gold: 1,
                found: 1,
                predicted: 1,
                correct: 1
            }
        );
        assert_eq!((r.untouched_turns, r.untouched_changed), (1, 0));
    }

    #[test]
    fn a_bad_mark_names_its_line() {
        let err = parse("= a\nagent: fine\ncustomer: {passport:123}\n").unwrap_err();
        assert_eq!(err.0, 3);
        assert!(err.1.contains("unknown PII type \"passport\""), "{}", err.1);
        assert_eq!(
            parse("x: {card_number:1").unwrap_err().1,
            "a `{` is never closed"
        );
        assert_eq!(parse("no colon here").unwrap_err().0, 1);
    }
}
