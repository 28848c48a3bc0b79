//! What changed between two versions of a bot, per intent: the bot history page shows it.

use std::collections::BTreeSet;

use switchboard_bots::{BotDefinition, Intent};

/// How one intent differs between two versions.
#[derive(Debug, Clone, PartialEq)]
pub struct IntentDiff {
    pub intent: String,
    pub change: Change,
    pub added_utterances: Vec<String>,
    pub removed_utterances: Vec<String>,
    pub added_responses: Vec<String>,
    pub removed_responses: Vec<String>,
}

/// Whether the intent is new, gone, or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl Change {
    /// Stable lowercase name for the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// Intents that differ from `from` to `to`, sorted by name; unchanged ones are left out.
pub fn diff(from: &BotDefinition, to: &BotDefinition) -> Vec<IntentDiff> {
    let names: BTreeSet<&str> = from
        .intents
        .iter()
        .chain(&to.intents)
        .map(|i| i.name.as_str())
        .collect();
    let empty = Intent {
        name: String::new(),
        utterances: vec![],
        slots: vec![],
        responses: vec![],
        follow_up: None,
        tests: vec![],
    };
    names
        .into_iter()
        .filter_map(|name| {
            let (a, b) = (from.intent(name), to.intent(name));
            let change = match (a, b) {
                (None, Some(_)) => Change::Added,
                (Some(_), None) => Change::Removed,
                _ => Change::Changed,
            };
            let (a, b) = (a.unwrap_or(&empty), b.unwrap_or(&empty));
            let d = IntentDiff {
                intent: name.to_string(),
                change,
                added_utterances: minus(&b.utterances, &a.utterances),
                removed_utterances: minus(&a.utterances, &b.utterances),
                added_responses: minus(&b.responses, &a.responses),
                removed_responses: minus(&a.responses, &b.responses),
            };
            let same = change == Change::Changed
                && d.added_utterances.is_empty()
                && d.removed_utterances.is_empty()
                && d.added_responses.is_empty()
                && d.removed_responses.is_empty();
            (!same).then_some(d)
        })
        .collect()
}

/// Items of `a` not in `b`, in `a`'s order.
fn minus(a: &[String], b: &[String]) -> Vec<String> {
    let b: BTreeSet<&str> = b.iter().map(String::as_str).collect();
    a.iter()
        .filter(|x| !b.contains(x.as_str()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bot(intents: &[(&str, &[&str], &[&str])]) -> BotDefinition {
        BotDefinition {
            name: "b".into(),
            locale: "en_GB".into(),
            description: String::new(),
            greeting: None,
            version: 1,
            intents: intents
                .iter()
                .map(|(n, u, r)| Intent {
                    name: n.to_string(),
                    utterances: u.iter().map(|s| s.to_string()).collect(),
                    slots: vec![],
                    responses: r.iter().map(|s| s.to_string()).collect(),
                    follow_up: None,
                    tests: vec![],
                })
                .collect(),
            slot_types: Default::default(),
            fallback: Default::default(),
            gate: None,
        }
    }

    #[test]
    fn only_intents_that_changed_are_listed_with_what_changed() {
        let a = bot(&[
            ("greet", &["hi", "hello"], &["Hi!"]),
            ("bye", &["bye"], &["Bye"]),
        ]);
        let b = bot(&[
            ("greet", &["hi", "hello", "hey there"], &["Hello!"]),
            ("bye", &["bye"], &["Bye"]),
            ("metal_card", &["a metal card?"], &["Premium has one."]),
        ]);
        let d = diff(&a, &b);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(
            (d[0].intent.as_str(), d[0].change),
            ("greet", Change::Changed)
        );
        assert_eq!(d[0].added_utterances, ["hey there"]);
        assert_eq!(
            (
                d[0].added_responses.as_slice(),
                d[0].removed_responses.as_slice()
            ),
            (&["Hello!".to_string()][..], &["Hi!".to_string()][..])
        );
        assert_eq!(
            (d[1].intent.as_str(), d[1].change),
            ("metal_card", Change::Added)
        );
        let back = diff(&b, &a);
        assert_eq!(back[1].change, Change::Removed);
        assert_eq!(back[1].removed_utterances, ["a metal card?"]);
    }
}
