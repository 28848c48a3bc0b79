//! How to reach Amazon Transcribe and how hard to push it.

use std::time::Duration;

/// Settings for the cloud engine (`asr.engine = "transcribe"`); the binary fills it from its config.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscribeConfig {
    /// AWS region, e.g. `us-east-1`; empty takes the region from the environment chain.
    pub region: String,
    /// Transcribe language code, e.g. `en-US`; checked against the codes the SDK knows.
    pub language_code: String,
    /// Overrides the regional endpoint: VPC endpoints, or a local fake in tests.
    pub endpoint_url: Option<String>,
    /// Fixed credentials instead of the environment chain (tests, isolated deployments).
    pub credentials: Option<StaticCredentials>,
    /// Longest audio carried by one event; Transcribe advises 50–200 ms per event.
    pub max_event_ms: u32,
    /// Extra attempts when Transcribe refuses a start because the account is at its limit.
    pub throttle_retries: usize,
    /// Wait before the first retry of a throttled start; later waits grow exponentially.
    pub throttle_backoff: Duration,
}

impl TranscribeConfig {
    /// A config with sensible defaults for one region and language.
    pub fn new(region: impl Into<String>, language_code: impl Into<String>) -> Self {
        Self {
            region: region.into(),
            language_code: language_code.into(),
            ..Self::default()
        }
    }
}

impl Default for TranscribeConfig {
    fn default() -> Self {
        Self {
            region: String::new(),
            language_code: "en-US".to_owned(),
            endpoint_url: None,
            credentials: None,
            max_event_ms: 100,
            throttle_retries: 4,
            throttle_backoff: Duration::from_millis(500),
        }
    }
}

/// An access key pair given in configuration rather than found in the environment.
#[derive(Clone, PartialEq, Eq)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_secret() {
        let creds = StaticCredentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG".into(),
        };
        let shown = format!("{creds:?}");
        assert!(shown.contains("AKIDEXAMPLE"));
        assert!(!shown.contains("wJalrXUtnFEMI"));
    }

    #[test]
    fn new_keeps_region_and_language_and_fills_defaults() {
        let cfg = TranscribeConfig::new("eu-west-1", "en-GB");
        assert_eq!(cfg.region, "eu-west-1");
        assert_eq!(cfg.language_code, "en-GB");
        assert_eq!(cfg.endpoint_url, None);
        assert_eq!(cfg.max_event_ms, TranscribeConfig::default().max_event_ms);
    }
}
