//! The YAML files as written, with source positions kept for validation messages.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// `bot-definitions/<bot>/bot.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BotFile {
    pub name: Spanned<String>,
    pub locale: Spanned<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub greeting: Option<String>,
    pub version: Spanned<u32>,
    #[serde(default)]
    pub fallback: Option<FallbackFile>,
    #[serde(default)]
    pub slot_types: Vec<SlotTypeFile>,
    #[serde(default)]
    pub gate: Option<GateFile>,
}

/// `gate:` in bot.yaml: what a new version may lose on the tests.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GateFile {
    pub max_accuracy_drop: Spanned<f32>,
    pub max_intent_drop: Spanned<f32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FallbackFile {
    pub confidence_threshold: Spanned<f32>,
    #[serde(default)]
    pub max_in_scope_cost: Option<Spanned<f32>>,
    #[serde(default = "yes")]
    pub knowledge_fallback: bool,
    #[serde(default)]
    pub knowledge_min_score: Option<Spanned<f32>>,
    pub handoff_message: Spanned<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlotTypeFile {
    pub name: Spanned<String>,
    pub values: Spanned<Vec<SlotTypeValueFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlotTypeValueFile {
    pub value: Spanned<String>,
    #[serde(default)]
    pub synonyms: Vec<Spanned<String>>,
}

/// `bot-definitions/<bot>/intents/<intent>.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IntentFile {
    pub name: Spanned<String>,
    #[serde(default)]
    pub utterances: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub slots: Vec<SlotFile>,
    #[serde(default)]
    pub responses: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub follow_up: Option<Spanned<String>>,
    /// Held-out phrasings for the regression gate, never trained on.
    #[serde(default)]
    pub tests: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlotFile {
    pub name: Spanned<String>,
    #[serde(rename = "type")]
    pub slot_type: Spanned<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub prompt: Option<Spanned<String>>,
}
