//! Saving a [`CachedEmbedder`]'s vectors to disk, so a restart does not re-embed every
//! training utterance of every bot (10,000 utterances cost about a minute on 2 cores).
//!
//! File layout (little-endian): magic `SBEMB001`, `u32` dim, `u32` count, then per entry
//! `u32` byte length, the UTF-8 text, `dim` × `f32`. Written to a temporary file and renamed,
//! so concurrent writers (several servers sharing a cache) never leave a torn file.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

use crate::{CachedEmbedder, Embedder, Embedding};

const MAGIC: &[u8; 8] = b"SBEMB001";

impl<E: Embedder> CachedEmbedder<E> {
    /// Adds the vectors stored at `path`; a missing file is an empty cache. Returns entries read.
    pub fn load_file(&self, path: &Path) -> io::Result<usize> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let entries = read_entries(&mut BufReader::new(file), self.dim())?;
        let n = entries.len();
        self.insert_all(entries);
        Ok(n)
    }

    /// Writes every cached vector to `path` atomically. Returns entries written.
    pub fn save_file(&self, path: &Path) -> io::Result<usize> {
        let entries = self.entries();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        {
            let mut w = BufWriter::new(std::fs::File::create(&tmp)?);
            w.write_all(MAGIC)?;
            w.write_all(&(self.dim() as u32).to_le_bytes())?;
            w.write_all(&(entries.len() as u32).to_le_bytes())?;
            for (text, vector) in &entries {
                w.write_all(&(text.len() as u32).to_le_bytes())?;
                w.write_all(text.as_bytes())?;
                for x in vector {
                    w.write_all(&x.to_le_bytes())?;
                }
            }
            w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        Ok(entries.len())
    }
}

fn read_entries(r: &mut impl Read, dim: usize) -> io::Result<Vec<(String, Embedding)>> {
    let bad = |m: String| io::Error::new(io::ErrorKind::InvalidData, m);
    let mut magic = [0u8; 8];
    r.read_exact(&mut magic)?;
    if &magic != MAGIC {
        return Err(bad("not a Switchboard embedding cache".into()));
    }
    let file_dim = read_u32(r)? as usize;
    if file_dim != dim {
        return Err(bad(format!(
            "cache holds {file_dim}-dimensional vectors, the encoder makes {dim}"
        )));
    }
    let count = read_u32(r)? as usize;
    let mut out = Vec::with_capacity(count.min(1 << 20));
    let mut floats = vec![0u8; dim * 4];
    for _ in 0..count {
        let len = read_u32(r)? as usize;
        if len > 1 << 20 {
            return Err(bad(format!("entry of {len} bytes")));
        }
        let mut text = vec![0u8; len];
        r.read_exact(&mut text)?;
        let text = String::from_utf8(text).map_err(|e| bad(e.to_string()))?;
        r.read_exact(&mut floats)?;
        let v = floats
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        out.push((text, v));
    }
    Ok(out)
}

fn read_u32(r: &mut impl Read) -> io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EmbedError;

    /// Vectors derived from the text; counts how often it is asked.
    struct Counting(std::sync::atomic::AtomicUsize);
    impl Embedder for Counting {
        fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
            self.0
                .fetch_add(texts.len(), std::sync::atomic::Ordering::SeqCst);
            Ok(texts
                .iter()
                .map(|t| vec![t.len() as f32, 1.0, -2.5])
                .collect())
        }
        fn dim(&self) -> usize {
            3
        }
    }

    fn counting() -> CachedEmbedder<Counting> {
        CachedEmbedder::new(Counting(Default::default()), 100)
    }

    #[test]
    fn a_saved_cache_spares_the_encoder_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cache.bin");
        let first = counting();
        first.embed(&["hello", "wörld"]).unwrap();
        assert_eq!(first.save_file(&path).unwrap(), 2);

        let second = counting();
        assert_eq!(second.load_file(&path).unwrap(), 2);
        let v = second.embed(&["wörld", "hello"]).unwrap();
        assert_eq!(v, vec![vec![6.0, 1.0, -2.5], vec![5.0, 1.0, -2.5]]);
        assert_eq!(
            second.inner().0.load(std::sync::atomic::Ordering::SeqCst),
            0,
            "nothing re-embedded"
        );
    }

    #[test]
    fn missing_files_are_empty_and_foreign_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cache = counting();
        assert_eq!(cache.load_file(&dir.path().join("none.bin")).unwrap(), 0);
        let junk = dir.path().join("junk.bin");
        std::fs::write(&junk, b"definitely not a cache").unwrap();
        assert_eq!(
            cache.load_file(&junk).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        let truncated = dir.path().join("truncated.bin");
        cache.embed(&["abc"]).unwrap();
        cache.save_file(&truncated).unwrap();
        let bytes = std::fs::read(&truncated).unwrap();
        std::fs::write(&truncated, &bytes[..bytes.len() - 3]).unwrap();
        assert!(counting().load_file(&truncated).is_err());
    }
}
