//! Live call audio in, transcripts out: staged calls streamed over Amazon LCA's protocol and
//! Twilio Media Streams, the live feed, bad input, and the Amazon Transcribe engine (via its
//! wire-level fake), all against the real server.

mod assist;
mod batch;
mod broken;
mod insights;
mod live;
mod overview;
mod real;
mod refusals;
mod roles;
mod staged;
mod transcribe;
mod twilio;

use serde_json::Value;
use switchboard_e2e::StagedCall;

/// The staged call most tests stream: 35 s, eight turns, customer on channel 0.
const CALL: &str = "call_04_roaming_activation";

/// Word error rate each speaker's channel must beat. Generous: tiny.en measures 20 % (customer)
/// and 35–48 % (agent, the harder synthetic voice; μ-law over Twilio is the worse end) on the
/// staged call and varies between runs, while a swapped or garbled channel scores near 100 %.
const MAX_WER: f64 = 0.6;

/// The stored transcript of a `GET /v1/calls/{id}` answer.
fn transcript(call: &Value) -> Vec<Value> {
    call["transcript"].as_array().cloned().unwrap_or_default()
}

/// Every segment's speaker is the script's speaker of the turn it overlaps most, once its
/// times are moved by `shift_ms` (where the streamed audio began in the file, less where it
/// began in the call).
fn assert_speakers_match_script(staged: &StagedCall, segments: &[Value], shift_ms: i64) {
    for s in segments {
        let (start, end) = (
            s["start_ms"].as_i64().unwrap() + shift_ms,
            s["end_ms"].as_i64().unwrap() + shift_ms,
        );
        let turn = staged.turn_at(start.max(0) as u64, end.max(0) as u64);
        let turn = turn.unwrap_or_else(|| panic!("segment overlaps no scripted turn: {s}"));
        assert_eq!(
            s["speaker"],
            turn.speaker.as_str(),
            "segment {s} lies in turn {turn:?}"
        );
        let role = if s["channel"] == 0 {
            "customer"
        } else {
            "agent"
        };
        assert_eq!(s["speaker"], role, "channel and speaker disagree: {s}");
    }
}

/// Segments in the order they were stored (the API lists them by start time).
fn by_seq(segments: &[Value]) -> Vec<Value> {
    let mut sorted = segments.to_vec();
    sorted.sort_by_key(|s| s["seq"].as_u64());
    sorted
}

/// One speaker's stored words, in order.
fn spoken_by(segments: &[Value], speaker: &str) -> String {
    segments
        .iter()
        .filter(|s| s["speaker"] == speaker)
        .filter_map(|s| s["text"].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Word error rate of each speaker's stored words against the script; printed and bounded.
fn assert_wer_per_speaker(staged: &StagedCall, segments: &[Value], what: &str) {
    for speaker in ["customer", "agent"] {
        let score = wer::score(&staged.script_text(speaker), &spoken_by(segments, speaker));
        println!(
            "{what}: {speaker} WER {:.1} % ({} errors / {} words)",
            score.wer() * 100.0,
            score.errors,
            score.reference_words
        );
        assert!(
            score.wer() < MAX_WER,
            "{what}: {speaker} WER {:.3}: {}",
            score.wer(),
            spoken_by(segments, speaker)
        );
    }
}

/// Segments (listed by start time) are numbered 0, 1, 2, … without gaps or repeats.
fn assert_seq_contiguous(segments: &[Value]) {
    let mut seqs: Vec<u64> = segments.iter().filter_map(|s| s["seq"].as_u64()).collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (0..segments.len() as u64).collect::<Vec<_>>(),
        "seq numbers: {segments:?}"
    );
}
