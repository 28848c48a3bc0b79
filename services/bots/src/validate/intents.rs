//! Checks on intent files: names, utterances (Lex limits, duplicates), slots and templates.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_saphyr::Spanned;

use super::{NAME, at, bad_name, normalise};
use crate::model::{Intent, SlotDef, SlotTypeRef};
use crate::raw::IntentFile;
use crate::render::placeholders;
use crate::report::ValidationReport;
use crate::slots::builtin::BuiltinSlotType;

/// Lex V2: sample utterances per intent.
pub const MAX_UTTERANCES: usize = 1500;
/// Lex V2: characters per sample utterance.
pub const MAX_UTTERANCE_CHARS: usize = 500;

/// Where an utterance was first seen, to name both places of a duplicate.
struct Seen<'a> {
    intent: &'a str,
    file: &'a Path,
    line: u64,
}

pub(super) fn check_intents(
    files: &[(PathBuf, IntentFile)],
    custom_types: &[String],
    report: &mut ValidationReport,
) -> Vec<Intent> {
    let mut names: HashMap<&str, (&Path, u64)> = HashMap::new();
    let mut utterances: HashMap<String, Seen<'_>> = HashMap::new();
    let mut intents = Vec::new();
    for (path, f) in files {
        let name = f.name.value.as_str();
        if !NAME.is_match(name) {
            report.push(at(path, f.name.referenced, bad_name("intent", name)));
        }
        if let Some((other, line)) = names.insert(name, (path, f.name.referenced.line())) {
            report.push(at(
                path,
                f.name.referenced,
                format!(
                    "duplicate intent name '{name}': also defined in {}:{line}",
                    other.display()
                ),
            ));
        }
        check_utterances(path, f, &mut utterances, report);
        let slots = check_slots(path, f, custom_types, report);
        check_templates(path, f, &slots, report);
        intents.push(Intent {
            name: name.to_string(),
            utterances: values(&f.utterances),
            slots,
            responses: values(&f.responses),
            follow_up: f.follow_up.as_ref().map(|s| s.value.clone()),
            tests: values(&f.tests),
        });
    }
    intents
}

fn values(list: &Option<Spanned<Vec<Spanned<String>>>>) -> Vec<String> {
    list.iter()
        .flat_map(|l| l.value.iter().map(|s| s.value.clone()))
        .collect()
}

fn check_utterances<'a>(
    path: &'a Path,
    f: &'a IntentFile,
    seen: &mut HashMap<String, Seen<'a>>,
    report: &mut ValidationReport,
) {
    let intent = f.name.value.as_str();
    let list = match &f.utterances {
        Some(l) if !l.value.is_empty() => l,
        Some(l) => {
            report.push(at(
                path,
                l.referenced,
                format!("intent '{intent}' has no utterances"),
            ));
            return;
        }
        None => {
            report.push(at(
                path,
                f.name.referenced,
                format!("intent '{intent}' has no utterances: add an 'utterances:' list"),
            ));
            return;
        }
    };
    if list.value.len() > MAX_UTTERANCES {
        report.push(at(
            path,
            list.referenced,
            format!(
                "intent '{intent}' has {} utterances; Lex allows at most {MAX_UTTERANCES}",
                list.value.len()
            ),
        ));
    }
    for u in &list.value {
        let text = u.value.trim();
        let chars = text.chars().count();
        if chars == 0 {
            report.push(at(path, u.referenced, "empty utterance"));
            continue;
        }
        if chars == 1 {
            report.push(at(
                path,
                u.referenced,
                format!("utterance '{text}' is 1 character long; utterances need at least 2"),
            ));
        }
        if chars > MAX_UTTERANCE_CHARS {
            report.push(at(
                path,
                u.referenced,
                format!(
                    "utterance is {chars} characters long; Lex allows at most {MAX_UTTERANCE_CHARS}"
                ),
            ));
        }
        let line = u.referenced.line();
        match seen.get(&normalise(text)) {
            Some(first) if first.intent == intent && first.file == path => {
                report.push(at(
                    path,
                    u.referenced,
                    format!(
                        "duplicate utterance '{text}' in intent '{intent}' (first at line {})",
                        first.line
                    ),
                ));
            }
            Some(first) => {
                report.push(at(
                    path,
                    u.referenced,
                    format!(
                        "duplicate utterance '{text}': also in intent '{}' at {}:{}",
                        first.intent,
                        first.file.display(),
                        first.line
                    ),
                ));
            }
            None => {
                seen.insert(
                    normalise(text),
                    Seen {
                        intent,
                        file: path,
                        line,
                    },
                );
            }
        }
    }
}

/// Test phrasings: within Lex's length, not empty, and never a training utterance of any
/// intent (a test the model trained on measures nothing).
pub(super) fn check_tests(
    files: &[(PathBuf, IntentFile)],
    intents: &[Intent],
    report: &mut ValidationReport,
) {
    let trained: HashMap<String, &str> = intents
        .iter()
        .flat_map(|i| i.utterances.iter().map(|u| (normalise(u), i.name.as_str())))
        .collect();
    for (path, f) in files {
        let Some(list) = &f.tests else { continue };
        let mut seen: HashMap<String, u64> = HashMap::new();
        for t in &list.value {
            let text = t.value.trim();
            let chars = text.chars().count();
            if chars == 0 {
                report.push(at(path, t.referenced, "empty test utterance"));
                continue;
            }
            if chars > MAX_UTTERANCE_CHARS {
                report.push(at(path, t.referenced, format!(
                    "test utterance is {chars} characters long; Lex allows at most {MAX_UTTERANCE_CHARS}"
                )));
            }
            let key = normalise(text);
            if let Some(intent) = trained.get(&key) {
                report.push(at(path, t.referenced, format!(
                    "test utterance '{text}' is also a training utterance of intent '{intent}': tests must be held out"
                )));
            }
            if let Some(line) = seen.insert(key, t.referenced.line()) {
                report.push(at(
                    path,
                    t.referenced,
                    format!("duplicate test utterance '{text}' (first at line {line})"),
                ));
            }
        }
    }
}

fn check_slots(
    path: &Path,
    f: &IntentFile,
    custom_types: &[String],
    report: &mut ValidationReport,
) -> Vec<SlotDef> {
    let intent = f.name.value.as_str();
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut slots = Vec::new();
    for s in &f.slots {
        let name = s.name.value.as_str();
        if !NAME.is_match(name) {
            report.push(at(path, s.name.referenced, bad_name("slot", name)));
        }
        if let Some(line) = seen.insert(name, s.name.referenced.line()) {
            report.push(at(
                path,
                s.name.referenced,
                format!("duplicate slot '{name}' in intent '{intent}' (first at line {line})"),
            ));
        }
        let type_name = s.slot_type.value.as_str();
        let known = BuiltinSlotType::from_name(type_name).is_some()
            || custom_types.iter().any(|c| c == type_name);
        if !known {
            let builtin: Vec<&str> = BuiltinSlotType::ALL.iter().map(|b| b.name()).collect();
            let custom = if custom_types.is_empty() {
                "none declared in bot.yaml".to_string()
            } else {
                custom_types.join(", ")
            };
            report.push(at(path, s.slot_type.referenced, format!(
                "unknown slot type '{type_name}' for slot '{name}' (built-in: {}; custom: {custom})",
                builtin.join(", ")
            )));
        }
        let prompt = s.prompt.as_ref().map(|p| p.value.clone());
        if s.required && prompt.as_deref().is_none_or(|p| p.trim().is_empty()) {
            report.push(at(
                path,
                s.name.referenced,
                format!(
                    "required slot '{name}' has no prompt: add 'prompt:' with the question to ask"
                ),
            ));
        }
        slots.push(SlotDef {
            name: name.to_string(),
            slot_type: SlotTypeRef::from(type_name.to_string()),
            required: s.required,
            prompt,
        });
    }
    slots
}

fn check_templates(path: &Path, f: &IntentFile, slots: &[SlotDef], report: &mut ValidationReport) {
    let intent = f.name.value.as_str();
    match &f.responses {
        Some(r) if r.value.is_empty() => {
            report.push(at(
                path,
                r.referenced,
                format!("intent '{intent}' has no responses"),
            ));
        }
        None => report.push(at(
            path,
            f.name.referenced,
            format!("intent '{intent}' has no responses: add a 'responses:' list"),
        )),
        Some(_) => {}
    }
    let responses = f
        .responses
        .iter()
        .flat_map(|r| r.value.iter().map(|t| ("response", t)));
    let prompts = f
        .slots
        .iter()
        .filter_map(|s| s.prompt.as_ref())
        .map(|p| ("prompt", p));
    let follow_up = f.follow_up.iter().map(|t| ("follow_up", t));
    for (what, t) in responses.chain(prompts).chain(follow_up) {
        if t.value.trim().is_empty() {
            report.push(at(
                path,
                t.referenced,
                format!("empty {what} in intent '{intent}'"),
            ));
            continue;
        }
        match placeholders(&t.value) {
            Err(e) => report.push(at(path, t.referenced, format!("bad {what} template: {e}"))),
            Ok(names) => {
                for n in names
                    .into_iter()
                    .filter(|n| !slots.iter().any(|s| s.name == *n))
                {
                    report.push(at(
                        path,
                        t.referenced,
                        format!(
                            "{what} uses '{{{n}}}' but intent '{intent}' declares no slot '{n}'"
                        ),
                    ));
                }
            }
        }
    }
}
