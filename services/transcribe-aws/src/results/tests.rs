use super::*;
use aws_sdk_transcribestreaming::types::Alternative;
use switchboard_transcription::Speaker;

fn spec() -> StreamSpec {
    StreamSpec {
        call_id: "c1".into(),
        sample_rate: 8000,
        channels: vec![Speaker::Customer, Speaker::Agent],
        offset_ms: 60_000,
    }
}

fn word(content: &str, stable: Option<bool>, confidence: Option<f64>) -> Item {
    let mut item = Item::builder()
        .content(content)
        .r#type(ItemType::Pronunciation);
    if let Some(stable) = stable {
        item = item.stable(stable);
    }
    if let Some(confidence) = confidence {
        item = item.confidence(confidence);
    }
    item.build()
}

fn punct(content: &str) -> Item {
    Item::builder()
        .content(content)
        .r#type(ItemType::Punctuation)
        .confidence(0.0)
        .build()
}

fn result(partial: bool, channel: &str, transcript: &str, items: Vec<Item>) -> AwsResult {
    AwsResult::builder()
        .is_partial(partial)
        .channel_id(channel)
        .start_time(1.25)
        .end_time(2.5)
        .alternatives(
            Alternative::builder()
                .transcript(transcript)
                .set_items(Some(items))
                .build(),
        )
        .build()
}

#[test]
fn a_partial_splits_stable_from_unstable_words() {
    let items = vec![
        word("I", Some(true), None),
        word("want", Some(true), None),
        punct(","),
        word("a", Some(false), None),
        word("refund", Some(false), None),
    ];
    let event = to_event(&result(true, "ch_1", "I want, a refund", items), &spec());
    assert_eq!(
        event,
        Some(TranscriptEvent::Partial(Partial {
            channel: 1,
            speaker: Speaker::Agent,
            start_ms: 61_250,
            stable: "I want".into(),
            unstable: ", a refund".into(),
        }))
    );
}

#[test]
fn a_partial_without_stability_flags_is_all_unstable() {
    let items = vec![word("hello", None, None), word("there", None, None)];
    let Some(TranscriptEvent::Partial(p)) =
        to_event(&result(true, "ch_0", "hello there", items), &spec())
    else {
        panic!("expected a partial");
    };
    assert_eq!(
        (p.stable.as_str(), p.unstable.as_str()),
        ("", "hello there")
    );
    assert_eq!(p.speaker, Speaker::Customer);
}

#[test]
fn a_final_carries_times_offset_speaker_and_mean_word_confidence() {
    let items = vec![
        word("yes", Some(true), Some(0.9)),
        word("please", Some(true), Some(0.5)),
        punct("."),
    ];
    let event = to_event(&result(false, "ch_0", "Yes please.", items), &spec());
    assert_eq!(
        event,
        Some(TranscriptEvent::Final(Segment {
            channel: 0,
            speaker: Speaker::Customer,
            start_ms: 61_250,
            end_ms: 62_500,
            text: "Yes please.".into(),
            confidence: 0.7,
        }))
    );
}

#[test]
fn a_final_without_confidences_counts_as_certain() {
    let items = vec![word("ok", None, None)];
    let Some(TranscriptEvent::Final(seg)) = to_event(&result(false, "ch_1", "ok", items), &spec())
    else {
        panic!("expected a final");
    };
    assert_eq!(seg.confidence, 1.0);
}

#[test]
fn empty_results_produce_nothing() {
    assert_eq!(
        to_event(&result(false, "ch_0", "  ", vec![]), &spec()),
        None
    );
    assert_eq!(to_event(&result(true, "ch_0", "", vec![]), &spec()), None);
    let no_alternatives = AwsResult::builder().is_partial(false).build();
    assert_eq!(to_event(&no_alternatives, &spec()), None);
}

#[test]
fn channel_ids_map_to_indexes_and_unknown_ones_to_the_first_channel() {
    assert_eq!(channel_index(Some("ch_1"), 2), 1);
    assert_eq!(channel_index(Some("ch_0"), 2), 0);
    assert_eq!(channel_index(Some("ch_5"), 2), 0);
    assert_eq!(channel_index(Some("left"), 2), 0);
    assert_eq!(channel_index(None, 1), 0);
}
