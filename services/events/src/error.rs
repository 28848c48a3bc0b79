//! Why a networked bus could not start: each variant names the server URL (password hidden).

/// A failure to bring up the NATS bus; once running, the bus only logs and counts.
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    /// The URL is not one the bus can use: fix the configuration.
    #[error(
        "`{url}` is not a NATS server URL: {reason} (expected nats://host:port or tls://host:port)"
    )]
    InvalidUrl { url: String, reason: String },
    /// The subject prefix is not a valid NATS subject: fix the prefix.
    #[error("`{prefix}` is not a usable NATS subject prefix: {reason}")]
    InvalidPrefix { prefix: String, reason: String },
    /// The server did not accept a connection: start it, or fix the host, port or credentials.
    // The cause is in the message rather than the `source` chain, which would print it thrice.
    #[error("cannot connect to the NATS event bus at {url}: {cause}")]
    Connect {
        url: String,
        cause: async_nats::ConnectError,
    },
    /// Connected, but the server refused or never confirmed the subscription to the bus's subjects.
    #[error("the NATS server at {url} did not confirm the subscription to `{subject}`: {reason}")]
    Subscribe {
        url: String,
        subject: String,
        reason: String,
    },
}
