//! Slot extraction per built-in type, custom synonyms, priorities and multi-turn filling.

use chrono::{NaiveDate, NaiveTime};

use super::*;
use crate::model::{Intent, SlotDef, SlotTypeRef};

/// Wednesday 18 November 2026.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 18).expect("date")
}

fn date(y: i32, m: u32, d: u32) -> SlotValue {
    SlotValue::Date(NaiveDate::from_ymd_opt(y, m, d).expect("date"))
}

fn time(h: u32, m: u32) -> SlotValue {
    SlotValue::Time(NaiveTime::from_hms_opt(h, m, 0).expect("time"))
}

fn money(amount: f64, currency: Option<&str>) -> SlotValue {
    SlotValue::Currency(CurrencyAmount {
        amount,
        currency: currency.map(str::to_string),
    })
}

fn slot(name: &str, ty: &str, required: bool) -> SlotDef {
    SlotDef {
        name: name.into(),
        slot_type: SlotTypeRef::from(ty.to_string()),
        required,
        prompt: required.then(|| format!("What is the {name}?")),
    }
}

fn intent(slots: Vec<SlotDef>) -> Intent {
    Intent {
        name: "test".into(),
        utterances: vec!["test me".into()],
        slots,
        responses: vec!["ok".into()],
        follow_up: None,
        tests: vec![],
    }
}

fn card_types() -> SlotTypes {
    SlotTypes::new(vec![CustomSlotType {
        name: "card_type".into(),
        values: vec![
            SlotTypeValue {
                value: "physical".into(),
                synonyms: vec!["plastic".into(), "real card".into()],
            },
            SlotTypeValue {
                value: "virtual".into(),
                synonyms: vec!["online card".into()],
            },
            SlotTypeValue {
                value: "disposable".into(),
                synonyms: vec!["single-use".into(), "one time".into()],
            },
        ],
    }])
}

/// The value one slot of type `ty` gets from `text`.
fn one(ty: &str, text: &str) -> Option<SlotValue> {
    let i = intent(vec![slot("x", ty, false)]);
    extract_slots(&i, &card_types(), text, today())
        .get("x")
        .cloned()
}

#[test]
fn numbers() {
    assert_eq!(
        one("number", "I have 3 cards"),
        Some(SlotValue::Number(3.0))
    );
    assert_eq!(
        one("number", "limit of 1,200 please"),
        Some(SlotValue::Number(1200.0))
    );
    assert_eq!(
        one("number", "about 2.5 percent"),
        Some(SlotValue::Number(2.5))
    );
    assert_eq!(
        one("number", "twenty-five of them"),
        Some(SlotValue::Number(25.0))
    );
    assert_eq!(one("number", "Seventeen"), Some(SlotValue::Number(17.0)));
    assert_eq!(one("number", "none at all"), None);
}

#[test]
fn currency_amounts() {
    assert_eq!(
        one("currency_amount", "top up £25.50 now"),
        Some(money(25.5, Some("GBP")))
    );
    assert_eq!(
        one("currency_amount", "send 25 dollars"),
        Some(money(25.0, Some("USD")))
    );
    assert_eq!(
        one("currency_amount", "it was $1,200"),
        Some(money(1200.0, Some("USD")))
    );
    assert_eq!(
        one("currency_amount", "EUR 40 to my friend"),
        Some(money(40.0, Some("EUR")))
    );
    assert_eq!(
        one("currency_amount", "twenty quid"),
        Some(money(20.0, Some("GBP")))
    );
    assert_eq!(
        one("currency_amount", "300 CHF"),
        Some(money(300.0, Some("CHF")))
    );
    assert_eq!(one("currency_amount", "top up 50"), Some(money(50.0, None)));
    assert_eq!(one("currency_amount", "top up one card"), None);
}

#[test]
fn currency_display() {
    assert_eq!(money(1200.0, Some("GBP")).to_string(), "£1,200");
    assert_eq!(money(25.5, Some("EUR")).to_string(), "€25.50");
    assert_eq!(
        money(1234567.891, Some("CHF")).to_string(),
        "1,234,567.89 CHF"
    );
    assert_eq!(money(50.0, None).to_string(), "50");
}

#[test]
fn dates_relative_and_absolute() {
    assert_eq!(one("date", "today please"), Some(date(2026, 11, 18)));
    assert_eq!(one("date", "Tomorrow"), Some(date(2026, 11, 19)));
    assert_eq!(one("date", "it was yesterday"), Some(date(2026, 11, 17)));
    assert_eq!(
        one("date", "the day after tomorrow"),
        Some(date(2026, 11, 20))
    );
    assert_eq!(one("date", "on 2026-12-01"), Some(date(2026, 12, 1)));
    assert_eq!(one("date", "on 1 December"), Some(date(2026, 12, 1)));
    assert_eq!(one("date", "the 3rd of March 2027"), Some(date(2027, 3, 3)));
    assert_eq!(one("date", "December 24th"), Some(date(2026, 12, 24)));
    assert_eq!(one("date", "01/12/2026"), Some(date(2026, 12, 1)));
    assert_eq!(one("date", "in 3 days"), Some(date(2026, 11, 21)));
    assert_eq!(one("date", "two weeks ago"), Some(date(2026, 11, 4)));
    assert_eq!(one("date", "31 February"), None);
    assert_eq!(one("date", "no date here"), None);
}

#[test]
fn dates_weekdays() {
    // Reference is a Wednesday.
    assert_eq!(one("date", "next Monday"), Some(date(2026, 11, 23)));
    assert_eq!(one("date", "on friday"), Some(date(2026, 11, 20)));
    assert_eq!(one("date", "wednesday"), Some(date(2026, 11, 18)));
    assert_eq!(one("date", "next Wednesday"), Some(date(2026, 11, 25)));
    assert_eq!(one("date", "last Wednesday"), Some(date(2026, 11, 11)));
    assert_eq!(one("date", "last monday"), Some(date(2026, 11, 16)));
}

#[test]
fn times() {
    assert_eq!(one("time", "call me at 3pm"), Some(time(15, 0)));
    assert_eq!(one("time", "at 3:45 p.m."), Some(time(15, 45)));
    assert_eq!(one("time", "12am"), Some(time(0, 0)));
    assert_eq!(one("time", "15:30 works"), Some(time(15, 30)));
    assert_eq!(one("time", "at noon"), Some(time(12, 0)));
    assert_eq!(one("time", "9 o'clock"), Some(time(9, 0)));
    assert_eq!(one("time", "25:00"), None);
    assert_eq!(time(9, 5).to_string(), "09:05");
}

#[test]
fn emails() {
    assert_eq!(
        one("email", "write to Jane.Doe+bank@example.co.uk please"),
        Some(SlotValue::Email("Jane.Doe+bank@example.co.uk".into()))
    );
    assert_eq!(one("email", "not an email@"), None);
}

#[test]
fn custom_values_and_synonyms() {
    let v = |s: &str| Some(SlotValue::Custom(s.into()));
    assert_eq!(one("card_type", "my VIRTUAL card"), v("virtual"));
    assert_eq!(one("card_type", "the plastic one"), v("physical"));
    assert_eq!(one("card_type", "my Real  Card is lost"), v("physical"));
    assert_eq!(one("card_type", "a single-use card"), v("disposable"));
    assert_eq!(one("card_type", "a single use card"), v("disposable"));
    // Whole words only: "physically" is not "physical", "plastics" not "plastic".
    assert_eq!(one("card_type", "physically plastics"), None);
}

#[test]
fn earlier_types_claim_text_first() {
    let i = intent(vec![
        slot("amount", "currency_amount", false),
        slot("when", "date", false),
        slot("count", "number", false),
        slot("at", "time", false),
    ]);
    let v = extract_slots(
        &i,
        &card_types(),
        "send £25 on 1 December at 15:30, 2 times",
        today(),
    );
    assert_eq!(v.get("amount"), Some(&money(25.0, Some("GBP"))));
    assert_eq!(v.get("when"), Some(&date(2026, 12, 1)));
    assert_eq!(v.get("at"), Some(&time(15, 30)));
    assert_eq!(v.get("count"), Some(&SlotValue::Number(2.0)));
}

#[test]
fn same_type_slots_fill_in_order() {
    let i = intent(vec![slot("from", "date", false), slot("to", "date", false)]);
    let v = extract_slots(&i, &card_types(), "from 1 March to 5 March", today());
    assert_eq!(v.get("from"), Some(&date(2026, 3, 1)));
    assert_eq!(v.get("to"), Some(&date(2026, 3, 5)));
}

#[test]
fn slot_filling_asks_then_merges() {
    let i = intent(vec![
        slot("card", "card_type", true),
        slot("amount", "currency_amount", false),
    ]);
    let mut f = SlotFilling::start(&i, &card_types(), "I want to top up £20", today());
    assert!(!f.is_complete());
    assert_eq!(f.next_prompt(), Some("What is the card?"));
    assert_eq!(f.values().get("amount"), Some(&money(20.0, Some("GBP"))));
    // An answer that fills nothing leaves the question open.
    assert!(f.merge(&card_types(), "hmm not sure", today()).is_empty());
    assert_eq!(f.next_missing().map(|s| s.name.as_str()), Some("card"));
    // The real answer fills it; the earlier amount is kept, not overwritten.
    let filled = f.merge(&card_types(), "the plastic one, £50", today());
    assert_eq!(filled, vec!["card".to_string()]);
    assert!(f.is_complete());
    assert_eq!(f.next_prompt(), None);
    let values = f.into_values();
    assert_eq!(
        values.get("card"),
        Some(&SlotValue::Custom("physical".into()))
    );
    assert_eq!(values.get("amount"), Some(&money(20.0, Some("GBP"))));
}

#[test]
fn slot_filling_gives_asked_slot_first_pick() {
    let i = intent(vec![
        slot("count", "number", false),
        slot("cards", "number", true),
    ]);
    let mut f = SlotFilling::start(&i, &card_types(), "hello", today());
    assert_eq!(f.next_missing().map(|s| s.name.as_str()), Some("cards"));
    f.merge(&card_types(), "4", today());
    assert_eq!(f.values().get("cards"), Some(&SlotValue::Number(4.0)));
    assert_eq!(f.values().get("count"), None);
}

#[test]
fn slot_values_serialise() {
    let mut v = SlotValues::new();
    v.insert("amount", money(25.5, Some("GBP")));
    v.insert("when", date(2026, 12, 1));
    let json = serde_json::to_string(&v).expect("json");
    assert_eq!(
        json,
        r#"{"amount":{"type":"currency","value":{"amount":25.5,"currency":"GBP"}},"when":{"type":"date","value":"2026-12-01"}}"#
    );
    let back: SlotValues = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, v);
}
