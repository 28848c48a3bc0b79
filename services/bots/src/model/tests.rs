//! Checksum and JSON round trip of a definition (what storage relies on).

use super::*;
use crate::slots::{CustomSlotType, SlotTypeValue};

fn def() -> BotDefinition {
    BotDefinition {
        name: "demo".into(),
        locale: "en_GB".into(),
        description: "d".into(),
        greeting: None,
        version: 3,
        intents: vec![Intent {
            name: "lost_card".into(),
            utterances: vec!["I lost my card".into()],
            slots: vec![SlotDef {
                name: "card_type".into(),
                slot_type: SlotTypeRef::from("card_type".to_string()),
                required: true,
                prompt: Some("Which card?".into()),
            }],
            responses: vec!["Blocking your {card_type} card.".into()],
            follow_up: None,
            tests: vec![],
        }],
        slot_types: SlotTypes::new(vec![CustomSlotType {
            name: "card_type".into(),
            values: vec![SlotTypeValue {
                value: "virtual".into(),
                synonyms: vec!["online".into()],
            }],
        }]),
        fallback: FallbackPolicy::default(),
        gate: None,
    }
}

#[test]
fn json_round_trip_keeps_everything() {
    let d = def();
    let json = serde_json::to_string(&d).expect("json");
    assert!(json.contains(r#""slot_type":"card_type""#), "{json}");
    let back: BotDefinition = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, d);
    assert_eq!(
        back.intents[0].slots[0].slot_type,
        SlotTypeRef::Custom("card_type".into())
    );
}

#[test]
fn versions_stored_before_the_out_of_scope_budget_still_load() {
    let mut json: serde_json::Value = serde_json::to_value(def()).expect("json");
    json["fallback"]
        .as_object_mut()
        .expect("object")
        .remove("max_in_scope_cost");
    let back: BotDefinition = serde_json::from_value(json).expect("parse");
    assert_eq!(back.fallback.max_in_scope_cost, DEFAULT_MAX_IN_SCOPE_COST);
}

#[test]
fn builtin_slot_type_round_trips_as_its_name() {
    let r = SlotTypeRef::from("currency_amount".to_string());
    assert_eq!(r, SlotTypeRef::Builtin(BuiltinSlotType::CurrencyAmount));
    assert_eq!(
        serde_json::to_string(&r).expect("json"),
        r#""currency_amount""#
    );
}

#[test]
fn checksum_is_stable_and_ignores_version() {
    let a = def();
    let mut b = def();
    b.version = 9;
    assert_eq!(a.checksum(), a.checksum());
    assert_eq!(a.checksum(), b.checksum());
    assert_eq!(a.checksum().len(), 64);
    assert!(a.checksum().chars().all(|c| c.is_ascii_hexdigit()));
}

#[test]
fn checksum_changes_with_content() {
    let a = def();
    let mut b = def();
    b.intents[0].responses[0].push('!');
    let mut c = def();
    c.fallback.confidence_threshold = 0.6;
    assert_ne!(a.checksum(), b.checksum());
    assert_ne!(a.checksum(), c.checksum());
}

#[test]
fn intent_lookup() {
    let d = def();
    assert_eq!(
        d.intent("lost_card").map(|i| i.name.as_str()),
        Some("lost_card")
    );
    assert!(d.intent("nope").is_none());
    assert_eq!(
        d.intents[0].slot("card_type").map(|s| s.required),
        Some(true)
    );
}
