//! How a Switchboard definition reads in Lex's terms: slot types, prompts, closing responses.
//!
//! Plain functions over the bot model, so the mapping is tested without a client.

use switchboard_bots::{BotDefinition, BuiltinSlotType, Intent, SlotTypeRef};

/// Lex's name for the draft every change is made to.
pub const DRAFT: &str = "DRAFT";

/// Lex keeps at most two variations beside a message group's message.
pub const MAX_VARIATIONS: usize = 2;

/// Times Lex re-asks for a required slot before giving up.
pub const SLOT_RETRIES: i32 = 2;

/// The Lex slot type id a slot is filled by: a built-in `AMAZON.*` type or the bot's own.
///
/// `currency_amount` has no Lex counterpart; `AMAZON.Number` keeps the amount and drops the
/// currency code, which Lex bots then ask for as a separate slot if they need it.
pub fn slot_type_id<'a>(
    slot_type: &'a SlotTypeRef,
    custom_ids: &'a [(String, String)],
) -> Option<&'a str> {
    match slot_type {
        SlotTypeRef::Builtin(b) => Some(match b {
            BuiltinSlotType::Number | BuiltinSlotType::CurrencyAmount => "AMAZON.Number",
            BuiltinSlotType::Date => "AMAZON.Date",
            BuiltinSlotType::Time => "AMAZON.Time",
            BuiltinSlotType::Email => "AMAZON.EmailAddress",
        }),
        SlotTypeRef::Custom(name) => custom_ids
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| id.as_str()),
    }
}

/// What Lex says when an intent is fulfilled: the first response, the next two as variations.
pub fn closing_texts(intent: &Intent) -> Option<(&str, Vec<&str>)> {
    let (first, rest) = intent.responses.split_first()?;
    let variations = rest
        .iter()
        .take(MAX_VARIATIONS)
        .map(String::as_str)
        .collect();
    Some((first.as_str(), variations))
}

/// What Lex asks for a required slot: the definition's prompt, or one built from the slot name.
pub fn prompt_text(intent: &Intent, slot: &str) -> String {
    intent
        .slot(slot)
        .and_then(|s| s.prompt.clone())
        .unwrap_or_else(|| format!("What is the {}?", slot.replace('_', " ")))
}

/// Intents Lex should hold, sorted by name so requests go out in a stable order.
pub fn intents(def: &BotDefinition) -> Vec<&Intent> {
    let mut out: Vec<&Intent> = def.intents.iter().collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_bots::SlotDef;

    fn intent(responses: &[&str]) -> Intent {
        Intent {
            name: "card_arrival".into(),
            utterances: vec!["where is my card".into()],
            slots: vec![SlotDef {
                name: "card_type".into(),
                slot_type: SlotTypeRef::Custom("card_kind".into()),
                required: true,
                prompt: None,
            }],
            responses: responses.iter().map(|s| s.to_string()).collect(),
            follow_up: None,
            tests: vec![],
        }
    }

    #[test]
    fn builtins_map_to_amazon_types_and_custom_types_to_their_ids() {
        let ids = vec![("card_kind".to_string(), "ABCDEFGHIJ".to_string())];
        let number = SlotTypeRef::Builtin(BuiltinSlotType::CurrencyAmount);
        assert_eq!(slot_type_id(&number, &ids), Some("AMAZON.Number"));
        let email = SlotTypeRef::Builtin(BuiltinSlotType::Email);
        assert_eq!(slot_type_id(&email, &ids), Some("AMAZON.EmailAddress"));
        let custom = SlotTypeRef::Custom("card_kind".into());
        assert_eq!(slot_type_id(&custom, &ids), Some("ABCDEFGHIJ"));
        let missing = SlotTypeRef::Custom("colour".into());
        assert_eq!(slot_type_id(&missing, &ids), None);
    }

    #[test]
    fn closing_response_keeps_two_variations_at_most() {
        let i = intent(&["a", "b", "c", "d"]);
        assert_eq!(closing_texts(&i), Some(("a", vec!["b", "c"])));
        assert_eq!(closing_texts(&intent(&[])), None);
    }

    #[test]
    fn a_slot_without_a_prompt_is_asked_for_by_name() {
        let i = intent(&["a"]);
        assert_eq!(prompt_text(&i, "card_type"), "What is the card type?");
    }
}
