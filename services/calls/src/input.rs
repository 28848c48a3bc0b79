//! Transforms from wire bytes to PCM per channel.

use switchboard_audio::riff;
use switchboard_audio::{AudioError, AudioFormat};
use switchboard_transcription::AudioChunk;

/// Interleaved chunks as Amazon LCA's client sends them: the first may carry the WAV header of
/// the file being streamed.
pub struct InterleavedInput {
    format: AudioFormat,
    max_chunk_ms: u64,
    first: bool,
}

impl InterleavedInput {
    /// Input for a call started with `format`; chunks over `max_chunk_ms` are refused.
    pub fn new(format: AudioFormat, max_chunk_ms: u64) -> Self {
        Self {
            format,
            max_chunk_ms,
            first: true,
        }
    }

    /// Decodes one binary frame.
    pub fn decode(&mut self, bytes: &[u8]) -> Result<AudioChunk, AudioError> {
        let mut audio = bytes;
        if std::mem::take(&mut self.first) && riff::is_wav(bytes) {
            let (info, rest) = riff::split_header(bytes)?;
            info.check_matches(&self.format)?;
            audio = rest;
        }
        Ok(AudioChunk {
            channels: self.format.decode(audio, self.max_chunk_ms)?,
        })
    }
}

/// Lines up separately delivered tracks (Twilio sends inbound and outbound media messages one
/// track at a time) into chunks holding every channel.
pub struct TrackMixer {
    format: AudioFormat,
    max_chunk_ms: u64,
    pending: Vec<Vec<i16>>,
}

/// Frames held per track before a stereo chunk goes out (200 ms at 8 kHz).
const MIX_FRAMES: usize = 1600;
/// A track this far behind the other is taken as silent (one side muted or not streamed).
const MAX_SKEW_FRAMES: usize = 8000;

impl TrackMixer {
    /// A mixer for `format.channels` tracks of mono audio in `format.encoding`.
    pub fn new(format: AudioFormat, max_chunk_ms: u64) -> Self {
        let mono = AudioFormat {
            channels: 1,
            ..format
        };
        Self {
            format: mono,
            max_chunk_ms,
            pending: vec![Vec::new(); usize::from(format.channels)],
        }
    }

    /// Adds one track's payload; returns a chunk when every track has enough audio.
    pub fn push(&mut self, channel: usize, bytes: &[u8]) -> Result<Option<AudioChunk>, AudioError> {
        if channel >= self.pending.len() {
            return Err(AudioError::UnsupportedChannels(channel as u16 + 1));
        }
        let mut pcm = self.format.decode(bytes, self.max_chunk_ms)?;
        self.pending[channel].append(&mut pcm[0]);
        let longest = self.pending.iter().map(Vec::len).max().unwrap_or(0);
        for track in &mut self.pending {
            if longest - track.len() > MAX_SKEW_FRAMES {
                let gap = longest - MAX_SKEW_FRAMES / 2 - track.len();
                track.extend(std::iter::repeat_n(0, gap));
            }
        }
        let ready = self.pending.iter().map(Vec::len).min().unwrap_or(0);
        Ok((ready >= MIX_FRAMES).then(|| self.take(ready)))
    }

    /// Whatever is left at the end of the call, the shorter tracks padded with silence.
    pub fn flush(&mut self) -> Option<AudioChunk> {
        let longest = self.pending.iter().map(Vec::len).max().unwrap_or(0);
        if longest == 0 {
            return None;
        }
        for track in &mut self.pending {
            track.resize(longest, 0);
        }
        Some(self.take(longest))
    }

    fn take(&mut self, frames: usize) -> AudioChunk {
        AudioChunk {
            channels: self
                .pending
                .iter_mut()
                .map(|t| t.drain(..frames).collect())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use switchboard_audio::Encoding;

    use super::*;

    fn wav_header(rate: u32, channels: u16) -> Vec<u8> {
        let mut h = b"RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0".to_vec();
        h.extend_from_slice(&channels.to_le_bytes());
        h.extend_from_slice(&rate.to_le_bytes());
        h.extend_from_slice(&(rate * 2 * u32::from(channels)).to_le_bytes());
        h.extend_from_slice(&(2 * channels).to_le_bytes());
        h.extend_from_slice(&16u16.to_le_bytes());
        h.extend_from_slice(b"data\0\0\0\0");
        h
    }

    #[test]
    fn a_wav_header_on_the_first_chunk_is_not_heard_as_audio() {
        let format = AudioFormat::new(Encoding::Pcm16Le, 8000, 2).unwrap();
        let mut input = InterleavedInput::new(format, 1000);
        let mut first = wav_header(8000, 2);
        first.extend_from_slice(&[1, 0, 2, 0]);
        assert_eq!(
            input.decode(&first).unwrap().channels,
            vec![vec![1], vec![2]]
        );
        // Later chunks are audio even if they happen to start with "RIFF".
        let later = input.decode(b"RIFFRIFF").unwrap();
        assert_eq!(later.frames(), 2);
    }

    #[test]
    fn a_header_that_contradicts_start_is_refused() {
        let format = AudioFormat::new(Encoding::Pcm16Le, 8000, 2).unwrap();
        let mut input = InterleavedInput::new(format, 1000);
        assert!(matches!(
            input.decode(&wav_header(16000, 2)),
            Err(AudioError::WavMismatch { .. })
        ));
    }

    #[test]
    fn tracks_are_lined_up_into_stereo_chunks() {
        let format = AudioFormat::new(Encoding::Mulaw, 8000, 2).unwrap();
        let mut mixer = TrackMixer::new(format, 1000);
        let mut chunks = Vec::new();
        for _ in 0..10 {
            chunks.extend(mixer.push(0, &[0xFF; 160]).unwrap());
            chunks.extend(mixer.push(1, &[0x80; 160]).unwrap());
        }
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].channels.len(), 2);
        assert_eq!(chunks[0].frames(), 1600);
        assert!(chunks[0].channels[0].iter().all(|&s| s == 0));
        assert!(chunks[0].channels[1].iter().all(|&s| s == 32124));
    }

    #[test]
    fn a_silent_track_does_not_hold_the_other_back() {
        let format = AudioFormat::new(Encoding::Mulaw, 8000, 2).unwrap();
        let mut mixer = TrackMixer::new(format, 1000);
        let mut frames = 0;
        for _ in 0..100 {
            frames += mixer
                .push(0, &[0x80; 160])
                .unwrap()
                .map_or(0, |c| c.frames());
        }
        frames += mixer.flush().map_or(0, |c| c.frames());
        assert_eq!(frames, 16_000, "2 s of inbound audio all came out");
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;
    use switchboard_audio::{AudioError, AudioFormat, Encoding};

    use super::{InterleavedInput, TrackMixer};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn lca_chunks_of_any_shape_decode_or_are_refused(first in prop::collection::vec(any::<u8>(), 0..200), riff_first in any::<bool>(), later in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..20_000), 0..6)) {
            let format = AudioFormat::new(Encoding::Pcm16Le, 8000, 2).unwrap();
            let mut input = InterleavedInput::new(format, 1000);
            let first = if riff_first { [b"RIFF\x24\0\0\0WAVE".as_slice(), &first].concat() } else { first };
            for (i, chunk) in std::iter::once(first).chain(later).enumerate() {
                match input.decode(&chunk) {
                    Ok(audio) => prop_assert!(audio.channels.len() == 2 && audio.channels[0].len() == audio.channels[1].len()),
                    Err(AudioError::BadWavHeader(_) | AudioError::UnsupportedFormat(_) | AudioError::WavMismatch { .. }) => prop_assert_eq!(i, 0, "only the first chunk has a header"),
                    Err(AudioError::PartialFrame { .. } | AudioError::ChunkTooLong { .. }) => {}
                    Err(other) => prop_assert!(false, "unexpected error {other}"),
                }
            }
        }

        #[test]
        fn twilio_tracks_in_any_order_line_up_or_are_refused(pushes in prop::collection::vec((0usize..3, prop::collection::vec(any::<u8>(), 0..2000)), 0..60)) {
            let format = AudioFormat::new(Encoding::Mulaw, 8000, 2).unwrap();
            let mut mixer = TrackMixer::new(format, 1000);
            let (mut pushed, mut out) = ([0usize; 2], 0usize);
            for (channel, bytes) in pushes {
                match mixer.push(channel, &bytes) {
                    Ok(chunk) => {
                        pushed[channel] += bytes.len();
                        if let Some(chunk) = chunk {
                            prop_assert_eq!(chunk.channels[0].len(), chunk.channels[1].len());
                            out += chunk.frames();
                        }
                    }
                    Err(AudioError::UnsupportedChannels(_)) => prop_assert_eq!(channel, 2),
                    Err(AudioError::ChunkTooLong { .. }) => prop_assert!(bytes.len() > 8000),
                    Err(other) => prop_assert!(false, "unexpected error {other}"),
                }
            }
            out += mixer.flush().map_or(0, |c| c.frames());
            // Every frame of the longer track comes out (the other padded with silence) or more,
            // when a track fell so far behind that silence was put in its place.
            prop_assert!(out >= pushed[0].max(pushed[1]), "{out} frames out for tracks of {pushed:?}");
        }
    }
}
