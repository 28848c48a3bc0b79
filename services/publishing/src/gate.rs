//! The regression gate ("winner model"): a new version is scored beside the one serving on the
//! same tests, and refused if it loses more than the bot's policy allows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchboard_bots::GatePolicy;
use switchboard_chat::LoadedBot;
use switchboard_embeddings::Embedder;

use crate::PublishError;

/// One test: a phrasing and the intent it must be answered with.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    pub text: String,
    pub intent: String,
}

/// How one intent's own tests fared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntentScore {
    pub intent: String,
    pub tests: usize,
    /// Right with the version serving (absent for a first version).
    pub before: Option<usize>,
    pub after: usize,
    /// Tests right before and wrong after.
    pub lost: usize,
}

/// What the gate measured and decided; stored with the version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateReport {
    pub tests: usize,
    /// Accuracy of the version serving on the same tests (absent for a first version).
    pub accuracy_before: Option<f64>,
    pub accuracy_after: f64,
    pub max_accuracy_drop: f32,
    pub max_intent_drop: f32,
    /// Sorted by intent name.
    pub intents: Vec<IntentScore>,
    pub passed: bool,
    /// Why it failed, one line per breach (empty when it passed).
    pub reasons: Vec<String>,
}

/// The intent each bot answers each test with, embedded once for both.
pub fn run(
    tests: &[TestCase],
    before: Option<&LoadedBot>,
    after: &LoadedBot,
    embedder: &dyn Embedder,
    policy: &GatePolicy,
) -> Result<GateReport, PublishError> {
    let mut right_before = vec![false; tests.len()];
    let mut right_after = vec![false; tests.len()];
    for (start, chunk) in tests.chunks(256).enumerate().map(|(i, c)| (i * 256, c)) {
        let texts: Vec<&str> = chunk.iter().map(|t| t.text.as_str()).collect();
        let vectors = embedder.embed(&texts).map_err(|e| PublishError::Build {
            bot: after.definition.name.clone(),
            reason: format!("embedding the tests: {e}"),
        })?;
        for (j, (t, v)) in chunk.iter().zip(&vectors).enumerate() {
            right_after[start + j] = after.answers_with(&t.text, v) == Some(t.intent.as_str());
            if let Some(b) = before {
                right_before[start + j] = b.answers_with(&t.text, v) == Some(t.intent.as_str());
            }
        }
    }
    Ok(judge(
        tests,
        before.map(|_| right_before.as_slice()),
        &right_after,
        policy,
    ))
}

/// Scores and decides from which tests each version got right.
pub fn judge(
    tests: &[TestCase],
    right_before: Option<&[bool]>,
    right_after: &[bool],
    policy: &GatePolicy,
) -> GateReport {
    let mut per: BTreeMap<&str, IntentScore> = BTreeMap::new();
    for (i, t) in tests.iter().enumerate() {
        let s = per.entry(&t.intent).or_insert_with(|| IntentScore {
            intent: t.intent.clone(),
            tests: 0,
            before: right_before.map(|_| 0),
            after: 0,
            lost: 0,
        });
        s.tests += 1;
        let before = right_before.is_some_and(|r| r[i]);
        if let Some(b) = s.before.as_mut() {
            *b += usize::from(before);
        }
        s.after += usize::from(right_after[i]);
        s.lost += usize::from(before && !right_after[i]);
    }
    let share = |n: usize| {
        if tests.is_empty() {
            1.0
        } else {
            n as f64 / tests.len() as f64
        }
    };
    let accuracy_after = share(right_after.iter().filter(|r| **r).count());
    let accuracy_before = right_before.map(|r| share(r.iter().filter(|x| **x).count()));
    let mut reasons = Vec::new();
    if let Some(before) = accuracy_before {
        let drop = before - accuracy_after;
        if drop > f64::from(policy.max_accuracy_drop) + 1e-9 {
            reasons.push(format!(
                "accuracy fell from {:.1} % to {:.1} % ({:.1} points; the gate allows {:.1})",
                before * 100.0,
                accuracy_after * 100.0,
                drop * 100.0,
                policy.max_accuracy_drop * 100.0
            ));
        }
    }
    let intents: Vec<IntentScore> = per.into_values().collect();
    for s in &intents {
        let lost_share = s.lost as f64 / s.tests as f64;
        if lost_share > f64::from(policy.max_intent_drop) + 1e-9 {
            reasons.push(format!(
                "intent {:?} lost {} of its {} tests ({:.0} %; the gate allows {:.0} %)",
                s.intent,
                s.lost,
                s.tests,
                lost_share * 100.0,
                policy.max_intent_drop * 100.0
            ));
        }
    }
    GateReport {
        tests: tests.len(),
        accuracy_before,
        accuracy_after,
        max_accuracy_drop: policy.max_accuracy_drop,
        max_intent_drop: policy.max_intent_drop,
        intents,
        passed: reasons.is_empty(),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cases(labels: &[&str]) -> Vec<TestCase> {
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| TestCase {
                text: format!("t{i}"),
                intent: l.to_string(),
            })
            .collect()
    }

    #[test]
    fn a_version_that_loses_more_than_allowed_is_refused_with_each_reason() {
        let tests = cases(&["a", "a", "a", "a", "b", "b", "b", "b", "b", "b"]);
        let before = [true; 10];
        let mut after = [true; 10];
        after[0] = false;
        after[1] = false;
        let report = judge(&tests, Some(&before), &after, &GatePolicy::default());
        assert!(!report.passed);
        assert_eq!(report.reasons.len(), 2, "{:?}", report.reasons);
        assert!(
            report.reasons[0].contains("from 100.0 % to 80.0 %"),
            "{:?}",
            report.reasons
        );
        assert!(
            report.reasons[1].contains("\"a\" lost 2 of its 4 tests"),
            "{:?}",
            report.reasons
        );
        let a = &report.intents[0];
        assert_eq!((a.tests, a.before, a.after, a.lost), (4, Some(4), 2, 2));
    }

    #[test]
    fn a_version_within_the_policy_passes() {
        let tests = cases(&["a", "a", "a", "a", "b", "b", "b", "b", "b", "b"]);
        let mut before = [true; 10];
        before[9] = false;
        let mut after = [true; 10];
        after[0] = false;
        let policy = GatePolicy {
            max_accuracy_drop: 0.0,
            max_intent_drop: 0.25,
        };
        let report = judge(&tests, Some(&before), &after, &policy);
        assert!(report.passed, "{:?}", report.reasons);
        assert_eq!(report.accuracy_before, Some(0.9));
        // A first version has nothing to lose against.
        let first = judge(&tests, None, &[false; 10], &policy);
        assert!(first.passed && first.accuracy_before.is_none());
    }
}
