//! `[lex.<bot>]` targets as publishing mirrors: the glue between the publishing crate, which
//! knows when a version is published, and the Lex crate, which knows the SDK.

use std::sync::Arc;

use lex_aws::{LexMirror, Stage};
use switchboard_bots::BotDefinition;
use switchboard_publishing::{Mirror, MirrorFuture};

use crate::config::Config;

/// A Lex bot as a place published versions are copied to.
pub struct LexTargetMirror(pub LexMirror);

impl Mirror for LexTargetMirror {
    fn kind(&self) -> &'static str {
        "lex"
    }

    fn publish<'a>(&'a self, def: &'a BotDefinition) -> MirrorFuture<'a> {
        Box::pin(async move {
            self.0
                .publish(def, &log_stage)
                .await
                .map(|release| release.bot_version)
                .map_err(|e| e.to_string())
        })
    }
}

/// Logs where a background publish is, for operators following it.
fn log_stage(stage: Stage) {
    match stage {
        Stage::Intents { done, total } if done == total => {
            tracing::info!(total, "Lex intents written")
        }
        Stage::Intents { .. } => {}
        other => tracing::info!(stage = ?other, "Lex publish"),
    }
}

/// Every configured Lex target, connected (no request is sent until a publish).
pub async fn mirrors(config: &Config) -> anyhow::Result<Vec<(String, Arc<dyn Mirror>)>> {
    let mut out = Vec::new();
    for (bot, lex) in &config.lex {
        let mirror = LexMirror::connect(lex.target())
            .await
            .map_err(|e| anyhow::anyhow!("[lex.{bot}]: {e}"))?;
        out.push((
            bot.clone(),
            Arc::new(LexTargetMirror(mirror)) as Arc<dyn Mirror>,
        ));
    }
    Ok(out)
}
