//! Samples of any value at any rate through the resampler and the VAD: in range out, no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_audio::{Resampler, Segmenter, SegmenterEvent, VadConfig};

const RATES: [u32; 6] = [8000, 16000, 22_050, 44_100, 48_000, 11_025];

fuzz_target!(|data: &[u8]| {
    let Some((&shape, bytes)) = data.split_first() else {
        return;
    };
    let rate = RATES[usize::from(shape) % RATES.len()];
    // Four bytes a sample, read as any float (NaN, infinities, huge values included), or, when
    // the shape says so, as PCM16 pairs scaled the usual way.
    let samples: Vec<f32> = if shape & 0x80 == 0 {
        bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    } else {
        bytes
            .chunks_exact(2)
            .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
            .collect()
    };
    let mut resampler = Resampler::new(rate).expect("a recording rate");
    let mut segmenter = Segmenter::new(VadConfig::default());
    let mut out = Vec::new();
    for chunk in samples.chunks(usize::from(shape & 0x3f) * 37 + 1) {
        out.clear();
        resampler.push(chunk, &mut out);
        assert!(out.iter().all(|s| (-1.0..=1.0).contains(s)));
        for event in segmenter.push(&out) {
            if let SegmenterEvent::Ended(u) = event {
                assert!(u.samples.iter().all(|s| (-1.0..=1.0).contains(s)));
            }
        }
    }
    out.clear();
    resampler.flush(&mut out);
    segmenter.push(&out);
    segmenter.finish();
});
