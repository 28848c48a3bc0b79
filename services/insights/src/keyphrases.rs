//! What a segment, and a call, is about: a few noun-ish phrases, KeyBERT-style — candidates are
//! the runs of content words between stop words (RAKE's split), ranked by how close each one's
//! embedding is to the segment's, then picked with maximal marginal relevance so near-duplicates
//! ("card", "debit card") do not crowd out a second topic.

use std::collections::HashSet;

use regex::Regex;

/// Longest candidate, in words: longer runs are clauses, not phrases.
const MAX_WORDS: usize = 3;
/// Phrases kept per segment.
pub const PER_SEGMENT: usize = 3;
/// A candidate less similar than this to its segment says little about it.
const MIN_SIMILARITY: f32 = 0.25;
/// Relevance against novelty in the MMR pick (1.0 = relevance only).
const MMR_LAMBDA: f32 = 0.7;
/// Candidates at least this similar to one already picked are near-duplicates.
const DUPLICATE_SIMILARITY: f32 = 0.8;

/// Words that carry no topic in a phone call, on top of the ISO English stop list: fillers,
/// courtesy, call-handling verbs, judgement words (sentiment's job) and spoken numbers (the
/// redaction stage's and the transcript's business).
const CONVERSATIONAL: &str = "\
yeah yep alright okay ok um uh erm hmm hi hello bye goodbye thanks thank cheers sorry \
please sir madam ma'am honestly basically actually literally fine perfect great lovely \
brilliant awesome wrong ridiculous unacceptable frustrating frustrated relief understood \
understand suppose hear heard read wait waiting hold holding speaking calling called call \
check checking confirm confirmed tried try happen happens happened sounds matches starts \
continue arrive arrives add added send sent share raise fixed running lost left linked \
applied includes recognise recognize restarted morning afternoon evening today tomorrow \
yesterday minute minutes moment second seconds bit lot stuff thing things zero oh one two \
three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen \
seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred \
thousand million double triple first third fourth fifth sixth seventh eighth ninth tenth \
eleventh twelfth thirteenth fourteenth fifteenth twentieth thirtieth";

/// Finds candidate phrases; one per process (the stop list is built once).
pub struct KeyPhrases {
    rake: rake::Rake,
    /// Redaction tags (`[CARD_NUMBER]`): never a topic.
    tags: Regex,
}

impl Default for KeyPhrases {
    fn default() -> Self {
        let mut stop: HashSet<String> = stop_words::get(stop_words::LANGUAGE::English)
            .into_iter()
            .collect();
        stop.extend(CONVERSATIONAL.split_whitespace().map(str::to_string));
        Self {
            rake: rake::Rake::new(stop.into()),
            tags: Regex::new(r"\[[A-Z_]+\]").expect("static regex"),
        }
    }
}

impl KeyPhrases {
    /// Runs of content words in `text` in the order said, each once (first spelling kept), at
    /// most three words.
    pub fn candidates(&self, text: &str) -> Vec<String> {
        let text = self.tags.replace_all(text, " . ");
        let lower = text.to_lowercase();
        let mut runs: Vec<(usize, String)> = self
            .rake
            .run(&text)
            .into_iter()
            .filter_map(|phrase| {
                // A long run ends in its head noun ("Northwind Bank fraud team"): keep its tail.
                let all: Vec<&str> = phrase.keyword.split_whitespace().collect();
                let words = &all[all.len().saturating_sub(MAX_WORDS)..];
                let content = words.iter().any(|w| {
                    w.chars().count() > 2 && w.chars().all(|c| c.is_alphabetic() || c == '-')
                });
                let run = words.join(" ");
                let at = (text.find(&run))
                    .or_else(|| lower.find(&run.to_lowercase()))
                    .unwrap_or(usize::MAX);
                content.then_some((at, run))
            })
            .collect();
        runs.sort_by_key(|(at, _)| *at);
        let mut seen = HashSet::new();
        runs.into_iter()
            .map(|(_, run)| run)
            .filter(|run| seen.insert(run.to_lowercase()))
            .collect()
    }
}

/// Picks up to `max` candidates for a text embedded as `text`: most similar first, skipping
/// near-duplicates of those already picked (maximal marginal relevance).
pub fn rank(text: &[f32], candidates: &[(String, Vec<f32>)], max: usize) -> Vec<String> {
    let relevance: Vec<f32> = candidates.iter().map(|(_, v)| dot(text, v)).collect();
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < max {
        let best = (0..candidates.len())
            .filter(|i| !picked.contains(i) && relevance[*i] >= MIN_SIMILARITY)
            .filter(|&i| {
                picked
                    .iter()
                    .all(|&p| dot(&candidates[i].1, &candidates[p].1) < DUPLICATE_SIMILARITY)
            })
            .map(|i| {
                let redundancy = picked
                    .iter()
                    .map(|&p| dot(&candidates[i].1, &candidates[p].1))
                    .fold(0.0f32, f32::max);
                (
                    i,
                    MMR_LAMBDA * relevance[i] - (1.0 - MMR_LAMBDA) * redundancy,
                )
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((i, _)) => picked.push(i),
            None => break,
        }
    }
    picked
        .into_iter()
        .map(|i| candidates[i].0.clone())
        .collect()
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    switchboard_embeddings::dot(a, b)
}
