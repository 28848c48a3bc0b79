use switchboard_audio::AudioError;
use switchboard_storage::StoreError;
use switchboard_transcription::AsrError;

/// Why a call could not go on; the gateway turns each into a close code and reason.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The audio is not what was promised (format, framing, size): the client must fix it.
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// The call start was malformed (ids, roles).
    #[error("{0}")]
    Invalid(String),
    /// This call id is streaming on another connection right now.
    #[error("{0}")]
    AlreadyStreaming(String),
    /// The speech engine cannot take the call.
    #[error(transparent)]
    Asr(#[from] AsrError),
    /// Storage failed; what was stored before stays.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CallError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(message) => CallError::AlreadyStreaming(message),
            StoreError::Invalid(message) => CallError::Invalid(message),
            other => CallError::Store(other),
        }
    }
}
