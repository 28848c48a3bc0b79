//! Why mirroring a version into Lex stopped.

/// A Lex sync failure; the message names the step and what Lex said.
#[derive(Debug, thiserror::Error)]
pub enum LexError {
    /// Settings that can never work (no region, a bad locale); fix the configuration.
    #[error("Lex target misconfigured: {0}")]
    Config(String),
    /// Lex refused or failed a request (after the SDK's retries), e.g. access denied.
    #[error("Lex {step} failed: {message}")]
    Request { step: String, message: String },
    /// The bot locale did not build; Lex's reasons, one per entry. No version was created.
    #[error("Lex could not build locale {locale}: {}", reasons.join("; "))]
    BuildFailed {
        locale: String,
        reasons: Vec<String>,
    },
    /// A build or version did not settle in time; it may still finish in Lex.
    #[error("Lex {what} did not settle within {seconds} s (last status {status})")]
    Timeout {
        what: String,
        seconds: u64,
        status: String,
    },
}
