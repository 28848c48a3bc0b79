//! Call audio kept for playback when recording retention is on: each call's audio as 16-bit
//! PCM with its channels interleaved, appended as it arrives, so a reconnect continues the same
//! file and a crash loses only what was not yet written. The format comes from the call's
//! record; a WAV header is put in front when the audio is served. Files older than the
//! retention period are swept away.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use switchboard_transcription::AudioChunk;
use tokio::fs::{File, OpenOptions};
use tokio::io::{AsyncWriteExt, BufWriter};

/// Where kept call audio lives and for how long.
#[derive(Debug, Clone)]
pub struct AudioArchive {
    dir: PathBuf,
    keep_for: Duration,
}

impl AudioArchive {
    /// Keeps audio under `dir` (created) for `keep_for` after its last write.
    pub fn open(dir: &Path, keep_for: Duration) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            keep_for,
        })
    }

    /// The file of a call's audio: named by a hash, as call ids come from clients.
    pub fn path(&self, call_id: &str) -> PathBuf {
        let digest = Sha256::digest(call_id.as_bytes());
        let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{name}.pcm"))
    }

    /// A writer that continues a call's audio at `offset_frames` (0 for a new call): what lies
    /// beyond the offset (audio a crash kept but the call's record did not) is cut, and a gap
    /// (audio the record counts but the file lost) is filled with silence, so the file stays
    /// in step with the transcript's times.
    pub async fn writer(
        &self,
        call_id: &str,
        channels: u16,
        offset_frames: u64,
    ) -> io::Result<AudioWriter> {
        let path = self.path(call_id);
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(offset_frames == 0)
            .open(&path)
            .await?;
        let frame_bytes = u64::from(channels) * 2;
        file.set_len(offset_frames * frame_bytes).await?;
        let mut file = file;
        tokio::io::AsyncSeekExt::seek(&mut file, io::SeekFrom::End(0)).await?;
        Ok(AudioWriter {
            file: BufWriter::new(file),
            channels: usize::from(channels),
            buf: Vec::new(),
        })
    }

    /// Keeps a whole recording's audio (replacing any earlier file of the call).
    pub async fn save(&self, call_id: &str, channels: &[Vec<i16>]) -> io::Result<()> {
        let mut w = self.writer(call_id, channels.len() as u16, 0).await?;
        w.write(&AudioChunk {
            channels: channels.to_vec(),
        })
        .await?;
        w.finish().await
    }

    /// A call's kept audio and its length in bytes; `None` when none is kept.
    pub async fn read(&self, call_id: &str) -> io::Result<Option<(File, u64)>> {
        match File::open(self.path(call_id)).await {
            Ok(f) => {
                let len = f.metadata().await?.len();
                Ok(Some((f, len)))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deletes audio not written to for longer than the retention period; how many files.
    pub fn sweep(&self) -> io::Result<usize> {
        let now = SystemTime::now();
        let mut deleted = 0;
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let old = entry
                .metadata()?
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .is_some_and(|age| age > self.keep_for);
            if old && entry.path().extension().is_some_and(|e| e == "pcm") {
                std::fs::remove_file(entry.path())?;
                deleted += 1;
            }
        }
        Ok(deleted)
    }

    /// Sweeps now and then every hour, logging what it could not delete.
    pub async fn sweep_forever(self) {
        loop {
            let archive = self.clone();
            match tokio::task::spawn_blocking(move || archive.sweep()).await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(files = n, "call audio past its retention deleted"),
                Ok(Err(error)) => tracing::warn!(%error, "sweeping kept call audio failed"),
                Err(error) => tracing::warn!(%error, "sweeping kept call audio failed"),
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    }
}

/// Appends one call's audio.
pub struct AudioWriter {
    file: BufWriter<File>,
    channels: usize,
    buf: Vec<u8>,
}

impl AudioWriter {
    /// Appends a chunk's frames, channels interleaved (a chunk of another shape is refused).
    pub async fn write(&mut self, chunk: &AudioChunk) -> io::Result<()> {
        if chunk.channels.len() != self.channels {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a chunk of {} channels for audio of {}",
                    chunk.channels.len(),
                    self.channels
                ),
            ));
        }
        self.buf.clear();
        for i in 0..chunk.frames() {
            for c in &chunk.channels {
                let s = c.get(i).copied().unwrap_or(0);
                self.buf.extend_from_slice(&s.to_le_bytes());
            }
        }
        self.file.write_all(&self.buf).await
    }

    /// Writes out what is buffered.
    pub async fn finish(mut self) -> io::Result<()> {
        self.file.flush().await?;
        self.file.get_mut().sync_data().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(a: &[i16], b: &[i16]) -> AudioChunk {
        AudioChunk {
            channels: vec![a.to_vec(), b.to_vec()],
        }
    }

    #[tokio::test]
    async fn audio_is_interleaved_continued_at_the_offset_and_swept() {
        let dir = tempfile::tempdir().unwrap();
        let archive = AudioArchive::open(dir.path(), Duration::from_secs(3600)).unwrap();
        let mut w = archive.writer("CA/1", 2, 0).await.unwrap();
        w.write(&chunk(&[1, 2, 3], &[-1, -2, -3])).await.unwrap();
        w.finish().await.unwrap();
        // A reconnect whose record counts two frames: the third is cut, the new audio follows.
        let mut w = archive.writer("CA/1", 2, 2).await.unwrap();
        w.write(&chunk(&[7], &[-7])).await.unwrap();
        assert!(
            w.write(&AudioChunk {
                channels: vec![vec![1]]
            })
            .await
            .is_err()
        );
        w.finish().await.unwrap();
        let bytes = std::fs::read(archive.path("CA/1")).unwrap();
        let samples: Vec<i16> = bytes
            .chunks(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        assert_eq!(samples, [1, -1, 2, -2, 7, -7]);
        // A record that counts more than the file kept: the gap is silence.
        let w = archive.writer("CA/1", 2, 4).await.unwrap();
        w.finish().await.unwrap();
        let (_, len) = archive.read("CA/1").await.unwrap().unwrap();
        assert_eq!(len, 16);
        assert!(archive.read("other").await.unwrap().is_none());
        assert_eq!(archive.sweep().unwrap(), 0, "fresh audio is kept");
        let expired = AudioArchive::open(dir.path(), Duration::ZERO).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(expired.sweep().unwrap(), 1);
        assert!(archive.read("CA/1").await.unwrap().is_none());
    }
}
