//! What follows a call's end: each call that ended or changed since the last pass is read back,
//! measured, indexed for search and its figures stored for the overview. A mark file beside the
//! index says how far it got, so a restart resumes there, and an index that was deleted is
//! rebuilt from the calls. Calls stored by another process (`switchboard analyze`, another node)
//! are found the same way; writing a call's figures again is harmless.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use switchboard_events::{Event, EventBus, Received};
use switchboard_search::{CallDoc, CallFacts, CallIndex, DocSegment};
use switchboard_storage::{CallFacts as OverviewFacts, MissedRecord, Store};
use tokio_util::sync::CancellationToken;

use crate::report::{CallReport, report};

/// Calls read and indexed per batch.
const BATCH: u32 = 200;

/// Why a pass stopped; the next pass starts again from the last mark.
pub type SyncError = Box<dyn std::error::Error + Send + Sync>;

/// Follows storage into a [`CallIndex`] and the overview's figures.
pub struct PostCallSync {
    store: Store,
    index: Arc<CallIndex>,
    mark: PathBuf,
}

impl PostCallSync {
    /// Syncs `index`, keeping its mark in the file `mark`.
    pub fn new(store: Store, index: Arc<CallIndex>, mark: PathBuf) -> Self {
        Self { store, index, mark }
    }

    /// Indexes and measures every call that changed since the last pass; how many it did.
    pub async fn sync(&self) -> Result<usize, SyncError> {
        let mut after = self.read_mark();
        let mut total = 0;
        loop {
            let calls = self.store.calls_changed_since(after.clone(), BATCH).await?;
            let Some(last) = calls.last() else {
                return Ok(total);
            };
            let next = (last.updated_at, last.id.clone());
            let mut docs = Vec::with_capacity(calls.len());
            for call in &calls {
                let r = report(&self.store, &call.id).await?;
                let missed = self.store.call_missed(&call.id).await?;
                self.store
                    .save_call_facts(&overview_facts(&r, &missed))
                    .await?;
                docs.push(doc(r));
            }
            let index = self.index.clone();
            tokio::task::spawn_blocking(move || index.upsert(&docs)).await??;
            total += calls.len();
            self.write_mark(&next)?;
            if calls.len() < BATCH as usize {
                return Ok(total);
            }
            after = Some(next);
        }
    }

    /// Passes at start, whenever a call ends, and every `every` (calls stored by other
    /// processes), until `stop`.
    pub async fn run(self, bus: Arc<dyn EventBus>, every: Duration, stop: CancellationToken) {
        let mut events = bus.subscribe();
        loop {
            match self.sync().await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(calls = n, "call search index updated"),
                Err(error) => {
                    tracing::warn!(%error, "updating the call search index failed; retrying later")
                }
            }
            let ended = async {
                loop {
                    match events.recv().await {
                        Received::Event(Event::CallEnded { .. }) | Received::Lagged(_) => return,
                        Received::Event(_) => {}
                        Received::Closed => std::future::pending::<()>().await,
                    }
                }
            };
            tokio::select! {
                () = stop.cancelled() => return,
                () = ended => {}
                () = tokio::time::sleep(every) => {}
            }
        }
    }

    fn read_mark(&self) -> Option<(DateTime<Utc>, String)> {
        if self.index.is_empty() {
            return None; // a new or deleted index: everything again
        }
        let text = std::fs::read_to_string(&self.mark).ok()?;
        let (at, id) = text.trim_end().split_once('\t')?;
        Some((
            DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc),
            id.to_string(),
        ))
    }

    fn write_mark(&self, (at, id): &(DateTime<Utc>, String)) -> std::io::Result<()> {
        let tmp = self.mark.with_extension("tmp");
        std::fs::write(&tmp, format!("{}\t{id}\n", at.to_rfc3339()))?;
        std::fs::rename(tmp, &self.mark)
    }
}

/// A party's mean over their scored segments; `None` when nothing they said was scored.
fn mean_sentiment(r: &CallReport, speaker: &str) -> Option<f32> {
    let scores: Vec<f32> = r
        .segments
        .iter()
        .filter(|s| s.speaker == speaker)
        .filter_map(|s| s.insights.sentiment.as_ref().map(|x| x.score))
        .collect();
    (!scores.is_empty()).then(|| scores.iter().sum::<f32>() / scores.len() as f32)
}

/// What the overview adds up of a call: its metrics, labels, and the bot's best guess for each
/// utterance it missed.
pub fn overview_facts(r: &CallReport, missed: &[MissedRecord]) -> OverviewFacts {
    let mut missed_intents: Vec<String> = Vec::new();
    for m in missed {
        let guess = m
            .utterance
            .best_guesses
            .first()
            .map(|(intent, _)| intent.clone());
        let guess = guess.unwrap_or_else(|| "(no guess)".to_string());
        if !missed_intents.contains(&guess) {
            missed_intents.push(guess);
        }
    }
    let clamp = |s: Option<f32>| s.map(|s| f64::from(s).clamp(-1.0, 1.0));
    let m = &r.metrics;
    OverviewFacts {
        call_id: r.call.id.clone(),
        day: r.call.started_at.date_naive(),
        agent_id: r.call.agent_id.clone(),
        queue: r.call.queue.clone(),
        duration_ms: m.duration_ms,
        agent_talk_ms: m.talk_ms.agent,
        customer_talk_ms: m.talk_ms.customer,
        non_talk_ms: m.non_talk_ms,
        longest_silence_ms: m.longest_silence_ms,
        interruptions: u32::try_from(m.interruptions.len()).unwrap_or(u32::MAX),
        overlap_ms: m.overlap_ms,
        customer_sentiment: clamp(mean_sentiment(r, "customer")),
        agent_sentiment: clamp(mean_sentiment(r, "agent")),
        categories: labels(&r.categories),
        key_phrases: labels(&r.key_phrases),
        missed_intents: labels(&missed_intents),
    }
}

/// Labels storage takes (1–200 characters), so one odd label cannot stall the pass.
fn labels(all: &[String]) -> Vec<String> {
    let fits = |l: &&String| !l.trim().is_empty() && l.chars().count() <= 200;
    all.iter().filter(fits).cloned().collect()
}

/// What search keeps of a call.
pub fn doc(r: CallReport) -> CallDoc {
    let sentiment = mean_sentiment(&r, "customer");
    CallDoc {
        facts: CallFacts {
            call_id: r.call.id,
            started_at: r.call.started_at,
            agent_id: r.call.agent_id,
            duration_ms: r.metrics.duration_ms,
            categories: r.categories,
            sentiment,
        },
        segments: r
            .segments
            .into_iter()
            .map(|s| DocSegment {
                speaker: s.speaker,
                start_ms: s.start_ms,
                text: s.text,
            })
            .collect(),
    }
}
