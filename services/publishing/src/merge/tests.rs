//! Merging approved utterances: what goes in, what is folded away, what is refused and why.

use chrono::Utc;
use switchboard_bots::{BotDefinition, Intent};
use switchboard_embeddings::WordHashEmbedder;
use switchboard_storage::{ProposalOutcome, ProposalRecord, ProposalStatus};

use super::*;

fn intent(name: &str, utterances: &[&str], tests: &[&str]) -> Intent {
    Intent {
        name: name.into(),
        utterances: utterances.iter().map(|s| s.to_string()).collect(),
        slots: vec![],
        responses: vec![format!("About {name}.")],
        follow_up: None,
        tests: tests.iter().map(|s| s.to_string()).collect(),
    }
}

fn bot() -> BotDefinition {
    BotDefinition {
        name: "banking".into(),
        locale: "en_GB".into(),
        description: String::new(),
        greeting: None,
        version: 1,
        intents: vec![
            intent(
                "card_arrival",
                &["when will my card arrive", "where is my new card"],
                &["has my card been posted"],
            ),
            intent("lost_card", &["I lost my card", "my card was stolen"], &[]),
        ],
        slot_types: Default::default(),
        fallback: Default::default(),
        gate: None,
    }
}

fn approved(id: &str, text: &str, intent: &str) -> ProposalRecord {
    ProposalRecord {
        id: id.into(),
        bot: "banking".into(),
        missed_id: None,
        text: text.into(),
        intent: intent.into(),
        new_intent: false,
        response: None,
        status: ProposalStatus::Approved,
        proposed_by: "agent-1".into(),
        proposed_at: Utc::now(),
        decided_by: Some("sup-1".into()),
        decided_at: Some(Utc::now()),
        note: None,
        build_note: None,
        version: None,
    }
}

fn refused(outcome: &ProposalOutcome) -> &str {
    match outcome {
        ProposalOutcome::Refused(why) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn approved_utterances_are_tidied_added_and_folded_when_already_known() {
    let props = [
        approved("p1", "  my   card   got eaten by the ATM ", "lost_card"),
        approved("p2", "When will my CARD arrive?", "card_arrival"),
        approved("p3", "my card got eaten by the atm!", "lost_card"),
    ];
    let m = merge(&bot(), &props, &WordHashEmbedder { dim: 256 }).unwrap();
    assert_eq!(m.added, 1);
    let lost = m.definition.intent("lost_card").unwrap();
    assert_eq!(
        lost.utterances.last().unwrap(),
        "my card got eaten by the ATM"
    );
    assert!(
        m.outcomes
            .iter()
            .all(|(_, o)| *o == ProposalOutcome::Published),
        "{:?}",
        m.outcomes
    );
    assert_eq!(
        m.definition
            .intent("card_arrival")
            .unwrap()
            .utterances
            .len(),
        2
    );
}

#[test]
fn collisions_held_out_tests_and_bad_targets_are_refused_with_the_reason() {
    let mut new_without_response = approved("p4", "do you do metal cards", "metal_card");
    new_without_response.new_intent = true;
    let mut bad_name = approved("p5", "crypto please", "9crypto");
    bad_name.new_intent = true;
    let props = [
        approved("p1", "I lost my card.", "card_arrival"),
        approved("p2", "Has my card been posted?", "card_arrival"),
        approved("p3", "hello", "no_such_intent"),
        new_without_response,
        bad_name,
        approved("p6", "x", "lost_card"),
    ];
    let m = merge(&bot(), &props, &WordHashEmbedder { dim: 256 }).unwrap();
    assert_eq!(m.added, 0);
    let why: Vec<&str> = m.outcomes.iter().map(|(_, o)| refused(o)).collect();
    assert!(
        why[0].contains("already an utterance of intent \"lost_card\""),
        "{}",
        why[0]
    );
    assert!(why[1].contains("held-out tests"), "{}", why[1]);
    assert!(why[2].contains("does not exist"), "{}", why[2]);
    assert!(why[3].contains("has no response"), "{}", why[3]);
    assert!(why[4].contains("not a name Lex takes"), "{}", why[4]);
    assert!(why[5].contains("one character"), "{}", why[5]);
    assert_eq!(m.definition, bot());
}

#[test]
fn a_new_intent_is_created_with_its_response_and_near_duplicates_elsewhere_are_refused() {
    let mut metal = approved("p1", "can I get a metal card", "metal_card");
    metal.new_intent = true;
    metal.response = Some("Metal cards come with Premium.".into());
    let mut second = approved("p2", "is there a metal card option", "metal_card");
    second.new_intent = true;
    second.response = metal.response.clone();
    // Same words as a lost_card utterance in another order: identical bag of words.
    let near = approved("p3", "stolen my card was", "card_arrival");
    let m = merge(
        &bot(),
        &[metal, second, near],
        &WordHashEmbedder { dim: 4096 },
    )
    .unwrap();
    assert_eq!(m.new_intents, ["metal_card"]);
    let created = m.definition.intent("metal_card").unwrap();
    assert_eq!(created.utterances.len(), 2);
    assert_eq!(created.responses, ["Metal cards come with Premium."]);
    let names: Vec<&str> = m
        .definition
        .intents
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["card_arrival", "lost_card", "metal_card"],
        "kept sorted"
    );
    let why = refused(&m.outcomes[2].1);
    assert!(
        why.contains("says the same as \"my card was stolen\" of intent \"lost_card\""),
        "{why}"
    );
}
