//! Agents propose, supervisors decide: the checks a proposal and a decision must pass before
//! storage sees them, and the build an approval starts.

use switchboard_storage::{
    AuditEntry, Decision, MissedOrigin, MissedRecord, NewProposal, ProposalRecord,
};

use crate::merge::tidy;
use crate::{BuildOutcome, Progress, PublishError, Publisher};

/// Most proposals or decisions in one request.
pub const MAX_BATCH: usize = 200;
/// Longest response a proposed intent may carry.
pub const MAX_RESPONSE_CHARS: usize = 2_000;

/// Who is reviewing, as far as this crate needs to know.
#[derive(Debug, Clone, Copy)]
pub struct Reviewer<'a> {
    /// Token name; for agents, the agent id calls and chats record.
    pub name: &'a str,
    /// Supervisors and admins review any conversation; agents only their own.
    pub sees_all: bool,
}

/// One utterance an agent picked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProposalInput {
    /// The missed utterance it comes from; without one, `bot` and `text` are required.
    pub missed_id: Option<String>,
    pub bot: Option<String>,
    /// Defaults to the missed utterance's words (an agent may correct a mis-hearing).
    pub text: Option<String>,
    pub intent: String,
    pub new_intent: bool,
    pub response: Option<String>,
}

/// What a batch of decisions did: the proposals as decided, and per bot the build it started.
#[derive(Debug, Clone)]
pub struct Decided {
    pub proposals: Vec<ProposalRecord>,
    pub builds: Vec<(String, Result<BuildOutcome, String>)>,
}

impl Publisher {
    /// Stores an agent's picks, all or none, after checking each against its conversation and
    /// the bot serving.
    pub async fn propose(
        &self,
        inputs: &[ProposalInput],
        who: Reviewer<'_>,
    ) -> Result<Vec<ProposalRecord>, PublishError> {
        check_batch(inputs.len(), "proposals")?;
        let mut out = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.iter().enumerate() {
            let at = |m: String| PublishError::Invalid(format!("proposal {}: {m}", i + 1));
            let (bot, text) = match &input.missed_id {
                Some(id) => {
                    let missed = self.store.missed(id).await?.ok_or_else(|| {
                        PublishError::NotFound(format!("missed utterance {id:?}"))
                    })?;
                    self.check_owner(&missed, who).await?;
                    let text = input.text.clone().unwrap_or(missed.utterance.text.clone());
                    (missed.bot, text)
                }
                None => match (&input.bot, &input.text) {
                    (Some(b), Some(t)) => (b.clone(), t.clone()),
                    _ => {
                        return Err(at(
                            "name a missed utterance, or give both the bot and the text".into(),
                        ));
                    }
                },
            };
            let text = check_text(&text).map_err(at)?;
            self.check_target(
                &bot,
                &input.intent,
                input.new_intent,
                input.response.as_deref(),
                false,
            )
            .map_err(at)?;
            out.push(NewProposal {
                bot,
                missed_id: input.missed_id.clone(),
                text,
                intent: input.intent.clone(),
                new_intent: input.new_intent,
                response: input.response.as_deref().map(tidy),
                proposed_by: who.name.to_string(),
            });
        }
        let stored = self.store.propose(&out).await?;
        for p in &stored {
            self.audit_proposal(who.name, "proposal.create", None, p)
                .await;
        }
        Ok(stored)
    }

    /// Decides a batch (all or none), then builds a version of every bot with an approval.
    /// A failed build leaves the decisions standing and says why per bot.
    pub async fn decide(
        &self,
        decisions: &[Decision],
        who: &str,
        progress: &Progress,
    ) -> Result<Decided, PublishError> {
        check_batch(decisions.len(), "decisions")?;
        let mut before = Vec::with_capacity(decisions.len());
        for (i, d) in decisions.iter().enumerate() {
            let at = |m: String| PublishError::Invalid(format!("decision {}: {m}", i + 1));
            let p = self
                .store
                .proposal(&d.id)
                .await?
                .ok_or_else(|| PublishError::NotFound(format!("proposal {:?}", d.id)))?;
            if let Some(t) = &d.text {
                check_text(t).map_err(at)?;
            }
            // A proposal decided already is storage's conflict to report (naming who decided).
            if d.approve && p.status == switchboard_storage::ProposalStatus::Pending {
                let intent = d.intent.as_deref().unwrap_or(&p.intent);
                let new_intent = d.new_intent.unwrap_or(p.new_intent);
                let response = d.response.as_deref().or(p.response.as_deref());
                self.check_target(&p.bot, intent, new_intent, response, true)
                    .map_err(at)?;
            }
            before.push(p);
        }
        let tidied: Vec<Decision> = decisions
            .iter()
            .map(|d| Decision {
                text: d.text.as_deref().map(tidy),
                response: d.response.as_deref().map(tidy),
                ..d.clone()
            })
            .collect();
        let decided = self.store.decide(&tidied, who).await?;
        for (old, new) in before.iter().zip(&decided) {
            let action = match new.status {
                switchboard_storage::ProposalStatus::Approved => "proposal.approve",
                _ => "proposal.reject",
            };
            self.audit_proposal(who, action, Some(old), new).await;
        }
        let mut bots: Vec<String> = decided
            .iter()
            .filter(|p| p.status == switchboard_storage::ProposalStatus::Approved)
            .map(|p| p.bot.clone())
            .collect();
        bots.sort();
        bots.dedup();
        let mut builds = Vec::new();
        for bot in bots {
            let result = self.build(&bot, who, progress).await;
            if let Err(e) = &result {
                tracing::error!(%bot, error = %e, "building after approval failed");
            }
            builds.push((bot, result.map_err(|e| e.to_string())));
        }
        // Builds settle approvals (published, refused, returned): answer with where each ended.
        let mut settled = Vec::with_capacity(decided.len());
        for p in decided {
            settled.push(self.store.proposal(&p.id).await?.unwrap_or(p));
        }
        Ok(Decided {
            proposals: settled,
            builds,
        })
    }

    /// Agents review only conversations they handled: the chat they took over, or their call.
    async fn check_owner(
        &self,
        missed: &MissedRecord,
        who: Reviewer<'_>,
    ) -> Result<(), PublishError> {
        if who.sees_all {
            return Ok(());
        }
        let handled_by = match &missed.utterance.origin {
            MissedOrigin::Chat { session_id } => self
                .store
                .handoff(session_id)
                .await?
                .and_then(|h| h.agent_id),
            MissedOrigin::Call { call_id, .. } => match self.store.get_call(call_id).await {
                Ok(call) => call.agent_id,
                Err(switchboard_storage::StoreError::NotFound(_)) => None,
                Err(e) => return Err(e.into()),
            },
        };
        if handled_by.as_deref() == Some(who.name) {
            return Ok(());
        }
        Err(PublishError::Forbidden(format!(
            "missed utterance {:?} is from a conversation {} did not handle",
            missed.id, who.name
        )))
    }

    /// The bot serves, and the intent exists — or is a new, well-named one (with a response,
    /// once it is being approved).
    fn check_target(
        &self,
        bot: &str,
        intent: &str,
        new_intent: bool,
        response: Option<&str>,
        approving: bool,
    ) -> Result<(), String> {
        let serving = self
            .registry
            .get(bot)
            .ok_or_else(|| format!("bot {bot:?} is not serving"))?;
        let exists = serving.definition.intent(intent).is_some();
        match (exists, new_intent) {
            (true, false) => Ok(()),
            // Another approval created it meanwhile: the utterance joins it.
            (true, true) if approving => Ok(()),
            (true, true) => Err(format!(
                "intent {intent:?} already exists in {bot:?}; propose it as an existing intent"
            )),
            (false, false) => Err(format!(
                "{bot:?} has no intent {intent:?}; pick one of its intents or propose a new one"
            )),
            (false, true) => {
                if !switchboard_bots::is_valid_name(intent) {
                    return Err(format!(
                        "{intent:?} is not a name Lex takes for an intent: 1-100 letters, digits or '_', not starting with a digit"
                    ));
                }
                match response.map(str::trim) {
                    None | Some("") if approving => Err(format!(
                        "the new intent {intent:?} needs a response before it can be approved"
                    )),
                    None | Some("") => Ok(()),
                    Some(r) if r.chars().count() > MAX_RESPONSE_CHARS => Err(format!(
                        "the response is {} characters long; at most {MAX_RESPONSE_CHARS}",
                        r.chars().count()
                    )),
                    Some(_) => Ok(()),
                }
            }
        }
    }

    async fn audit_proposal(
        &self,
        actor: &str,
        action: &str,
        before: Option<&ProposalRecord>,
        after: &ProposalRecord,
    ) {
        let entry = AuditEntry {
            actor: actor.to_string(),
            action: action.to_string(),
            subject: format!("proposal:{}", after.id),
            before_json: before.map(proposal_json),
            after_json: Some(proposal_json(after)),
        };
        if let Err(e) = self.store.record_audit(&entry).await {
            tracing::error!(error = %e, ?entry, "could not write the audit log");
        }
    }
}

fn proposal_json(p: &ProposalRecord) -> String {
    serde_json::json!({
        "bot": p.bot,
        "text": p.text,
        "intent": p.intent,
        "new_intent": p.new_intent,
        "response": p.response,
        "status": p.status.as_str(),
        "note": p.note,
        "build_note": p.build_note,
    })
    .to_string()
}

fn check_batch(n: usize, what: &str) -> Result<(), PublishError> {
    if n == 0 {
        return Err(PublishError::Invalid(format!("no {what} given")));
    }
    if n > MAX_BATCH {
        return Err(PublishError::Invalid(format!(
            "{n} {what} in one request; at most {MAX_BATCH}"
        )));
    }
    Ok(())
}

/// An utterance as it will be trained on: 2 to Lex's 500 characters once tidied.
fn check_text(text: &str) -> Result<String, String> {
    let text = tidy(text);
    let chars = text.chars().count();
    if chars < 2 {
        return Err("the text is empty or one character long".into());
    }
    if chars > switchboard_bots::MAX_UTTERANCE_CHARS {
        return Err(format!(
            "the text is {chars} characters long; Lex allows at most {}",
            switchboard_bots::MAX_UTTERANCE_CHARS
        ));
    }
    Ok(text)
}
