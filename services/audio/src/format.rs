//! Wire encodings of call audio and their decoding into PCM per channel.

use std::str::FromStr;

use audio_codec_algorithms::{decode_alaw, decode_ulaw};

use crate::AudioError;

/// How samples are encoded on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// 16-bit little-endian PCM: what Amazon LCA's client and most recorders send.
    Pcm16Le,
    /// G.711 μ-law: what Twilio and most SIP trunks carry.
    Mulaw,
    /// G.711 A-law: the European trunk variant.
    Alaw,
}

impl Encoding {
    /// Bytes per sample of one channel.
    pub fn sample_bytes(self) -> usize {
        match self {
            Encoding::Pcm16Le => 2,
            Encoding::Mulaw | Encoding::Alaw => 1,
        }
    }
}

impl FromStr for Encoding {
    type Err = AudioError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "pcm" | "pcm16" | "pcm16le" | "linear16" | "l16" | "s16le" => Ok(Encoding::Pcm16Le),
            "mulaw" | "ulaw" | "pcmu" | "g711ulaw" => Ok(Encoding::Mulaw),
            "alaw" | "pcma" | "g711alaw" => Ok(Encoding::Alaw),
            _ => Err(AudioError::UnknownEncoding(s.to_string())),
        }
    }
}

/// The shape of a call's audio, fixed at call start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioFormat {
    pub encoding: Encoding,
    pub sample_rate: u32,
    pub channels: u16,
}

impl AudioFormat {
    /// Checks a format a client asked for; telephony rates only, mono or stereo.
    pub fn new(encoding: Encoding, sample_rate: u32, channels: u16) -> Result<Self, AudioError> {
        if !matches!(sample_rate, 8000 | 16000) {
            return Err(AudioError::UnsupportedRate(sample_rate));
        }
        if !matches!(channels, 1 | 2) {
            return Err(AudioError::UnsupportedChannels(channels));
        }
        Ok(Self {
            encoding,
            sample_rate,
            channels,
        })
    }

    /// Bytes in one sample frame (one sample of every channel).
    pub fn frame_bytes(&self) -> usize {
        self.encoding.sample_bytes() * usize::from(self.channels)
    }

    /// Milliseconds of audio in `bytes` of this format.
    pub fn duration_ms(&self, bytes: usize) -> u64 {
        (bytes / self.frame_bytes()) as u64 * 1000 / u64::from(self.sample_rate)
    }

    /// Splits interleaved wire bytes into PCM16 per channel; rejects partial frames and chunks
    /// longer than `max_ms`, so a broken client cannot smuggle in misaligned or unbounded audio.
    pub fn decode(&self, bytes: &[u8], max_ms: u64) -> Result<Vec<Vec<i16>>, AudioError> {
        let frame_bytes = self.frame_bytes();
        if !bytes.len().is_multiple_of(frame_bytes) {
            return Err(AudioError::PartialFrame {
                bytes: bytes.len(),
                frame_bytes,
            });
        }
        let ms = self.duration_ms(bytes.len());
        if ms > max_ms {
            return Err(AudioError::ChunkTooLong { ms, max_ms });
        }
        let channels = usize::from(self.channels);
        let frames = bytes.len() / frame_bytes;
        let mut out = vec![Vec::with_capacity(frames); channels];
        let width = self.encoding.sample_bytes();
        for (i, sample) in bytes.chunks_exact(width).enumerate() {
            let value = match self.encoding {
                Encoding::Pcm16Le => i16::from_le_bytes([sample[0], sample[1]]),
                Encoding::Mulaw => decode_ulaw(sample[0]),
                Encoding::Alaw => decode_alaw(sample[0]),
            };
            out[i % channels].push(value);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stereo_pcm_is_deinterleaved() {
        let format = AudioFormat::new(Encoding::Pcm16Le, 8000, 2).unwrap();
        let bytes: Vec<u8> = [1i16, -1, 2, -2, 300, -300]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let channels = format.decode(&bytes, 1000).unwrap();
        assert_eq!(channels, vec![vec![1, 2, 300], vec![-1, -2, -300]]);
    }

    #[test]
    fn odd_byte_counts_are_rejected_with_the_frame_size() {
        let format = AudioFormat::new(Encoding::Pcm16Le, 8000, 2).unwrap();
        let err = format.decode(&[0u8; 6], 1000).unwrap_err();
        assert_eq!(
            err,
            AudioError::PartialFrame {
                bytes: 6,
                frame_bytes: 4
            }
        );
        assert!(err.to_string().contains("4-byte"));
    }

    #[test]
    fn chunks_over_the_limit_are_rejected() {
        let format = AudioFormat::new(Encoding::Pcm16Le, 8000, 1).unwrap();
        // 1.2 s of mono 8 kHz PCM16.
        let err = format.decode(&vec![0u8; 19_200], 1000).unwrap_err();
        assert_eq!(
            err,
            AudioError::ChunkTooLong {
                ms: 1200,
                max_ms: 1000
            }
        );
    }

    #[test]
    fn mulaw_decodes_to_the_g711_values() {
        let format = AudioFormat::new(Encoding::Mulaw, 8000, 1).unwrap();
        // 0xFF and 0x7F are the two μ-law zeros; 0x00 is the most negative code.
        let pcm = format.decode(&[0xFF, 0x7F, 0x00, 0x80], 1000).unwrap();
        assert_eq!(pcm[0][..2], [0, 0]);
        assert_eq!(pcm[0][2], -32124);
        assert_eq!(pcm[0][3], 32124);
    }

    #[test]
    fn unsupported_shapes_are_named() {
        assert_eq!(
            AudioFormat::new(Encoding::Pcm16Le, 44100, 1),
            Err(AudioError::UnsupportedRate(44100))
        );
        assert_eq!(
            AudioFormat::new(Encoding::Pcm16Le, 8000, 3),
            Err(AudioError::UnsupportedChannels(3))
        );
        assert!(
            matches!("opus".parse::<Encoding>(), Err(AudioError::UnknownEncoding(e)) if e == "opus")
        );
        assert_eq!("G711-ULAW".parse::<Encoding>(), Ok(Encoding::Mulaw));
        assert_eq!("PCM16LE".parse::<Encoding>(), Ok(Encoding::Pcm16Le));
    }
}
