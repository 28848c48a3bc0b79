//! Custom slot types: a bot's own value lists with synonyms.

use serde::{Deserialize, Serialize};

use super::{Found, SlotValue, non_overlapping};

/// A bot's value list (e.g. `card_type`: physical / virtual / disposable) with synonyms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomSlotType {
    pub name: String,
    pub values: Vec<SlotTypeValue>,
}

/// One canonical value and the other ways visitors say it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotTypeValue {
    pub value: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
}

/// All custom slot types of a bot, looked up by name during extraction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SlotTypes(Vec<CustomSlotType>);

impl SlotTypes {
    /// Wraps a bot's declared types (validation has already rejected duplicates).
    pub fn new(types: Vec<CustomSlotType>) -> Self {
        SlotTypes(types)
    }
    /// Finds a custom type by its YAML name.
    pub fn get(&self, name: &str) -> Option<&CustomSlotType> {
        self.0.iter().find(|t| t.name == name)
    }
    /// Lists the types in declaration order, e.g. for export to Lex.
    pub fn iter(&self) -> impl Iterator<Item = &CustomSlotType> {
        self.0.iter()
    }
    /// True when the bot declares no custom types.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Lower-cased alphanumeric words with their byte ranges in the original text.
pub(crate) fn words(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, ch) in text.char_indices() {
        match (ch.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i, text[s..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len(), text[s..].to_lowercase()));
    }
    out
}

impl CustomSlotType {
    /// Whole-word, case-insensitive occurrences of any value or synonym, resolved to the value;
    /// where phrases overlap the longer one wins ("virtual card" over "card").
    pub(crate) fn find_all(&self, text: &str) -> Vec<Found> {
        let hay = words(text);
        let mut found = Vec::new();
        for v in &self.values {
            for phrase in std::iter::once(&v.value).chain(&v.synonyms) {
                let needle: Vec<String> = words(phrase).into_iter().map(|w| w.2).collect();
                if needle.is_empty() || needle.len() > hay.len() {
                    continue;
                }
                for i in 0..=hay.len() - needle.len() {
                    if hay[i..i + needle.len()]
                        .iter()
                        .zip(&needle)
                        .all(|(h, n)| &h.2 == n)
                    {
                        found.push(Found {
                            start: hay[i].0,
                            end: hay[i + needle.len() - 1].1,
                            value: SlotValue::Custom(v.value.clone()),
                        });
                    }
                }
            }
        }
        non_overlapping(found)
    }
}
