//! Files that appear whole or not at all, hashed while they are written.

use crate::ModelError;
use sha2::{Digest, Sha256};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A temp file in `dir` that becomes world-readable (0644 before umask) like any file a user
/// creates, rather than tempfile's private 0600: models are shared with services run as others.
pub(crate) fn temp_file_in(dir: &Path) -> Result<tempfile::NamedTempFile, ModelError> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".partial-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(dir).map_err(ModelError::io(dir))
}

/// Writes through a temp file in `out`'s directory, then renames it over `out`.
pub(crate) fn write_atomically(
    out: &Path,
    body: impl FnOnce(&mut HashingWriter<BufWriter<std::fs::File>>) -> std::io::Result<()>,
) -> Result<(String, u64), ModelError> {
    let dir: PathBuf = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&dir).map_err(ModelError::io(&dir))?;
    let tmp = temp_file_in(&dir)?;
    let file = tmp.reopen().map_err(ModelError::io(tmp.path()))?;
    let mut w = HashingWriter::new(BufWriter::with_capacity(1 << 20, file));
    body(&mut w)
        .and_then(|()| w.flush())
        .map_err(ModelError::io(tmp.path()))?;
    let (buf, sha256, bytes) = w.finish();
    let file = buf.into_inner().map_err(|e| ModelError::Io {
        path: tmp.path().to_path_buf(),
        source: e.into_error(),
    })?;
    file.sync_all().map_err(ModelError::io(tmp.path()))?;
    tmp.persist(out).map_err(|e| ModelError::Io {
        path: out.to_path_buf(),
        source: e.error,
    })?;
    Ok((sha256, bytes))
}

/// A writer that hashes and counts what passes through, so the checksum needs no second read.
pub(crate) struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// (inner writer, lowercase hex sha256, byte count)
    pub(crate) fn finish(self) -> (W, String, u64) {
        (self.inner, hex::encode(self.hasher.finalize()), self.bytes)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::sha256_hex;

    #[test]
    fn hashes_what_it_writes_and_leaves_nothing_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("sub/model.bin");
        let (sha, bytes) = write_atomically(&out, |w| w.write_all(b"ggml data")).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"ggml data");
        assert_eq!((sha, bytes), (sha256_hex(b"ggml data"), 9));

        let failed = dir.path().join("sub/other.bin");
        let err = write_atomically(&failed, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            ["model.bin"],
            "no partial file left beside the finished one"
        );
    }
}
