//! The segmenter against the staged calls, whose turn timings are exact.

use std::path::PathBuf;

use super::*;
use crate::{Resampler, read_wav, to_f32};

fn shared() -> PathBuf {
    let mut dir = std::env::current_dir().unwrap();
    while !dir.join("bot-definitions").is_dir() {
        assert!(dir.pop(), "run tests inside the Switchboard checkout");
    }
    dir.join("../shared/data/speech/calls")
}

/// Utterances found on each channel of a staged call, in seconds.
fn segment(call: &str, config: &VadConfig) -> Vec<Vec<(f64, f64)>> {
    let recording = read_wav(&shared().join(format!("{call}.wav"))).unwrap();
    recording
        .channels
        .iter()
        .map(|pcm| {
            let mut resampler = Resampler::new(recording.sample_rate).unwrap();
            let mut segmenter = Segmenter::new(config.clone());
            let mut found = Vec::new();
            let mut audio = Vec::new();
            for chunk in pcm.chunks(1600) {
                audio.clear();
                resampler.push(&to_f32(chunk), &mut audio);
                for event in segmenter.push(&audio) {
                    if let SegmenterEvent::Ended(u) = event {
                        found.push((u.start as f64 / 16000.0, u.end() as f64 / 16000.0));
                    }
                }
            }
            found.extend(
                segmenter
                    .finish()
                    .map(|u| (u.start as f64 / 16000.0, u.end() as f64 / 16000.0)),
            );
            found
        })
        .collect()
}

struct Turn {
    channel: usize,
    start_s: f64,
    end_s: f64,
}

fn turns(call: &str) -> Vec<Turn> {
    let json = std::fs::read_to_string(shared().join(format!("{call}.json"))).unwrap();
    let script: serde_json::Value = serde_json::from_str(&json).unwrap();
    script["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| Turn {
            channel: t["channel"].as_u64().unwrap() as usize,
            start_s: t["start_s"].as_f64().unwrap(),
            end_s: t["end_s"].as_f64().unwrap(),
        })
        .collect()
}

#[test]
fn every_scripted_turn_is_covered_by_an_utterance_that_starts_before_it() {
    for call in ["call_01_lost_card", "call_04_roaming_activation"] {
        let found = segment(call, &VadConfig::default());
        for turn in turns(call) {
            let covering = found[turn.channel]
                .iter()
                .filter(|(s, e)| *s < turn.end_s && *e > turn.start_s)
                .collect::<Vec<_>>();
            assert!(
                !covering.is_empty(),
                "{call}: no utterance on channel {} for turn at {}",
                turn.channel,
                turn.start_s
            );
            // The pre-roll keeps the first syllable: the first covering utterance starts no later
            // than the scripted start.
            assert!(
                covering[0].0 <= turn.start_s + 0.02,
                "{call}: turn at {} clipped: {:?}",
                turn.start_s,
                covering[0]
            );
            // And it ends after the turn's audio does.
            assert!(
                covering.last().unwrap().1 >= turn.end_s - 0.05,
                "{call}: turn ending {} cut: {covering:?}",
                turn.end_s
            );
        }
        // Line noise between turns is not speech: no more utterances than turns plus a few splits.
        let total: usize = found.iter().map(Vec::len).sum();
        assert!(
            total <= turns(call).len() * 2,
            "{call}: {total} utterances for {} turns",
            turns(call).len()
        );
    }
}

#[test]
fn silence_yields_no_utterances() {
    let mut segmenter = Segmenter::new(VadConfig::default());
    let events = segmenter.push(&vec![0.0; 16000 * 3]);
    assert!(events.is_empty());
    assert_eq!(segmenter.finish(), None);
}

#[test]
fn speech_cut_at_the_end_of_the_stream_is_still_returned() {
    let recording = read_wav(&shared().join("call_04_roaming_activation.wav")).unwrap();
    let turn = &turns("call_04_roaming_activation")[0];
    let mut resampler = Resampler::new(8000).unwrap();
    let mut audio = Vec::new();
    let cut = ((turn.start_s + 1.0) * 8000.0) as usize;
    resampler.push(
        &to_f32(&recording.channels[turn.channel][..cut]),
        &mut audio,
    );
    let mut segmenter = Segmenter::new(VadConfig::default());
    segmenter.push(&audio);
    assert!(
        segmenter.current().is_some(),
        "speech in progress at the cut"
    );
    let last = segmenter.finish().expect("an utterance in progress");
    assert!(last.start as f64 / 16000.0 <= turn.start_s);
}

/// Speech-like noise at `dbfs` for `ms`, then digital silence for `quiet_ms`.
fn tone_then_silence(dbfs: f32, ms: usize, quiet_ms: usize) -> Vec<f32> {
    let amplitude = 10f32.powf(dbfs / 20.0) * std::f32::consts::SQRT_2;
    let mut out: Vec<f32> = (0..ms * 16)
        .map(|i| amplitude * (i as f32 * 0.05).sin())
        .collect();
    out.extend(std::iter::repeat_n(0.0, quiet_ms * 16));
    out
}

#[test]
fn frames_under_the_energy_floor_are_silence_whatever_the_model_says() {
    assert!((rms_dbfs(&tone_then_silence(-20.0, 16, 0)) + 20.0).abs() < 0.5);
    assert!(rms_dbfs(&[0.0; FRAME]) < -100.0);
    // A quiet hum under the floor never starts an utterance.
    let mut segmenter = Segmenter::new(VadConfig::default());
    assert!(
        segmenter
            .push(&tone_then_silence(-60.0, 3000, 0))
            .is_empty()
    );
    assert!(segmenter.current().is_none());
}

#[test]
fn a_turn_ends_min_silence_after_the_voice_on_a_quiet_line() {
    let call = "call_04_roaming_activation";
    let config = VadConfig::default();
    let found = segment(call, &config);
    for turn in turns(call) {
        let ending = found[turn.channel]
            .iter()
            .find(|(s, e)| *s < turn.end_s && *e > turn.end_s - 0.05)
            .unwrap();
        // Its voiced part stops with the voice (not 0.2–0.3 s later, when the model's score
        // has decayed), so it holds the voice plus the post-pad and no more.
        assert!(
            ending.1 <= turn.end_s + config.post_pad_ms as f64 / 1000.0 + 0.1,
            "{call}: turn ending {} kept until {}",
            turn.end_s,
            ending.1
        );
    }
}

#[test]
fn a_pause_shows_exactly_the_utterance_that_ends_if_the_speaker_stays_quiet() {
    let recording = read_wav(&shared().join("call_04_roaming_activation.wav")).unwrap();
    let turn = &turns("call_04_roaming_activation")[0];
    let mut resampler = Resampler::new(8000).unwrap();
    let mut audio = Vec::new();
    resampler.push(&to_f32(&recording.channels[turn.channel]), &mut audio);
    let config = VadConfig::default();
    let mut segmenter = Segmenter::new(config.clone());
    let mut seen: Option<(u64, Vec<f32>, usize)> = None;
    for chunk in audio.chunks(3200) {
        for event in segmenter.push(chunk) {
            if let SegmenterEvent::Ended(u) = event {
                let (start, samples, voiced) = seen.take().expect("a pause before the end");
                assert_eq!((u.start, u.voiced), (start, voiced));
                assert_eq!(u.samples, samples);
                return;
            }
        }
        if let Some(p) = segmenter.paused(config.post_pad_ms) {
            seen = Some((p.start, p.samples.to_vec(), p.voiced));
        }
    }
    panic!("the first turn never ended");
}
