//! CTranslate2 model files as the converter takes them: borrowed bytes, or read from a directory.

use crate::ModelError;
use std::path::Path;

/// A CTranslate2 model already read into memory (from a wheel, a directory, or joined parts).
#[derive(Debug, Clone, Copy)]
pub struct Ct2Input<'a> {
    /// Where the bytes came from, for error messages.
    pub label: &'a str,
    pub model_bin: &'a [u8],
    pub vocabulary: &'a [u8],
}

/// The files of a CTranslate2 model directory, owned.
#[derive(Debug, Clone)]
pub struct Ct2Files {
    pub label: String,
    pub model_bin: Vec<u8>,
    pub vocabulary: Vec<u8>,
}

impl Ct2Files {
    /// Reads `model.bin` (or `model.bin.part1`, `.part2`, … joined in order) and `vocabulary.txt`.
    pub fn read_dir(dir: &Path) -> Result<Ct2Files, ModelError> {
        let whole = dir.join("model.bin");
        let model_bin = if whole.exists() {
            std::fs::read(&whole).map_err(ModelError::io(&whole))?
        } else {
            let mut bytes = Vec::new();
            let mut n = 1;
            loop {
                let part = dir.join(format!("model.bin.part{n}"));
                if !part.exists() {
                    break;
                }
                bytes.extend(std::fs::read(&part).map_err(ModelError::io(&part))?);
                n += 1;
            }
            if n == 1 {
                return Err(ModelError::Io {
                    path: whole,
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "no model.bin or model.bin.part1",
                    ),
                });
            }
            bytes
        };
        let vocab_path = dir.join("vocabulary.txt");
        let vocabulary = std::fs::read(&vocab_path).map_err(ModelError::io(&vocab_path))?;
        Ok(Ct2Files {
            label: dir.display().to_string(),
            model_bin,
            vocabulary,
        })
    }

    /// Borrows the files for [`convert_ct2`].
    pub fn input(&self) -> Ct2Input<'_> {
        Ct2Input {
            label: &self.label,
            model_bin: &self.model_bin,
            vocabulary: &self.vocabulary,
        }
    }
}
