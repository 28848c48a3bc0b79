//! The staged calls (`shared/data/speech/calls`): the WAV bytes as a recorder would send them,
//! and the scripted turns with their exact times.

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

/// One scripted turn.
#[derive(Debug, Clone, Deserialize)]
pub struct Turn {
    pub channel: u32,
    pub start_s: f64,
    pub end_s: f64,
}

#[derive(Deserialize)]
struct Script {
    turns: Vec<Turn>,
}

/// A call ready to stream.
pub struct StagedCall {
    pub name: String,
    /// The whole WAV file.
    pub wav: Vec<u8>,
    /// Offset of the first audio byte (after the RIFF header).
    pub data_offset: usize,
    pub sample_rate: u32,
    pub channels: u16,
    pub turns: Vec<Turn>,
}

impl StagedCall {
    /// Bytes of audio per `ms` milliseconds.
    pub fn bytes_per(&self, ms: u32) -> usize {
        self.sample_rate as usize * self.channels as usize * 2 * ms as usize / 1000
    }

    /// The file cut into chunks of `ms` of audio; the first one carries the RIFF header.
    pub fn chunks(&self, ms: u32) -> Vec<&[u8]> {
        let step = self.bytes_per(ms).max(1);
        let mut out = Vec::new();
        let mut at = 0;
        let mut end = self.data_offset + step;
        while at < self.wav.len() {
            let stop = end.min(self.wav.len());
            out.push(&self.wav[at..stop]);
            at = stop;
            end = stop + step;
        }
        out
    }
}

/// Every `call_*.wav` with its `.json` script in `dir`, by name.
pub fn load(dir: &Path) -> anyhow::Result<Vec<StagedCall>> {
    let mut calls = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !name.starts_with("call_") || path.extension().and_then(|e| e.to_str()) != Some("wav") {
            continue;
        }
        let wav = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let (data_offset, sample_rate, channels) =
            wav_layout(&wav).with_context(|| path.display().to_string())?;
        let json = path.with_extension("json");
        let script: Script = serde_json::from_str(
            &std::fs::read_to_string(&json)
                .with_context(|| format!("reading {}", json.display()))?,
        )
        .with_context(|| format!("{}: not a turn script", json.display()))?;
        calls.push(StagedCall {
            name,
            wav,
            data_offset,
            sample_rate,
            channels,
            turns: script.turns,
        });
    }
    anyhow::ensure!(!calls.is_empty(), "no call_*.wav in {}", dir.display());
    calls.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(calls)
}

/// A recording without a script (e.g. the real LCA call): streamed and timed for assist, but
/// it has no turns to score transcription latency against.
pub fn recording(path: &Path) -> anyhow::Result<StagedCall> {
    let wav = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let (data_offset, sample_rate, channels) =
        wav_layout(&wav).with_context(|| path.display().to_string())?;
    Ok(StagedCall {
        name: path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("recording")
            .to_string(),
        wav,
        data_offset,
        sample_rate,
        channels,
        turns: Vec::new(),
    })
}

/// Data offset, sample rate and channel count of a PCM16 WAV file.
fn wav_layout(wav: &[u8]) -> anyhow::Result<(usize, u32, u16)> {
    anyhow::ensure!(
        wav.len() >= 12 && &wav[0..4] == b"RIFF" && &wav[8..12] == b"WAVE",
        "not a RIFF/WAVE file"
    );
    let (mut at, mut format) = (12, None);
    while at + 8 <= wav.len() {
        let id = &wav[at..at + 4];
        let size = u32::from_le_bytes(wav[at + 4..at + 8].try_into()?) as usize;
        let body = at + 8;
        if id == b"fmt " && body + 16 <= wav.len() {
            let channels = u16::from_le_bytes(wav[body + 2..body + 4].try_into()?);
            let rate = u32::from_le_bytes(wav[body + 4..body + 8].try_into()?);
            let bits = u16::from_le_bytes(wav[body + 14..body + 16].try_into()?);
            anyhow::ensure!(bits == 16, "{bits}-bit audio; expected PCM16");
            format = Some((rate, channels));
        }
        if id == b"data" {
            let (rate, channels) = format.context("data chunk before fmt chunk")?;
            return Ok((body, rate, channels));
        }
        at = body + size + (size & 1);
    }
    anyhow::bail!("no data chunk")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(frames: usize) -> Vec<u8> {
        let data = frames * 4;
        let mut w = b"RIFF".to_vec();
        w.extend((36 + data as u32).to_le_bytes());
        w.extend(b"WAVEfmt ");
        w.extend(16u32.to_le_bytes());
        w.extend(1u16.to_le_bytes());
        w.extend(2u16.to_le_bytes());
        w.extend(8000u32.to_le_bytes());
        w.extend(32000u32.to_le_bytes());
        w.extend(4u16.to_le_bytes());
        w.extend(16u16.to_le_bytes());
        w.extend(b"data");
        w.extend((data as u32).to_le_bytes());
        w.extend(vec![0u8; data]);
        w
    }

    #[test]
    fn chunks_are_whole_200_ms_with_the_header_in_the_first() {
        let bytes = wav(8000 * 3 / 2); // 1.5 s of stereo audio
        let (data_offset, sample_rate, channels) = wav_layout(&bytes).unwrap();
        assert_eq!((data_offset, sample_rate, channels), (44, 8000, 2));
        let call = StagedCall {
            name: "c".into(),
            wav: bytes,
            data_offset,
            sample_rate,
            channels,
            turns: vec![],
        };
        let chunks = call.chunks(200);
        assert_eq!(chunks.len(), 8);
        assert_eq!(chunks[0].len(), 44 + 6400);
        assert_eq!(chunks[1].len(), 6400);
        assert_eq!(chunks[7].len(), 3200);
        assert_eq!(
            chunks.iter().map(|c| c.len()).sum::<usize>(),
            call.wav.len()
        );
    }
}
