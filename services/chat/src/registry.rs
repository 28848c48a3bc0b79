//! The bots currently answering, swapped atomically when a new version is published.

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;
use switchboard_bots::BotDefinition;
use switchboard_embeddings::Embedder;
use switchboard_nlu::{Basis, IntentModel, TrainOptions, TrainingExample};

use crate::ChatError;

/// Utterances embedded per step while warming the cache before training.
const WARM_CHUNK: usize = 256;

/// A bot definition together with the intent model trained from its utterances.
pub struct LoadedBot {
    pub definition: BotDefinition,
    pub model: IntentModel,
    /// The version whose utterances the model's slow half (its [`Basis`]) was fitted on: this
    /// version's own after a full training.
    pub basis_version: u32,
}

impl LoadedBot {
    /// Trains the intent model, in full or, given `basis` (fitted for version `.1`), only its
    /// fast half; runs in seconds when the embedder's cache knows the utterances.
    /// `progress(done, total)` follows the embedding of the training utterances, the slow part
    /// on a cold cache.
    pub fn build(
        definition: BotDefinition,
        basis: Option<(&Arc<Basis>, u32)>,
        embedder: &dyn Embedder,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Self, ChatError> {
        let examples = training_examples(&definition);
        let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
        for (i, chunk) in texts.chunks(WARM_CHUNK).enumerate() {
            progress(i * WARM_CHUNK, texts.len());
            embedder.embed(chunk)?;
        }
        progress(texts.len(), texts.len());
        let opts = train_options(&definition);
        let trained = match basis {
            Some((basis, version)) => {
                switchboard_nlu::train_on(basis, &examples, embedder, &opts).map(|m| (m, version))
            }
            None => {
                switchboard_nlu::train(&examples, embedder, &opts).map(|m| (m, definition.version))
            }
        };
        let (model, basis_version) = trained.map_err(|e| ChatError::Build {
            bot: definition.name.clone(),
            reason: e.to_string(),
        })?;
        Ok(Self {
            definition,
            model,
            basis_version,
        })
    }

    /// Whether `definition` may be trained on this bot's basis instead of in full: the same
    /// intents and options, and few utterances changed ([`Basis::covers`]).
    pub fn basis_covers(&self, definition: &BotDefinition) -> bool {
        self.model
            .basis()
            .covers(&training_examples(definition), &train_options(definition))
    }

    /// The intent this bot would answer `text` with (in scope and confident, as a chat turn
    /// decides), so the regression gate scores exactly what visitors get.
    pub fn answers_with(&self, text: &str, embedding: &[f32]) -> Option<&str> {
        let prediction = self.model.classify(text, embedding);
        crate::turn::confident_intent(self, &prediction).map(|i| i.name.as_str())
    }
}

/// Every sample utterance of the definition, labelled with its intent.
fn training_examples(definition: &BotDefinition) -> Vec<TrainingExample> {
    definition
        .intents
        .iter()
        .flat_map(|intent| {
            intent.utterances.iter().map(|u| TrainingExample {
                text: u.clone(),
                intent: intent.name.clone(),
            })
        })
        .collect()
}

/// The definition's training options (its out-of-scope budget).
fn train_options(definition: &BotDefinition) -> TrainOptions {
    TrainOptions {
        max_in_scope_cost: definition.fallback.max_in_scope_cost,
        ..TrainOptions::default()
    }
}

/// Name → running bot. Readers take a snapshot; a publish swaps the whole map, so a turn in
/// flight finishes on the version it started with.
#[derive(Default)]
pub struct BotRegistry {
    bots: ArcSwap<HashMap<String, Arc<LoadedBot>>>,
}

impl BotRegistry {
    /// The bot as of now, if loaded.
    pub fn get(&self, name: &str) -> Option<Arc<LoadedBot>> {
        self.bots.load().get(name).cloned()
    }

    /// Replaces (or adds) one bot without disturbing turns already running.
    pub fn publish(&self, bot: LoadedBot) {
        let bot = Arc::new(bot);
        self.bots.rcu(|current| {
            let mut next = HashMap::clone(current);
            next.insert(bot.definition.name.clone(), bot.clone());
            next
        });
    }

    /// Names and versions of the loaded bots, sorted by name.
    pub fn list(&self) -> Vec<(String, u32)> {
        let mut out: Vec<_> = self
            .bots
            .load()
            .values()
            .map(|b| (b.definition.name.clone(), b.definition.version))
            .collect();
        out.sort();
        out
    }
}
