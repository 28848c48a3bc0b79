//! all-MiniLM-L6-v2 run through candle's BERT, with mean pooling and L2 normalisation.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{Encoding, Tokenizer, TruncationParams};

use crate::{EmbedError, Embedder, Embedding};

/// Directory name of the model under the models root.
pub const MINILM_DIR: &str = "all-MiniLM-L6-v2";
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
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    home.join(".cache/switchboard/models")
}

/// The sentence encoder the product ships with: small, CPU-friendly, 384 dimensions.
pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
    dim: usize,
    batch: usize,
}

impl MiniLm {
    /// Loads from the standard models root, so callers need no path plumbing.
    pub fn load_default() -> Result<Self, EmbedError> {
        Self::load(&models_root().join(MINILM_DIR))
    }

    /// Loads `model.safetensors`, `tokenizer.json` and `config.json` from `dir`.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
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
        let (weights, tok_path, cfg_path) =
            (file("model.safetensors")?, file("tokenizer.json")?, file("config.json")?);
        let unreadable = |path: &Path, e: &dyn std::fmt::Display| {
            EmbedError::ModelUnavailable(format!(
                "{} is unreadable ({e}); run scripts/models.sh to reinstall it",
                path.display()
            ))
        };
        let cfg_text = std::fs::read_to_string(&cfg_path).map_err(|e| unreadable(&cfg_path, &e))?;
        let config: Config = serde_json::from_str(&cfg_text).map_err(|e| unreadable(&cfg_path, &e))?;
        let mut tokenizer = Tokenizer::from_file(&tok_path).map_err(|e| unreadable(&tok_path, &e))?;
        // The shipped tokenizer pads every input to 128 tokens: pure waste for short utterances.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..Default::default() }))
            .map_err(|e| unreadable(&tok_path, &e))?;
        let device = Device::Cpu;
        // SAFETY: the weights file is memory-mapped read-only; nothing in this process writes it.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], DType::F32, &device) }
            .map_err(|e| unreadable(&weights, &e))?;
        let model = BertModel::load(vb, &config).map_err(|e| unreadable(&weights, &e))?;
        Ok(Self { model, tokenizer, dim: config.hidden_size, batch: DEFAULT_BATCH })
    }

    /// Sets how many texts go through one forward pass (at least 1); for tuning and benches.
    pub fn with_batch_size(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    /// Runs one padded sub-batch and returns pooled, normalised rows.
    fn forward(&self, encodings: &[&Encoding]) -> Result<Vec<Embedding>, EmbedError> {
        let inf = |e: candle_core::Error| EmbedError::Inference(e.to_string());
        let n = encodings.len();
        let len = encodings.iter().map(|e| e.get_ids().len()).max().unwrap_or(0).max(1);
        let mut ids = vec![0u32; n * len];
        let mut mask = vec![0u32; n * len];
        for (row, enc) in encodings.iter().enumerate() {
            for (col, (&id, &m)) in enc.get_ids().iter().zip(enc.get_attention_mask()).enumerate() {
                ids[row * len + col] = id;
                mask[row * len + col] = m;
            }
        }
        let device = &self.model.device;
        let ids = Tensor::from_vec(ids, (n, len), device).map_err(inf)?;
        let mask = Tensor::from_vec(mask, (n, len), device).map_err(inf)?;
        let type_ids = ids.zeros_like().map_err(inf)?;
        let hidden = self.model.forward(&ids, &type_ids, Some(&mask)).map_err(inf)?;
        let hidden: Vec<Vec<Vec<f32>>> = hidden.to_vec3().map_err(inf)?;
        Ok(hidden
            .into_iter()
            .zip(encodings)
            .map(|(tokens, enc)| pool(&tokens, enc.get_attention_mask()))
            .collect())
    }
}

/// Mean over the real (unmasked) tokens, then scaled to unit length.
fn pool(tokens: &[Vec<f32>], mask: &[u32]) -> Embedding {
    let dim = tokens.first().map_or(0, Vec::len);
    let mut sum = vec![0f32; dim];
    let mut count = 0f32;
    for (tok, &m) in tokens.iter().zip(mask) {
        if m != 0 {
            count += 1.0;
            sum.iter_mut().zip(tok).for_each(|(s, v)| *s += v);
        }
    }
    let count = count.max(1.0);
    sum.iter_mut().for_each(|s| *s /= count);
    let norm = sum.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
    sum.iter_mut().for_each(|s| *s /= norm);
    sum
}

impl Embedder for MiniLm {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError::Inference(format!("tokenizer: {e}")))?;
        // Similar lengths share a sub-batch so padding stays small; results go back in input order.
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

    fn dim(&self) -> usize {
        self.dim
    }
}
