/// Why audio could not be taken in; every variant names what was wrong so a client can fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AudioError {
    #[error("unsupported sample rate {0} Hz (supported: 8000, 16000)")]
    UnsupportedRate(u32),
    #[error("sample rate {0} Hz is outside what recordings use (4000–192000 Hz)")]
    RateOutOfRange(u32),
    #[error("unsupported channel count {0} (supported: 1 or 2)")]
    UnsupportedChannels(u16),
    #[error("unknown audio encoding `{0}` (supported: pcm16le, mulaw, alaw)")]
    UnknownEncoding(String),
    #[error("{bytes} bytes is not a whole number of {frame_bytes}-byte sample frames")]
    PartialFrame { bytes: usize, frame_bytes: usize },
    #[error("chunk holds {ms} ms of audio; at most {max_ms} ms per chunk")]
    ChunkTooLong { ms: u64, max_ms: u64 },
    #[error("WAV header: {0}")]
    BadWavHeader(String),
    /// A well-formed header for samples Switchboard does not decode (float, 24-bit, ADPCM, …).
    #[error("WAV header: {0}")]
    UnsupportedFormat(String),
    #[error("WAV header says {found}, but the call was started with {declared}")]
    WavMismatch { found: String, declared: String },
    #[error("{path}: {message}")]
    File { path: String, message: String },
    /// A file whose samples are in a format Switchboard does not decode; `message` says which.
    #[error("{path}: {message}")]
    UnsupportedFile { path: String, message: String },
}
