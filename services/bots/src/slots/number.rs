//! Number and currency-amount recognisers.

use std::fmt;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde::{Deserialize, Serialize};

use super::{Found, SlotValue};

/// An amount of money; `currency` is an ISO 4217 code, `None` when the visitor gave none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrencyAmount {
    pub amount: f64,
    pub currency: Option<String>,
}

impl fmt::Display for CurrencyAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let amount = format_money(self.amount);
        match self.currency.as_deref() {
            Some("GBP") => write!(f, "£{amount}"),
            Some("USD") => write!(f, "${amount}"),
            Some("EUR") => write!(f, "€{amount}"),
            Some(code) => write!(f, "{amount} {code}"),
            None => f.write_str(&amount),
        }
    }
}

/// "3", "3.5", "-2": no trailing zeros, no separators.
pub(crate) fn format_plain(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// "1,200" or "25.50": thousands separators, two decimals only when there are pence/cents.
fn format_money(n: f64) -> String {
    let cents = (n * 100.0).round() as i64;
    let (whole, frac) = (cents / 100, (cents % 100).abs());
    let digits = whole.abs().to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if cents < 0 { "-" } else { "" };
    if frac == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac:02}")
    }
}

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// Digits ("1,200.50", "25") or number words up to ninety-nine ("twenty-five").
static AMOUNT: LazyLock<String> = LazyLock::new(|| {
    let tens = TENS.join("|");
    let units = UNITS[1..10].join("|");
    let all_units = UNITS.join("|");
    format!(
        r"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:{tens})(?:[\s-](?:{units}))?|{all_units})"
    )
});

static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)\b{}\b", *AMOUNT)).expect("valid regex"));

/// Currency words and codes, longest first so "pounds" wins over "pound".
const CURRENCY_WORDS: [(&str, &str); 22] = [
    ("pounds", "GBP"),
    ("pound", "GBP"),
    ("quid", "GBP"),
    ("sterling", "GBP"),
    ("dollars", "USD"),
    ("dollar", "USD"),
    ("bucks", "USD"),
    ("euros", "EUR"),
    ("euro", "EUR"),
    ("yen", "JPY"),
    ("francs", "CHF"),
    ("rupees", "INR"),
    ("gbp", "GBP"),
    ("usd", "USD"),
    ("eur", "EUR"),
    ("jpy", "JPY"),
    ("chf", "CHF"),
    ("cad", "CAD"),
    ("aud", "AUD"),
    ("pln", "PLN"),
    ("sek", "SEK"),
    ("inr", "INR"),
];

const SYMBOLS: [(&str, &str); 4] = [("£", "GBP"), ("$", "USD"), ("€", "EUR"), ("¥", "JPY")];

static CURRENCY: LazyLock<Regex> = LazyLock::new(|| {
    let words: Vec<&str> = CURRENCY_WORDS.iter().map(|(w, _)| *w).collect();
    let words = words.join("|");
    let amount = &*AMOUNT;
    Regex::new(&format!(
        r"(?i)(?P<sym>[£$€¥])\s?(?P<a1>{amount})\b|\b(?P<pre>{words})\s?(?P<a2>{amount})\b|\b(?P<a3>{amount})\s?(?P<post>{words})\b"
    ))
    .expect("valid regex")
});

/// Parses digits with separators or number words; `None` if it is neither.
pub(crate) fn parse_amount(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return s.replace(',', "").parse().ok();
    }
    let lower = s.to_ascii_lowercase();
    let mut total = 0.0;
    for word in lower
        .split(|c: char| c == '-' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if let Some(i) = UNITS.iter().position(|u| *u == word) {
            total += i as f64;
        } else if let Some(i) = TENS.iter().position(|t| *t == word) {
            total += (i as f64 + 2.0) * 10.0;
        } else {
            return None;
        }
    }
    Some(total)
}

pub(crate) fn find_numbers(text: &str) -> Vec<Found> {
    NUMBER
        .find_iter(text)
        .filter_map(|m| {
            Some(Found {
                start: m.start(),
                end: m.end(),
                value: SlotValue::Number(parse_amount(m.as_str())?),
            })
        })
        .collect()
}

fn currency_code(c: &Captures<'_>) -> Option<&'static str> {
    if let Some(sym) = c.name("sym") {
        return SYMBOLS
            .iter()
            .find(|(s, _)| *s == sym.as_str())
            .map(|(_, code)| *code);
    }
    let word = c
        .name("pre")
        .or_else(|| c.name("post"))?
        .as_str()
        .to_ascii_lowercase();
    CURRENCY_WORDS
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, code)| *code)
}

/// Amounts with a currency marker; bare digits count too (currency `None`) so "top up 50" works.
pub(crate) fn find_currency(text: &str) -> Vec<Found> {
    let mut found: Vec<Found> = CURRENCY
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let amount = c
                .name("a1")
                .or_else(|| c.name("a2"))
                .or_else(|| c.name("a3"))?;
            Some(Found {
                start: whole.start(),
                end: whole.end(),
                value: SlotValue::Currency(CurrencyAmount {
                    amount: parse_amount(amount.as_str())?,
                    currency: currency_code(&c).map(str::to_string),
                }),
            })
        })
        .collect();
    let marked = found.clone();
    for n in find_numbers(text) {
        let digits = text[n.start..].starts_with(|c: char| c.is_ascii_digit());
        if digits
            && !marked.iter().any(|m| n.start < m.end && m.start < n.end)
            && let SlotValue::Number(amount) = n.value
        {
            found.push(Found {
                value: SlotValue::Currency(CurrencyAmount {
                    amount,
                    currency: None,
                }),
                ..n
            });
        }
    }
    found
}
