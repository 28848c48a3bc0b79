//! Versioned bot definitions: YAML loading, validation, slots and response templates.
//!
//! A bot lives in `bot-definitions/<bot>/`: `bot.yaml` (name, locale, description, version,
//! fallback, slot_types) and `intents/<intent>.yaml` (name, utterances, slots, responses,
//! follow_up). [`load_bot`] turns that into a [`BotDefinition`] or a [`ValidationReport`] listing
//! every problem with file and line. Validation follows Amazon Lex V2 limits so a bot can later
//! be published there.

mod error;
mod export;
mod load;
mod model;
mod raw;
mod render;
mod report;
pub mod slots;
mod validate;
pub mod yaml;

pub use error::BotsError;
pub use export::{bot_yaml, export_bot, intent_yaml};
pub use load::{BOT_FILE, BotOutcome, INTENTS_DIR, load_bot, validate_dir};
pub use model::{
    BotDefinition, DEFAULT_KNOWLEDGE_MIN_SCORE, DEFAULT_MAX_ACCURACY_DROP,
    DEFAULT_MAX_IN_SCOPE_COST, DEFAULT_MAX_INTENT_DROP, FallbackPolicy, GatePolicy, Intent,
    MAX_IN_SCOPE_COST_LIMIT, SlotDef, SlotTypeRef,
};
pub use render::{
    TemplateError, TemplatePart, parse_template, placeholders, render, render_with_gaps,
};
pub use report::{Problem, ValidationReport};
pub use slots::builtin::BuiltinSlotType;
pub use slots::{
    CurrencyAmount, CustomSlotType, SlotFilling, SlotTypeValue, SlotTypes, SlotValue, SlotValues,
    extract_slots,
};
pub use validate::is_valid_name;
pub use validate::limits::{MAX_UTTERANCE_CHARS, MAX_UTTERANCES};

#[cfg(test)]
mod sample_tests;
