//! The decoders: one Whisper state per worker thread, one queue in front of them.
//!
//! ggml's worker threads spin, so on a small machine many concurrent decodes with several threads
//! each are slower than a few states each owning a core. Finals go before partials; a newer
//! partial for the same channel replaces one still waiting (nobody wants stale live text), a
//! partial being decoded is cancelled the moment a final arrives, and none starts while a final
//! runs; finals wait for a free slot
//! instead of piling up without bound, which slows the caller down.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};
use whisper_rs::WhisperContext;

use super::decode::{Decoded, Effort, decode};
use crate::AsrError;

/// Which live text a partial belongs to, so a newer one can replace it.
pub type PartialKey = (u64, usize);

type Reply = oneshot::Sender<Result<Decoded, AsrError>>;

struct Job {
    samples: Vec<f32>,
    /// Set when nobody wants the answer any more (or a final needs the decoder).
    cancel: Arc<AtomicBool>,
    effort: Effort,
    partial_of: Option<PartialKey>,
    reply: Reply,
    queued_at: Instant,
    _slot: Option<OwnedSemaphorePermit>,
}

#[derive(Default)]
struct Queue {
    finals: VecDeque<Job>,
    partials: VecDeque<Job>,
    closed: bool,
}

/// The partial a decoder is working on, so that a final can stop it.
#[derive(Default)]
struct Worker {
    partial: Mutex<Option<Arc<AtomicBool>>>,
}

/// Cancels a decode when its requester stops waiting (an early final whose speaker went on,
/// a call that hung up): the decoder is free within one ggml operation.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    workers: Vec<Worker>,
    /// Decoders working right now: a lone decode may use every core.
    busy: AtomicUsize,
    /// Decoders working on finals right now.
    busy_finals: AtomicUsize,
    /// ggml threads the pool may run at once (workers × threads per worker).
    budget: usize,
}

/// A fixed set of Whisper decoders shared by every call.
pub struct DecoderPool {
    shared: Arc<Shared>,
    final_slots: Arc<Semaphore>,
    max_partials: usize,
}

impl DecoderPool {
    /// Starts `workers` threads, each with its own state using `threads` ggml threads.
    pub fn start(ctx: Arc<WhisperContext>, workers: usize, threads: usize, max_queued_finals: usize) -> Result<Self, AsrError> {
        let workers = workers.max(1);
        let budget = workers * threads.max(1);
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
            workers: (0..workers).map(|_| Worker::default()).collect(),
            busy: AtomicUsize::new(0),
            busy_finals: AtomicUsize::new(0),
            budget,
        });
        for i in 0..workers {
            let state = ctx.create_state().map_err(|e| AsrError::ModelUnavailable(format!("cannot create a Whisper state: {e}")))?;
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("whisper-{i}"))
                .spawn(move || work(state, &shared, i))
                .map_err(|e| AsrError::Service(format!("cannot start a decoder thread: {e}")))?;
        }
        Ok(Self { shared, final_slots: Arc::new(Semaphore::new(max_queued_finals.max(1))), max_partials: workers * 2 })
    }

    /// Decodes a finished utterance; waits for a queue slot first when the decoders are behind.
    /// Dropping the future cancels the decode.
    pub async fn transcribe_final(&self, samples: Vec<f32>, effort: Effort) -> Result<Decoded, AsrError> {
        let slot = Arc::clone(&self.final_slots).acquire_owned().await.map_err(|_| closed())?;
        let (reply, result) = oneshot::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let _guard = CancelOnDrop(Arc::clone(&cancel));
        let job = Job { samples, cancel, effort, partial_of: None, reply, queued_at: Instant::now(), _slot: Some(slot) };
        self.push(job, |q, job| q.finals.push_back(job));
        for worker in &self.shared.workers {
            if let Some(partial) = worker.partial.lock().expect("worker lock").as_ref() {
                partial.store(true, Ordering::SeqCst);
            }
        }
        result.await.map_err(|_| closed())?
    }

    /// Queues a quick decode of speech in progress; the answer never arrives if a newer partial
    /// for the same key replaces it first or the queue sheds it, and is an error if a final
    /// needed the decoder.
    pub fn transcribe_partial(&self, key: PartialKey, samples: Vec<f32>) -> oneshot::Receiver<Result<Decoded, AsrError>> {
        let (reply, result) = oneshot::channel();
        let job = Job { samples, cancel: Arc::new(AtomicBool::new(false)), effort: Effort::Partial, partial_of: Some(key), reply, queued_at: Instant::now(), _slot: None };
        let max = self.max_partials;
        self.push(job, move |q, job| {
            q.partials.retain(|old| old.partial_of != Some(key));
            q.partials.push_back(job);
            while q.partials.len() > max {
                q.partials.pop_front();
                metrics::counter!("switchboard_asr_partials_shed_total").increment(1);
            }
        });
        result
    }

    fn push(&self, job: Job, place: impl FnOnce(&mut Queue, Job)) {
        let mut queue = self.shared.queue.lock().expect("decoder queue lock");
        place(&mut queue, job);
        drop(queue);
        self.shared.ready.notify_one();
    }
}

impl Drop for DecoderPool {
    fn drop(&mut self) {
        if let Ok(mut queue) = self.shared.queue.lock() {
            queue.closed = true;
        }
        self.shared.ready.notify_all();
    }
}

fn closed() -> AsrError {
    AsrError::Service("the Whisper decoders have stopped".into())
}

fn work(mut state: whisper_rs::WhisperState, shared: &Shared, index: usize) {
    let me = &shared.workers[index];
    loop {
        let job = {
            let mut queue = shared.queue.lock().expect("decoder queue lock");
            loop {
                if let Some(job) = queue.finals.pop_front() {
                    break job;
                }
                // A partial beside a running final would take the final's second core.
                if shared.busy_finals.load(Ordering::SeqCst) == 0
                    && let Some(job) = queue.partials.pop_front()
                {
                    break job;
                }
                if queue.closed {
                    return;
                }
                queue = shared.ready.wait(queue).expect("decoder queue lock");
            }
        };
        // Whoever asked has gone (a call that hung up, a guess that speech resumed): skip it.
        if job.reply.is_closed() || job.cancel.load(Ordering::SeqCst) {
            continue;
        }
        let partial = job.partial_of.is_some();
        let kind = if partial { "partial" } else { "final" };
        metrics::histogram!("switchboard_asr_queue_seconds", "kind" => kind).record(job.queued_at.elapsed().as_secs_f64());
        if partial {
            *me.partial.lock().expect("worker lock") = Some(Arc::clone(&job.cancel));
        }
        // Share the cores among the decoders working now: alone, a decode gets all of them
        // (a single call's finals come back sooner); under load, one each (no oversubscription).
        // Partials running beside a final are about to be cancelled, so finals count only finals.
        let busy = shared.busy.fetch_add(1, Ordering::SeqCst) + 1;
        let finals = if partial { 0 } else { shared.busy_finals.fetch_add(1, Ordering::SeqCst) + 1 };
        let threads = (shared.budget / if partial { busy } else { finals }).max(1);
        let started = Instant::now();
        let result = decode(&mut state, &job.samples, job.effort, threads, &job.cancel);
        *me.partial.lock().expect("worker lock") = None;
        shared.busy.fetch_sub(1, Ordering::SeqCst);
        if !partial {
            shared.busy_finals.fetch_sub(1, Ordering::SeqCst);
        }
        let outcome = match &result {
            Err(AsrError::Overloaded(_)) => "cancelled",
            Err(_) => "failed",
            Ok(_) => "done",
        };
        let seconds = started.elapsed().as_secs_f64();
        metrics::histogram!("switchboard_asr_decode_seconds", "kind" => kind, "outcome" => outcome).record(seconds);
        tracing::debug!(kind, outcome, threads, audio_s = job.samples.len() as f64 / 16_000.0, seconds, "decoded");
        let _ = job.reply.send(result);
        // A partial may have waited for this final to finish.
        shared.ready.notify_all();
    }
}
