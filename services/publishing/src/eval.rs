//! `switchboard eval improve`: the improvement loop run on labelled data. Each round, a slice of
//! the pool is asked through the chat service as conversations; every utterance the bot
//! missed is approved under its gold label (standing in for the agent and the supervisor; a
//! label the bot has never seen becomes a proposed new intent), and the bot is rebuilt through
//! the same merge, gate and publish path as the product. Accuracy is measured on a test set the
//! loop never sees.

use std::collections::HashMap;

use switchboard_bots::{BotDefinition, FallbackPolicy, Intent};
use switchboard_chat::{ChatService, Said};
use switchboard_storage::{
    Decision, MissedOrigin, NewProposal, ProposalFilter, ProposalStatus, VersionStatus,
};

use crate::merge::dedup_key;
use crate::{Progress, PublishError, Publisher};

/// One labelled utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub text: String,
    pub label: String,
}

/// A dataset label as an intent name Lex takes (`reverted_card_payment?` → `reverted_card_payment`):
/// other characters become `_`, and a leading digit gets an `i_` prefix.
pub fn intent_name(label: &str) -> String {
    let mut name: String = label
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    while name.ends_with('_') {
        name.pop();
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit() || c == '_') {
        name.insert_str(0, "i_");
    }
    name.truncate(100);
    name
}

/// The bot after one round (round 0: the starting bot).
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub round: usize,
    /// Share of the test utterances the bot answers with their label.
    pub accuracy: f64,
    /// Missed utterances approved this round.
    pub approved: usize,
    /// Intents the round's version created.
    pub new_intents: usize,
    /// Whether the gate refused the round's version (the previous one keeps serving).
    pub rejected_by_gate: bool,
    /// Pool utterances asked this round, and how many of them the bot missed.
    pub asked: usize,
    pub missed: usize,
}

/// Response given to intents the loop creates (the eval measures recognition, not wording).
fn response_for(label: &str) -> String {
    format!(
        "Here is what I can tell you about {}.",
        label.replace('_', " ")
    )
}

/// A bot with one intent per label of `train` (duplicate phrasings kept once), the product's
/// default fallback policy, named `name`.
pub fn bot_from(name: &str, train: &[Labelled]) -> BotDefinition {
    let mut intents: Vec<Intent> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in train {
        let text = crate::merge::tidy(&row.text);
        if text.chars().count() < 2
            || text.chars().count() > switchboard_bots::MAX_UTTERANCE_CHARS
            || !seen.insert(dedup_key(&text))
        {
            continue;
        }
        match intents.iter_mut().find(|i| i.name == row.label) {
            Some(i) => i.utterances.push(text),
            None => intents.push(Intent {
                name: row.label.clone(),
                utterances: vec![text],
                slots: vec![],
                responses: vec![response_for(&row.label)],
                follow_up: None,
                tests: vec![],
            }),
        }
    }
    intents.sort_by(|a, b| a.name.cmp(&b.name));
    BotDefinition {
        name: name.to_string(),
        locale: "en_US".into(),
        description: "Built by `switchboard eval improve` from a training CSV.".into(),
        greeting: None,
        version: 1,
        intents,
        slot_types: Default::default(),
        fallback: FallbackPolicy::default(),
        gate: None,
    }
}

/// Runs `rounds` (one slice of the pool each) and returns the accuracy before and after each.
pub async fn improve(
    chat: &ChatService,
    publisher: &Publisher,
    bot: &str,
    rounds: &[Vec<Labelled>],
    test: &[Labelled],
    progress: &Progress,
) -> Result<Vec<Round>, PublishError> {
    let mut out = vec![Round {
        round: 0,
        accuracy: accuracy(publisher, bot, test).await?,
        approved: 0,
        new_intents: 0,
        rejected_by_gate: false,
        asked: 0,
        missed: 0,
    }];
    for (i, slice) in rounds.iter().enumerate() {
        let mut gold: HashMap<String, String> = HashMap::new();
        for (n, row) in slice.iter().enumerate() {
            progress(n, slice.len());
            let mut session = chat
                .open_session(bot, None)
                .await
                .map_err(|e| chat_failed(bot, e))?;
            gold.insert(session.id.clone(), row.label.clone());
            match chat.turn(&mut session, &row.text).await {
                Ok(Said::Bot(_)) | Ok(Said::ToAgent(_)) => {}
                Err(e) => return Err(chat_failed(bot, e)),
            }
        }
        progress(slice.len(), slice.len());
        let missed = publisher
            .store
            .list_missed(Some(bot), u32::MAX)
            .await?
            .into_iter()
            .filter(|m| m.status == "new")
            .filter_map(|m| match &m.utterance.origin {
                MissedOrigin::Chat { session_id } => {
                    gold.get(session_id).map(|label| (m.clone(), label.clone()))
                }
                MissedOrigin::Call { .. } => None,
            })
            .collect::<Vec<_>>();
        let approved = approve(publisher, bot, &missed).await?;
        let build = publisher.build(bot, "eval", progress).await?;
        let rejected_by_gate = build
            .version
            .as_ref()
            .is_some_and(|v| v.status == VersionStatus::RejectedByGate);
        out.push(Round {
            round: i + 1,
            accuracy: accuracy(publisher, bot, test).await?,
            approved,
            new_intents: build.new_intents.len(),
            rejected_by_gate,
            asked: slice.len(),
            missed: missed.len(),
        });
    }
    Ok(out)
}

/// Proposes and approves each missed utterance under its gold label, as an agent and a
/// supervisor would (storage's own batch rules, 200 at a time).
async fn approve(
    publisher: &Publisher,
    bot: &str,
    missed: &[(switchboard_storage::MissedRecord, String)],
) -> Result<usize, PublishError> {
    let known = publisher
        .registry
        .get(bot)
        .map(|b| {
            b.definition
                .intents
                .iter()
                .map(|i| i.name.clone())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for chunk in missed.chunks(crate::review::MAX_BATCH) {
        let proposals: Vec<NewProposal> = chunk
            .iter()
            .map(|(m, label)| {
                let new_intent = !known.contains(label);
                NewProposal {
                    bot: bot.to_string(),
                    missed_id: Some(m.id.clone()),
                    text: m.utterance.text.clone(),
                    intent: label.clone(),
                    new_intent,
                    response: new_intent.then(|| response_for(label)),
                    proposed_by: "eval-agent".into(),
                }
            })
            .collect();
        let stored = publisher.store.propose(&proposals).await?;
        let decisions: Vec<Decision> = stored
            .iter()
            .map(|p| Decision {
                id: p.id.clone(),
                approve: true,
                text: None,
                intent: None,
                new_intent: None,
                response: None,
                note: None,
            })
            .collect();
        publisher
            .store
            .decide(&decisions, "eval-supervisor")
            .await?;
    }
    let filter = ProposalFilter {
        bot: Some(bot.to_string()),
        status: Some(ProposalStatus::Approved),
        ..ProposalFilter::default()
    };
    Ok(publisher
        .store
        .list_proposals(&filter, u32::MAX)
        .await?
        .len())
}

/// Share of `test` the serving bot answers with the gold label.
async fn accuracy(
    publisher: &Publisher,
    bot: &str,
    test: &[Labelled],
) -> Result<f64, PublishError> {
    let serving = publisher
        .registry
        .get(bot)
        .ok_or_else(|| PublishError::NotFound(format!("bot {bot:?} is not serving")))?;
    let embedder = publisher.embedder.clone();
    let test = test.to_vec();
    let bot_name = bot.to_string();
    tokio::task::spawn_blocking(move || {
        let mut right = 0usize;
        for chunk in test.chunks(256) {
            let texts: Vec<&str> = chunk.iter().map(|r| r.text.as_str()).collect();
            let vectors = embedder.embed(&texts).map_err(|e| PublishError::Build {
                bot: bot_name.clone(),
                reason: format!("embedding the test set: {e}"),
            })?;
            right += chunk
                .iter()
                .zip(&vectors)
                .filter(|(r, v)| serving.answers_with(&r.text, v) == Some(r.label.as_str()))
                .count();
        }
        Ok(right as f64 / test.len().max(1) as f64)
    })
    .await
    .map_err(|e| PublishError::Build {
        bot: bot.to_string(),
        reason: e.to_string(),
    })?
}

fn chat_failed(bot: &str, e: switchboard_chat::ChatError) -> PublishError {
    PublishError::Build {
        bot: bot.to_string(),
        reason: format!("a chat turn failed: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::intent_name;

    #[test]
    fn dataset_labels_become_names_lex_takes() {
        assert_eq!(
            intent_name("reverted_card_payment?"),
            "reverted_card_payment"
        );
        assert_eq!(intent_name("card arrival"), "card_arrival");
        assert_eq!(intent_name("3ds"), "i_3ds");
        assert!(switchboard_bots::is_valid_name(&intent_name("?")));
    }
}
