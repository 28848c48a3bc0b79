//! Recordings on disk or uploaded, for batch analysis, transcription and evaluation.

use std::path::Path;

use crate::riff::{WavInfo, parse_fmt};
use crate::{AudioError, AudioFormat};

/// A whole recording in memory: PCM16 per channel.
#[derive(Debug, Clone)]
pub struct Recording {
    pub sample_rate: u32,
    pub channels: Vec<Vec<i16>>,
    /// How the file stored its samples (PCM16, μ-law or A-law), for what is kept about the call.
    pub encoding: crate::Encoding,
}

impl Recording {
    /// Length in seconds.
    pub fn seconds(&self) -> f64 {
        self.channels
            .first()
            .map_or(0.0, |c| c.len() as f64 / f64::from(self.sample_rate))
    }

    /// Length in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        self.channels.first().map_or(0, |c| {
            c.len() as u64 * 1000 / u64::from(self.sample_rate.max(1))
        })
    }
}

/// Reads a WAV file of 16-bit PCM, μ-law or A-law samples at any rate and channel count; any
/// other format, and a file cut short, is refused with an error that names the file.
pub fn read_wav(path: &Path) -> Result<Recording, AudioError> {
    let bytes = std::fs::read(path).map_err(|e| AudioError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    decode_wav(&bytes, &path.display().to_string())
}

/// Reads a WAV file from any reader (an upload, a file already in memory); `name` goes in errors.
pub fn parse_wav(mut input: impl std::io::Read, name: &str) -> Result<Recording, AudioError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| AudioError::File {
            path: name.to_string(),
            message: e.to_string(),
        })?;
    decode_wav(&bytes, name)
}

/// Decodes a whole WAV file held in memory; `name` goes in errors.
pub fn decode_wav(bytes: &[u8], name: &str) -> Result<Recording, AudioError> {
    let file_error = |message: String| AudioError::File {
        path: name.to_string(),
        message,
    };
    if !crate::riff::is_wav(bytes) {
        return Err(file_error(
            "not a WAV file (it does not start with a RIFF/WAVE header)".into(),
        ));
    }
    let (info, data) = chunks(bytes).map_err(|e| match e {
        AudioError::UnsupportedFormat(_) => AudioError::UnsupportedFile {
            path: name.to_string(),
            message: e.to_string(),
        },
        e => file_error(e.to_string()),
    })?;
    if info.channels == 0 {
        return Err(file_error("the header declares no channels".into()));
    }
    if !(4_000..=192_000).contains(&info.sample_rate) {
        return Err(file_error(
            AudioError::RateOutOfRange(info.sample_rate).to_string(),
        ));
    }
    let format = AudioFormat {
        encoding: info.encoding,
        sample_rate: info.sample_rate,
        channels: info.channels,
    };
    let channels = format
        .decode(data, u64::MAX)
        .map_err(|e| file_error(format!("truncated audio: {e}")))?;
    Ok(Recording {
        sample_rate: info.sample_rate,
        channels,
        encoding: info.encoding,
    })
}

/// Walks the RIFF chunks: the `fmt ` description and the samples of the `data` chunk.
fn chunks(bytes: &[u8]) -> Result<(WavInfo, &[u8]), AudioError> {
    let bad = |m: String| AudioError::BadWavHeader(m);
    let mut at = 12;
    let mut info = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let len = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]);
        let body = at + 8;
        let rest = bytes.len() - body;
        if id == b"data" {
            let info = info.ok_or_else(|| bad("`data` chunk before `fmt ` chunk".into()))?;
            // Recorders that stream (as LCA's client does) leave the length 0 or all ones.
            let len = match len {
                0 | u32::MAX => rest,
                n if n as usize > rest => {
                    return Err(bad(format!(
                        "the file is truncated: its `data` chunk claims {n} bytes but only {rest} follow"
                    )));
                }
                n => n as usize,
            };
            return Ok((info, &bytes[body..body + len]));
        }
        let len = len as usize;
        if len > rest {
            return Err(bad(format!(
                "the file is truncated: chunk `{}` at byte {at} claims {len} bytes but only {rest} follow",
                String::from_utf8_lossy(id)
            )));
        }
        if id == b"fmt " {
            info = Some(parse_fmt(&bytes[body..body + len])?);
        }
        at = body + len + (len & 1); // chunks are padded to even lengths
    }
    Err(bad("the file ends before any `data` chunk".into()))
}

/// The 44-byte header that makes `data_len` bytes of interleaved 16-bit PCM a WAV file, so
/// kept audio can be served to players as it is stored.
pub fn pcm16_wav_header(sample_rate: u32, channels: u16, data_len: u32) -> [u8; 44] {
    let block = 2 * channels;
    let mut h = [0u8; 44];
    let mut at = 0;
    let mut put = |bytes: &[u8]| {
        h[at..at + bytes.len()].copy_from_slice(bytes);
        at += bytes.len();
    };
    put(b"RIFF");
    put(&data_len.saturating_add(36).to_le_bytes());
    put(b"WAVEfmt ");
    put(&16u32.to_le_bytes());
    put(&1u16.to_le_bytes());
    put(&channels.to_le_bytes());
    put(&sample_rate.to_le_bytes());
    put(&sample_rate.saturating_mul(u32::from(block)).to_le_bytes());
    put(&block.to_le_bytes());
    put(&16u16.to_le_bytes());
    put(b"data");
    put(&data_len.to_le_bytes());
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Encoding;

    #[test]
    fn a_pcm16_header_makes_kept_audio_a_wav_file_again() {
        let data: Vec<u8> = [5i16, -5, 6, -6]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let mut file = pcm16_wav_header(16_000, 2, data.len() as u32).to_vec();
        file.extend_from_slice(&data);
        let r = decode_wav(&file, "kept.wav").unwrap();
        assert_eq!(r.sample_rate, 16_000);
        assert_eq!(r.channels, vec![vec![5, 6], vec![-5, -6]]);
    }

    fn wav(
        tag: u16,
        bits: u16,
        rate: u32,
        channels: u16,
        data: &[u8],
        claim: Option<u32>,
    ) -> Vec<u8> {
        let block = bits / 8 * channels;
        let mut h = Vec::new();
        h.extend_from_slice(b"RIFF\0\0\0\0WAVEfmt ");
        h.extend_from_slice(&16u32.to_le_bytes());
        h.extend_from_slice(&tag.to_le_bytes());
        h.extend_from_slice(&channels.to_le_bytes());
        h.extend_from_slice(&rate.to_le_bytes());
        h.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
        h.extend_from_slice(&block.to_le_bytes());
        h.extend_from_slice(&bits.to_le_bytes());
        h.extend_from_slice(b"LIST");
        h.extend_from_slice(&3u32.to_le_bytes());
        h.extend_from_slice(b"abc\0"); // odd length, padded
        h.extend_from_slice(b"data");
        h.extend_from_slice(&claim.unwrap_or(data.len() as u32).to_le_bytes());
        h.extend_from_slice(data);
        h
    }

    #[test]
    fn pcm16_stereo_at_any_rate_is_read_past_other_chunks() {
        let data: Vec<u8> = [1i16, -1, 2, -2]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let r = decode_wav(&wav(1, 16, 44_100, 2, &data, None), "a.wav").unwrap();
        assert_eq!(r.sample_rate, 44_100);
        assert_eq!(r.channels, vec![vec![1, 2], vec![-1, -2]]);
        assert_eq!(r.encoding, Encoding::Pcm16Le);
    }

    #[test]
    fn mulaw_and_alaw_are_decoded() {
        let mu = decode_wav(&wav(7, 8, 8000, 1, &[0xFF, 0x00], None), "mu.wav").unwrap();
        assert_eq!(mu.encoding, Encoding::Mulaw);
        assert_eq!(mu.channels[0][0], 0);
        assert!(mu.channels[0][1] < -30_000);
        let a = decode_wav(&wav(6, 8, 8000, 1, &[0xD5, 0x55], None), "a.wav").unwrap();
        assert_eq!(a.encoding, Encoding::Alaw);
        assert_eq!(a.channels[0].len(), 2);
    }

    #[test]
    fn a_streamed_header_reads_to_the_end_of_the_file() {
        let r = decode_wav(&wav(1, 16, 8000, 1, &[0; 8], Some(0)), "s.wav").unwrap();
        assert_eq!(r.channels[0].len(), 4);
    }

    #[test]
    fn what_cannot_be_read_is_refused_naming_the_file() {
        let not_wav = decode_wav(b"ID3\x03 this is an mp3", "song.mp3").unwrap_err();
        assert!(
            not_wav.to_string().starts_with("song.mp3: not a WAV file"),
            "{not_wav}"
        );

        let cut = decode_wav(&wav(1, 16, 8000, 1, &[0; 8], Some(800)), "cut.wav").unwrap_err();
        assert!(
            cut.to_string()
                .contains("cut.wav: WAV header: the file is truncated"),
            "{cut}"
        );

        let float = decode_wav(&wav(3, 32, 8000, 1, &[0; 8], None), "f.wav").unwrap_err();
        assert!(
            matches!(float, AudioError::UnsupportedFile { .. }),
            "{float:?}"
        );
        assert!(
            float
                .to_string()
                .contains("f.wav: WAV header: format tag 3 with 32 bits"),
            "{float}"
        );

        let half = decode_wav(&wav(1, 16, 8000, 2, &[0; 6], None), "half.wav").unwrap_err();
        assert!(half.to_string().contains("truncated audio"), "{half}");

        let slow = decode_wav(&wav(1, 16, 100, 1, &[0; 2], None), "slow.wav").unwrap_err();
        assert!(slow.to_string().contains("100 Hz"), "{slow}");

        let empty = decode_wav(b"RIFF\0\0\0\0WAVE", "e.wav").unwrap_err();
        assert!(
            empty.to_string().contains("before any `data` chunk"),
            "{empty}"
        );
    }
}
