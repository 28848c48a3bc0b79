//! Writing a definition back as the YAML files it is authored in, so a version built by the
//! improvement loop diffs in git and loads (and validates) exactly like a hand-written one.

use std::path::Path;

use serde::Serialize;

use crate::load::{BOT_FILE, INTENTS_DIR};
use crate::model::{BotDefinition, FallbackPolicy, GatePolicy, Intent};

/// Says where the files came from, so nobody edits one expecting it to stay.
const HEADER: &str =
    "# Exported by Switchboard from a stored version; `switchboard bot import` reads it back.\n";

#[derive(Serialize)]
struct BotOut<'a> {
    name: &'a str,
    locale: &'a str,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    greeting: Option<&'a str>,
    version: u32,
    fallback: &'a FallbackPolicy,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    slot_types: Vec<SlotTypeOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<&'a GatePolicy>,
}

#[derive(Serialize)]
struct SlotTypeOut<'a> {
    name: &'a str,
    values: Vec<SlotValueOut<'a>>,
}

#[derive(Serialize)]
struct SlotValueOut<'a> {
    value: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    synonyms: &'a Vec<String>,
}

#[derive(Serialize)]
struct IntentOut<'a> {
    name: &'a str,
    utterances: &'a Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    slots: Vec<SlotOut<'a>>,
    responses: &'a Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    follow_up: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tests: &'a Vec<String>,
}

#[derive(Serialize)]
struct SlotOut<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    slot_type: &'a str,
    required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt: Option<&'a str>,
}

/// The text of `bot.yaml` for a definition.
pub fn bot_yaml(def: &BotDefinition) -> String {
    let out = BotOut {
        name: &def.name,
        locale: &def.locale,
        description: &def.description,
        greeting: def.greeting.as_deref(),
        version: def.version,
        fallback: &def.fallback,
        slot_types: def
            .slot_types
            .iter()
            .map(|t| SlotTypeOut {
                name: &t.name,
                values: t
                    .values
                    .iter()
                    .map(|v| SlotValueOut {
                        value: &v.value,
                        synonyms: &v.synonyms,
                    })
                    .collect(),
            })
            .collect(),
        gate: def.gate.as_ref(),
    };
    to_yaml(&out)
}

/// The text of `intents/<name>.yaml` for one intent.
pub fn intent_yaml(intent: &Intent) -> String {
    let out = IntentOut {
        name: &intent.name,
        utterances: &intent.utterances,
        slots: intent
            .slots
            .iter()
            .map(|s| SlotOut {
                name: &s.name,
                slot_type: s.slot_type.name(),
                required: s.required,
                prompt: s.prompt.as_deref(),
            })
            .collect(),
        responses: &intent.responses,
        follow_up: intent.follow_up.as_deref(),
        tests: &intent.tests,
    };
    to_yaml(&out)
}

fn to_yaml<T: Serialize>(value: &T) -> String {
    // Plain structs of strings, numbers and lists always serialise.
    let body = serde_saphyr::to_string(value).unwrap_or_default();
    format!("{HEADER}{body}")
}

/// Writes the definition into `dir` (bot.yaml and one file per intent), each file replaced
/// atomically, and removes intent files the definition no longer has.
pub fn export_bot(def: &BotDefinition, dir: &Path) -> std::io::Result<()> {
    let intents = dir.join(INTENTS_DIR);
    std::fs::create_dir_all(&intents)?;
    let mut keep = std::collections::HashSet::new();
    for intent in &def.intents {
        let file = format!("{}.yaml", intent.name);
        write_atomic(&intents.join(&file), &intent_yaml(intent))?;
        keep.insert(std::ffi::OsString::from(file));
    }
    for entry in std::fs::read_dir(&intents)? {
        let path = entry?.path();
        let stale = path.extension().is_some_and(|x| x == "yaml" || x == "yml")
            && path.file_name().is_some_and(|n| !keep.contains(n));
        if stale {
            std::fs::remove_file(&path)?;
        }
    }
    // bot.yaml last: its version says the intents beside it are complete.
    write_atomic(&dir.join(BOT_FILE), &bot_yaml(def))
}

fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("yaml.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_bot_survives_export_and_reload_unchanged() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bot-definitions/banking");
        let mut def = crate::load_bot(&root).expect("sample bot is valid");
        def.intents[0].tests = vec!["a phrasing kept for the gate".into()];
        def.gate = Some(GatePolicy::default());
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("banking");
        std::fs::create_dir_all(dir.join(INTENTS_DIR)).expect("mkdir");
        std::fs::write(dir.join(INTENTS_DIR).join("gone.yaml"), "name: gone\n").expect("write");
        export_bot(&def, &dir).expect("export");
        let back = crate::load_bot(&dir).expect("exported bot loads");
        assert_eq!(back, def);
        assert_eq!(back.checksum(), def.checksum());
        assert!(!dir.join(INTENTS_DIR).join("gone.yaml").exists());
    }
}
