//! Sentence-transformers encoders (all-MiniLM-L6-v2, all-mpnet-base-v2) run through our
//! padding-free BERT forward, with mean pooling and L2 normalisation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use tokenizers::{Encoding, Tokenizer, TruncationParams};

use crate::encoder::{BertConfig, Encoder};
use crate::{EmbedError, Embedder, Embedding, Precision};

/// Directory of the NLU encoder under the models root: small and fast enough for every turn.
pub const MINILM_DIR: &str = "all-MiniLM-L6-v2";
/// Directory of the knowledge encoder: about eight times MiniLM's work per text, but it matches
/// paraphrased questions to answers far better (benches/RESULTS.md, "Knowledge retrieval").
pub const MPNET_DIR: &str = "all-mpnet-base-v2";
/// Longest input in tokens; longer texts are truncated (sentence-transformers uses 256, our
/// utterances are far shorter and attention cost grows with the square).
pub const MAX_TOKENS: usize = 128;
/// Default number of texts per forward pass; measured best on 2 cores (see benches/RESULTS.md).
pub const DEFAULT_BATCH: usize = 32;

/// Where models live: `$SWITCHBOARD_MODELS`, else `~/.cache/switchboard/models`.
pub fn models_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("SWITCHBOARD_MODELS").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".cache/switchboard/models")
}

/// A loaded sentence encoder; which one depends on the directory it was loaded from.
pub struct SentenceEncoder {
    encoder: Encoder,
    tokenizer: Tokenizer,
    batch: usize,
    /// Kept so fine-tuning can start from the original weights and rebuild the forward.
    weights: PathBuf,
    config: BertConfig,
    precision: Precision,
}

impl SentenceEncoder {
    /// all-MiniLM-L6-v2 from the standard models root: the encoder of intent classification.
    pub fn minilm() -> Result<Self, EmbedError> {
        Self::load(&models_root().join(MINILM_DIR))
    }

    /// all-mpnet-base-v2 from the standard models root: the encoder of knowledge retrieval.
    pub fn mpnet() -> Result<Self, EmbedError> {
        Self::load(&models_root().join(MPNET_DIR))
    }

    /// Loads `model.safetensors`, `tokenizer.json` and `config.json` from `dir`, at full precision.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        Self::load_with(dir, Precision::Full)
    }

    /// Loads the encoder in `dir` with its linear layers at `precision`.
    pub fn load_with(dir: &Path, precision: Precision) -> Result<Self, EmbedError> {
        let file = |name: &str| -> Result<PathBuf, EmbedError> {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(EmbedError::ModelUnavailable(format!(
                    "{} is missing; run scripts/models.sh (or set SWITCHBOARD_MODELS to the models root)",
                    path.display()
                )))
            }
        };
        let (weights, tok_path, cfg_path) = (
            file("model.safetensors")?,
            file("tokenizer.json")?,
            file("config.json")?,
        );
        let unreadable = |path: &Path, e: &dyn std::fmt::Display| {
            EmbedError::ModelUnavailable(format!(
                "{} is unreadable ({e}); run scripts/models.sh to reinstall it",
                path.display()
            ))
        };
        let cfg_text = std::fs::read_to_string(&cfg_path).map_err(|e| unreadable(&cfg_path, &e))?;
        let config: BertConfig =
            serde_json::from_str(&cfg_text).map_err(|e| unreadable(&cfg_path, &e))?;
        let mut tokenizer =
            Tokenizer::from_file(&tok_path).map_err(|e| unreadable(&tok_path, &e))?;
        // The shipped tokenizer pads every input to 128 tokens: pure waste for short utterances.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| unreadable(&tok_path, &e))?;
        let device = Device::Cpu;
        // SAFETY: the weights file is memory-mapped read-only; nothing in this process writes it.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], DType::F32, &device) }
            .map_err(|e| unreadable(&weights, &e))?;
        let encoder =
            Encoder::load(vb, &config, precision).map_err(|e| unreadable(&weights, &e))?;
        Ok(Self {
            encoder,
            tokenizer,
            batch: DEFAULT_BATCH,
            weights,
            config,
            precision,
        })
    }

    /// Names the forward's arithmetic (int8, f16 weights where the AVX2 kernel runs, or f32), so a
    /// cache of vectors is never shared by two forwards whose outputs differ in the last digits.
    pub fn numerics(&self) -> &'static str {
        self.encoder.numerics()
    }

    /// Sets how many texts go through one forward pass (at least 1); for tuning and benches.
    pub fn with_batch_size(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    /// Runs one sub-batch (no padding: each sequence attends only to its own tokens).
    fn forward(&self, encodings: &[&Encoding]) -> Result<Vec<Embedding>, EmbedError> {
        let ids: Vec<&[u32]> = encodings.iter().map(|e| e.get_ids()).collect();
        self.encoder.embed(&ids).map_err(EmbedError::Inference)
    }
}

impl Embedder for SentenceEncoder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        on_worker(|| self.embed_here(texts))
    }

    fn dim(&self) -> usize {
        self.encoder.hidden()
    }

    /// The model directory's name and the forward's arithmetic, e.g. `all-mpnet-base-v2/i8`.
    fn model_id(&self) -> String {
        let name = self
            .weights
            .parent()
            .and_then(|d| d.file_name())
            .map(|n| n.to_string_lossy());
        format!(
            "{}/{}",
            name.as_deref().unwrap_or("unnamed"),
            self.numerics()
        )
    }
}

/// Runs `f` on a rayon worker thread. A forward pass holds two dozen parallel GEMMs; called
/// from outside the pool, each would park this thread until a worker picked it up (a fifth of the
/// time of one short message went to those hand-offs); from a worker they split by stealing.
fn on_worker<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if rayon::current_thread_index().is_some() {
        return f();
    }
    rayon::scope(|_| f())
}

impl SentenceEncoder {
    pub(crate) fn weights_path(&self) -> &Path {
        &self.weights
    }

    pub(crate) fn layer_count(&self) -> usize {
        self.encoder.layer_count()
    }

    /// Plain BERT layers (MiniLM), the only kind fine-tuning knows how to rebuild.
    pub(crate) fn is_bert(&self) -> bool {
        self.config.model_type != "mpnet"
    }

    pub(crate) fn heads(&self) -> usize {
        self.config.num_attention_heads
    }

    /// The same model with the given tensors (all of them, by safetensors name) as weights.
    pub(crate) fn with_weights(
        &self,
        tensors: HashMap<String, Tensor>,
    ) -> Result<Self, EmbedError> {
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        let encoder =
            Encoder::load(vb, &self.config, self.precision).map_err(EmbedError::Inference)?;
        Ok(Self {
            encoder,
            tokenizer: self.tokenizer.clone(),
            batch: self.batch,
            weights: self.weights.clone(),
            config: self.config.clone(),
            precision: self.precision,
        })
    }

    pub(crate) fn token_ids(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>, EmbedError> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError::Inference(format!("tokenizer: {e}")))?;
        Ok(encodings.iter().map(|e| e.get_ids().to_vec()).collect())
    }

    /// Each text's token states after the first `layers` layers, computed in length-sorted batches.
    pub(crate) fn states(
        &self,
        ids: &[Vec<u32>],
        layers: usize,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let h = self.encoder.hidden();
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| ids[i].len());
        let mut out = vec![Vec::new(); ids.len()];
        on_worker(|| {
            for chunk in order.chunks(self.batch) {
                let seqs: Vec<&[u32]> = chunk.iter().map(|&i| ids[i].as_slice()).collect();
                let x = self
                    .encoder
                    .states(&seqs, layers)
                    .map_err(EmbedError::Inference)?;
                let mut start = 0;
                for &i in chunk {
                    out[i] = x[start * h..(start + ids[i].len()) * h].to_vec();
                    start += ids[i].len();
                }
            }
            Ok(())
        })?;
        Ok(out)
    }

    fn embed_here(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError::Inference(format!("tokenizer: {e}")))?;
        // Similar lengths share a sub-batch (keeps attention work even); results go back in input order.
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| encodings[i].get_ids().len());
        let mut out: Vec<Embedding> = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(self.batch) {
            let batch: Vec<&Encoding> = chunk.iter().map(|&i| &encodings[i]).collect();
            for (&i, vector) in chunk.iter().zip(self.forward(&batch)?) {
                out[i] = vector;
            }
        }
        Ok(out)
    }
}
