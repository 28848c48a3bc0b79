//! A file given to `switchboard transcribe`: read or refused with its name, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(recording) = switchboard_audio::parse_wav(data, "fuzz.wav") {
        assert!(!recording.channels.is_empty());
    }
});
