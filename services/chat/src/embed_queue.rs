//! Micro-batching in front of the encoder: concurrent chat turns share one forward pass.
//!
//! A transformer forward pass over 16 short sentences costs far less than 16 passes over one, so
//! under load the queue drains everything waiting (up to `max_batch`) into a single call. With one
//! visitor it adds no delay: a lone request is embedded as soon as it arrives.
//!
//! The queue is bounded: past `max_pending` waiting messages a turn is refused at once
//! ([`ChatError::Busy`]) instead of queueing for seconds, so overload shows as a clear error
//! rather than as every visitor's answer arriving late.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Instant;

use switchboard_embeddings::{EmbedError, Embedder, Embedding};
use tokio::sync::oneshot;

use crate::ChatError;

struct Job {
    text: String,
    queued: Instant,
    reply: oneshot::Sender<Result<Embedding, String>>,
}

/// Async handle to a dedicated embedding thread.
#[derive(Clone)]
pub struct EmbedQueue {
    tx: mpsc::Sender<Job>,
    pending: Arc<AtomicUsize>,
    max_pending: usize,
}

impl EmbedQueue {
    /// Starts the worker thread; it stops when the last handle is dropped.
    pub fn start(embedder: Arc<dyn Embedder>, max_batch: usize, max_pending: usize) -> Self {
        let (tx, rx) = mpsc::channel::<Job>();
        let pending = Arc::new(AtomicUsize::new(0));
        let counter = pending.clone();
        thread::Builder::new()
            .name("embed-queue".into())
            .spawn(move || worker(embedder, rx, max_batch.max(1), counter))
            .expect("spawning the embedding thread");
        Self {
            tx,
            pending,
            max_pending: max_pending.max(1),
        }
    }

    /// Embeds one text, batched with whatever else is waiting; refused when the queue is full.
    pub async fn embed(&self, text: &str) -> Result<Embedding, ChatError> {
        if self.pending.fetch_add(1, Ordering::SeqCst) >= self.max_pending {
            self.pending.fetch_sub(1, Ordering::SeqCst);
            metrics::counter!("switchboard_chat_busy_total").increment(1);
            return Err(ChatError::Busy);
        }
        let (reply, rx) = oneshot::channel();
        let stopped =
            || ChatError::Embedding(EmbedError::Inference("embedding worker stopped".into()));
        if self
            .tx
            .send(Job {
                text: text.to_string(),
                queued: Instant::now(),
                reply,
            })
            .is_err()
        {
            self.pending.fetch_sub(1, Ordering::SeqCst);
            return Err(stopped());
        }
        rx.await
            .map_err(|_| stopped())?
            .map_err(|e| ChatError::Embedding(EmbedError::Inference(e)))
    }
}

fn worker(
    embedder: Arc<dyn Embedder>,
    rx: mpsc::Receiver<Job>,
    max_batch: usize,
    pending: Arc<AtomicUsize>,
) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < max_batch {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        metrics::histogram!("switchboard_embed_batch_size").record(jobs.len() as f64);
        let started = Instant::now();
        for job in &jobs {
            let wait = started.duration_since(job.queued);
            metrics::histogram!("switchboard_embed_wait_seconds").record(wait.as_secs_f64());
        }
        let texts: Vec<&str> = jobs.iter().map(|j| j.text.as_str()).collect();
        let result = embedder.embed(&texts);
        metrics::histogram!("switchboard_embed_seconds").record(started.elapsed().as_secs_f64());
        pending.fetch_sub(jobs.len(), Ordering::SeqCst);
        match result {
            Ok(vectors) => {
                for (job, v) in jobs.into_iter().zip(vectors) {
                    let _ = job.reply.send(Ok(v));
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for job in jobs {
                    let _ = job.reply.send(Err(msg.clone()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Holds its first call until released, records batch sizes; vectors encode the text length.
    struct Gated {
        batches: Mutex<Vec<usize>>,
        gate: Mutex<Option<mpsc::Receiver<()>>>,
    }
    impl Embedder for Gated {
        fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
            if let Some(gate) = self.gate.lock().unwrap().take() {
                gate.recv().unwrap();
            }
            self.batches.lock().unwrap().push(texts.len());
            Ok(texts.iter().map(|t| vec![t.len() as f32]).collect())
        }
        fn dim(&self) -> usize {
            1
        }
    }

    #[tokio::test]
    async fn waiting_requests_share_a_batch_and_get_their_own_vectors() {
        let (release, gate) = mpsc::channel();
        let enc = Arc::new(Gated {
            batches: Mutex::new(vec![]),
            gate: Mutex::new(Some(gate)),
        });
        let queue = EmbedQueue::start(enc.clone(), 16, 100);
        let texts: Vec<String> = (1..=20).map(|n| "x".repeat(n)).collect();
        let all = futures::future::join_all(texts.iter().map(|t| queue.embed(t)));
        tokio::pin!(all);
        // One poll enqueues all 20 jobs while the worker is held at the gate.
        assert!(futures::poll!(&mut all).is_pending());
        release.send(()).unwrap();
        let vectors = all.await;
        for (n, v) in (1..=20).zip(vectors) {
            assert_eq!(v.unwrap(), vec![n as f32]);
        }
        let batches = enc.batches.lock().unwrap().clone();
        assert_eq!(batches.iter().sum::<usize>(), 20);
        assert!(
            batches.len() <= 3,
            "20 waiting jobs with max_batch 16 took {batches:?}"
        );
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_recovers() {
        let (release, gate) = mpsc::channel();
        let enc = Arc::new(Gated {
            batches: Mutex::new(vec![]),
            gate: Mutex::new(Some(gate)),
        });
        let queue = EmbedQueue::start(enc.clone(), 1, 3);
        let waiting = futures::future::join_all((0..3).map(|_| queue.embed("held")));
        tokio::pin!(waiting);
        assert!(futures::poll!(&mut waiting).is_pending());
        assert!(matches!(
            queue.embed("one too many").await,
            Err(ChatError::Busy)
        ));
        release.send(()).unwrap();
        assert!(waiting.await.iter().all(Result::is_ok));
        assert_eq!(queue.embed("room again").await.unwrap(), vec![10.0]);
    }

    #[tokio::test]
    async fn encoder_errors_reach_every_caller_in_the_batch() {
        struct Failing;
        impl Embedder for Failing {
            fn embed(&self, _: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
                Err(EmbedError::Inference("boom".into()))
            }
            fn dim(&self) -> usize {
                1
            }
        }
        let queue = EmbedQueue::start(Arc::new(Failing), 4, 100);
        let err = queue.embed("hello").await.unwrap_err();
        assert!(err.to_string().contains("boom"), "{err}");
    }
}
