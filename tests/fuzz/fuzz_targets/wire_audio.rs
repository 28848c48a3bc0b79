//! Wire bytes of a call chunk in any encoding and shape: decoded or refused, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_audio::{AudioFormat, Encoding};

fuzz_target!(|data: &[u8]| {
    let Some((&shape, bytes)) = data.split_first() else {
        return;
    };
    let encoding = [Encoding::Pcm16Le, Encoding::Mulaw, Encoding::Alaw][usize::from(shape % 3)];
    let rate = if shape & 4 == 0 { 8000 } else { 16000 };
    let channels = if shape & 8 == 0 { 1 } else { 2 };
    let format = AudioFormat::new(encoding, rate, channels).expect("a supported shape");
    if let Ok(pcm) = format.decode(bytes, 1000) {
        assert!(
            pcm.iter()
                .all(|c| c.len() * format.frame_bytes() == bytes.len())
        );
    }
});
