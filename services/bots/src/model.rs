//! The validated, plain-Rust shape of a bot definition (what storage keeps per version).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::slots::SlotTypes;
use crate::slots::builtin::BuiltinSlotType;

/// A whole bot as loaded and validated; stored as JSON per version by the storage crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotDefinition {
    pub name: String,
    /// Lex-style locale, e.g. `en_GB`.
    pub locale: String,
    pub description: String,
    /// First thing the bot says in a new session; a generic greeting when absent.
    #[serde(default)]
    pub greeting: Option<String>,
    pub version: u32,
    /// Sorted by name so the serialisation (and so the checksum) does not depend on file order.
    pub intents: Vec<Intent>,
    pub slot_types: SlotTypes,
    pub fallback: FallbackPolicy,
    /// How much a new version may lose on the bot's tests before it is refused; the defaults
    /// when absent (absent is not serialised, so older stored checksums still match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<GatePolicy>,
}

impl BotDefinition {
    /// Lets callers look an intent up by the name the NLU returns.
    pub fn intent(&self, name: &str) -> Option<&Intent> {
        self.intents.iter().find(|i| i.name == name)
    }

    /// The regression gate in force: the bot's own, else the defaults.
    pub fn gate_policy(&self) -> GatePolicy {
        self.gate.clone().unwrap_or_default()
    }

    /// Tells whether two definitions differ in content, so an unchanged re-publish can be skipped.
    ///
    /// SHA-256 (hex) of the canonical JSON serialisation with `version` set to 0: the version is
    /// bookkeeping, not content, so the same content published twice has the same checksum.
    pub fn checksum(&self) -> String {
        let mut canonical = self.clone();
        canonical.version = 0;
        // Serialising plain structs, Vecs and strings to JSON cannot fail.
        let bytes = serde_json::to_vec(&canonical).unwrap_or_default();
        hex::encode(Sha256::digest(&bytes))
    }
}

/// One thing a visitor can ask for, with the phrasings that train the NLU for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intent {
    pub name: String,
    pub utterances: Vec<String>,
    #[serde(default)]
    pub slots: Vec<SlotDef>,
    /// Templates with `{slot_name}` placeholders; see [`Intent::pick_response`] for the choice.
    pub responses: Vec<String>,
    /// Asked after the response, e.g. "Is there anything else I can help with?".
    #[serde(default)]
    pub follow_up: Option<String>,
    /// Held-out phrasings never trained on: the regression gate checks every new version on
    /// them (not serialised when empty, so older stored checksums still match).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<String>,
}

impl Intent {
    /// Lets callers find a slot's declaration (type, prompt) by name.
    pub fn slot(&self, name: &str) -> Option<&SlotDef> {
        self.slots.iter().find(|s| s.name == name)
    }
}

/// A piece of information an intent can pick out of the visitor's message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotDef {
    pub name: String,
    pub slot_type: SlotTypeRef,
    /// When true and missing, `prompt` is asked before the intent is answered.
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub prompt: Option<String>,
}

/// Which recogniser fills a slot: a built-in one or a custom value list of the bot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum SlotTypeRef {
    Builtin(BuiltinSlotType),
    Custom(String),
}

impl From<String> for SlotTypeRef {
    fn from(name: String) -> Self {
        match BuiltinSlotType::from_name(&name) {
            Some(b) => SlotTypeRef::Builtin(b),
            None => SlotTypeRef::Custom(name),
        }
    }
}

impl From<SlotTypeRef> for String {
    fn from(r: SlotTypeRef) -> Self {
        r.name().to_string()
    }
}

impl SlotTypeRef {
    /// The name as written in YAML, for messages and serialisation.
    pub fn name(&self) -> &str {
        match self {
            SlotTypeRef::Builtin(b) => b.name(),
            SlotTypeRef::Custom(n) => n,
        }
    }
}

/// The knowledge index's recommended threshold (`switchboard_knowledge::DEFAULT_MIN_SCORE`: its
/// top hit is right 7 times in 10, and off-topic messages stay below it).
pub const DEFAULT_KNOWLEDGE_MIN_SCORE: f32 = 0.7;

/// Share of correctly recognised utterances the out-of-scope check may turn away unless a bot
/// says otherwise: the NLU engine's own default, so `eval nlu` measures what bots run.
pub const DEFAULT_MAX_IN_SCOPE_COST: f32 = 0.02;
/// The largest rejection budget a definition may ask for.
pub const MAX_IN_SCOPE_COST_LIMIT: f32 = 0.5;

fn default_max_in_scope_cost() -> f32 {
    DEFAULT_MAX_IN_SCOPE_COST
}

/// What to do when the NLU is not confident: try the knowledge base, else hand off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FallbackPolicy {
    /// Intent confidence (0..=1) below which the bot does not answer from an intent.
    pub confidence_threshold: f32,
    /// Out-of-scope budget: the share of correctly recognised utterances the out-of-scope check
    /// may turn away (higher catches more unknown requests and answers fewer known ones).
    #[serde(default = "default_max_in_scope_cost")]
    pub max_in_scope_cost: f32,
    /// Whether to search the knowledge base before handing off.
    pub knowledge_fallback: bool,
    /// Lowest knowledge-search score (the index's calibrated 0..=1 score) worth answering with.
    pub knowledge_min_score: f32,
    /// Said to the visitor when the conversation goes to a human.
    pub handoff_message: String,
}

impl Default for FallbackPolicy {
    fn default() -> Self {
        FallbackPolicy {
            confidence_threshold: 0.5,
            max_in_scope_cost: DEFAULT_MAX_IN_SCOPE_COST,
            knowledge_fallback: true,
            knowledge_min_score: DEFAULT_KNOWLEDGE_MIN_SCORE,
            handoff_message: "Let me connect you to an agent who can help.".to_string(),
        }
    }
}

/// Accuracy a new version may lose on the bot's tests (absolute, 0..=1) unless a bot says otherwise.
pub const DEFAULT_MAX_ACCURACY_DROP: f32 = 0.01;
/// Share of one intent's own tests a new version may newly get wrong unless a bot says otherwise.
pub const DEFAULT_MAX_INTENT_DROP: f32 = 0.25;

/// The regression gate: a version that loses more than this on the tests is never published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GatePolicy {
    /// Overall accuracy (0..=1) the new version may lose against the one serving.
    pub max_accuracy_drop: f32,
    /// Share (0..=1) of any one intent's tests that may go from right to wrong.
    pub max_intent_drop: f32,
}

impl Default for GatePolicy {
    fn default() -> Self {
        GatePolicy {
            max_accuracy_drop: DEFAULT_MAX_ACCURACY_DROP,
            max_intent_drop: DEFAULT_MAX_INTENT_DROP,
        }
    }
}

#[cfg(test)]
mod tests;
