//! Writes a definition into the Lex bot's draft: custom slot types, intents, their slots.
//!
//! Existing resources are matched by name and updated in place, so their ids (and anything
//! else in Lex that refers to them) survive; intents the definition no longer has are deleted.

use std::collections::HashMap;

use aws_sdk_lexmodelsv2::Client;
use aws_sdk_lexmodelsv2::types::{
    IntentClosingSetting, Message, MessageGroup, PlainTextMessage, PromptSpecification,
    ResponseSpecification, SampleUtterance, SampleValue, SlotConstraint, SlotPriority,
    SlotTypeValue, SlotValueElicitationSetting, SlotValueResolutionStrategy,
    SlotValueSelectionSetting,
};
use switchboard_bots::{BotDefinition, CustomSlotType, Intent, SlotDef};

use crate::client::failed;
use crate::shape::{self, DRAFT, SLOT_RETRIES};
use crate::{LexError, LexTarget, Stage};

/// What changed in the draft.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DraftChanges {
    pub intents_created: usize,
    pub intents_updated: usize,
    pub intents_deleted: usize,
    pub slot_types_written: usize,
}

/// Makes the draft hold `def`'s slot types and intents.
pub(crate) async fn write(
    client: &Client,
    t: &LexTarget,
    def: &BotDefinition,
    on_stage: &(dyn Fn(Stage) + Send + Sync),
) -> Result<DraftChanges, LexError> {
    let mut changes = DraftChanges::default();
    let type_ids = slot_types(client, t, def, &mut changes).await?;
    let existing = list_intents(client, t).await?;
    let wanted = shape::intents(def);
    for (done, intent) in wanted.iter().enumerate() {
        on_stage(Stage::Intents {
            done,
            total: wanted.len(),
        });
        let id = match existing.get(&intent.name) {
            Some(Listed { id, .. }) => {
                changes.intents_updated += 1;
                id.clone()
            }
            None => {
                changes.intents_created += 1;
                create_intent(client, t, intent).await?
            }
        };
        let slot_ids = slots(client, t, &id, intent, &type_ids).await?;
        update_intent(client, t, &id, intent, &slot_ids).await?;
    }
    on_stage(Stage::Intents {
        done: wanted.len(),
        total: wanted.len(),
    });
    for (name, listed) in &existing {
        if listed.built_in || def.intent(name).is_some() {
            continue;
        }
        client
            .delete_intent()
            .bot_id(&t.bot_id)
            .bot_version(DRAFT)
            .locale_id(&t.locale_id)
            .intent_id(&listed.id)
            .send()
            .await
            .map_err(|e| failed(format!("DeleteIntent {name}"), e))?;
        changes.intents_deleted += 1;
    }
    Ok(changes)
}

struct Listed {
    id: String,
    /// Lex's own intents (`AMAZON.FallbackIntent`): never deleted.
    built_in: bool,
}

async fn list_intents(client: &Client, t: &LexTarget) -> Result<HashMap<String, Listed>, LexError> {
    let pages = client
        .list_intents()
        .bot_id(&t.bot_id)
        .bot_version(DRAFT)
        .locale_id(&t.locale_id)
        .max_results(1000)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| failed("ListIntents", e))?;
    let summaries = pages.iter().flat_map(|p| p.intent_summaries());
    Ok(summaries
        .filter_map(|s| {
            let listed = Listed {
                id: s.intent_id()?.to_owned(),
                built_in: s.parent_intent_signature().is_some(),
            };
            Some((s.intent_name()?.to_owned(), listed))
        })
        .collect())
}

async fn create_intent(
    client: &Client,
    t: &LexTarget,
    intent: &Intent,
) -> Result<String, LexError> {
    let out = client
        .create_intent()
        .bot_id(&t.bot_id)
        .bot_version(DRAFT)
        .locale_id(&t.locale_id)
        .intent_name(&intent.name)
        .send()
        .await
        .map_err(|e| failed(format!("CreateIntent {}", intent.name), e))?;
    out.intent_id()
        .map(str::to_owned)
        .ok_or_else(|| missing("CreateIntent", "intentId"))
}

async fn update_intent(
    client: &Client,
    t: &LexTarget,
    id: &str,
    intent: &Intent,
    slot_ids: &[(String, String)],
) -> Result<(), LexError> {
    let step = || format!("UpdateIntent {}", intent.name);
    let utterances = intent
        .utterances
        .iter()
        .map(|u| SampleUtterance::builder().utterance(u).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(step(), e))?;
    let priorities = intent
        .slots
        .iter()
        .filter_map(|s| slot_ids.iter().find(|(n, _)| *n == s.name))
        .enumerate()
        .map(|(i, (_, sid))| {
            SlotPriority::builder()
                .priority(i as i32 + 1)
                .slot_id(sid)
                .build()
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(step(), e))?;
    let closing = match shape::closing_texts(intent) {
        Some((first, variations)) => Some(
            IntentClosingSetting::builder()
                .closing_response(response(first, &variations).map_err(|e| invalid(step(), e))?)
                .active(true)
                .build(),
        ),
        None => None,
    };
    client
        .update_intent()
        .bot_id(&t.bot_id)
        .bot_version(DRAFT)
        .locale_id(&t.locale_id)
        .intent_id(id)
        .intent_name(&intent.name)
        .set_sample_utterances(Some(utterances))
        .set_slot_priorities((!priorities.is_empty()).then_some(priorities))
        .set_intent_closing_setting(closing)
        .send()
        .await
        .map_err(|e| failed(step(), e))?;
    Ok(())
}

/// Creates, updates and deletes the intent's slots; returns `(name, slot id)` in Lex.
async fn slots(
    client: &Client,
    t: &LexTarget,
    intent_id: &str,
    intent: &Intent,
    type_ids: &[(String, String)],
) -> Result<Vec<(String, String)>, LexError> {
    let pages = client
        .list_slots()
        .bot_id(&t.bot_id)
        .bot_version(DRAFT)
        .locale_id(&t.locale_id)
        .intent_id(intent_id)
        .max_results(1000)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| failed(format!("ListSlots {}", intent.name), e))?;
    let mut existing: HashMap<String, String> = pages
        .iter()
        .flat_map(|p| p.slot_summaries())
        .filter_map(|s| Some((s.slot_name()?.to_owned(), s.slot_id()?.to_owned())))
        .collect();
    let mut ids = Vec::new();
    for slot in &intent.slots {
        let step = |op: &str| format!("{op} {}.{}", intent.name, slot.name);
        let type_id = shape::slot_type_id(&slot.slot_type, type_ids).ok_or_else(|| {
            LexError::Config(format!(
                "slot type {} was not written",
                slot.slot_type.name()
            ))
        })?;
        let setting = elicitation(intent, slot).map_err(|e| invalid(step("CreateSlot"), e))?;
        let id = match existing.remove(&slot.name) {
            Some(id) => {
                client
                    .update_slot()
                    .bot_id(&t.bot_id)
                    .bot_version(DRAFT)
                    .locale_id(&t.locale_id)
                    .intent_id(intent_id)
                    .slot_id(&id)
                    .slot_name(&slot.name)
                    .slot_type_id(type_id)
                    .value_elicitation_setting(setting)
                    .send()
                    .await
                    .map_err(|e| failed(step("UpdateSlot"), e))?;
                id
            }
            None => client
                .create_slot()
                .bot_id(&t.bot_id)
                .bot_version(DRAFT)
                .locale_id(&t.locale_id)
                .intent_id(intent_id)
                .slot_name(&slot.name)
                .slot_type_id(type_id)
                .value_elicitation_setting(setting)
                .send()
                .await
                .map_err(|e| failed(step("CreateSlot"), e))?
                .slot_id()
                .map(str::to_owned)
                .ok_or_else(|| missing("CreateSlot", "slotId"))?,
        };
        ids.push((slot.name.clone(), id));
    }
    for (name, id) in existing {
        client
            .delete_slot()
            .bot_id(&t.bot_id)
            .bot_version(DRAFT)
            .locale_id(&t.locale_id)
            .intent_id(intent_id)
            .slot_id(id)
            .send()
            .await
            .map_err(|e| failed(format!("DeleteSlot {}.{name}", intent.name), e))?;
    }
    Ok(ids)
}

/// Writes every custom slot type; returns `(name, slot type id)` in Lex.
async fn slot_types(
    client: &Client,
    t: &LexTarget,
    def: &BotDefinition,
    changes: &mut DraftChanges,
) -> Result<Vec<(String, String)>, LexError> {
    let pages = client
        .list_slot_types()
        .bot_id(&t.bot_id)
        .bot_version(DRAFT)
        .locale_id(&t.locale_id)
        .max_results(1000)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| failed("ListSlotTypes", e))?;
    let existing: HashMap<String, String> = pages
        .iter()
        .flat_map(|p| p.slot_type_summaries())
        .filter_map(|s| Some((s.slot_type_name()?.to_owned(), s.slot_type_id()?.to_owned())))
        .collect();
    let mut ids = Vec::new();
    for ty in def.slot_types.iter() {
        let step = |op: &str| format!("{op} {}", ty.name);
        let (values, selection) =
            slot_type_values(ty).map_err(|e| invalid(step("CreateSlotType"), e))?;
        let id = match existing.get(&ty.name) {
            Some(id) => {
                client
                    .update_slot_type()
                    .bot_id(&t.bot_id)
                    .bot_version(DRAFT)
                    .locale_id(&t.locale_id)
                    .slot_type_id(id)
                    .slot_type_name(&ty.name)
                    .set_slot_type_values(Some(values))
                    .value_selection_setting(selection)
                    .send()
                    .await
                    .map_err(|e| failed(step("UpdateSlotType"), e))?;
                id.clone()
            }
            None => client
                .create_slot_type()
                .bot_id(&t.bot_id)
                .bot_version(DRAFT)
                .locale_id(&t.locale_id)
                .slot_type_name(&ty.name)
                .set_slot_type_values(Some(values))
                .value_selection_setting(selection)
                .send()
                .await
                .map_err(|e| failed(step("CreateSlotType"), e))?
                .slot_type_id()
                .map(str::to_owned)
                .ok_or_else(|| missing("CreateSlotType", "slotTypeId"))?,
        };
        changes.slot_types_written += 1;
        ids.push((ty.name.clone(), id));
    }
    Ok(ids)
}

type BuildError = aws_sdk_lexmodelsv2::error::BuildError;

/// A custom type's values with synonyms; resolved to the canonical value, as Switchboard does.
fn slot_type_values(
    ty: &CustomSlotType,
) -> Result<(Vec<SlotTypeValue>, SlotValueSelectionSetting), BuildError> {
    let sample = |v: &str| SampleValue::builder().value(v).build();
    let values = ty
        .values
        .iter()
        .map(|v| {
            let synonyms = v
                .synonyms
                .iter()
                .map(|s| sample(s))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(SlotTypeValue::builder()
                .sample_value(sample(&v.value)?)
                .set_synonyms((!synonyms.is_empty()).then_some(synonyms))
                .build())
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    let selection = SlotValueSelectionSetting::builder()
        .resolution_strategy(SlotValueResolutionStrategy::TopResolution)
        .build()?;
    Ok((values, selection))
}

fn elicitation(intent: &Intent, slot: &SlotDef) -> Result<SlotValueElicitationSetting, BuildError> {
    let constraint = if slot.required {
        SlotConstraint::Required
    } else {
        SlotConstraint::Optional
    };
    let prompt = PromptSpecification::builder()
        .message_groups(group(&shape::prompt_text(intent, &slot.name), &[])?)
        .max_retries(SLOT_RETRIES)
        .build()?;
    SlotValueElicitationSetting::builder()
        .slot_constraint(constraint)
        .prompt_specification(prompt)
        .build()
}

fn response(first: &str, variations: &[&str]) -> Result<ResponseSpecification, BuildError> {
    ResponseSpecification::builder()
        .message_groups(group(first, variations)?)
        .allow_interrupt(true)
        .build()
}

fn group(first: &str, variations: &[&str]) -> Result<MessageGroup, BuildError> {
    let message = |text: &str| -> Result<Message, BuildError> {
        Ok(Message::builder()
            .plain_text_message(PlainTextMessage::builder().value(text).build()?)
            .build())
    };
    let variations = variations
        .iter()
        .map(|v| message(v))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(MessageGroup::builder()
        .message(message(first)?)
        .set_variations((!variations.is_empty()).then_some(variations))
        .build())
}

fn invalid(step: String, e: BuildError) -> LexError {
    LexError::Request {
        step,
        message: format!("request could not be formed: {e}"),
    }
}

fn missing(step: &str, field: &str) -> LexError {
    LexError::Request {
        step: step.into(),
        message: format!("Lex's answer has no {field}"),
    }
}
