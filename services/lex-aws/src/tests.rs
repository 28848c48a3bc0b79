//! The real SDK client against the stateful fake: what a publish leaves in Lex, and how it
//! behaves when Lex fails a build, throttles, or is busy with another build.

use std::time::Duration;

use switchboard_bots::{
    BotDefinition, BuiltinSlotType, CustomSlotType, FallbackPolicy, Intent, SlotDef, SlotTypeRef,
    SlotTypeValue, SlotTypes,
};

use crate::fake::FakeLex;
use crate::{LexError, LexMirror, LexTarget, StaticCredentials};

const BOT: &str = "BOTID12345";
const ALIAS: &str = "ALIASID123";

fn intent(name: &str, utterances: &[&str], slots: Vec<SlotDef>) -> Intent {
    Intent {
        name: name.into(),
        utterances: utterances.iter().map(|u| u.to_string()).collect(),
        slots,
        responses: vec![
            format!("Here is how {name} works."),
            "Another way to say it.".into(),
        ],
        follow_up: None,
        tests: vec![],
    }
}

fn bot(intents: Vec<Intent>) -> BotDefinition {
    BotDefinition {
        name: "banking".into(),
        locale: "en_GB".into(),
        description: "test bot".into(),
        greeting: None,
        version: 1,
        intents,
        slot_types: SlotTypes::new(vec![CustomSlotType {
            name: "card_kind".into(),
            values: vec![SlotTypeValue {
                value: "virtual".into(),
                synonyms: vec!["online card".into()],
            }],
        }]),
        fallback: FallbackPolicy::default(),
        gate: None,
    }
}

fn banking() -> BotDefinition {
    bot(vec![
        intent(
            "card_arrival",
            &["where is my card", "my card has not arrived"],
            vec![SlotDef {
                name: "card_type".into(),
                slot_type: SlotTypeRef::Custom("card_kind".into()),
                required: true,
                prompt: Some("Which card?".into()),
            }],
        ),
        intent(
            "balance",
            &["what is my balance", "how much money do I have"],
            vec![SlotDef {
                name: "on_date".into(),
                slot_type: SlotTypeRef::Builtin(BuiltinSlotType::Date),
                required: false,
                prompt: None,
            }],
        ),
    ])
}

fn target(fake: &FakeLex) -> LexTarget {
    let mut t = LexTarget::new(BOT, ALIAS, "en_GB");
    t.region = "eu-west-2".into();
    t.endpoint_url = Some(fake.endpoint_url());
    t.credentials = Some(StaticCredentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "secret".into(),
    });
    t.initial_backoff = Duration::from_millis(10);
    t.poll_interval = Duration::from_millis(10);
    t.keep_versions = 2;
    t
}

async fn publish(t: LexTarget, def: &BotDefinition) -> Result<crate::LexRelease, LexError> {
    LexMirror::connect(t).await?.publish(def, &|_| {}).await
}

#[tokio::test]
async fn a_publish_leaves_the_intents_built_versioned_and_aliased() {
    let fake = FakeLex::start(BOT, ALIAS, "en_GB").await.unwrap();
    let release = publish(target(&fake), &banking()).await.unwrap();
    assert_eq!(release.bot_version, "1");
    assert_eq!(release.changes.intents_created, 2);
    assert_eq!(release.changes.slot_types_written, 1);
    assert_eq!(fake.alias_version(ALIAS).as_deref(), Some("1"));
    assert_eq!(fake.alias_version("TSTALIASID").as_deref(), Some("DRAFT"));

    let held = fake.intents("1").unwrap();
    let names: Vec<&str> = held.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["FallbackIntent", "balance", "card_arrival"]);
    let card = &held[2];
    assert_eq!(
        card.utterances,
        ["where is my card", "my card has not arrived"]
    );
    assert_eq!(
        card.closing.as_deref(),
        Some("Here is how card_arrival works.")
    );
    // The custom type is referred to by the id Lex gave it, the built-in by its AMAZON name.
    assert!(card.slots["card_type"].starts_with("ID"));
    assert_eq!(held[1].slots["on_date"], "AMAZON.Date");
}

#[tokio::test]
async fn republishing_updates_in_place_deletes_dropped_intents_and_prunes_versions() {
    let fake = FakeLex::start(BOT, ALIAS, "en_GB").await.unwrap();
    let t = target(&fake);
    publish(t.clone(), &banking()).await.unwrap();
    let mut changed = banking();
    changed.intents.retain(|i| i.name != "balance");
    changed.intents[0]
        .utterances
        .push("card still missing".into());
    changed.intents[0].slots.clear();
    let second = publish(t.clone(), &changed).await.unwrap();
    assert_eq!(second.changes.intents_created, 0);
    assert_eq!(second.changes.intents_updated, 1);
    assert_eq!(second.changes.intents_deleted, 1);
    let held = fake.intents("2").unwrap();
    assert_eq!(held.len(), 2, "FallbackIntent and card_arrival: {held:?}");
    assert_eq!(held[1].utterances.len(), 3);
    assert!(held[1].slots.is_empty());
    // Version 1 still holds what was published first.
    assert_eq!(fake.intents("1").unwrap().len(), 3);

    let third = publish(t, &changed).await.unwrap();
    assert_eq!(third.bot_version, "3");
    assert_eq!(third.deleted_versions, ["1"]);
    assert_eq!(fake.versions(), [2, 3]);
    assert_eq!(fake.alias_version(ALIAS).as_deref(), Some("3"));
}

#[tokio::test]
async fn a_failed_build_reports_lexs_reasons_and_the_alias_keeps_serving() {
    let fake = FakeLex::start(BOT, ALIAS, "en_GB").await.unwrap();
    let t = target(&fake);
    publish(t.clone(), &banking()).await.unwrap();
    fake.fail_next_build(&["Intent 'balance' has conflicting sample utterances."]);
    let err = publish(t.clone(), &banking()).await.unwrap_err();
    match &err {
        LexError::BuildFailed { locale, reasons } => {
            assert_eq!(locale, "en_GB");
            assert_eq!(
                reasons,
                &["Intent 'balance' has conflicting sample utterances."]
            );
        }
        other => panic!("expected a failed build, got {other:?}"),
    }
    assert!(err.to_string().contains("conflicting sample utterances"));
    assert_eq!(fake.versions(), [1]);
    assert_eq!(fake.alias_version(ALIAS).as_deref(), Some("1"));

    // Lex's own check: an intent without utterances does not build.
    let empty = bot(vec![intent("balance", &[], vec![])]);
    let err = publish(t, &empty).await.unwrap_err();
    assert!(
        matches!(&err, LexError::BuildFailed { reasons, .. } if reasons[0].contains("no sample utterances")),
        "{err:?}"
    );
    assert_eq!(fake.alias_version(ALIAS).as_deref(), Some("1"));
}

#[tokio::test]
async fn throttled_requests_are_retried_with_back_off_until_attempts_run_out() {
    let fake = FakeLex::start(BOT, ALIAS, "en_GB").await.unwrap();
    fake.throttle_next(3);
    publish(target(&fake), &banking()).await.unwrap();
    let first: Vec<String> = fake.requests().into_iter().take(4).collect();
    assert!(
        first.iter().all(|r| r == &first[0]),
        "one request, tried four times: {first:?}"
    );
    assert_eq!(fake.alias_version(ALIAS).as_deref(), Some("1"));

    let mut t = target(&fake);
    t.max_attempts = 2;
    fake.throttle_next(2);
    let err = publish(t, &banking()).await.unwrap_err();
    assert!(err.to_string().contains("ThrottlingException"), "{err}");
    assert_eq!(fake.versions(), [1], "nothing new was versioned");
}

#[tokio::test]
async fn a_build_already_running_is_waited_for_then_reported() {
    let fake = FakeLex::start(BOT, ALIAS, "en_GB").await.unwrap();
    fake.busy_builds(2);
    publish(target(&fake), &banking()).await.unwrap();
    let builds = fake
        .requests()
        .iter()
        .filter(|r| r.as_str() == format!("POST /bots/{BOT}/botversions/DRAFT/botlocales/en_GB"))
        .count();
    assert_eq!(builds, 3);

    let mut t = target(&fake);
    t.max_attempts = 2;
    fake.busy_builds(5);
    let err = publish(t, &banking()).await.unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("BuildBotLocale") && shown.contains("ConflictException"),
        "{shown}"
    );
    assert!(shown.contains("already being built"), "{shown}");
}

#[tokio::test]
async fn wrong_targets_get_precise_errors() {
    let fake = FakeLex::start(BOT, ALIAS, "en_GB").await.unwrap();
    let mut t = target(&fake);
    t.bot_id = " ".into();
    let err = publish(t, &banking()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Lex target misconfigured: `bot_id` is empty"
    );

    let mut t = target(&fake);
    t.bot_id = "NOSUCHBOT1".into();
    let err = publish(t, &banking()).await.unwrap_err().to_string();
    assert!(
        err.contains("ListSlotTypes") && err.contains("ResourceNotFoundException"),
        "{err}"
    );
    assert!(err.contains("bot NOSUCHBOT1 does not exist"), "{err}");

    let mut t = target(&fake);
    t.locale_id = "fr_FR".into();
    let err = publish(t, &banking()).await.unwrap_err().to_string();
    assert!(err.contains("locale fr_FR does not exist"), "{err}");
    assert!(fake.versions().is_empty());
}
