//! The shipped sample bot (bot-definitions/banking) loads, validates and fills its slots.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::{SlotFilling, SlotValue, extract_slots, load_bot, validate_dir};

fn definitions() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("../../bot-definitions")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 18).expect("date")
}

#[test]
fn banking_bot_loads() {
    let bot = load_bot(&definitions().join("banking")).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(bot.name, "banking");
    assert_eq!(bot.intents.len(), 77);
    assert!(
        bot.intents
            .iter()
            .all(|i| i.utterances.len() >= 35 && !i.responses.is_empty())
    );
    assert!(bot.description.contains("CC BY 4.0"));
    assert!(bot.fallback.knowledge_fallback);
    assert_eq!(
        bot.fallback.handoff_message,
        "Let me connect you to an agent who can help."
    );
    let lost = bot.intent("lost_or_stolen_card").expect("intent");
    let slot = lost.slot("card_type").expect("slot");
    assert!(slot.required && slot.prompt.is_some());
    // The BANKING77 label `reverted_card_payment?` becomes a Lex-valid name.
    assert!(bot.intent("reverted_card_payment").is_some());
}

#[test]
fn banking_bot_checksum_is_reproducible() {
    let a = load_bot(&definitions().join("banking")).unwrap_or_else(|r| panic!("{r}"));
    let b = load_bot(&definitions().join("banking")).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(a.checksum(), b.checksum());
    let json = serde_json::to_string(&a).expect("json");
    let back: crate::BotDefinition = serde_json::from_str(&json).expect("parse");
    assert_eq!(back.checksum(), a.checksum());
}

#[test]
fn validate_dir_covers_every_bot() {
    let results = validate_dir(&definitions()).expect("readable");
    assert!(results.iter().any(|(name, _)| name == "banking"));
    for (name, result) in &results {
        assert!(
            result.is_ok(),
            "{name}: {}",
            result
                .as_ref()
                .err()
                .map(|r| r.to_string())
                .unwrap_or_default()
        );
    }
}

#[test]
fn validate_dir_on_missing_root_is_an_error() {
    assert!(validate_dir(&definitions().join("no-such-dir")).is_err());
}

#[test]
fn banking_lost_card_conversation() {
    let bot = load_bot(&definitions().join("banking")).unwrap_or_else(|r| panic!("{r}"));
    let intent = bot.intent("lost_or_stolen_card").expect("intent");
    let mut filling = SlotFilling::start(intent, &bot.slot_types, "I lost my card", today());
    assert_eq!(
        filling.next_prompt(),
        Some("Which card is it: your physical card, a virtual card or a disposable card?")
    );
    filling.merge(&bot.slot_types, "the plastic one", today());
    assert!(filling.is_complete());
    let answer = intent.respond(0, filling.values());
    assert!(answer.contains("choose your physical card"), "{answer}");
}

#[test]
fn banking_slots_from_one_message() {
    let bot = load_bot(&definitions().join("banking")).unwrap_or_else(|r| panic!("{r}"));
    let top_up = bot.intent("topping_up_by_card").expect("intent");
    let v = extract_slots(
        top_up,
        &bot.slot_types,
        "How do I top up £25.50 with my card?",
        today(),
    );
    assert_eq!(
        v.get("amount").map(|a| a.to_string()).as_deref(),
        Some("£25.50")
    );
    assert!(top_up.respond(0, &v).starts_with("To add £25.50 by card"));
    let rate = bot.intent("exchange_rate").expect("intent");
    let v = extract_slots(
        rate,
        &bot.slot_types,
        "what's the rate for Canadian dollars?",
        today(),
    );
    assert_eq!(
        v.get("currency"),
        Some(&SlotValue::Custom("Canadian dollars".into()))
    );
}
