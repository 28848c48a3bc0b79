//! One Whisper decode of one utterance, with the settings that keep short clips cheap and
//! robotic or noisy audio from looping.

use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};

use whisper_rs::{FullParams, SamplingStrategy, WhisperState};

use super::markers::spoken;
use crate::AsrError;

/// Whisper's encoder frames per second of audio (1500 frames per 30 s window).
const FRAMES_PER_SECOND: usize = 50;

/// How hard to try: finals can afford a beam, partials cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// Greedy over a small window: live text refreshed every second, soon replaced.
    Partial,
    /// Greedy decoding of a final.
    Greedy,
    /// Beam search of this width: what is stored and analysed.
    Beam(u8),
}

/// Text and confidence of one utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    /// Mean probability of the text tokens, 0–1.
    pub confidence: f32,
    /// The decode stopped at its token cap instead of at the end of the speech: a runaway.
    pub capped: bool,
}

/// Text compressing better than this is a loop ("one, one, one, …"), as in OpenAI's Whisper.
const MAX_COMPRESSION_RATIO: f32 = 2.4;

/// Transcribes 16 kHz samples (at most 30 s) on this state; setting `cancel` stops it early
/// (within one ggml operation) with [`AsrError::Overloaded`].
///
/// A decode that loops is done again with the other strategy (beam ↔ greedy): on the staged
/// calls a beam fell into a repeated phrase where greedy decoding did not (benches/RESULTS.md).
/// The less repetitive text wins.
pub fn decode(
    state: &mut WhisperState,
    samples: &[f32],
    effort: Effort,
    threads: usize,
    cancel: &AtomicBool,
) -> Result<Decoded, AsrError> {
    let seconds = samples.len() as f32 / 16_000.0;
    let mut first = decode_once(state, samples, effort, threads, cancel)?;
    let retry = match effort {
        Effort::Partial => {
            // Live text is replaced within seconds: cut a loop rather than decode again.
            if looped(&first, seconds) {
                cut_loop(&mut first.text);
            }
            return Ok(first);
        }
        Effort::Greedy => Effort::Beam(5),
        Effort::Beam(_) => Effort::Greedy,
    };
    if !looped(&first, seconds) {
        return words_if_heard(state, samples, first, threads, cancel);
    }
    metrics::counter!("switchboard_asr_loop_retries_total").increment(1);
    let second = decode_once(state, samples, retry, threads, cancel)?;
    if !looped(&second, seconds) {
        return words_if_heard(state, samples, second, threads, cancel);
    }
    // Both loop: keep what came before the first repeat.
    let mut best = if compression_ratio(&second.text) < compression_ratio(&first.text) {
        second
    } else {
        first
    };
    cut_loop(&mut best.text);
    Ok(best)
}

/// Speech this long (with the VAD's padding) that Whisper calls "[inaudible]" is a miss: decode
/// it once more with non-speech tokens suppressed. On a staged call a postcode read out letter
/// by letter came back as "[inaudible]" at one thread and as "S-1-A-2-A" at two.
const MARKER_RETRY_MIN_SAMPLES: usize = 16_000;

/// `decoded`, or a second decode without markers when it is only a marker for real speech.
fn words_if_heard(
    state: &mut WhisperState,
    samples: &[f32],
    decoded: Decoded,
    threads: usize,
    cancel: &AtomicBool,
) -> Result<Decoded, AsrError> {
    if samples.len() < MARKER_RETRY_MIN_SAMPLES || !spoken(&decoded.text).is_empty() {
        return Ok(decoded);
    }
    let mut retry = decode_with(state, samples, Effort::Greedy, threads, cancel, true)?;
    cut_loop(&mut retry.text);
    let heard = !spoken(&retry.text).is_empty();
    metrics::counter!("switchboard_asr_marker_retries_total", "outcome" => if heard { "words" } else { "marker" }).increment(1);
    // The retry's words are the caller's, unredacted: logs get only their length.
    tracing::debug!(marker = %decoded.text, retry_chars = retry.text.len(), heard, "speech decoded as a marker, decoded again");
    Ok(if heard { retry } else { decoded })
}

/// More words per second of audio than anyone says: whatever the words, the decoder made them up.
const MAX_WORDS_PER_SECOND: f32 = 5.0;
/// Repetition this dense is a loop; slower, it is what was said. Card, account and phone numbers
/// repeat digits ("four one one one, one one one one, …" is 3 words a second) and people say
/// "no, no, no"; a decoder looping on a phrase outruns the speaker.
const REPEAT_WORDS_PER_SECOND: f32 = 4.0;
/// Words any clip may hold, however short (the VAD pads it; Whisper sees at least a second).
const FEW_WORDS: f32 = 3.0;

/// Whisper repeating itself, judged by what `seconds` of audio can hold: a decode that ran into
/// its token cap, more words than anyone says in that time, or text that repeats itself (it
/// compresses too well, or a phrase of several words comes twice) at a pace faster than speech.
fn looped(decoded: &Decoded, seconds: f32) -> bool {
    let text = &decoded.text;
    let words = text
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count() as f32;
    let rate = (words - FEW_WORDS).max(0.0) / seconds.max(1.0);
    let repetitive = compression_ratio(text) > MAX_COMPRESSION_RATIO
        || repeats_phrase(text, REPEATED_PHRASE_WORDS);
    decoded.capped || rate > MAX_WORDS_PER_SECOND || (repetitive && rate > REPEAT_WORDS_PER_SECOND)
}

/// Words in a phrase that, said twice in one utterance, is a loop rather than speech.
const REPEATED_PHRASE_WORDS: usize = 6;

fn repeats_phrase(text: &str, n: usize) -> bool {
    repeat_start(text, n).is_some()
}

/// Keeps what came before a phrase starts again ("10 of clubs 10 of clubs 10 of" is "10 of clubs").
fn cut_loop(text: &mut String) {
    if let Some(cut) = repeat_start(text, REPEATED_PHRASE_WORDS) {
        text.truncate(
            text[..cut]
                .trim_end_matches(|c: char| c.is_whitespace() || c == '-')
                .len(),
        );
    }
}

/// Byte offset in `text` where a phrase of `n` words starts again, if one does.
fn repeat_start(text: &str, n: usize) -> Option<usize> {
    let words: Vec<(usize, String)> = text
        // "S-1-A-2-A-2-A-2-A" repeats itself as much as "two A two A two A" does.
        .split(|c: char| c.is_whitespace() || c == '-')
        .map(|w| {
            (
                w.as_ptr() as usize - text.as_ptr() as usize,
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                    .to_lowercase(),
            )
        })
        .filter(|(_, w)| !w.is_empty())
        .collect();
    let mut seen = std::collections::HashSet::new();
    words
        .windows(n)
        .find(|phrase| !seen.insert(phrase.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>()))
        .map(|phrase| phrase[0].0)
}

/// Bytes of text per byte of its deflated form: high for text that repeats itself.
fn compression_ratio(text: &str) -> f32 {
    use std::io::Write;
    if text.len() < 40 {
        return 1.0;
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let compressed = encoder
        .write_all(text.as_bytes())
        .and_then(|()| encoder.finish())
        .map_or(text.len(), |c| c.len());
    text.len() as f32 / compressed.max(1) as f32
}

fn decode_once(
    state: &mut WhisperState,
    samples: &[f32],
    effort: Effort,
    threads: usize,
    cancel: &AtomicBool,
) -> Result<Decoded, AsrError> {
    decode_with(state, samples, effort, threads, cancel, false)
}

fn decode_with(
    state: &mut WhisperState,
    samples: &[f32],
    effort: Effort,
    threads: usize,
    cancel: &AtomicBool,
    words_only: bool,
) -> Result<Decoded, AsrError> {
    let strategy = match effort {
        Effort::Partial | Effort::Greedy => SamplingStrategy::Greedy { best_of: 1 },
        Effort::Beam(width) => SamplingStrategy::BeamSearch {
            beam_size: i32::from(width.max(1)),
            patience: -1.0,
        },
    };
    let mut params = FullParams::new(strategy);
    params.set_n_threads(threads as i32);
    params.set_language(Some("en"));
    params.set_translate(false);
    params.set_no_context(true);
    params.set_single_segment(true);
    params.set_no_timestamps(true);
    params.set_print_special(false);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_timestamps(false);
    params.set_suppress_blank(true);
    params.set_suppress_nst(words_only);
    let seconds = samples.len().div_ceil(16_000);
    // Short utterances must not pay for a 30 s window: encode only the frames that hold audio
    // (plus a margin, which keeps accuracy on very short clips).
    params.set_audio_ctx(audio_ctx(samples.len(), effort) as i32);
    // SAFETY: the callback only reads the flag, which outlives `full` (borrowed for this call).
    unsafe {
        params.set_abort_callback(Some(cancelled));
        params.set_abort_callback_user_data(std::ptr::from_ref(cancel) as *mut c_void);
    }
    // A runaway decode ("one, one, one, …") stops at a length no real utterance reaches (people
    // say about 4 tokens a second). whisper.cpp's temperature fallback stays on, in two steps
    // (0.4, 0.8) rather than five: every step of a looping decode runs to the token cap, and
    // five of them held a live final back 3 s (benches/RESULTS.md).
    let max_tokens = 10 + seconds * 6;
    params.set_max_tokens(max_tokens as i32);
    params.set_temperature_inc(0.4);
    // Pad clips shorter than a second: whisper.cpp rejects under 100 ms and guesses poorly under 1 s.
    let padded;
    let input = if samples.len() < 16_000 {
        padded = [samples, &vec![0.0; 16_000 - samples.len()]].concat();
        &padded[..]
    } else {
        samples
    };
    let outcome = state.full(params, input);
    if cancel.load(Ordering::Relaxed) {
        return Err(AsrError::Overloaded("decode cancelled for a final".into()));
    }
    outcome.map_err(|e| AsrError::Service(format!("whisper decode failed: {e}")))?;
    Ok(collect(state, max_tokens))
}

unsafe extern "C" fn cancelled(flag: *mut c_void) -> bool {
    // SAFETY: `decode` passes a pointer to an `AtomicBool` that lives until `full` returns.
    unsafe { (*(flag as *const AtomicBool)).load(Ordering::Relaxed) }
}

/// Encoder frames never cut below this (about 10 s): tiny.en, trained on full 30 s windows,
/// repeats itself when given much less. With loops caught and cut (above), 512 frames give the
/// same WER on `real/` as faster-whisper's full window (2.0 %; 768 frames: 1.5 % at 1.3× the
/// time; no floor: 84 %), benches/RESULTS.md.
const MIN_AUDIO_CTX: usize = 512;
/// Partials are replaced by the final within seconds, so they take a smaller window: a decode
/// of a 4 s turn costs 0.35 s here against 0.85 s at the finals' floor (benches/RESULTS.md).
const PARTIAL_MIN_AUDIO_CTX: usize = 384;
/// Frames kept past the end of the speech (about 5 s).
const AUDIO_CTX_MARGIN: usize = 256;

/// Encoder frames to run for `samples` at 16 kHz: the audio plus a margin, within the floor and
/// the full window.
pub fn audio_ctx(samples: usize, effort: Effort) -> usize {
    let frames = samples.div_ceil(16_000 / FRAMES_PER_SECOND);
    let floor = if effort == Effort::Partial {
        PARTIAL_MIN_AUDIO_CTX
    } else {
        MIN_AUDIO_CTX
    };
    (frames + AUDIO_CTX_MARGIN).clamp(floor, 1500)
}

fn collect(state: &WhisperState, max_tokens: usize) -> Decoded {
    let mut text = String::new();
    let (mut sum, mut count) = (0.0f32, 0usize);
    for segment in state.as_iter() {
        if let Ok(part) = segment.to_str_lossy() {
            text.push_str(&part);
        }
        for i in 0..segment.n_tokens() {
            let Some(token) = segment.get_token(i) else {
                continue;
            };
            // Special tokens ([_BEG_], <|endoftext|>, timestamps) render as "[_…]" or "<|…|>".
            let is_text = token
                .to_str_lossy()
                .map(|t| !t.starts_with("[_") && !t.starts_with("<|"))
                .unwrap_or(false);
            if is_text {
                sum += token.token_probability();
                count += 1;
            }
        }
    }
    let confidence = if count == 0 { 0.0 } else { sum / count as f32 };
    // whisper.cpp ends a segment at its cap with text tokens only, no end-of-text.
    Decoded {
        text: text.trim().to_string(),
        confidence,
        capped: count >= max_tokens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_looping_transcript_compresses_far_better_than_speech() {
        let said = "I'm sorry to hear that. I can lock it right away. Can you read me the card number, please?";
        let looped =
            "I'm sorry to hear that, I can't lock it right away, can you read me, I can't, "
                .repeat(4);
        assert!(
            compression_ratio(said) < MAX_COMPRESSION_RATIO,
            "{}",
            compression_ratio(said)
        );
        assert!(
            compression_ratio(&looped) > MAX_COMPRESSION_RATIO,
            "{}",
            compression_ratio(&looped)
        );
        assert_eq!(compression_ratio("one one one"), 1.0, "too short to judge");
    }

    fn heard(text: &str) -> Decoded {
        Decoded {
            text: text.into(),
            confidence: 0.9,
            capped: false,
        }
    }

    #[test]
    fn a_phrase_repeated_faster_than_anyone_speaks_is_a_loop() {
        let twice = "I'm sorry to hear that. I can't lock it right away. Can you read me? No, I'm sorry to hear that. I can't lock it right away.";
        assert!(
            looped(&heard(twice), 4.0),
            "23 words in 4 s, the phrase twice"
        );
        assert!(
            !looped(&heard(twice), 8.0),
            "said slowly, twice, it is what they said"
        );
        assert!(
            looped(&heard(&"thank you ".repeat(20)), 3.0),
            "40 words in 3 s"
        );
        assert!(
            looped(
                &Decoded {
                    capped: true,
                    ..heard("Okay so")
                },
                2.0
            ),
            "ran into the token cap"
        );
    }

    #[test]
    fn spoken_card_phone_and_account_numbers_are_speech() {
        // The staged calls' customers (turn lengths plus the VAD's half second of padding).
        let card =
            "Sure, it's four one one one, one one one one, one one one one, one one one one.";
        assert!(!looped(&heard(card), 5.9), "{card}");
        assert!(!looped(&heard("Sure, it's 4111 1111 1111 1111."), 5.9));
        assert!(!looped(
            &heard("Yes, it's oh seven seven zero zero, nine zero zero, one two three."),
            5.1
        ));
        assert!(!looped(
            &heard("It's three one nine two, six six four zero."),
            3.4
        ));
        assert!(!looped(
            &heard("No, no, no, no, no, no, that's not what I said."),
            3.0
        ));
        assert!(!looped(
            &heard("The card ending in one one one one is now blocked."),
            4.8
        ));
    }

    #[test]
    fn a_loop_is_cut_where_the_phrase_starts_again() {
        let text = "10 of clubs 10 of clubs 10 of clubs 10 of";
        assert_eq!(
            repeat_start(text, REPEATED_PHRASE_WORDS).map(|at| text[..at].trim_end()),
            Some("10 of clubs")
        );
        assert_eq!(
            repeat_start(
                "no loop in this short sentence at all",
                REPEATED_PHRASE_WORDS
            ),
            None
        );
        let mut spelled = "S-1-A-2-A-2-A-2-A-2-A-2-A-2-A".to_string();
        cut_loop(&mut spelled);
        assert_eq!(spelled, "S-1-A-2", "one turn of the loop is kept");
    }

    #[test]
    fn audio_ctx_follows_the_clip_and_caps_at_the_full_window() {
        let beam = Effort::Beam(5);
        assert_eq!(audio_ctx(100, beam), MIN_AUDIO_CTX);
        assert_eq!(audio_ctx(100, Effort::Partial), PARTIAL_MIN_AUDIO_CTX);
        assert_eq!(audio_ctx(16_000 * 20, beam), 1000 + AUDIO_CTX_MARGIN);
        assert_eq!(audio_ctx(16_000 * 40, Effort::Partial), 1500);
    }
}
