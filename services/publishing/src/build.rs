//! Approved proposals → a new version: merged, validated as files, trained, gated, committed
//! in one transaction, then swapped in here and announced to the other nodes.

use std::path::PathBuf;

use switchboard_bots::BotDefinition;
use switchboard_chat::LoadedBot;
use switchboard_storage::{
    AuditEntry, BotVersionRecord, NewBotVersion, ProposalFilter, ProposalOutcome, ProposalRecord,
    ProposalStatus, VersionStatus,
};

use crate::gate::{self, GateReport, TestCase};
use crate::import::{definition_of, to_json};
use crate::merge::{self, Merged};
use crate::{Progress, PublishError, Publisher};

/// Builds that lose the race for a version number are rebuilt on the winner this many times.
const REBASES: usize = 3;
/// Most approved proposals one build takes in.
const MAX_BATCH: u32 = 5_000;

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct BuildOutcome {
    /// The version stored (published or rejected by the gate); `None` when nothing changed.
    pub version: Option<BotVersionRecord>,
    pub report: Option<GateReport>,
    /// Utterances added to the bot.
    pub added: usize,
    pub new_intents: Vec<String>,
    /// Proposals taken in (including ones the bot already covered).
    pub published: Vec<String>,
    /// Proposals left out, with why.
    pub refused: Vec<(String, String)>,
    /// Proposals sent back to the supervisors because the gate refused the version.
    pub returned: Vec<String>,
}

impl Publisher {
    /// Builds a version of `bot` from every approved proposal. Rebuilds on the newest version
    /// when another build (on any node) commits first; no approved proposal is dropped.
    pub async fn build(
        &self,
        bot: &str,
        author: &str,
        progress: &Progress,
    ) -> Result<BuildOutcome, PublishError> {
        let _guard = self.lock(bot).await;
        for _ in 0..REBASES {
            match self.build_once(bot, author, progress).await {
                Err(PublishError::Conflict(m)) => {
                    tracing::info!(%bot, "another build committed first ({m}); rebuilding on it")
                }
                other => return other,
            }
        }
        Err(PublishError::Conflict(format!(
            "bot {bot:?} kept changing while building; retry"
        )))
    }

    /// Builds every bot whose approved proposals wait for a version: the work of a process
    /// killed mid-build, redone at start so no approval is lost. The author is whoever approved.
    pub async fn build_pending(
        &self,
        progress: &Progress,
    ) -> Result<Vec<BuildOutcome>, PublishError> {
        let filter = ProposalFilter {
            status: Some(ProposalStatus::Approved),
            ..ProposalFilter::default()
        };
        let waiting = self.store.list_proposals(&filter, MAX_BATCH).await?;
        let mut bots: Vec<(String, String)> = Vec::new();
        for p in waiting {
            if !bots.iter().any(|(b, _)| *b == p.bot) {
                bots.push((p.bot, p.decided_by.unwrap_or_default()));
            }
        }
        let mut out = Vec::new();
        for (bot, author) in bots {
            tracing::info!(%bot, "building the approvals an earlier run left unbuilt");
            out.push(self.build(&bot, &author, progress).await?);
        }
        Ok(out)
    }

    async fn build_once(
        &self,
        bot: &str,
        author: &str,
        progress: &Progress,
    ) -> Result<BuildOutcome, PublishError> {
        let approved = self.approved(bot).await?;
        if approved.is_empty() {
            return Ok(BuildOutcome::default());
        }
        let base =
            self.store.active_bot_version(bot).await?.ok_or_else(|| {
                PublishError::NotFound(format!("bot {bot:?} has no active version"))
            })?;
        let base_def = definition_of(&base)?;
        let merged = {
            let (def, embedder) = (base_def.clone(), self.embedder.clone());
            let approved = approved.clone();
            blocking(bot, move || {
                merge::merge(&def, &approved, embedder.as_ref())
            })
            .await??
        };
        let next = self.next_version(bot).await?;
        if merged.added == 0 {
            // Nothing new to learn: settle the proposals against the version serving.
            self.store
                .settle_proposals(bot, base.version, &merged.outcomes)
                .await?;
            return Ok(outcome(None, None, &merged));
        }
        let mut definition = merged.definition.clone();
        definition.version = next;
        if let Err(problems) = round_trip(&definition).await {
            let why = format!("the merged definition does not validate: {problems}");
            let returned: Vec<_> = approved
                .iter()
                .map(|p| (p.id.clone(), ProposalOutcome::Returned(why.clone())))
                .collect();
            self.store
                .settle_proposals(bot, base.version, &returned)
                .await?;
            return Err(PublishError::Invalid(why));
        }
        let (report, candidate) = self
            .train_and_gate(bot, &base, &definition, progress)
            .await?;
        self.commit(bot, author, &base, &definition, merged, report, candidate)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn commit(
        &self,
        bot: &str,
        author: &str,
        base: &BotVersionRecord,
        definition: &BotDefinition,
        merged: Merged,
        report: GateReport,
        candidate: std::sync::Arc<LoadedBot>,
    ) -> Result<BuildOutcome, PublishError> {
        let passed = report.passed;
        let outcomes: Vec<(String, ProposalOutcome)> = if passed {
            merged.outcomes.clone()
        } else {
            let why = format!(
                "v{} was refused by the regression gate: {}",
                definition.version,
                report.reasons.join("; ")
            );
            merged
                .outcomes
                .iter()
                .map(|(id, _)| (id.clone(), ProposalOutcome::Returned(why.clone())))
                .collect()
        };
        let new = NewBotVersion {
            bot: bot.to_string(),
            version: definition.version,
            definition_json: to_json(definition),
            checksum: definition.checksum(),
            status: if passed {
                VersionStatus::Published
            } else {
                VersionStatus::RejectedByGate
            },
            author: author.to_string(),
            reason: summary(&merged),
            base_version: Some(base.version),
            report_json: Some(serde_json::to_string(&report).unwrap_or_default()),
            basis_version: basis_of(&candidate),
        };
        let record = self.store.commit_version(&new, &outcomes).await?;
        let action = if passed {
            self.swap_in(candidate);
            self.export(definition);
            self.mirror(bot, author);
            "bot.publish"
        } else {
            tracing::warn!(%bot, version = definition.version, reasons = ?report.reasons, "regression gate refused the version");
            "bot.gate_rejected"
        };
        self.audit(author, action, &record, Some(base.version))
            .await;
        let mut out = outcome(Some(record), Some(report), &merged);
        if !passed {
            out.returned = out.published.drain(..).collect();
            out.returned.extend(out.refused.drain(..).map(|(id, _)| id));
        }
        Ok(out)
    }

    /// Every approved proposal of `bot`, oldest first.
    async fn approved(&self, bot: &str) -> Result<Vec<ProposalRecord>, PublishError> {
        let filter = ProposalFilter {
            bot: Some(bot.to_string()),
            status: Some(ProposalStatus::Approved),
            ..ProposalFilter::default()
        };
        Ok(self.store.list_proposals(&filter, MAX_BATCH).await?)
    }

    /// One more than any version stored, published or not.
    pub(crate) async fn next_version(&self, bot: &str) -> Result<u32, PublishError> {
        let versions = self.store.list_bot_versions(bot).await?;
        Ok(versions.iter().map(|v| v.version).max().unwrap_or(0) + 1)
    }

    /// The version serving here, trained from storage when this process does not hold it.
    /// Trains `definition` and runs the regression gate on it against what `base` serves.
    pub(crate) async fn train_and_gate(
        &self,
        bot: &str,
        base: &BotVersionRecord,
        definition: &BotDefinition,
        progress: &Progress,
    ) -> Result<(GateReport, std::sync::Arc<LoadedBot>), PublishError> {
        let before = self.serving(base, progress).await?;
        // A few new phrasings reuse the serving model's slow half: seconds, not a full fit.
        let on = before.basis_covers(definition).then_some(&before);
        let candidate = std::sync::Arc::new(
            self.train_definition(definition.clone(), on, progress)
                .await?,
        );
        let tests = self.tests(definition).await?;
        let (c, embedder, policy) = (
            candidate.clone(),
            self.embedder.clone(),
            definition.gate_policy(),
        );
        let report = blocking(bot, move || {
            gate::run(
                &tests,
                Some(before.as_ref()),
                c.as_ref(),
                embedder.as_ref(),
                &policy,
            )
        })
        .await??;
        Ok((report, candidate))
    }

    pub(crate) async fn serving(
        &self,
        base: &BotVersionRecord,
        progress: &Progress,
    ) -> Result<std::sync::Arc<LoadedBot>, PublishError> {
        match self.registry.get(&base.bot) {
            Some(b) if b.definition.version == base.version => Ok(b),
            _ => Ok(std::sync::Arc::new(self.train(base, progress).await?)),
        }
    }

    /// The gate's tests: the definition's held-out phrasings, and every utterance approved
    /// before whose intent still exists.
    pub(crate) async fn tests(&self, def: &BotDefinition) -> Result<Vec<TestCase>, PublishError> {
        let mut tests: Vec<TestCase> = def
            .intents
            .iter()
            .flat_map(|i| {
                i.tests.iter().map(|t| TestCase {
                    text: t.clone(),
                    intent: i.name.clone(),
                })
            })
            .collect();
        let filter = ProposalFilter {
            bot: Some(def.name.clone()),
            status: Some(ProposalStatus::Published),
            ..ProposalFilter::default()
        };
        for p in self.store.list_proposals(&filter, u32::MAX).await? {
            if def.intent(&p.intent).is_some() {
                tests.push(TestCase {
                    text: merge::tidy(&p.text),
                    intent: p.intent,
                });
            }
        }
        Ok(tests)
    }

    /// Writes a published version into the export folder; a failure is logged, never fatal
    /// (storage holds the version).
    pub(crate) fn export(&self, def: &BotDefinition) {
        let Some(dir) = &self.export_dir else { return };
        let target: PathBuf = dir.join(&def.name);
        match switchboard_bots::export_bot(def, &target) {
            Ok(()) => {
                tracing::info!(bot = %def.name, version = def.version, dir = %target.display(), "version exported")
            }
            Err(e) => {
                tracing::warn!(bot = %def.name, error = %e, dir = %target.display(), "could not export the version")
            }
        }
    }

    /// Records a version change; a failed audit write is logged (the change itself stands).
    pub(crate) async fn audit(
        &self,
        actor: &str,
        action: &str,
        record: &BotVersionRecord,
        before: Option<u32>,
    ) {
        let entry = AuditEntry {
            actor: actor.to_string(),
            action: action.to_string(),
            subject: format!("bot:{}", record.bot),
            before_json: before.map(|v| format!("{{\"version\":{v}}}")),
            after_json: Some(
                serde_json::json!({
                    "version": record.version,
                    "status": record.status.as_str(),
                    "reason": record.reason,
                })
                .to_string(),
            ),
        };
        if let Err(e) = self.store.record_audit(&entry).await {
            tracing::error!(error = %e, ?entry, "could not write the audit log");
        }
    }
}

fn summary(merged: &Merged) -> String {
    let mut s = format!("{} approved utterance(s) added", merged.added);
    if !merged.new_intents.is_empty() {
        s.push_str(&format!("; new intents: {}", merged.new_intents.join(", ")));
    }
    s
}

fn outcome(
    version: Option<BotVersionRecord>,
    report: Option<GateReport>,
    merged: &Merged,
) -> BuildOutcome {
    let mut out = BuildOutcome {
        version,
        report,
        added: merged.added,
        new_intents: merged.new_intents.clone(),
        ..BuildOutcome::default()
    };
    for (id, o) in &merged.outcomes {
        match o {
            ProposalOutcome::Published => out.published.push(id.clone()),
            ProposalOutcome::Refused(why) | ProposalOutcome::Returned(why) => {
                out.refused.push((id.clone(), why.clone()))
            }
        }
    }
    out
}

/// Writes the definition as files into a scratch folder and loads it back: the version that
/// gets stored is exactly one an author could have written (Lex limits, held-out tests, …).
async fn round_trip(def: &BotDefinition) -> Result<(), String> {
    let def = def.clone();
    tokio::task::spawn_blocking(move || {
        let dir = std::env::temp_dir().join(format!(
            "switchboard-build-{}-{}-{}",
            def.name,
            def.version,
            std::process::id()
        ));
        let result = switchboard_bots::export_bot(&def, &dir)
            .map_err(|e| format!("cannot write {}: {e}", dir.display()))
            .and_then(|()| switchboard_bots::load_bot(&dir).map_err(|r| r.to_string()))
            .and_then(|back| {
                (back.checksum() == def.checksum())
                    .then_some(())
                    .ok_or_else(|| "the files do not read back the same".to_string())
            });
        let _ = std::fs::remove_dir_all(&dir);
        result
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Runs CPU work off the async threads.
/// What a new version records as its basis: `None` when it was trained in full.
pub(crate) fn basis_of(trained: &LoadedBot) -> Option<u32> {
    Some(trained.basis_version).filter(|&b| b != trained.definition.version)
}

async fn blocking<T: Send + 'static>(
    bot: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PublishError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| PublishError::Build {
            bot: bot.to_string(),
            reason: e.to_string(),
        })
}
