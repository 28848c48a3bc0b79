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
