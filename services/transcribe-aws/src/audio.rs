//! Call audio → Transcribe audio events: interleaving, event sizing, and replay across retried starts.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use futures::{Stream, StreamExt};
use switchboard_transcription::AudioChunk;
use tokio::sync::{Mutex, mpsc};
use tokio_util::sync::CancellationToken;

/// Turns the caller's chunks into PCM16LE events, remembering what an unconfirmed start consumed.
///
/// A throttled start may already have pulled audio into its request body; keeping those events
/// until a start succeeds lets the next attempt send them again, so no speech is lost.
pub(crate) struct AudioSource {
    rx: mpsc::Receiver<AudioChunk>,
    channels: usize,
    max_frames: usize,
    /// Interleaved samples received but not yet sent.
    pending: Vec<i16>,
    /// Events handed out but maybe not delivered: all of them until a start is confirmed, then
    /// only those the confirmed attempt has still to resend.
    replay: VecDeque<Vec<u8>>,
    /// Attempt-relative index of `replay[0]`.
    replay_base: usize,
    /// The newest attempt that asked for audio; older attempts' bodies get no more.
    attempt: u64,
    ended: bool,
    shared: Arc<SourceState>,
    cancel: CancellationToken,
}

/// What the call task reads or sets without waiting for the source (which may be awaiting audio).
#[derive(Default)]
pub(crate) struct SourceState {
    confirmed: AtomicBool,
    invalid: OnceLock<String>,
    attempts: AtomicU64,
}

impl SourceState {
    /// The start succeeded: events it has resent (or will) need not be kept for another attempt.
    pub(crate) fn confirm(&self) {
        self.confirmed.store(true, Ordering::SeqCst);
    }

    /// Why the audio stream was cut short, when the caller pushed a malformed chunk.
    pub(crate) fn invalid(&self) -> Option<&str> {
        self.invalid.get().map(String::as_str)
    }

    /// A number for the next start attempt, newer than every earlier one.
    pub(crate) fn next_attempt(&self) -> u64 {
        self.attempts.fetch_add(1, Ordering::SeqCst) + 1
    }
}

impl AudioSource {
    pub(crate) fn new(
        rx: mpsc::Receiver<AudioChunk>,
        channels: usize,
        sample_rate: u32,
        max_event_ms: u32,
        cancel: CancellationToken,
    ) -> Self {
        let max_frames = (u64::from(sample_rate) * u64::from(max_event_ms.max(1)) / 1000).max(1);
        Self {
            rx,
            channels: channels.max(1),
            max_frames: usize::try_from(max_frames).unwrap_or(usize::MAX),
            pending: Vec::new(),
            replay: VecDeque::new(),
            replay_base: 0,
            attempt: 0,
            ended: false,
            shared: Arc::default(),
            cancel,
        }
    }

    /// The handle the call task keeps.
    pub(crate) fn state(&self) -> Arc<SourceState> {
        self.shared.clone()
    }

    /// The next event for `attempt`, which has already sent `index` events; `None` ends its audio.
    pub(crate) async fn event(&mut self, attempt: u64, index: usize) -> Option<Vec<u8>> {
        if attempt < self.attempt {
            return None;
        }
        self.attempt = attempt;
        let confirmed = self.shared.confirmed.load(Ordering::SeqCst);
        if let Some(offset) = index.checked_sub(self.replay_base) {
            if confirmed {
                // Entries before `index` went out with this attempt already: let them go.
                let sent = offset.min(self.replay.len());
                self.replay.drain(..sent);
                self.replay_base += sent;
                if index == self.replay_base
                    && let Some(kept) = self.replay.pop_front()
                {
                    self.replay_base += 1;
                    return Some(kept);
                }
            } else if let Some(kept) = self.replay.get(offset) {
                return Some(kept.clone());
            }
        }
        let next = self.pull().await?;
        if !self.shared.confirmed.load(Ordering::SeqCst) {
            self.replay.push_back(next.clone());
        }
        Some(next)
    }

    /// Waits for audio, then takes at most one event's worth, joining chunks already queued.
    async fn pull(&mut self) -> Option<Vec<u8>> {
        let want = self.max_frames * self.channels;
        while self.pending.len() < want && !self.ended {
            if self.cancel.is_cancelled() {
                return None;
            }
            if self.pending.is_empty() {
                let chunk = tokio::select! {
                    _ = self.cancel.cancelled() => {
                        self.close();
                        return None;
                    }
                    chunk = self.rx.recv() => chunk,
                };
                match chunk {
                    Some(chunk) => self.append(chunk),
                    None => self.ended = true,
                }
            } else {
                match self.rx.try_recv() {
                    Ok(chunk) => self.append(chunk),
                    Err(mpsc::error::TryRecvError::Empty) => break,
                    Err(mpsc::error::TryRecvError::Disconnected) => self.ended = true,
                }
            }
        }
        if self.pending.is_empty() || self.cancel.is_cancelled() {
            return None;
        }
        let take = want.min(self.pending.len());
        Some(
            self.pending
                .drain(..take)
                .flat_map(i16::to_le_bytes)
                .collect(),
        )
    }

    /// Refuses further audio, so a caller still pushing learns the call is over instead of waiting.
    pub(crate) fn close(&mut self) {
        self.rx.close();
        self.ended = true;
    }

    fn append(&mut self, chunk: AudioChunk) {
        if chunk.channels.len() != self.channels {
            self.reject(format!(
                "audio chunk has {} channels but the stream was opened with {}",
                chunk.channels.len(),
                self.channels
            ));
            return;
        }
        let frames = chunk.frames();
        if let Some(odd) = chunk.channels.iter().position(|ch| ch.len() != frames) {
            self.reject(format!(
                "audio chunk channel {odd} has {} samples but channel 0 has {frames}",
                chunk.channels[odd].len()
            ));
            return;
        }
        self.pending.reserve(frames * self.channels);
        for i in 0..frames {
            self.pending.extend(chunk.channels.iter().map(|ch| ch[i]));
        }
    }

    fn reject(&mut self, why: String) {
        tracing::warn!(%why, "ending Transcribe audio early");
        let _ = self.shared.invalid.set(why);
        self.ended = true;
    }
}

/// The audio of one start attempt: replays what earlier attempts consumed, then goes on live.
pub(crate) fn attempt_stream(
    source: Arc<Mutex<AudioSource>>,
    attempt: u64,
) -> impl Stream<Item = Vec<u8>> + Send + Sync + 'static {
    // Fused: the SDK's body may poll again after the end, which a bare `unfold` forbids.
    futures::stream::unfold((source, 0usize), move |(source, index)| async move {
        let next = source.lock().await.event(attempt, index).await?;
        Some((next, (source, index + 1)))
    })
    .fuse()
}

#[cfg(test)]
mod tests;
