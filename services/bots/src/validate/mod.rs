//! Semantic checks (Amazon Lex V2 limits, so a bot can later be published there) and assembly
//! of the plain [`BotDefinition`] once the files parse.

mod intents;

/// Lex V2 limits applied to utterances.
pub mod limits {
    pub use super::intents::{MAX_UTTERANCE_CHARS, MAX_UTTERANCES};
}

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde_saphyr::{Location, Spanned};

use crate::model::{
    BotDefinition, DEFAULT_KNOWLEDGE_MIN_SCORE, DEFAULT_MAX_IN_SCOPE_COST, FallbackPolicy,
    GatePolicy, MAX_IN_SCOPE_COST_LIMIT,
};
use crate::raw::{BotFile, GateFile, IntentFile};
use crate::report::{Problem, ValidationReport};
use crate::slots::builtin::BuiltinSlotType;
use crate::slots::{CustomSlotType, SlotTypeValue, SlotTypes};

/// Lex V2 intent, slot and slot-type names.
pub(crate) static NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$").expect("valid regex"));
static BOT_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$").expect("valid regex"));
static LOCALE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z]{2}_[A-Z]{2}$").expect("valid regex"));

/// A problem at a spanned YAML node.
pub(crate) fn at(file: &Path, loc: Location, message: impl Into<String>) -> Problem {
    Problem::at(file, loc.line(), loc.column(), message)
}

/// Case- and whitespace-insensitive form used to compare utterances and synonyms.
pub(crate) fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Runs every check; returns the definition when all files parsed (problems may still exist).
pub(crate) fn check(
    bot_path: &Path,
    bot: Option<BotFile>,
    intent_files: Vec<(PathBuf, IntentFile)>,
    report: &mut ValidationReport,
) -> Option<BotDefinition> {
    let slot_types = bot.as_ref().map(|b| check_slot_types(bot_path, b, report));
    let custom_names: Vec<String> = slot_types
        .as_ref()
        .map(|t| t.iter().map(|t| t.name.clone()).collect())
        .unwrap_or_default();
    let mut intents = intents::check_intents(&intent_files, &custom_names, report);
    let bot = bot?;
    let slot_types = slot_types?;
    let fallback = check_bot(bot_path, &bot, report);
    let gate = bot.gate.as_ref().map(|g| check_gate(bot_path, g, report));
    intents::check_tests(&intent_files, &intents, report);
    intents.sort_by(|a, b| a.name.cmp(&b.name));
    Some(BotDefinition {
        name: bot.name.value,
        locale: bot.locale.value,
        description: bot.description,
        greeting: bot.greeting,
        version: bot.version.value,
        intents,
        slot_types,
        fallback,
        gate,
    })
}

fn check_gate(path: &Path, gate: &GateFile, report: &mut ValidationReport) -> GatePolicy {
    for (key, v) in [
        ("max_accuracy_drop", &gate.max_accuracy_drop),
        ("max_intent_drop", &gate.max_intent_drop),
    ] {
        if !(0.0..=1.0).contains(&v.value) {
            report.push(at(
                path,
                v.referenced,
                format!(
                    "gate.{key} {} is outside 0..1 (it is a share: 0.01 = 1 point)",
                    v.value
                ),
            ));
        }
    }
    GatePolicy {
        max_accuracy_drop: gate.max_accuracy_drop.value,
        max_intent_drop: gate.max_intent_drop.value,
    }
}

fn check_bot(path: &Path, bot: &BotFile, report: &mut ValidationReport) -> FallbackPolicy {
    if !BOT_NAME.is_match(&bot.name.value) {
        report.push(at(path, bot.name.referenced, format!(
            "bad bot name '{}': use 1-100 letters, digits, '_' or '-', starting with a letter or digit",
            bot.name.value
        )));
    }
    if !LOCALE.is_match(&bot.locale.value) {
        report.push(at(
            path,
            bot.locale.referenced,
            format!(
                "bad locale '{}': use a Lex locale such as en_GB or en_US",
                bot.locale.value
            ),
        ));
    }
    if bot.version.value == 0 {
        report.push(at(
            path,
            bot.version.referenced,
            "version must be 1 or more",
        ));
    }
    let Some(fb) = &bot.fallback else {
        return FallbackPolicy::default();
    };
    let threshold = fb.confidence_threshold.value;
    if !(0.0..=1.0).contains(&threshold) {
        report.push(at(
            path,
            fb.confidence_threshold.referenced,
            format!("confidence_threshold {threshold} is outside 0..1"),
        ));
    }
    let cost = fb.max_in_scope_cost.as_ref();
    if let Some(c) = cost.filter(|c| !(0.0..=MAX_IN_SCOPE_COST_LIMIT).contains(&c.value)) {
        report.push(at(
            path,
            c.referenced,
            format!(
                "max_in_scope_cost {} is outside 0..{MAX_IN_SCOPE_COST_LIMIT} (it is a share: 0.02 = 2 %)",
                c.value
            ),
        ));
    }
    let min_score = fb.knowledge_min_score.as_ref();
    if let Some(s) = min_score.filter(|s| !(0.0..=1.0).contains(&s.value)) {
        report.push(at(
            path,
            s.referenced,
            format!("knowledge_min_score {} is outside 0..1", s.value),
        ));
    }
    if fb.handoff_message.value.trim().is_empty() {
        report.push(at(
            path,
            fb.handoff_message.referenced,
            "handoff_message is empty",
        ));
    }
    FallbackPolicy {
        confidence_threshold: threshold,
        max_in_scope_cost: cost.map_or(DEFAULT_MAX_IN_SCOPE_COST, |c| c.value),
        knowledge_fallback: fb.knowledge_fallback,
        knowledge_min_score: min_score.map_or(DEFAULT_KNOWLEDGE_MIN_SCORE, |s| s.value),
        handoff_message: fb.handoff_message.value.clone(),
    }
}

fn check_slot_types(path: &Path, bot: &BotFile, report: &mut ValidationReport) -> SlotTypes {
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut types = Vec::new();
    for t in &bot.slot_types {
        let name = t.name.value.as_str();
        if !NAME.is_match(name) {
            report.push(at(path, t.name.referenced, bad_name("slot type", name)));
        }
        if BuiltinSlotType::from_name(name).is_some() {
            report.push(at(
                path,
                t.name.referenced,
                format!("slot type '{name}' has the name of a built-in type: pick another name"),
            ));
        }
        if let Some(line) = seen.insert(name, t.name.referenced.line()) {
            report.push(at(
                path,
                t.name.referenced,
                format!("duplicate slot type '{name}' (first defined at line {line})"),
            ));
        }
        if t.values.value.is_empty() {
            report.push(at(
                path,
                t.values.referenced,
                format!("slot type '{name}' has no values"),
            ));
        }
        let mut phrases: HashMap<String, (String, u64)> = HashMap::new();
        let mut values = Vec::new();
        for v in &t.values.value {
            for p in std::iter::once(&v.value).chain(&v.synonyms) {
                let key = normalise(&p.value);
                if key.is_empty() {
                    report.push(at(
                        path,
                        p.referenced,
                        format!("empty value or synonym in slot type '{name}'"),
                    ));
                    continue;
                }
                match phrases.get(&key) {
                    Some((other, line)) => {
                        report.push(at(path, p.referenced, format!(
                            "'{}' in slot type '{name}' is already used for value '{other}' at line {line}",
                            p.value
                        )));
                    }
                    None => {
                        phrases.insert(key, (v.value.value.clone(), p.referenced.line()));
                    }
                }
            }
            values.push(SlotTypeValue {
                value: v.value.value.clone(),
                synonyms: v
                    .synonyms
                    .iter()
                    .map(|s: &Spanned<String>| s.value.clone())
                    .collect(),
            });
        }
        types.push(CustomSlotType {
            name: name.to_string(),
            values,
        });
    }
    SlotTypes::new(types)
}

/// Whether Lex would take `name` for an intent, slot or slot type (letters, digits, `_`).
pub fn is_valid_name(name: &str) -> bool {
    NAME.is_match(name)
}

/// The message for a name that Lex would reject.
pub(crate) fn bad_name(what: &str, name: &str) -> String {
    format!("bad {what} name '{name}': use 1-100 letters, digits or '_', not starting with a digit")
}

#[cfg(test)]
mod tests;
