//! The Lex V2 model-building client, configured once per target.

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_sdk_lexmodelsv2::Client;
use aws_sdk_lexmodelsv2::config::{Credentials, Region};
use aws_sdk_lexmodelsv2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::{LexError, LexTarget};

/// Builds the SDK client: region, endpoint and credentials from `target`, else the usual AWS
/// environment chain; throttling and transient failures are retried by the SDK with back-off.
pub(crate) async fn connect(target: &LexTarget) -> Result<Client, LexError> {
    let retry = RetryConfig::standard()
        .with_max_attempts(target.max_attempts.max(1))
        .with_initial_backoff(target.initial_backoff);
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(retry);
    if !target.region.trim().is_empty() {
        loader = loader.region(Region::new(target.region.trim().to_owned()));
    }
    if let Some(url) = &target.endpoint_url {
        loader = loader.endpoint_url(url.clone());
    }
    if let Some(creds) = &target.credentials {
        loader = loader.credentials_provider(Credentials::new(
            creds.access_key_id.clone(),
            creds.secret_access_key.clone(),
            None,
            None,
            "switchboard-config",
        ));
    }
    let sdk_config = loader.load().await;
    if sdk_config.region().is_none() {
        return Err(LexError::Config(
            "no AWS region: set `region` in the bot's [lex] section or AWS_REGION".into(),
        ));
    }
    Ok(Client::new(&sdk_config))
}

/// Turns an SDK failure into a message naming the step and Lex's own code and words.
pub(crate) fn failed<E, R>(step: impl Into<String>, err: SdkError<E, R>) -> LexError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let message = match (err.code(), err.message()) {
        (Some(code), Some(msg)) => format!("{code}: {msg}"),
        (Some(code), None) => code.to_owned(),
        _ => DisplayErrorContext(&err).to_string(),
    };
    LexError::Request {
        step: step.into(),
        message,
    }
}

/// Whether Lex refused because another operation on the bot is still running.
pub(crate) fn is_conflict<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    err.code() == Some("ConflictException")
}
