//! JSON shapes of the improvement loop: proposals, decisions, versions, diffs, the audit log.

use serde::{Deserialize, Serialize};
use switchboard_publishing::diff::IntentDiff;
use switchboard_publishing::{BuildOutcome, ProposalInput};
use switchboard_storage::{AuditRecord, BotVersionRecord, Decision, ProposalRecord};

/// `POST /v1/proposals`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposeBody {
    pub proposals: Vec<ProposalIn>,
}

/// One pick: a missed utterance (or a bot and text) for an intent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalIn {
    #[serde(default)]
    pub missed_id: Option<String>,
    #[serde(default)]
    pub bot: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    pub intent: String,
    #[serde(default)]
    pub new_intent: bool,
    #[serde(default)]
    pub response: Option<String>,
}

impl From<ProposalIn> for ProposalInput {
    fn from(p: ProposalIn) -> Self {
        ProposalInput {
            missed_id: p.missed_id,
            bot: p.bot,
            text: p.text,
            intent: p.intent,
            new_intent: p.new_intent,
            response: p.response,
        }
    }
}

/// `POST /v1/proposals/decisions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecideBody {
    pub decisions: Vec<DecisionIn>,
}

/// A supervisor's verdict on one proposal, with optional edits.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    pub id: String,
    /// `approve` or `reject`.
    pub verdict: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub intent: Option<String>,
    #[serde(default)]
    pub new_intent: Option<bool>,
    #[serde(default)]
    pub response: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl DecisionIn {
    /// The domain decision, or why the verdict is not one.
    pub fn into_decision(self) -> Result<Decision, String> {
        let approve = match self.verdict.as_str() {
            "approve" => true,
            "reject" => false,
            other => {
                return Err(format!(
                    "verdict must be \"approve\" or \"reject\", not {other:?}"
                ));
            }
        };
        Ok(Decision {
            id: self.id,
            approve,
            text: self.text,
            intent: self.intent,
            new_intent: self.new_intent,
            response: self.response,
            note: self.note,
        })
    }
}

/// A stored proposal.
#[derive(Debug, Serialize)]
pub struct ProposalView {
    pub id: String,
    pub bot: String,
    pub missed_id: Option<String>,
    pub text: String,
    pub intent: String,
    pub new_intent: bool,
    pub response: Option<String>,
    pub status: &'static str,
    pub proposed_by: String,
    pub proposed_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub note: Option<String>,
    /// Why building left it out (refused, or returned to pending by the gate).
    pub build_note: Option<String>,
    pub version: Option<u32>,
}

impl From<ProposalRecord> for ProposalView {
    fn from(p: ProposalRecord) -> Self {
        Self {
            id: p.id,
            bot: p.bot,
            missed_id: p.missed_id,
            text: p.text,
            intent: p.intent,
            new_intent: p.new_intent,
            response: p.response,
            status: p.status.as_str(),
            proposed_by: p.proposed_by,
            proposed_at: p.proposed_at.to_rfc3339(),
            decided_by: p.decided_by,
            decided_at: p.decided_at.map(|t| t.to_rfc3339()),
            note: p.note,
            build_note: p.build_note,
            version: p.version,
        }
    }
}

/// What deciding a batch did.
#[derive(Debug, Serialize)]
pub struct DecidedView {
    pub proposals: Vec<ProposalView>,
    /// One per bot that had an approval.
    pub builds: Vec<BuildView>,
}

/// The version an approval built, or why it could not be built.
#[derive(Debug, Serialize)]
pub struct BuildView {
    pub bot: String,
    /// `published`, `rejected_by_gate`, `unchanged` (nothing new to learn) or `failed`.
    pub outcome: &'static str,
    pub version: Option<u32>,
    pub added: usize,
    pub new_intents: Vec<String>,
    pub published: Vec<String>,
    pub refused: Vec<RefusedView>,
    pub returned: Vec<String>,
    pub report: Option<serde_json::Value>,
    pub error: Option<String>,
}

/// A proposal left out of a version, and why.
#[derive(Debug, Serialize)]
pub struct RefusedView {
    pub id: String,
    pub reason: String,
}

impl BuildView {
    pub fn new(bot: String, result: Result<BuildOutcome, String>) -> Self {
        let mut view = BuildView {
            bot,
            outcome: "failed",
            version: None,
            added: 0,
            new_intents: vec![],
            published: vec![],
            refused: vec![],
            returned: vec![],
            report: None,
            error: None,
        };
        match result {
            Err(e) => view.error = Some(e),
            Ok(b) => {
                view.outcome = match &b.version {
                    None => "unchanged",
                    Some(v) => v.status.as_str(),
                };
                view.version = b.version.map(|v| v.version);
                view.added = b.added;
                view.new_intents = b.new_intents;
                view.published = b.published;
                view.refused = b
                    .refused
                    .into_iter()
                    .map(|(id, reason)| RefusedView { id, reason })
                    .collect();
                view.returned = b.returned;
                view.report = b.report.and_then(|r| serde_json::to_value(r).ok());
            }
        }
        view
    }
}

/// One stored version in a bot's history.
#[derive(Debug, Serialize)]
pub struct VersionView {
    pub bot: String,
    pub version: u32,
    pub status: &'static str,
    pub active: bool,
    /// Null for versions imported from files.
    pub author: Option<String>,
    pub reason: String,
    pub base_version: Option<u32>,
    /// The version whose utterances the model's slow half was fitted on; null: trained in full.
    pub basis_version: Option<u32>,
    pub created_at: String,
    /// The regression gate's report (null for imported versions).
    pub report: Option<serde_json::Value>,
}

impl From<BotVersionRecord> for VersionView {
    fn from(v: BotVersionRecord) -> Self {
        Self {
            report: v
                .report_json
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok()),
            bot: v.bot,
            version: v.version,
            status: v.status.as_str(),
            active: v.active,
            author: v.author,
            reason: v.reason,
            base_version: v.base_version,
            basis_version: v.basis_version,
            created_at: v.created_at.to_rfc3339(),
        }
    }
}

/// `POST /v1/bots/{bot}/rollback`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollbackBody {
    /// The version whose content to publish again.
    pub version: u32,
}

/// How one intent changed between two versions.
#[derive(Debug, Serialize)]
pub struct IntentDiffView {
    pub intent: String,
    pub change: &'static str,
    pub added_utterances: Vec<String>,
    pub removed_utterances: Vec<String>,
    pub added_responses: Vec<String>,
    pub removed_responses: Vec<String>,
}

impl From<IntentDiff> for IntentDiffView {
    fn from(d: IntentDiff) -> Self {
        Self {
            intent: d.intent,
            change: d.change.as_str(),
            added_utterances: d.added_utterances,
            removed_utterances: d.removed_utterances,
            added_responses: d.added_responses,
            removed_responses: d.removed_responses,
        }
    }
}

/// One audit log entry.
#[derive(Debug, Serialize)]
pub struct AuditView {
    pub id: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl From<AuditRecord> for AuditView {
    fn from(r: AuditRecord) -> Self {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        Self {
            id: r.id,
            at: r.at.to_rfc3339(),
            actor: r.entry.actor,
            action: r.entry.action,
            subject: r.entry.subject,
            before: parse(r.entry.before_json),
            after: parse(r.entry.after_json),
        }
    }
}

/// Missed utterances that say the same thing: a candidate new intent.
#[derive(Debug, Serialize)]
pub struct ClusterView {
    /// Suggested intent name, from the members' most frequent content words.
    pub name: String,
    pub size: usize,
    pub members: Vec<crate::wire::MissedView>,
}
