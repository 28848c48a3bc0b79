use std::sync::Arc;

use ::sentiment::built_in_examples;
use switchboard_audio::{AudioFormat, Encoding};
use switchboard_calls::Source;
use switchboard_embeddings::WordHashEmbedder;
use switchboard_transcription::Speaker;

use super::*;

/// A lexical stand-in encoder, so the stages are tested without a model.
const WORDS: WordHashEmbedder = WordHashEmbedder { dim: 64 };

fn insights() -> Insights {
    let model = SentimentModel::train(&built_in_examples(), &WORDS, &mut |_, _| {}).unwrap();
    Insights::new(
        Redactor::default(),
        EmbedQueue::start(Arc::new(WORDS), 8, 64),
        Arc::new(model),
    )
}

fn call() -> CallStart {
    CallStart {
        call_id: "c1".into(),
        source: Source::Lca,
        from_number: None,
        to_number: None,
        agent_id: Some("agent-7".into()),
        queue: None,
        format: AudioFormat {
            encoding: Encoding::Pcm16Le,
            sample_rate: 8000,
            channels: 2,
        },
        roles: vec![Speaker::Customer, Speaker::Agent],
    }
}

fn segment(speaker: &str, text: &str) -> NewCallSegment {
    NewCallSegment {
        speaker: speaker.into(),
        text: text.into(),
        confidence: 0.9,
        ..Default::default()
    }
}

#[tokio::test]
async fn finals_are_redacted_then_scored_and_partials_redacted() {
    let factory = insights();
    let mut stages = factory.open(&call());
    let mut asked = segment("agent", "Could you read me the card number?");
    stages.segment(&mut asked).await;
    assert_eq!(asked.text, "Could you read me the card number?");
    assert!(asked.insights.redactions.is_empty());

    // The answer's live text is redacted too, before it is ever published.
    let partial = stages.partial(
        "customer",
        "Sure, it's four one one one, one one one one, one one one one, one",
    );
    assert_eq!(partial, "Sure, it's [CARD_NUMBER]");

    let mut answer = segment(
        "customer",
        "Sure, it's four one one one, one one one one, one one one one, one one one one.",
    );
    stages.segment(&mut answer).await;
    assert_eq!(answer.text, "Sure, it's [CARD_NUMBER].");
    let r = &answer.insights.redactions[0];
    assert_eq!(
        (
            r.kind.as_str(),
            &answer.text[r.start as usize..r.end as usize]
        ),
        ("card_number", "[CARD_NUMBER]")
    );
    assert!(answer.insights.sentiment.is_some());

    let mut angry = segment(
        "customer",
        "This is the third time I'm calling and I am really fed up.",
    );
    stages.segment(&mut angry).await;
    let s = angry.insights.sentiment.clone().unwrap();
    assert_eq!(s.label, "negative");
    assert!(s.running < 0.0 && s.running > -1.0);
}

#[tokio::test]
async fn each_call_has_its_own_context() {
    let factory = insights();
    let mut first = factory.open(&call());
    first
        .segment(&mut segment(
            "agent",
            "Can I have your account number please?",
        ))
        .await;
    // Another call never answers the first call's question.
    let mut second = factory.open(&call());
    let mut reply = segment("customer", "It's three one nine two, six six four zero.");
    second.segment(&mut reply).await;
    assert_eq!(reply.text, "It's three one nine two, six six four zero.");
    let mut reply = segment("customer", "It's three one nine two, six six four zero.");
    first.segment(&mut reply).await;
    assert_eq!(reply.text, "It's [BANK_ACCOUNT].");
}

#[tokio::test]
async fn segments_get_a_few_key_phrases_and_never_a_tag() {
    let factory = insights();
    let mut stages = factory.open(&call());
    let mut lost = segment(
        "customer",
        "Hi, I think I lost my debit card somewhere yesterday and I need to block it.",
    );
    stages.segment(&mut lost).await;
    let phrases = &lost.insights.key_phrases;
    assert!(phrases.contains(&"debit card".to_string()), "{phrases:?}");
    assert!(phrases.len() <= keyphrases::PER_SEGMENT, "{phrases:?}");
    let mut answer = segment(
        "customer",
        "Sure, it's four one one one, one one one one, one one one one, one one one one.",
    );
    stages.segment(&mut answer).await;
    assert_eq!(answer.text, "Sure, it's [CARD_NUMBER].");
    assert!(answer.insights.key_phrases.is_empty(), "{answer:?}");
}

#[test]
fn candidates_are_runs_of_content_words() {
    let finder = KeyPhrases::default();
    assert_eq!(
        finder.candidates(
            "Yeah, um, I was charged forty nine dollars for roaming, and ROAMING again!"
        ),
        ["charged", "dollars", "roaming"],
        "stop words, fillers and spoken numbers split runs; repeats come once"
    );
    assert_eq!(
        finder.candidates("Northwind Bank fraud team, my name is [NAME]. How can I help?"),
        ["Bank fraud team"],
        "a long run keeps its head; a tag is never a phrase"
    );
    assert!(
        finder
            .candidates("Okay, thank you so much, that's all.")
            .is_empty()
    );
}

#[test]
fn ranking_prefers_relevance_and_skips_near_duplicates() {
    let unit = |v: [f32; 3]| {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect::<Vec<f32>>()
    };
    let text = unit([1.0, 0.2, 0.2]);
    let candidates = vec![
        ("debit card".to_string(), unit([1.0, 0.2, 0.1])),
        ("card".to_string(), unit([1.0, 0.3, 0.0])),
        ("branch".to_string(), unit([0.5, 0.0, 1.0])),
        ("weather".to_string(), unit([0.0, 0.0, -1.0])),
    ];
    assert_eq!(
        keyphrases::rank(&text, &candidates, 3),
        ["debit card", "branch"],
        "\"card\" is a near-duplicate of \"debit card\"; \"weather\" is unrelated"
    );
}

#[tokio::test]
async fn stored_segments_raise_each_rule_once() {
    use ::rules::{Condition, Rule, RuleSet, Rules, Severity};
    let rules = Arc::new(Rules::new(RuleSet {
        rules: vec![Rule {
            name: "supervisor-request".into(),
            category: "Escalation".into(),
            description: "The customer asked for a manager.".into(),
            alert: Some(Severity::High),
            speaker: Some("customer".into()),
            condition: Condition::Phrases(vec!["speak to a manager".into()]),
        }],
    }));
    let factory = insights().with_rules(rules);
    let mut stages = factory.open(&call());
    let agent = segment("agent", "I can let you speak to a manager.");
    assert!(stages.stored(0, &agent).await.is_empty());
    let customer = segment("customer", "Then let me speak to a manager!");
    let hits = stages.stored(1, &customer).await;
    assert_eq!(
        hits,
        [NewRuleHit {
            rule: "supervisor-request".into(),
            category: "Escalation".into(),
            severity: Some("high".into()),
            reason: "customer said \"speak to a manager\"".into(),
            description: "The customer asked for a manager.".into(),
            seq: 1,
        }]
    );
    assert!(stages.stored(2, &customer).await.is_empty());
    // Another call starts afresh.
    let mut other = factory.open(&call());
    assert_eq!(other.stored(0, &customer).await.len(), 1);
}
