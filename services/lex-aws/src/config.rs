//! Which Lex bot a Switchboard bot is mirrored into, and how to reach it.

use std::time::Duration;

/// One bot's Lex V2 target; the binary fills it from `[lex.<bot>]` in its configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct LexTarget {
    /// The Lex bot's id (10 characters, from the console or `aws lexv2-models list-bots`).
    pub bot_id: String,
    /// The alias clients call; it is moved to each new version once that version is built.
    pub alias_id: String,
    /// Lex locale id, e.g. `en_GB`; the bot must already have this locale.
    pub locale_id: String,
    /// AWS region; empty takes the region from the environment chain.
    pub region: String,
    /// Overrides the regional endpoint: VPC endpoints, or a local fake in tests.
    pub endpoint_url: Option<String>,
    /// Fixed credentials instead of the environment chain (tests, isolated deployments).
    pub credentials: Option<StaticCredentials>,
    /// Numbered versions kept in Lex; older ones are deleted (never one an alias points to).
    pub keep_versions: usize,
    /// Attempts per request when Lex throttles or fails transiently (the SDK's back-off).
    pub max_attempts: u32,
    /// Wait before the first retry; later ones grow exponentially with jitter.
    pub initial_backoff: Duration,
    /// How often a build or a version is polled until it settles.
    pub poll_interval: Duration,
    /// Longest wait for a build (Lex takes seconds to minutes) or a version to settle.
    pub settle_timeout: Duration,
}

impl LexTarget {
    /// A target with the defaults for everything but the bot, alias and locale.
    pub fn new(
        bot_id: impl Into<String>,
        alias_id: impl Into<String>,
        locale_id: impl Into<String>,
    ) -> Self {
        Self {
            bot_id: bot_id.into(),
            alias_id: alias_id.into(),
            locale_id: locale_id.into(),
            region: String::new(),
            endpoint_url: None,
            credentials: None,
            keep_versions: 5,
            max_attempts: 5,
            initial_backoff: Duration::from_millis(500),
            poll_interval: Duration::from_secs(5),
            settle_timeout: Duration::from_secs(15 * 60),
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
}
