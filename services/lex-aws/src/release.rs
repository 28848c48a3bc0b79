//! Turns the written draft into a numbered Lex version behind the alias: build, wait, version,
//! wait, move the alias, delete versions beyond the retention count.

use std::collections::HashSet;
use std::time::Instant;

use aws_sdk_lexmodelsv2::Client;
use aws_sdk_lexmodelsv2::types::{
    BotLocaleStatus, BotStatus, BotVersionLocaleDetails, BotVersionSortAttribute, BotVersionSortBy,
    SortOrder,
};
use backon::{ExponentialBuilder, Retryable};

use crate::client::{failed, is_conflict};
use crate::shape::DRAFT;
use crate::{LexError, LexTarget};

/// Builds the draft locale and waits until Lex says it is built; a failed build gives Lex's reasons.
pub(crate) async fn build(client: &Client, t: &LexTarget) -> Result<(), LexError> {
    // Another build of the bot (from the console, or a previous publish) makes Lex refuse with
    // a conflict: wait for it with back-off rather than failing the publish.
    (|| async {
        client
            .build_bot_locale()
            .bot_id(&t.bot_id)
            .bot_version(DRAFT)
            .locale_id(&t.locale_id)
            .send()
            .await
    })
    .retry(conflict_backoff(t))
    .when(is_conflict)
    .notify(|_, wait| tracing::info!(?wait, "Lex is busy with another build; retrying"))
    .await
    .map_err(|e| failed("BuildBotLocale", e))?;
    let started = Instant::now();
    loop {
        let out = client
            .describe_bot_locale()
            .bot_id(&t.bot_id)
            .bot_version(DRAFT)
            .locale_id(&t.locale_id)
            .send()
            .await
            .map_err(|e| failed("DescribeBotLocale", e))?;
        match out.bot_locale_status() {
            Some(BotLocaleStatus::Built | BotLocaleStatus::ReadyExpressTesting) => return Ok(()),
            Some(BotLocaleStatus::Failed) => {
                return Err(LexError::BuildFailed {
                    locale: t.locale_id.clone(),
                    reasons: out.failure_reasons().to_vec(),
                });
            }
            status => wait(t, started, "build", status.map(|s| s.as_str()))?,
        }
        tokio::time::sleep(t.poll_interval).await;
    }
}

/// Snapshots the built draft as a new numbered version and waits until it is available.
pub(crate) async fn version(client: &Client, t: &LexTarget) -> Result<String, LexError> {
    let spec = BotVersionLocaleDetails::builder()
        .source_bot_version(DRAFT)
        .build()
        .map_err(|e| LexError::Config(e.to_string()))?;
    let out = (|| async {
        client
            .create_bot_version()
            .bot_id(&t.bot_id)
            .bot_version_locale_specification(&t.locale_id, spec.clone())
            .send()
            .await
    })
    .retry(conflict_backoff(t))
    .when(is_conflict)
    .await
    .map_err(|e| failed("CreateBotVersion", e))?;
    let version = out
        .bot_version()
        .map(str::to_owned)
        .ok_or_else(|| LexError::Request {
            step: "CreateBotVersion".into(),
            message: "Lex's answer has no botVersion".into(),
        })?;
    let started = Instant::now();
    loop {
        let out = client
            .describe_bot_version()
            .bot_id(&t.bot_id)
            .bot_version(&version)
            .send()
            .await
            .map_err(|e| failed("DescribeBotVersion", e))?;
        match out.bot_status() {
            Some(BotStatus::Available) => return Ok(version),
            Some(BotStatus::Failed) => {
                return Err(LexError::Request {
                    step: format!("CreateBotVersion {version}"),
                    message: out.failure_reasons().join("; "),
                });
            }
            status => wait(t, started, "version", status.map(|s| s.as_str()))?,
        }
        tokio::time::sleep(t.poll_interval).await;
    }
}

/// Points the alias at `version`, keeping its name, description and settings as they are.
pub(crate) async fn move_alias(
    client: &Client,
    t: &LexTarget,
    version: &str,
) -> Result<(), LexError> {
    let alias = client
        .describe_bot_alias()
        .bot_id(&t.bot_id)
        .bot_alias_id(&t.alias_id)
        .send()
        .await
        .map_err(|e| failed("DescribeBotAlias", e))?;
    client
        .update_bot_alias()
        .bot_id(&t.bot_id)
        .bot_alias_id(&t.alias_id)
        .set_bot_alias_name(alias.bot_alias_name().map(str::to_owned))
        .set_description(alias.description().map(str::to_owned))
        .bot_version(version)
        .set_bot_alias_locale_settings(alias.bot_alias_locale_settings().cloned())
        .set_conversation_log_settings(alias.conversation_log_settings().cloned())
        .set_sentiment_analysis_settings(alias.sentiment_analysis_settings().cloned())
        .send()
        .await
        .map_err(|e| failed("UpdateBotAlias", e))?;
    Ok(())
}

/// Deletes numbered versions beyond the newest `keep_versions`, never one an alias uses.
pub(crate) async fn prune(client: &Client, t: &LexTarget) -> Result<Vec<String>, LexError> {
    let in_use = aliased_versions(client, t).await?;
    let sort = BotVersionSortBy::builder()
        .attribute(BotVersionSortAttribute::BotVersion)
        .order(SortOrder::Descending)
        .build()
        .map_err(|e| LexError::Config(e.to_string()))?;
    let pages = client
        .list_bot_versions()
        .bot_id(&t.bot_id)
        .sort_by(sort)
        .max_results(1000)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| failed("ListBotVersions", e))?;
    let mut versions: Vec<String> = pages
        .iter()
        .flat_map(|p| p.bot_version_summaries())
        .filter_map(|s| s.bot_version())
        .filter(|v| *v != DRAFT)
        .map(str::to_owned)
        .collect();
    // Newest first by number, whatever order the pages came in.
    versions.sort_by_key(|v| std::cmp::Reverse(v.parse::<u64>().unwrap_or(0)));
    let mut deleted = Vec::new();
    for v in versions.into_iter().skip(t.keep_versions.max(1)) {
        if in_use.contains(&v) {
            continue;
        }
        client
            .delete_bot_version()
            .bot_id(&t.bot_id)
            .bot_version(&v)
            .send()
            .await
            .map_err(|e| failed(format!("DeleteBotVersion {v}"), e))?;
        deleted.push(v);
    }
    Ok(deleted)
}

async fn aliased_versions(client: &Client, t: &LexTarget) -> Result<HashSet<String>, LexError> {
    let pages = client
        .list_bot_aliases()
        .bot_id(&t.bot_id)
        .max_results(1000)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| failed("ListBotAliases", e))?;
    Ok(pages
        .iter()
        .flat_map(|p| p.bot_alias_summaries())
        .filter_map(|a| a.bot_version())
        .map(str::to_owned)
        .collect())
}

fn conflict_backoff(t: &LexTarget) -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(t.initial_backoff)
        .with_max_times(t.max_attempts.saturating_sub(1) as usize)
        .with_jitter()
}

fn wait(t: &LexTarget, started: Instant, what: &str, status: Option<&str>) -> Result<(), LexError> {
    if started.elapsed() < t.settle_timeout {
        return Ok(());
    }
    Err(LexError::Timeout {
        what: what.into(),
        seconds: t.settle_timeout.as_secs(),
        status: status.unwrap_or("unknown").into(),
    })
}
