//! The decoders: one Whisper state per worker thread, one queue in front of them.
//!
//! ggml's worker threads spin at barriers, so two decodes sharing a core both crawl: the pool
//! hands out cores, never more than the machine has. A lone final takes every free core; with
//! others waiting, each takes one.
//!
//! Order: finals of turns that have ended, then early finals (a guess, made while a speaker
//! pauses, that their turn is over), then partials. A newer partial for the same channel
//! replaces one still waiting (nobody wants stale live text), a partial being decoded is
//! cancelled the moment a final arrives, and none starts while a final runs. Finals wait for a
//! free slot instead of piling up without bound, which slows the caller down.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use switchboard_audio::clamp_unit;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};
use whisper_rs::WhisperContext;

use super::decode::{Decoded, Effort, decode};
use crate::{AsrError, panic_message};

/// Which live text a partial belongs to, so a newer one can replace it.
pub type PartialKey = (u64, usize);

type Reply = oneshot::Sender<Result<Decoded, AsrError>>;

/// Whether a final's turn is known to be over. Early finals start as guesses and are marked
/// wanted once the turn ends as guessed; a queued final that is wanted goes first.
#[derive(Clone, Debug, Default)]
pub struct Wanted(Arc<AtomicBool>);

impl Wanted {
    /// A final whose turn has ended.
    pub fn now() -> Self {
        Self(Arc::new(AtomicBool::new(true)))
    }

    /// An early final: wanted only if the speaker stays quiet.
    pub fn guess() -> Self {
        Self::default()
    }

    /// The guess held: the turn ended where it was made.
    pub fn confirm(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

struct Job {
    samples: Vec<f32>,
    /// Set when nobody wants the answer any more (or a final needs the decoder).
    cancel: Arc<AtomicBool>,
    effort: Effort,
    wanted: Wanted,
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

impl Queue {
    /// The next job: a final whose turn has ended, else the oldest guess, else a partial unless
    /// a final is running (it would take the final's second core).
    fn next(&mut self, final_running: bool) -> Option<Job> {
        let wanted = self.finals.iter().position(|job| job.wanted.is_set());
        if let Some(job) = wanted
            .or((!self.finals.is_empty()).then_some(0))
            .and_then(|i| self.finals.remove(i))
        {
            return Some(job);
        }
        if final_running {
            None
        } else {
            self.partials.pop_front()
        }
    }
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
    /// Decoders working on finals right now.
    busy_finals: AtomicUsize,
    cores: Cores,
}

/// The ggml threads not in use. A decode takes what it may and gives it back, so the cores are
/// never oversubscribed: ggml's threads spin at barriers, and two decodes sharing a core crawl
/// (a 0.3 s final took 2.5 s beside a partial that was being cancelled).
struct Cores {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Cores {
    fn new(n: usize) -> Self {
        Self {
            free: Mutex::new(n),
            freed: Condvar::new(),
        }
    }

    /// Waits for a free core, then takes one, or every free one when `all`.
    fn take(&self, all: bool) -> usize {
        let mut free = self.free.lock().expect("cores lock");
        while *free == 0 {
            free = self.freed.wait(free).expect("cores lock");
        }
        let taken = if all { *free } else { 1 };
        *free -= taken;
        taken
    }

    fn give_back(&self, n: usize) {
        *self.free.lock().expect("cores lock") += n;
        self.freed.notify_all();
    }
}

/// A fixed set of Whisper decoders shared by every call.
pub struct DecoderPool {
    shared: Arc<Shared>,
    final_slots: Arc<Semaphore>,
    max_partials: usize,
}

impl DecoderPool {
    /// Starts `workers` threads, each with its own state using `threads` ggml threads.
    pub fn start(
        ctx: Arc<WhisperContext>,
        workers: usize,
        threads: usize,
        max_queued_finals: usize,
    ) -> Result<Self, AsrError> {
        let workers = workers.max(1);
        let budget = workers * threads.max(1);
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
            workers: (0..workers).map(|_| Worker::default()).collect(),
            busy_finals: AtomicUsize::new(0),
            cores: Cores::new(budget),
        });
        for i in 0..workers {
            let state = ctx.create_state().map_err(|e| {
                AsrError::ModelUnavailable(format!("cannot create a Whisper state: {e}"))
            })?;
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("whisper-{i}"))
                .spawn(move || work(state, &shared, i))
                .map_err(|e| AsrError::Service(format!("cannot start a decoder thread: {e}")))?;
        }
        Ok(Self {
            shared,
            final_slots: Arc::new(Semaphore::new(max_queued_finals.max(1))),
            max_partials: workers * 2,
        })
    }

    /// Decodes a finished utterance (or, not yet `wanted`, one that may be); waits for a queue
    /// slot first when the decoders are behind. Dropping the future cancels the decode.
    pub async fn transcribe_final(
        &self,
        samples: Vec<f32>,
        effort: Effort,
        wanted: Wanted,
    ) -> Result<Decoded, AsrError> {
        let slot = Arc::clone(&self.final_slots)
            .acquire_owned()
            .await
            .map_err(|_| closed())?;
        let (reply, result) = oneshot::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let _guard = CancelOnDrop(Arc::clone(&cancel));
        let job = Job {
            samples,
            cancel,
            effort,
            wanted,
            partial_of: None,
            reply,
            queued_at: Instant::now(),
            _slot: Some(slot),
        };
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
    pub fn transcribe_partial(
        &self,
        key: PartialKey,
        samples: Vec<f32>,
    ) -> oneshot::Receiver<Result<Decoded, AsrError>> {
        let (reply, result) = oneshot::channel();
        let job = Job {
            samples,
            cancel: Arc::new(AtomicBool::new(false)),
            effort: Effort::Partial,
            wanted: Wanted::default(),
            partial_of: Some(key),
            reply,
            queued_at: Instant::now(),
            _slot: None,
        };
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
        let (job, no_final_waits) = {
            let mut queue = shared.queue.lock().expect("decoder queue lock");
            let job = loop {
                if let Some(job) = queue.next(shared.busy_finals.load(Ordering::SeqCst) > 0) {
                    if job.partial_of.is_some() {
                        // Registered under the queue lock, so a final queued from now on stops it.
                        *me.partial.lock().expect("worker lock") = Some(Arc::clone(&job.cancel));
                    } else {
                        shared.busy_finals.fetch_add(1, Ordering::SeqCst);
                    }
                    break job;
                }
                if queue.closed {
                    return;
                }
                queue = shared.ready.wait(queue).expect("decoder queue lock");
            };
            (job, queue.finals.is_empty())
        };
        let partial = job.partial_of.is_some();
        // A final with none waiting behind it gets every free core (a single call's turns come
        // back sooner); otherwise one each. Partials take one: they are cancelled when a final
        // arrives, but only at the end of an encoder pass, and a final should not wait for that
        // (measured: with lone partials on both cores, p95 at 4 calls rose 0.9 → 1.0–1.3 s).
        // Whoever asked has gone (a call that hung up, a guess that speech resumed): skip it,
        // without waiting for a core, or after the wait if they left meanwhile.
        let gone = || job.reply.is_closed() || job.cancel.load(Ordering::SeqCst);
        let threads = if gone() {
            0
        } else {
            shared.cores.take(!partial && no_final_waits)
        };
        if threads > 0 && !gone() {
            run(&mut state, job, threads);
        }
        shared.cores.give_back(threads);
        *me.partial.lock().expect("worker lock") = None;
        if !partial {
            shared.busy_finals.fetch_sub(1, Ordering::SeqCst);
        }
        // A partial may have waited for this final to finish.
        shared.ready.notify_all();
    }
}

/// Decodes one job with `threads` cores and answers it. A panic in the decode is the job's
/// error, not the worker's end: the thread, its state and its cores stay in the pool.
fn run(state: &mut whisper_rs::WhisperState, mut job: Job, threads: usize) {
    let kind = if job.partial_of.is_some() {
        "partial"
    } else {
        "final"
    };
    metrics::histogram!("switchboard_asr_queue_seconds", "kind" => kind)
        .record(job.queued_at.elapsed().as_secs_f64());
    let started = Instant::now();
    clamp_unit(&mut job.samples);
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        decode(state, &job.samples, job.effort, threads, &job.cancel)
    }))
    .unwrap_or_else(|panic| {
        metrics::counter!("switchboard_call_faults_total", "stage" => "decoder").increment(1);
        let message = panic_message(panic.as_ref());
        tracing::error!(kind, %message, "a Whisper decode panicked; the decoder goes on");
        Err(AsrError::Service(format!("decode panicked: {message}")))
    });
    let outcome = match &result {
        Err(AsrError::Overloaded(_)) => "cancelled",
        Err(_) => "failed",
        Ok(_) => "done",
    };
    let seconds = started.elapsed().as_secs_f64();
    metrics::histogram!("switchboard_asr_decode_seconds", "kind" => kind, "outcome" => outcome)
        .record(seconds);
    tracing::debug!(
        kind,
        outcome,
        threads,
        audio_s = job.samples.len() as f64 / 16_000.0,
        seconds,
        "decoded"
    );
    let _ = job.reply.send(result);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(wanted: Wanted, partial_of: Option<PartialKey>, tag: usize) -> Job {
        let (reply, _) = oneshot::channel();
        let samples = vec![0.0; tag];
        Job {
            samples,
            cancel: Arc::default(),
            effort: Effort::Greedy,
            wanted,
            partial_of,
            reply,
            queued_at: Instant::now(),
            _slot: None,
        }
    }

    #[test]
    fn ended_turns_go_before_guesses_and_guesses_before_partials() {
        let guess = Wanted::guess();
        let mut queue = Queue::default();
        queue
            .partials
            .push_back(job(Wanted::default(), Some((0, 0)), 1));
        queue.finals.push_back(job(Wanted::guess(), None, 2));
        queue.finals.push_back(job(guess.clone(), None, 3));
        queue.finals.push_back(job(Wanted::now(), None, 4));
        let mut order = vec![queue.next(false).unwrap().samples.len()];
        // The second guess held: its turn ended, so it overtakes the older guess.
        guess.confirm();
        order.push(queue.next(false).unwrap().samples.len());
        order.push(queue.next(false).unwrap().samples.len());
        assert!(
            queue.next(true).is_none(),
            "no partial starts beside a running final"
        );
        order.push(queue.next(false).unwrap().samples.len());
        assert_eq!(order, [4, 3, 2, 1]);
        assert!(queue.next(false).is_none());
    }

    #[test]
    fn a_core_is_handed_out_once() {
        let cores = Arc::new(Cores::new(2));
        assert_eq!(cores.take(false), 1);
        assert_eq!(cores.take(true), 1, "every free core, which is one");
        let waiting = {
            let cores = Arc::clone(&cores);
            std::thread::spawn(move || cores.take(true))
        };
        cores.give_back(2);
        assert_eq!(
            waiting.join().unwrap(),
            2,
            "it waited for the cores to come back"
        );
        assert_eq!(*cores.free.lock().unwrap(), 0);
    }
}
