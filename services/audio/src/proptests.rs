//! Property tests of the audio path: whatever bytes or samples arrive, each stage ends in a
//! precise error or in-range audio, never a panic.

use proptest::prelude::*;

use crate::riff::{is_wav, split_header};
use crate::{
    AudioError, AudioFormat, Encoding, Resampler, Segmenter, SegmenterEvent, VadConfig, read_wav,
    to_f32,
};

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![
        Just(Encoding::Pcm16Le),
        Just(Encoding::Mulaw),
        Just(Encoding::Alaw)
    ]
}

/// A WAV header whose fields may lie: chunk lengths, format tag, bit depth, rate, channels.
fn lying_header() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<u32>(),
        any::<u16>(),
        any::<u16>(),
        any::<u32>(),
        any::<u16>(),
        prop::option::of(any::<u32>()),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(
            |(fmt_len, tag, channels, rate, bits, data_len, fmt_first, tail)| {
                let mut fmt = b"fmt ".to_vec();
                fmt.extend_from_slice(&fmt_len.min(64).to_le_bytes());
                fmt.extend_from_slice(&tag.to_le_bytes());
                fmt.extend_from_slice(&channels.to_le_bytes());
                fmt.extend_from_slice(&rate.to_le_bytes());
                fmt.extend_from_slice(&rate.wrapping_mul(4).to_le_bytes());
                fmt.extend_from_slice(&4u16.to_le_bytes());
                fmt.extend_from_slice(&bits.to_le_bytes());
                let mut data = b"data".to_vec();
                data.extend_from_slice(&data_len.unwrap_or(u32::MAX).to_le_bytes());
                let mut h = b"RIFF\xff\xff\xff\xffWAVE".to_vec();
                if fmt_first {
                    h.extend(fmt);
                    h.extend(data);
                } else {
                    h.extend(data);
                    h.extend(fmt);
                }
                h.extend(tail);
                h
            },
        )
}

/// Audio that breaks naive code: full-scale squares, DC offset, clipping, digital silence, noise,
/// and floats far outside [-1, 1] (what a filter or a bad gain stage can produce).
fn hostile_audio() -> impl Strategy<Value = Vec<f32>> {
    let n = 0usize..6000;
    prop_oneof![
        (n.clone(), 1usize..200).prop_map(|(n, period)| (0..n)
            .map(|i| if (i / period) % 2 == 0 { 1.0 } else { -1.0 })
            .collect()),
        (n.clone(), -1.0f32..1.0).prop_map(|(n, dc)| vec![dc; n]),
        n.clone().prop_map(|n| vec![0.0; n]),
        (n.clone(), 1.0f32..50.0).prop_map(|(n, gain)| (0..n)
            .map(|i| (gain * (i as f32 * 0.3).sin()).clamp(-1.0, 1.0))
            .collect()),
        prop::collection::vec(-1.0f32..1.0, 0..6000),
        prop::collection::vec(
            prop::num::f32::NORMAL | prop::num::f32::ZERO | prop::num::f32::INFINITE,
            0..3000
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn wire_bytes_decode_or_are_refused_precisely(enc in encoding(), rate in prop_oneof![Just(8000u32), Just(16000)], channels in 1u16..=2, bytes in prop::collection::vec(any::<u8>(), 0..40_000)) {
        let format = AudioFormat::new(enc, rate, channels).unwrap();
        match format.decode(&bytes, 1000) {
            Ok(pcm) => {
                prop_assert_eq!(pcm.len(), usize::from(channels));
                prop_assert!(pcm.iter().all(|c| c.len() * format.frame_bytes() == bytes.len()));
            }
            Err(AudioError::PartialFrame { bytes: b, .. }) => prop_assert_eq!(b, bytes.len()),
            Err(AudioError::ChunkTooLong { ms, max_ms }) => prop_assert!(ms > max_ms),
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    #[test]
    fn any_bytes_after_riff_parse_or_name_the_problem(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut file = b"RIFF\x24\0\0\0WAVE".to_vec();
        file.extend(bytes);
        match split_header(&file) {
            Ok((_, audio)) => prop_assert!(audio.len() < file.len()),
            Err(AudioError::BadWavHeader(why) | AudioError::UnsupportedFormat(why)) => prop_assert!(!why.is_empty()),
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    #[test]
    fn a_header_with_lies_in_it_is_refused_or_checked(header in lying_header()) {
        prop_assert!(is_wav(&header));
        if let Ok((info, _)) = split_header(&header) {
            // Whatever it claims, the call's declared format decides.
            let declared = AudioFormat::new(Encoding::Pcm16Le, 8000, 2).unwrap();
            let matches = (info.encoding, info.sample_rate, info.channels) == (Encoding::Pcm16Le, 8000, 2);
            prop_assert_eq!(info.check_matches(&declared).is_ok(), matches);
        }
    }

    #[test]
    fn wav_files_for_transcribe_are_read_or_refused_with_the_path(header in lying_header(), junk in prop::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [("lies.wav", header), ("junk.wav", junk)] {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            match read_wav(&path) {
                Ok(recording) => prop_assert!(!recording.channels.is_empty()),
                Err(AudioError::File { path: p, message } | AudioError::UnsupportedFile { path: p, message }) => prop_assert!(p.ends_with(name) && !message.is_empty()),
                Err(other) => prop_assert!(false, "unexpected error {other}"),
            }
        }
    }

    #[test]
    fn hostile_audio_at_any_rate_comes_out_in_range_on_the_same_timeline(
        audio in hostile_audio(),
        rate in prop_oneof![Just(8000u32), Just(16000), Just(44_100), Just(48_000)],
        chunk in 1usize..2000,
    ) {
        let mut resampler = Resampler::new(rate).unwrap();
        let mut segmenter = Segmenter::new(VadConfig::default());
        let (mut out, mut all) = (Vec::new(), 0usize);
        let mut utterances = Vec::new();
        for piece in audio.chunks(chunk) {
            out.clear();
            resampler.push(piece, &mut out);
            prop_assert!(out.iter().all(|s| (-1.0..=1.0).contains(s)), "resampler output out of range");
            all += out.len();
            utterances.extend(segmenter.push(&out));
        }
        out.clear();
        resampler.flush(&mut out);
        prop_assert!(out.iter().all(|s| (-1.0..=1.0).contains(s)));
        all += out.len();
        utterances.extend(segmenter.push(&out));
        let expected = (audio.len() as u64 * 16_000).div_ceil(u64::from(rate)) as usize;
        prop_assert!(all.abs_diff(expected) <= 1, "{} samples out for {} in at {rate} Hz (expected {expected})", all, audio.len());
        for event in utterances {
            if let SegmenterEvent::Ended(u) = event {
                prop_assert!(u.samples.iter().all(|s| (-1.0..=1.0).contains(s)));
            }
        }
    }

    #[test]
    fn pcm_extremes_reach_the_vad_in_range(pcm in prop::collection::vec(prop_oneof![Just(i16::MIN), Just(i16::MAX), any::<i16>()], 0..8000)) {
        let mut resampler = Resampler::new(8000).unwrap();
        let mut out = Vec::new();
        resampler.push(&to_f32(&pcm), &mut out);
        resampler.flush(&mut out);
        let mut segmenter = Segmenter::new(VadConfig::default());
        segmenter.push(&out);
        segmenter.finish();
        prop_assert!(out.iter().all(|s| (-1.0..=1.0).contains(s)));
    }
}
