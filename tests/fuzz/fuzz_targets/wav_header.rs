//! The first chunk of an LCA stream, which may start with a WAV header: parsed or refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_audio::riff::{is_wav, split_header};

fuzz_target!(|data: &[u8]| {
    if let Ok((_, audio)) = split_header(data) {
        assert!(is_wav(data) && audio.len() <= data.len() - 12);
    }
});
