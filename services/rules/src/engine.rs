//! Following one call: each final segment is checked against the rule set as it arrives.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::{Condition, Rule, RuleSet, Severity};

/// What the engine needs of a final segment (its text already redacted).
#[derive(Debug, Clone, Copy)]
pub struct Turn<'a> {
    /// "customer" or "agent".
    pub speaker: &'a str,
    /// Start and end, in ms from the start of the call's audio.
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: &'a str,
    /// The segment's sentiment score (−1 … 1), when it was scored.
    pub sentiment: Option<f32>,
}

/// A rule that matched, with what to show a supervisor.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleHit {
    pub rule: String,
    pub category: String,
    /// `Some` when the rule raises an alert.
    pub alert: Option<Severity>,
    /// Why it matched, in words ("customer said \"speak to a manager\"").
    pub reason: String,
    /// The rule's description, for the alert card.
    pub description: String,
}

/// One call's progress through the rules (each call keeps the set it started with).
#[derive(Debug)]
pub struct CallRules {
    set: Arc<RuleSet>,
    fired: Vec<bool>,
    /// Consecutive low-sentiment segments per (rule, speaker).
    runs: HashMap<(usize, String), u32>,
    /// Latest end of any segment so far.
    heard_until: Option<u64>,
    /// Latest segment of each speaker: (start, end).
    last: HashMap<String, (u64, u64)>,
}

impl CallRules {
    /// Starts following a call under `set`.
    pub fn new(set: Arc<RuleSet>) -> Self {
        let fired = vec![false; set.rules.len()];
        Self {
            set,
            fired,
            runs: HashMap::new(),
            heard_until: None,
            last: HashMap::new(),
        }
    }

    /// Checks one final segment; returns the rules that matched for the first time on this call.
    pub fn observe(&mut self, turn: &Turn<'_>) -> Vec<RuleHit> {
        let silence = self
            .heard_until
            .map(|until| turn.start_ms.saturating_sub(until))
            .unwrap_or(0);
        let overlap = self
            .last
            .iter()
            .filter(|(speaker, _)| speaker.as_str() != turn.speaker)
            .map(|(_, &(start, end))| {
                let cut_in = turn.start_ms >= start;
                let ms = end
                    .min(turn.end_ms)
                    .saturating_sub(start.max(turn.start_ms));
                (ms, cut_in)
            })
            .max();
        let haystack = format!(" {} ", words(turn.text));
        let mut hits = Vec::new();
        for (i, rule) in self.set.rules.iter().enumerate() {
            let reason = match &rule.condition {
                Condition::SilenceOver { ms } => {
                    (silence > *ms).then(|| format!("{:.1} s of silence", silence as f64 / 1000.0))
                }
                Condition::OverlapOver { ms } => overlap.and_then(|(overlap, cut_in)| {
                    // The speaker filter names who cut in: the later starter.
                    let by = if cut_in {
                        turn.speaker
                    } else {
                        other(turn.speaker)
                    };
                    (overlap > *ms && speaks(rule, by))
                        .then(|| format!("{by} talked over for {:.1} s", overlap as f64 / 1000.0))
                }),
                _ if !speaks(rule, turn.speaker) => None,
                Condition::Phrases(phrases) => phrases
                    .iter()
                    .find(|p| haystack.contains(&format!(" {p} ")))
                    .map(|p| format!("{} said \"{p}\"", turn.speaker)),
                Condition::Pattern(re) => re
                    .find(turn.text)
                    .map(|m| format!("{} said \"{}\"", turn.speaker, m.as_str())),
                Condition::SentimentBelow { threshold, turns } => {
                    let run = self.runs.entry((i, turn.speaker.to_string())).or_default();
                    match turn.sentiment {
                        Some(score) if score < *threshold => *run += 1,
                        Some(_) => *run = 0,
                        None => {}
                    }
                    (*run >= *turns).then(|| {
                        format!(
                            "{} sentiment below {threshold} for {run} turn{}",
                            turn.speaker,
                            if *run == 1 { "" } else { "s" }
                        )
                    })
                }
            };
            if let Some(reason) = reason.filter(|_| !self.fired[i]) {
                self.fired[i] = true;
                hits.push(RuleHit {
                    rule: rule.name.clone(),
                    category: rule.category.clone(),
                    alert: rule.alert,
                    reason,
                    description: rule.description.clone(),
                });
            }
        }
        self.heard_until = Some(self.heard_until.unwrap_or(0).max(turn.end_ms));
        self.last
            .insert(turn.speaker.to_string(), (turn.start_ms, turn.end_ms));
        hits
    }
}

fn speaks(rule: &Rule, speaker: &str) -> bool {
    rule.speaker.as_deref().is_none_or(|s| s == speaker)
}

fn other(speaker: &str) -> &'static str {
    if speaker == "agent" {
        "customer"
    } else {
        "agent"
    }
}

/// Lowercase words joined by single spaces, punctuation dropped ("Can't — really?!" → "cant
/// really"), so phrases match however the recogniser punctuated them.
pub(crate) fn words(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|c| *c != '\'' && *c != '’')
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
