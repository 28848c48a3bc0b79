//! Missed utterances grouped by meaning, so a need that keeps coming back shows up as a
//! candidate intent (with a suggested name and its size) before anyone proposes it.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use switchboard_embeddings::{Embedder, cosine};
use switchboard_storage::MissedRecord;

use crate::{PublishError, Publisher};

/// Cosine similarity to a cluster's centroid above which an utterance joins it: paraphrases of
/// one request score above it with the sentence encoders here, different requests below.
pub const JOIN_SIMILARITY: f32 = 0.6;
/// Most missed utterances one clustering looks at (the newest).
const MAX_UTTERANCES: u32 = 1_000;

/// A candidate new intent: missed utterances that say the same thing.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// A Lex-valid intent name from the members' most frequent content words.
    pub name: String,
    pub members: Vec<MissedRecord>,
}

static STOP: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let mut stop: HashSet<String> = stop_words::get(stop_words::LANGUAGE::English)
        .into_iter()
        .map(|w| w.to_string())
        .collect();
    stop.extend(
        "please hi hello thanks thank want need can could would get know tell help"
            .split_whitespace()
            .map(str::to_string),
    );
    stop
});

/// Groups texts whose embeddings are close, greedily against running centroids (in order, so
/// the result is deterministic). Returns member indices per group, largest first.
pub fn group(vectors: &[Vec<f32>], join: f32) -> Vec<Vec<usize>> {
    let mut groups: Vec<(Vec<f32>, Vec<usize>)> = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        let best = groups
            .iter()
            .enumerate()
            .map(|(g, (c, _))| (g, cosine(&unit(c), v)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((g, score)) if score >= join => {
                let (centroid, members) = &mut groups[g];
                centroid.iter_mut().zip(v).for_each(|(c, x)| *c += x);
                members.push(i);
            }
            _ => groups.push((v.clone(), vec![i])),
        }
    }
    let mut out: Vec<Vec<usize>> = groups.into_iter().map(|(_, m)| m).collect();
    out.sort_by_key(|m| std::cmp::Reverse(m.len()));
    out
}

fn unit(v: &[f32]) -> Vec<f32> {
    let norm = v
        .iter()
        .map(|x| x * x)
        .sum::<f32>()
        .sqrt()
        .max(f32::EPSILON);
    v.iter().map(|x| x / norm).collect()
}

/// The two content words most members use, as an intent name (`metal_card`).
pub fn suggest_name(texts: &[&str]) -> String {
    // word → (members using it, where it first appeared: text, position)
    let mut counts: HashMap<String, (usize, (usize, usize))> = HashMap::new();
    for (t, text) in texts.iter().enumerate() {
        let mut seen = HashSet::new();
        let words = text
            .split(|c: char| !c.is_alphabetic())
            .map(str::to_lowercase)
            .filter(|w| w.chars().count() >= 3 && !STOP.contains(w));
        for (p, w) in words.enumerate() {
            if seen.insert(w.clone()) {
                counts.entry(w).or_insert((0, (t, p))).0 += 1;
            }
        }
    }
    // (word, (members using it, where it first appeared)): most shared first, then earliest.
    let mut ranked: Vec<_> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
    let words: Vec<String> = ranked.into_iter().take(2).map(|(w, _)| w).collect();
    if words.is_empty() {
        "new_intent".to_string()
    } else {
        words.join("_")
    }
}

impl Publisher {
    /// Clusters of two or more of `bot`'s missed utterances nobody has proposed yet.
    pub async fn clusters(&self, bot: &str) -> Result<Vec<Cluster>, PublishError> {
        let missed: Vec<MissedRecord> = self
            .store
            .list_missed(Some(bot), MAX_UTTERANCES)
            .await?
            .into_iter()
            .filter(|m| m.status == "new")
            .rev()
            .collect();
        let texts: Vec<String> = missed.iter().map(|m| m.utterance.text.clone()).collect();
        let embedder = self.embedder.clone();
        let vectors = tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let mut out = Vec::with_capacity(refs.len());
            for chunk in refs.chunks(64) {
                out.extend(embedder.embed(chunk)?);
            }
            Ok::<_, switchboard_embeddings::EmbedError>(out)
        })
        .await
        .map_err(|e| PublishError::Build {
            bot: bot.to_string(),
            reason: e.to_string(),
        })?
        .map_err(|e| PublishError::Build {
            bot: bot.to_string(),
            reason: format!("embedding missed utterances: {e}"),
        })?;
        Ok(group(&vectors, JOIN_SIMILARITY)
            .into_iter()
            .filter(|g| g.len() >= 2)
            .map(|g| {
                let texts: Vec<&str> = g
                    .iter()
                    .map(|&i| missed[i].utterance.text.as_str())
                    .collect();
                Cluster {
                    name: suggest_name(&texts),
                    members: g.iter().map(|&i| missed[i].clone()).collect(),
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use switchboard_embeddings::WordHashEmbedder;

    use super::*;

    #[test]
    fn paraphrases_group_together_and_get_a_name_from_their_words() {
        let texts = [
            "can I get a metal card",
            "do you do a metal card for premium members",
            "my parrot ate my statement",
            "is there a metal card",
            "the parrot ate the statement again",
        ];
        let vectors = WordHashEmbedder { dim: 4096 }.embed(&texts).unwrap();
        let groups = group(&vectors, 0.3);
        assert_eq!(groups[0], [0, 1, 3], "{groups:?}");
        assert_eq!(groups[1], [2, 4], "{groups:?}");
        let names: Vec<&str> = groups[0].iter().map(|&i| texts[i]).collect();
        assert_eq!(suggest_name(&names), "metal_card");
        assert!(switchboard_bots::is_valid_name(&suggest_name(&[
            "parrot ate statement"
        ])));
        assert_eq!(suggest_name(&["hi, please"]), "new_intent");
    }
}
