//! Approved utterances into the latest definition: normalised, de-duplicated (exactly and by
//! embedding), refused when they collide with another intent or break Lex's limits.

use std::collections::HashMap;

use switchboard_bots::{BotDefinition, Intent, MAX_UTTERANCE_CHARS, MAX_UTTERANCES};
use switchboard_embeddings::{Embedder, cosine};
use switchboard_storage::{ProposalOutcome, ProposalRecord};

use crate::PublishError;

/// Cosine similarity above which two utterances say the same thing: one more phrasing of it
/// teaches the model nothing, and one under another intent would contradict it.
pub const NEAR_DUPLICATE: f32 = 0.95;

/// The definition with the approved utterances merged in, and what happened to each.
#[derive(Debug, Clone)]
pub struct Merged {
    pub definition: BotDefinition,
    pub outcomes: Vec<(String, ProposalOutcome)>,
    /// Utterances actually added (duplicates of what the intent has are not).
    pub added: usize,
    /// Intents created by this merge.
    pub new_intents: Vec<String>,
}

/// Whitespace collapsed and ends trimmed: how an approved utterance is stored.
pub fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Case, whitespace and punctuation folded away: two utterances with the same key are one.
pub fn dedup_key(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect();
    tidy(&kept)
}

/// Where an existing utterance lives, for duplicate and collision messages.
struct Known {
    intent: String,
    text: String,
    held_out: bool,
}

/// Merges `approved` (in order) into a copy of `base`. Refusals are per utterance: the rest
/// still go in. The result is not yet validated or trained.
pub fn merge(
    base: &BotDefinition,
    approved: &[ProposalRecord],
    embedder: &dyn Embedder,
) -> Result<Merged, PublishError> {
    let mut def = base.clone();
    let mut known: HashMap<String, Known> = HashMap::new();
    for intent in &def.intents {
        for u in &intent.utterances {
            known.entry(dedup_key(u)).or_insert(Known {
                intent: intent.name.clone(),
                text: u.clone(),
                held_out: false,
            });
        }
        for t in &intent.tests {
            known.entry(dedup_key(t)).or_insert(Known {
                intent: intent.name.clone(),
                text: t.clone(),
                held_out: true,
            });
        }
    }
    let mut vectors = Vectors::new(&def, approved, embedder)?;
    let mut merged = Merged {
        definition: base.clone(),
        outcomes: Vec::new(),
        added: 0,
        new_intents: Vec::new(),
    };
    for p in approved {
        let text = tidy(&p.text);
        let outcome = match place(&mut def, p, &text, &known, &mut vectors) {
            Ok(true) => {
                known.insert(
                    dedup_key(&text),
                    Known {
                        intent: p.intent.clone(),
                        text: text.clone(),
                        held_out: false,
                    },
                );
                vectors.add(&text, &p.intent);
                merged.added += 1;
                if p.new_intent && !merged.new_intents.contains(&p.intent) {
                    merged.new_intents.push(p.intent.clone());
                }
                ProposalOutcome::Published
            }
            Ok(false) => ProposalOutcome::Published,
            Err(why) => ProposalOutcome::Refused(why),
        };
        merged.outcomes.push((p.id.clone(), outcome));
    }
    def.intents.sort_by(|a, b| a.name.cmp(&b.name));
    merged.definition = def;
    Ok(merged)
}

/// Puts one utterance in place: `Ok(true)` added, `Ok(false)` already covered by its intent,
/// `Err(reason)` refused.
fn place(
    def: &mut BotDefinition,
    p: &ProposalRecord,
    text: &str,
    known: &HashMap<String, Known>,
    vectors: &mut Vectors,
) -> Result<bool, String> {
    let chars = text.chars().count();
    if chars < 2 {
        return Err("the utterance is empty or one character long".into());
    }
    if chars > MAX_UTTERANCE_CHARS {
        return Err(format!(
            "the utterance is {chars} characters long; Lex allows at most {MAX_UTTERANCE_CHARS}"
        ));
    }
    let exists = def.intent(&p.intent).is_some();
    if !exists && !p.new_intent {
        return Err(format!(
            "intent {:?} does not exist in this version",
            p.intent
        ));
    }
    if !exists {
        check_new_intent(p)?;
    }
    if let Some(k) = known.get(&dedup_key(text)) {
        return match (k.held_out, k.intent == p.intent) {
            (true, _) => Err(format!(
                "it is one of intent {:?}'s held-out tests ({:?}); a test must never be trained on",
                k.intent, k.text
            )),
            (false, true) => Ok(false),
            (false, false) => Err(format!(
                "it is already an utterance of intent {:?} ({:?})",
                k.intent, k.text
            )),
        };
    }
    if let Some((intent, other, score)) = vectors.nearest(text)
        && score >= NEAR_DUPLICATE
    {
        if intent == p.intent {
            return Ok(false);
        }
        return Err(format!(
            "it says the same as {other:?} of intent {intent:?} (similarity {score:.2})"
        ));
    }
    if !exists {
        def.intents.push(Intent {
            name: p.intent.clone(),
            utterances: Vec::new(),
            slots: Vec::new(),
            responses: vec![p.response.clone().unwrap_or_default()],
            follow_up: None,
            tests: Vec::new(),
        });
    }
    let intent = def
        .intents
        .iter_mut()
        .find(|i| i.name == p.intent)
        .ok_or_else(|| format!("intent {:?} vanished", p.intent))?;
    if intent.utterances.len() >= MAX_UTTERANCES {
        return Err(format!(
            "intent {:?} already has the {MAX_UTTERANCES} utterances Lex allows",
            p.intent
        ));
    }
    intent.utterances.push(text.to_string());
    Ok(true)
}

fn check_new_intent(p: &ProposalRecord) -> Result<(), String> {
    if !switchboard_bots::is_valid_name(&p.intent) {
        return Err(format!(
            "{:?} is not a name Lex takes for an intent: 1-100 letters, digits or '_', not starting with a digit",
            p.intent
        ));
    }
    match p.response.as_deref().map(str::trim) {
        Some(r) if !r.is_empty() => Ok(()),
        _ => Err(format!("the new intent {:?} has no response", p.intent)),
    }
}

/// Embeddings of every training utterance and every candidate, computed in one batch (the
/// training ones are cache hits on a running server).
struct Vectors {
    entries: Vec<(String, String, Vec<f32>)>,
    candidates: HashMap<String, Vec<f32>>,
}

impl Vectors {
    fn new(
        def: &BotDefinition,
        approved: &[ProposalRecord],
        embedder: &dyn Embedder,
    ) -> Result<Self, PublishError> {
        let training: Vec<(&str, &str)> = def
            .intents
            .iter()
            .flat_map(|i| i.utterances.iter().map(|u| (i.name.as_str(), u.as_str())))
            .collect();
        let candidates: Vec<String> = approved.iter().map(|p| tidy(&p.text)).collect();
        let texts: Vec<&str> = training
            .iter()
            .map(|(_, u)| *u)
            .chain(candidates.iter().map(String::as_str))
            .collect();
        let mut vectors = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(256) {
            vectors.extend(embedder.embed(chunk).map_err(|e| PublishError::Build {
                bot: def.name.clone(),
                reason: format!("embedding utterances: {e}"),
            })?);
        }
        let mut vectors = vectors.into_iter();
        let entries = training
            .iter()
            .map(|(i, u)| {
                (
                    i.to_string(),
                    u.to_string(),
                    vectors.next().unwrap_or_default(),
                )
            })
            .collect();
        let candidates = candidates.into_iter().zip(vectors).collect();
        Ok(Self {
            entries,
            candidates,
        })
    }

    /// The most similar training utterance to a candidate: (intent, text, cosine).
    fn nearest(&self, text: &str) -> Option<(String, String, f32)> {
        let v = self.candidates.get(text)?;
        self.entries
            .iter()
            .map(|(i, u, e)| (i, u, cosine(v, e)))
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(i, u, s)| (i.clone(), u.clone(), s))
    }

    /// Counts an added candidate as training data for the candidates after it.
    fn add(&mut self, text: &str, intent: &str) {
        if let Some(v) = self.candidates.get(text) {
            self.entries
                .push((intent.to_string(), text.to_string(), v.clone()));
        }
    }
}

#[cfg(test)]
mod tests;
