//! The built-in slot types every bot can use without declaring them.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};

use super::{Found, SlotValue, datetime, non_overlapping, number};

/// Recognisers shipped with Switchboard, named as in YAML (`type: currency_amount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuiltinSlotType {
    /// "25", "1,200", "3.5", "twenty-five".
    Number,
    /// "£25.50", "25 dollars", "$1,200", "EUR 40" → amount + ISO currency code.
    CurrencyAmount,
    /// "today", "tomorrow", "2026-12-01", "1 December", "next Monday", "in 3 days".
    Date,
    /// "3pm", "15:30", "noon".
    Time,
    /// "someone@example.com".
    Email,
}

impl BuiltinSlotType {
    /// Every built-in type, for listing and for rejecting custom types that shadow one.
    pub const ALL: [BuiltinSlotType; 5] = [
        BuiltinSlotType::Number,
        BuiltinSlotType::CurrencyAmount,
        BuiltinSlotType::Date,
        BuiltinSlotType::Time,
        BuiltinSlotType::Email,
    ];

    /// The YAML name of the type.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinSlotType::Number => "number",
            BuiltinSlotType::CurrencyAmount => "currency_amount",
            BuiltinSlotType::Date => "date",
            BuiltinSlotType::Time => "time",
            BuiltinSlotType::Email => "email",
        }
    }

    /// Parses a YAML type name; `None` means it must be a custom type.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Every non-overlapping occurrence in `text`, in text order; dates resolve against `today`.
    pub(crate) fn find_all(self, text: &str, today: NaiveDate) -> Vec<Found> {
        let found = match self {
            BuiltinSlotType::Number => number::find_numbers(text),
            BuiltinSlotType::CurrencyAmount => number::find_currency(text),
            BuiltinSlotType::Date => datetime::find_dates(text, today),
            BuiltinSlotType::Time => datetime::find_times(text),
            BuiltinSlotType::Email => find_emails(text),
        };
        non_overlapping(found)
    }
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")
        .expect("valid regex")
});

fn find_emails(text: &str) -> Vec<Found> {
    EMAIL
        .find_iter(text)
        .map(|m| Found {
            start: m.start(),
            end: m.end(),
            value: SlotValue::Email(m.as_str().to_string()),
        })
        .collect()
}
