//! Local Whisper (whisper.cpp through whisper-rs): the default engine, no cloud needed.

mod batch;
mod decode;
mod markers;
mod pool;
mod stream;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use switchboard_audio::VadConfig;
use whisper_rs::{WhisperContext, WhisperContextParameters};

pub use batch::BatchProgress;
pub use decode::Effort;
use pool::DecoderPool;

use crate::{AsrError, Recognizer, RecognizerStream, StreamSpec};

/// How the local engine runs; the defaults suit a 2-core machine.
#[derive(Debug, Clone)]
pub struct WhisperConfig {
    /// The ggml model file (`switchboard models install` puts it in the model cache).
    pub model: PathBuf,
    /// Decoder threads, each with its own state: one per core.
    pub workers: usize,
    /// ggml threads per decoder; 1 keeps cores from fighting.
    pub threads_per_worker: usize,
    /// Decoding effort for finals (what is stored); partials are always greedy.
    pub final_effort: Effort,
    /// How often live text refreshes while someone speaks; 0 turns partials off.
    pub partial_interval_ms: u32,
    /// Decode a final once the speaker has been quiet for 100 ms, while the silence that
    /// confirms the turn is over still runs: the decode overlaps that wait (and is cancelled
    /// if they go on).
    pub early_finals: bool,
    /// Finals queued across all calls before new ones wait (bounds memory under overload).
    pub max_queued_finals: usize,
    pub vad: VadConfig,
}

impl WhisperConfig {
    /// Defaults for `model`, sized to this machine's cores.
    pub fn new(model: PathBuf) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            model,
            workers: cores,
            threads_per_worker: 1,
            final_effort: Effort::Greedy,
            partial_interval_ms: 1000,
            early_finals: true,
            max_queued_finals: 64,
            vad: VadConfig::default(),
        }
    }
}

/// Whisper shared by every call of this process.
pub struct WhisperEngine {
    pool: Arc<DecoderPool>,
    config: Arc<WhisperConfig>,
    next_stream: AtomicU64,
}

impl WhisperEngine {
    /// Loads the model and starts the decoders.
    pub fn load(config: WhisperConfig) -> Result<Self, AsrError> {
        whisper_rs::install_logging_hooks();
        if !config.model.is_file() {
            return Err(AsrError::ModelUnavailable(format!(
                "{} not found; run `switchboard models install tiny.en`",
                config.model.display()
            )));
        }
        // Flash attention was slower and less accurate here (benches/RESULTS.md): left off.
        let ctx =
            WhisperContext::new_with_params(&config.model, WhisperContextParameters::default())
                .map_err(|e| {
                    AsrError::ModelUnavailable(format!("{}: {e}", config.model.display()))
                })?;
        let pool = DecoderPool::start(
            Arc::new(ctx),
            config.workers,
            config.threads_per_worker,
            config.max_queued_finals,
        )?;
        Ok(Self {
            pool: Arc::new(pool),
            config: Arc::new(config),
            next_stream: AtomicU64::new(0),
        })
    }

    /// The settings this engine runs with.
    pub fn config(&self) -> &WhisperConfig {
        &self.config
    }
}

impl Recognizer for WhisperEngine {
    fn open(&self, spec: StreamSpec) -> Result<RecognizerStream, AsrError> {
        let id = self.next_stream.fetch_add(1, Ordering::Relaxed);
        stream::spawn(Arc::clone(&self.pool), Arc::clone(&self.config), spec, id)
    }

    fn name(&self) -> &'static str {
        "whisper"
    }
}
