//! Slots: typed values picked out of a visitor's message (built-in recognisers and custom lists).
//!
//! Extraction runs the recognisers of the types an intent uses in a fixed priority order
//! (email, currency_amount, date, time, custom lists, number); a stretch of text claimed by an
//! earlier recogniser is not reused by a later one, so "£25 on 1 December" gives a currency
//! amount and a date, not also the numbers 25 and 1. Slots of the same type are filled in
//! declaration order from the matches in text order.

pub mod builtin;
mod custom;
mod datetime;
mod filling;
mod number;

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::model::{Intent, SlotDef, SlotTypeRef};
use builtin::BuiltinSlotType;
pub use custom::{CustomSlotType, SlotTypeValue, SlotTypes};
pub use filling::SlotFilling;
pub use number::CurrencyAmount;

/// A slot's resolved value, typed so callers can act on it (amounts, dates) not just echo it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum SlotValue {
    Number(f64),
    Currency(CurrencyAmount),
    Date(NaiveDate),
    Time(NaiveTime),
    Email(String),
    /// The canonical value of a custom slot type (synonyms already resolved).
    Custom(String),
}

impl fmt::Display for SlotValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlotValue::Number(n) => f.write_str(&number::format_plain(*n)),
            SlotValue::Currency(c) => c.fmt(f),
            SlotValue::Date(d) => write!(f, "{}", d.format("%-d %B %Y")),
            SlotValue::Time(t) => write!(f, "{}", t.format("%H:%M")),
            SlotValue::Email(e) | SlotValue::Custom(e) => f.write_str(e),
        }
    }
}

/// Filled slots of one intent, by slot name (ordered, so rendering and serialisation are stable).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SlotValues(BTreeMap<String, SlotValue>);

impl SlotValues {
    /// An empty set, to start filling.
    pub fn new() -> Self {
        Self::default()
    }
    /// Looks a filled slot up by name.
    pub fn get(&self, name: &str) -> Option<&SlotValue> {
        self.0.get(name)
    }
    /// Records a value (e.g. one the caller got elsewhere); replaces an older one.
    pub fn insert(&mut self, name: impl Into<String>, value: SlotValue) {
        self.0.insert(name.into(), value);
    }
    /// Whether a slot is filled, e.g. to decide if its prompt must be asked.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
    /// How many slots are filled.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when nothing was extracted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Iterates filled slots in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SlotValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// A recogniser hit: byte range in the message and the value it resolved to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    pub value: SlotValue,
}

/// Fills an intent's slots from one message; unfilled slots are simply absent.
pub fn extract_slots(
    intent: &Intent,
    types: &SlotTypes,
    text: &str,
    today: NaiveDate,
) -> SlotValues {
    let mut values = SlotValues::new();
    let slots: Vec<&SlotDef> = intent.slots.iter().collect();
    fill(&slots, types, text, today, &mut values);
    values
}

/// Extraction priority; a lower rank claims text first.
fn rank(t: &SlotTypeRef) -> u8 {
    match t {
        SlotTypeRef::Builtin(BuiltinSlotType::Email) => 0,
        SlotTypeRef::Builtin(BuiltinSlotType::CurrencyAmount) => 1,
        SlotTypeRef::Builtin(BuiltinSlotType::Date) => 2,
        SlotTypeRef::Builtin(BuiltinSlotType::Time) => 3,
        SlotTypeRef::Custom(_) => 4,
        SlotTypeRef::Builtin(BuiltinSlotType::Number) => 5,
    }
}

/// Fills `slots` (in the given order within each type) into `values`, skipping slots already set.
pub(crate) fn fill(
    slots: &[&SlotDef],
    types: &SlotTypes,
    text: &str,
    today: NaiveDate,
    values: &mut SlotValues,
) {
    let mut kinds: Vec<&SlotTypeRef> = Vec::new();
    for s in slots {
        if !kinds.contains(&&s.slot_type) {
            kinds.push(&s.slot_type);
        }
    }
    kinds.sort_by_key(|k| rank(k));
    let mut claimed: Vec<(usize, usize)> = Vec::new();
    for kind in kinds {
        let mut found: Vec<Found> = match kind {
            SlotTypeRef::Builtin(b) => b.find_all(text, today),
            SlotTypeRef::Custom(name) => match types.get(name) {
                Some(t) => t.find_all(text),
                None => Vec::new(),
            },
        };
        found.retain(|f| !claimed.iter().any(|&(s, e)| f.start < e && s < f.end));
        let mut hits = found.into_iter();
        for slot in slots.iter().filter(|s| &s.slot_type == kind) {
            if values.contains(&slot.name) {
                continue;
            }
            let Some(hit) = hits.next() else { break };
            claimed.push((hit.start, hit.end));
            values.insert(slot.name.clone(), hit.value);
        }
    }
}

/// Sorts hits by position and drops any that overlap an earlier (or longer, same-start) hit.
pub(crate) fn non_overlapping(mut found: Vec<Found>) -> Vec<Found> {
    found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Found> = Vec::new();
    for f in found {
        if out.last().is_none_or(|l| f.start >= l.end) {
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests;
