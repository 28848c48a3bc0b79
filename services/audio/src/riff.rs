//! WAV headers at the start of a stream: Amazon LCA's client streams a WAV file as it is, so the
//! first chunk may begin with `RIFF…WAVE` chunks that are not audio and must not be heard as such.

use crate::{AudioError, AudioFormat, Encoding};

/// What a WAV header says about the audio that follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavInfo {
    pub encoding: Encoding,
    pub sample_rate: u32,
    pub channels: u16,
}

/// True when `bytes` starts like a RIFF/WAVE file.
pub fn is_wav(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WAVE"
}

/// Splits a chunk that starts with a WAV header into the header's description and the audio
/// bytes after it (possibly empty). The header must fit in this chunk: LCA's header is 44 bytes.
pub fn split_header(bytes: &[u8]) -> Result<(WavInfo, &[u8]), AudioError> {
    if !is_wav(bytes) {
        return Err(AudioError::BadWavHeader(
            "does not start with RIFF....WAVE".into(),
        ));
    }
    let mut at = 12;
    let mut info = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let len = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]])
            as usize;
        let body = at + 8;
        if id == b"data" {
            let info = info.ok_or_else(|| {
                AudioError::BadWavHeader("`data` chunk before `fmt ` chunk".into())
            })?;
            return Ok((info, &bytes[body..]));
        }
        let end = body
            .checked_add(len)
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| {
                AudioError::BadWavHeader(format!(
                    "chunk `{}` at byte {at} claims {len} bytes, more than the first frame holds",
                    String::from_utf8_lossy(id)
                ))
            })?;
        if id == b"fmt " {
            info = Some(parse_fmt(&bytes[body..end])?);
        }
        at = end + (len & 1); // chunks are padded to even lengths
    }
    Err(AudioError::BadWavHeader(
        "no `data` chunk in the first frame".into(),
    ))
}

pub(crate) fn parse_fmt(fmt: &[u8]) -> Result<WavInfo, AudioError> {
    if fmt.len() < 16 {
        return Err(AudioError::BadWavHeader(format!(
            "`fmt ` chunk is {} bytes, expected at least 16",
            fmt.len()
        )));
    }
    let u16_at = |i: usize| u16::from_le_bytes([fmt[i], fmt[i + 1]]);
    let tag = u16_at(0);
    let channels = u16_at(2);
    let sample_rate = u32::from_le_bytes([fmt[4], fmt[5], fmt[6], fmt[7]]);
    let bits = u16_at(14);
    let encoding = match (tag, bits) {
        (1, 16) => Encoding::Pcm16Le,
        (7, 8) => Encoding::Mulaw,
        (6, 8) => Encoding::Alaw,
        (0xFFFE, 16) => Encoding::Pcm16Le, // WAVE_FORMAT_EXTENSIBLE with 16-bit PCM
        _ => {
            return Err(AudioError::UnsupportedFormat(format!(
                "format tag {tag} with {bits} bits per sample is not supported (16-bit PCM, μ-law or A-law)"
            )));
        }
    };
    Ok(WavInfo {
        encoding,
        sample_rate,
        channels,
    })
}

impl WavInfo {
    /// Fails when the header contradicts what the call declared, rather than transcribing noise.
    pub fn check_matches(&self, declared: &AudioFormat) -> Result<(), AudioError> {
        let found = (self.encoding, self.sample_rate, self.channels);
        let want = (declared.encoding, declared.sample_rate, declared.channels);
        if found == want {
            return Ok(());
        }
        let describe = |(e, r, c): (Encoding, u32, u16)| format!("{e:?} {r} Hz {c} channel(s)");
        Err(AudioError::WavMismatch {
            found: describe(found),
            declared: describe(want),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A canonical 44-byte header as LCA's client and most recorders write it.
    pub(crate) fn header(rate: u32, channels: u16) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(b"RIFF");
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(b"WAVEfmt ");
        h.extend_from_slice(&16u32.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&channels.to_le_bytes());
        h.extend_from_slice(&rate.to_le_bytes());
        h.extend_from_slice(&(rate * 2 * u32::from(channels)).to_le_bytes());
        h.extend_from_slice(&(2 * channels).to_le_bytes());
        h.extend_from_slice(&16u16.to_le_bytes());
        h.extend_from_slice(b"data");
        h.extend_from_slice(&0u32.to_le_bytes());
        h
    }

    #[test]
    fn header_is_skipped_and_audio_kept() {
        let mut chunk = header(8000, 2);
        chunk.extend_from_slice(&[1, 2, 3, 4]);
        let (info, audio) = split_header(&chunk).unwrap();
        assert_eq!(
            info,
            WavInfo {
                encoding: Encoding::Pcm16Le,
                sample_rate: 8000,
                channels: 2
            }
        );
        assert_eq!(audio, &[1, 2, 3, 4]);
    }

    #[test]
    fn extra_chunks_before_data_are_walked_past() {
        let mut chunk = header(16000, 1);
        let data_at = chunk.len() - 8;
        let list = [b"LIST".as_slice(), &3u32.to_le_bytes(), b"abc", &[0]].concat();
        chunk.splice(data_at..data_at, list);
        let (info, audio) = split_header(&chunk).unwrap();
        assert_eq!(info.sample_rate, 16000);
        assert!(audio.is_empty());
    }

    #[test]
    fn a_header_that_contradicts_start_is_an_error() {
        let (info, _) = split_header(&header(16000, 2)).unwrap();
        let declared = AudioFormat::new(Encoding::Pcm16Le, 8000, 2).unwrap();
        let err = info.check_matches(&declared).unwrap_err();
        assert!(
            err.to_string().contains("16000 Hz") && err.to_string().contains("8000 Hz"),
            "{err}"
        );
    }

    #[test]
    fn truncated_headers_are_errors_not_audio() {
        let chunk = header(8000, 2);
        let err = split_header(&chunk[..30]).unwrap_err();
        assert!(err.to_string().contains("`fmt `"), "{err}");
        assert!(!is_wav(b"RIFX0000WAVE"));
    }
}
