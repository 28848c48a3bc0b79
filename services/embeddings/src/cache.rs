//! A bounded, exact-text cache in front of any [`Embedder`].

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use crate::{EmbedError, Embedder, Embedding};

/// Retraining a bot re-embeds the same utterances; this makes every retrain after the first cheap.
pub struct CachedEmbedder<E> {
    inner: E,
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    map: HashMap<String, Embedding>,
    /// Insertion order; the oldest entry is evicted first once `capacity` is reached.
    order: VecDeque<String>,
    hits: u64,
    misses: u64,
}

/// Hit/miss counters, so callers and tests can see the cache working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub len: usize,
}

impl<E: Embedder> CachedEmbedder<E> {
    /// Wraps `inner`, keeping at most `capacity` vectors (at least 1).
    pub fn new(inner: E, capacity: usize) -> Self {
        Self {
            inner,
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// The wrapped encoder, for settings the cache does not expose.
    pub fn inner(&self) -> &E {
        &self.inner
    }

    /// Current counters.
    pub fn stats(&self) -> CacheStats {
        let s = self.lock();
        CacheStats {
            hits: s.hits,
            misses: s.misses,
            len: s.map.len(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the map half-updated in a harmful way: recover it.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<E: Embedder> CachedEmbedder<E> {
    /// Every cached (text, vector) pair, oldest first, for persisting.
    pub(crate) fn entries(&self) -> Vec<(String, Embedding)> {
        let s = self.lock();
        s.order
            .iter()
            .filter_map(|t| s.map.get(t).map(|v| (t.clone(), v.clone())))
            .collect()
    }

    /// Adds pairs (e.g. read from disk) without counting them as hits or misses.
    pub(crate) fn insert_all(&self, entries: Vec<(String, Embedding)>) {
        let mut s = self.lock();
        for (text, vector) in entries {
            if s.map.contains_key(&text) || vector.len() != self.inner.dim() {
                continue;
            }
            if s.map.len() >= self.capacity
                && let Some(old) = s.order.pop_front()
            {
                s.map.remove(&old);
            }
            s.order.push_back(text.clone());
            s.map.insert(text, vector);
        }
    }
}

impl<E: Embedder> Embedder for CachedEmbedder<E> {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        let mut out: Vec<Option<Embedding>> = Vec::with_capacity(texts.len());
        let mut missing: Vec<&str> = Vec::new();
        let mut queued: HashSet<&str> = HashSet::new();
        {
            let mut s = self.lock();
            for &text in texts {
                let found = s.map.get(text).cloned();
                if found.is_none() && queued.insert(text) {
                    missing.push(text);
                }
                out.push(found);
            }
            let hit_count = out.iter().filter(|o| o.is_some()).count() as u64;
            s.hits += hit_count;
            s.misses += texts.len() as u64 - hit_count;
        }
        if missing.is_empty() {
            return Ok(out.into_iter().flatten().collect());
        }
        // Encode outside the lock so concurrent callers are not serialised behind the model.
        let fresh: HashMap<&str, Embedding> = missing
            .iter()
            .copied()
            .zip(self.inner.embed(&missing)?)
            .collect();
        {
            let mut s = self.lock();
            for (&text, vector) in &fresh {
                if s.map.contains_key(text) {
                    continue;
                }
                if s.map.len() >= self.capacity
                    && let Some(old) = s.order.pop_front()
                {
                    s.map.remove(&old);
                }
                s.map.insert(text.to_string(), vector.clone());
                s.order.push_back(text.to_string());
            }
        }
        Ok(out
            .into_iter()
            .zip(texts)
            .map(|(o, t)| o.unwrap_or_else(|| fresh[t].clone()))
            .collect())
    }

    fn dim(&self) -> usize {
        self.inner.dim()
    }
    fn model_id(&self) -> String {
        self.inner.model_id()
    }
}
