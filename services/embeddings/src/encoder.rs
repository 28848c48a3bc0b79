//! A padding-free BERT encoder forward (MiniLM, and MPNet's variant of it): every linear layer is
//! one GEMM over all the batch's real tokens, attention runs per sequence, so short utterances
//! cost only their tokens.

use candle_core::{DType, Tensor};
use candle_nn::VarBuilder;
use gemm::{Parallelism, gemm};

use crate::Precision;
use crate::int8::QuantLinear;

/// The `config.json` fields the forward needs; other BERT variants are rejected at load.
#[derive(Debug, Clone, serde::Deserialize)]
pub(crate) struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    /// "mpnet" switches on MPNet's weight names, position offset and relative attention bias.
    #[serde(default)]
    pub model_type: String,
    #[serde(default)]
    pub pad_token_id: usize,
    #[serde(default = "default_buckets")]
    pub relative_attention_num_buckets: usize,
}

fn default_buckets() -> usize {
    32
}

fn default_eps() -> f64 {
    1e-12
}

fn default_act() -> String {
    "gelu".into()
}

/// Weights of one linear layer, transposed from PyTorch's layout to `inp` rows of `out` outputs
/// (`weight`) or, where our kernels run, packed into f16 panels (`packed`) or quantised to int8
/// (`quant`), with `weight` emptied.
struct Linear {
    weight: Vec<f32>,
    packed: Option<Vec<u16>>,
    quant: Option<QuantLinear>,
    bias: Vec<f32>,
    inp: usize,
    out: usize,
}

struct Norm {
    gain: Vec<f32>,
    bias: Vec<f32>,
}

struct Layer {
    /// Query, key and value weights stacked, so one GEMM computes all three.
    qkv: Linear,
    attn_out: Linear,
    attn_norm: Norm,
    up: Linear,
    down: Linear,
    out_norm: Norm,
}

/// Why the encoder could not be built; the caller wraps it with the weights path.
pub(crate) type LoadError = String;

/// The BERT encoder with its weights in plain row-major buffers.
pub(crate) struct Encoder {
    word: Vec<f32>,
    position: Vec<f32>,
    /// Row of the first token's position: 0 in BERT, `pad_token_id + 1` in MPNet (RoBERTa style).
    position_offset: usize,
    token_type0: Vec<f32>,
    /// MPNet's learned bias per (distance bucket, head), added to every attention score.
    relative: Option<RelativeBias>,
    embed_norm: Norm,
    layers: Vec<Layer>,
    hidden: usize,
    heads: usize,
    vocab: usize,
    max_positions: usize,
    eps: f32,
}

fn tensor(vb: &VarBuilder, shape: &[usize], name: &str) -> Result<Vec<f32>, LoadError> {
    let t: Tensor = vb.get(shape, name).map_err(|e| e.to_string())?;
    t.to_dtype(DType::F32)
        .and_then(|t| t.flatten_all())
        .and_then(|t| t.to_vec1::<f32>())
        .map_err(|e| e.to_string())
}

fn linear(vb: &VarBuilder, inp: usize, out: usize) -> Result<Linear, LoadError> {
    let (weight, bias) = (
        tensor(vb, &[out, inp], "weight")?,
        tensor(vb, &[out], "bias")?,
    );
    Ok(Linear {
        weight,
        packed: None,
        quant: None,
        bias,
        inp,
        out,
    })
}

/// Rows of `w` (`out`×`inp`, row-major) become its columns.
fn transpose(w: &[f32], out: usize, inp: usize) -> Vec<f32> {
    let mut t = vec![0f32; w.len()];
    for (o, row) in w.chunks_exact(inp).enumerate() {
        for (i, &v) in row.iter().enumerate() {
            t[i * out + o] = v;
        }
    }
    t
}

impl Linear {
    /// Converts PyTorch's `out×inp` weight into the layout `matmul` reads at `precision`.
    fn transposed(mut self, precision: Precision) -> Self {
        self.weight = transpose(&self.weight, self.out, self.inp);
        if precision == Precision::Int8 && crate::int8::available(self.inp, self.out) {
            self.quant = Some(QuantLinear::quantize(&self.weight, self.inp, self.out));
            self.weight = Vec::new();
        } else if crate::kernel::available(self.out) {
            self.packed = Some(crate::kernel::pack(&self.weight, self.inp, self.out));
            self.weight = Vec::new();
        }
        self
    }
}

fn norm(vb: &VarBuilder, dim: usize) -> Result<Norm, LoadError> {
    Ok(Norm {
        gain: tensor(vb, &[dim], "weight")?,
        bias: tensor(vb, &[dim], "bias")?,
    })
}

impl Encoder {
    /// Reads the weights under `embeddings.`/`encoder.` (or the same under `bert.`).
    pub(crate) fn load(
        vb: VarBuilder,
        cfg: &BertConfig,
        precision: Precision,
    ) -> Result<Self, LoadError> {
        if cfg.hidden_act != "gelu" {
            return Err(format!(
                "hidden_act {:?} is not supported (only \"gelu\")",
                cfg.hidden_act
            ));
        }
        let (h, heads) = (cfg.hidden_size, cfg.num_attention_heads);
        if heads == 0 || h % heads != 0 {
            return Err(format!(
                "hidden_size {h} is not a multiple of {heads} attention heads"
            ));
        }
        let mpnet = cfg.model_type == "mpnet";
        let prefix = if mpnet { "mpnet" } else { "bert" };
        let vb = if vb.contains_tensor("embeddings.word_embeddings.weight") {
            vb
        } else {
            vb.pp(prefix)
        };
        let emb = vb.pp("embeddings");
        let token_type0 = if mpnet {
            vec![0f32; h]
        } else {
            let types = tensor(&emb.pp("token_type_embeddings"), &[2, h], "weight")
                .or_else(|_| tensor(&emb.pp("token_type_embeddings"), &[1, h], "weight"))?;
            types[..h].to_vec()
        };
        let names = if mpnet { &MPNET_NAMES } else { &BERT_NAMES };
        let mut layers = Vec::with_capacity(cfg.num_hidden_layers);
        for i in 0..cfg.num_hidden_layers {
            let l = vb.pp(format!("encoder.layer.{i}"));
            let (q, k, v) = (
                linear(&l.pp(names.q), h, h)?,
                linear(&l.pp(names.k), h, h)?,
                linear(&l.pp(names.v), h, h)?,
            );
            let qkv = Linear {
                weight: [q.weight, k.weight, v.weight].concat(),
                packed: None,
                quant: None,
                bias: [q.bias, k.bias, v.bias].concat(),
                inp: h,
                out: 3 * h,
            };
            layers.push(Layer {
                qkv: qkv.transposed(precision),
                attn_out: linear(&l.pp(names.attn_out), h, h)?.transposed(precision),
                attn_norm: norm(&l.pp(names.attn_norm), h)?,
                up: linear(&l.pp("intermediate.dense"), h, cfg.intermediate_size)?
                    .transposed(precision),
                down: linear(&l.pp("output.dense"), cfg.intermediate_size, h)?
                    .transposed(precision),
                out_norm: norm(&l.pp("output.LayerNorm"), h)?,
            });
        }
        let relative = if mpnet {
            let buckets = cfg.relative_attention_num_buckets;
            let table = tensor(
                &vb.pp("encoder.relative_attention_bias"),
                &[buckets, heads],
                "weight",
            )?;
            Some(RelativeBias { table, buckets })
        } else {
            None
        };
        let position_offset = if mpnet { cfg.pad_token_id + 1 } else { 0 };
        if position_offset >= cfg.max_position_embeddings {
            return Err(format!(
                "pad_token_id {} leaves no positions",
                cfg.pad_token_id
            ));
        }
        Ok(Self {
            word: tensor(&emb.pp("word_embeddings"), &[cfg.vocab_size, h], "weight")?,
            position: tensor(
                &emb.pp("position_embeddings"),
                &[cfg.max_position_embeddings, h],
                "weight",
            )?,
            position_offset,
            token_type0,
            relative,
            embed_norm: norm(&emb.pp("LayerNorm"), h)?,
            layers,
            hidden: h,
            heads,
            vocab: cfg.vocab_size,
            max_positions: cfg.max_position_embeddings - position_offset,
            eps: cfg.layer_norm_eps as f32,
        })
    }

    pub(crate) fn hidden(&self) -> usize {
        self.hidden
    }

    /// "i8" when the linear layers run quantised, "f16w" from f16 panels, else "f32".
    pub(crate) fn numerics(&self) -> &'static str {
        match self
            .layers
            .first()
            .map(|l| (l.qkv.quant.is_some(), l.qkv.packed.is_some()))
        {
            Some((true, _)) => "i8",
            Some((_, true)) => "f16w",
            _ => "f32",
        }
    }

    /// Mean-pooled, L2-normalised vectors of each token-id sequence (all tokens are real).
    pub(crate) fn embed(&self, seqs: &[&[u32]]) -> Result<Vec<Vec<f32>>, String> {
        let h = self.hidden;
        let x = self.states(seqs, self.layers.len())?;
        let mut out = Vec::with_capacity(seqs.len());
        let mut start = 0;
        for seq in seqs {
            out.push(mean_pool(&x[start * h..(start + seq.len()) * h], h));
            start += seq.len();
        }
        Ok(out)
    }

    pub(crate) fn layer_count(&self) -> usize {
        self.layers.len()
    }

    /// Token states after the embedding layer and the first `layers` encoder layers, every
    /// sequence's rows one after another: where fine-tuning of the top layers starts.
    pub(crate) fn states(&self, seqs: &[&[u32]], layers: usize) -> Result<Vec<f32>, String> {
        let h = self.hidden;
        let total: usize = seqs.iter().map(|s| s.len()).sum();
        if let Some(s) = seqs.iter().find(|s| s.len() > self.max_positions) {
            return Err(format!(
                "{} tokens exceed the model's {} positions",
                s.len(),
                self.max_positions
            ));
        }
        let mut x = vec![0f32; total * h];
        let mut rows = x.chunks_exact_mut(h);
        for seq in seqs {
            for (pos, &id) in seq.iter().enumerate() {
                let id = id as usize;
                if id >= self.vocab {
                    return Err(format!(
                        "token id {id} is outside the vocabulary of {}",
                        self.vocab
                    ));
                }
                let row = rows.next().expect("one row per token");
                let word = &self.word[id * h..(id + 1) * h];
                let pos = pos + self.position_offset;
                let position = &self.position[pos * h..(pos + 1) * h];
                for (((r, w), t), p) in row
                    .iter_mut()
                    .zip(word)
                    .zip(&self.token_type0)
                    .zip(position)
                {
                    *r = (w + t) + p;
                }
            }
        }
        layer_norm(&mut x, &self.embed_norm, self.eps);
        let lens: Vec<usize> = seqs.iter().map(|s| s.len()).collect();
        for layer in &self.layers[..layers.min(self.layers.len())] {
            x = self.layer(layer, &x, &lens);
        }
        Ok(x)
    }

    fn layer(&self, layer: &Layer, x: &[f32], lens: &[usize]) -> Vec<f32> {
        let qkv = matmul(x, &layer.qkv, None);
        let ctx = self.attention(&qkv, lens);
        let mut y = matmul(&ctx, &layer.attn_out, Some(x));
        layer_norm(&mut y, &layer.attn_norm, self.eps);
        let mut up = matmul(&y, &layer.up, None);
        crate::kernel::gelu(&mut up);
        let mut z = matmul(&up, &layer.down, Some(&y));
        layer_norm(&mut z, &layer.out_norm, self.eps);
        z
    }

    /// Scaled dot-product attention within each sequence; `qkv` rows are `[q | k | v]`.
    fn attention(&self, qkv: &[f32], lens: &[usize]) -> Vec<f32> {
        let h = self.hidden;
        let d = h / self.heads;
        let scale = 1.0 / (d as f32).sqrt();
        let mut ctx = vec![0f32; qkv.len() / 3];
        let mut scores = Vec::new();
        // Bias by distance `j - i + len - 1`, one row of `heads` per distance (MPNet only).
        let mut bias = Vec::new();
        let mut start = 0;
        for &len in lens {
            let rows = &qkv[start * 3 * h..(start + len) * 3 * h];
            let out = &mut ctx[start * h..(start + len) * h];
            scores.resize(len, 0f32);
            if let Some(rel) = &self.relative {
                rel.by_distance(len, self.heads, &mut bias);
            }
            for head in 0..self.heads {
                let off = head * d;
                for i in 0..len {
                    let q = &rows[i * 3 * h + off..i * 3 * h + off + d];
                    for (j, s) in scores.iter_mut().enumerate() {
                        let k = &rows[j * 3 * h + h + off..j * 3 * h + h + off + d];
                        *s = dot(q, k) * scale;
                    }
                    if self.relative.is_some() {
                        let row = (len - 1 - i) * self.heads + head;
                        for (j, s) in scores.iter_mut().enumerate() {
                            *s += bias[row + j * self.heads];
                        }
                    }
                    softmax(&mut scores);
                    let o = &mut out[i * h + off..i * h + off + d];
                    for (j, &p) in scores.iter().enumerate() {
                        let v = &rows[j * 3 * h + 2 * h + off..j * 3 * h + 2 * h + off + d];
                        o.iter_mut().zip(v).for_each(|(o, v)| *o += p * v);
                    }
                }
            }
            start += len;
        }
        ctx
    }
}

/// Where a layer's tensors live under `encoder.layer.N`: BERT and MPNet name them differently.
struct LayerNames {
    q: &'static str,
    k: &'static str,
    v: &'static str,
    attn_out: &'static str,
    attn_norm: &'static str,
}

const BERT_NAMES: LayerNames = LayerNames {
    q: "attention.self.query",
    k: "attention.self.key",
    v: "attention.self.value",
    attn_out: "attention.output.dense",
    attn_norm: "attention.output.LayerNorm",
};

const MPNET_NAMES: LayerNames = LayerNames {
    q: "attention.attn.q",
    k: "attention.attn.k",
    v: "attention.attn.v",
    attn_out: "attention.attn.o",
    attn_norm: "attention.LayerNorm",
};

/// MPNet's relative position bias: T5-style log-spaced distance buckets, shared by all layers.
struct RelativeBias {
    /// `buckets` rows of one value per head.
    table: Vec<f32>,
    buckets: usize,
}

impl RelativeBias {
    /// Fills `out` with the bias of every distance `j - i` in a `len`-token sequence: row
    /// `j - i + len - 1` holds one value per head.
    fn by_distance(&self, len: usize, heads: usize, out: &mut Vec<f32>) {
        out.clear();
        for distance in -(len as i64 - 1)..len as i64 {
            let bucket = relative_bucket(distance, self.buckets, 128);
            out.extend_from_slice(&self.table[bucket * heads..(bucket + 1) * heads]);
        }
    }
}

/// The bucket of key-minus-query distance `relative`, as MPNet computes it (bidirectional: half
/// the buckets per direction, exact up to a quarter of them, log-spaced up to `max_distance`).
fn relative_bucket(relative: i64, buckets: usize, max_distance: usize) -> usize {
    let half = buckets / 2;
    let n = -relative;
    let base = if n < 0 { half } else { 0 };
    let n = n.unsigned_abs() as usize;
    let exact = half / 2;
    if n < exact {
        return base + n;
    }
    // f32 like the reference, so bucket edges land on the same distances.
    let log_ratio = (n as f32 / exact as f32).ln() / (max_distance as f32 / exact as f32).ln();
    base + (exact + (log_ratio * (half - exact) as f32) as usize).min(half - 1)
}

/// `x · Wᵀ + b (+ residual)` for all rows of `x` in one GEMM.
fn matmul(x: &[f32], lin: &Linear, residual: Option<&[f32]>) -> Vec<f32> {
    let rows = x.len() / lin.inp;
    // Row by row over slices, so both cases vectorise (iterator chains here did not).
    let mut y: Vec<f32> = match residual {
        Some(r) => {
            let mut y = r.to_vec();
            for row in y.chunks_exact_mut(lin.out) {
                row.iter_mut().zip(&lin.bias).for_each(|(v, b)| *v += b);
            }
            y
        }
        None => {
            let mut y = Vec::with_capacity(rows * lin.out);
            (0..rows).for_each(|_| y.extend_from_slice(&lin.bias));
            y
        }
    };
    debug_assert_eq!(y.len(), rows * lin.out);
    if let Some(quant) = &lin.quant {
        quant.matmul_acc(x, &mut y);
        return y;
    }
    if let Some(packed) = &lin.packed {
        crate::kernel::matmul_acc(x, packed, &mut y, lin.inp, lin.out);
        return y;
    }
    // SAFETY: `y` is rows×out, `x` rows×inp and the weight out×inp, all row-major and live for
    // the call; the strides below stay inside them (the weight is stored inp×out).
    unsafe {
        gemm(
            rows,
            lin.out,
            lin.inp,
            y.as_mut_ptr(),
            1,
            lin.out as isize,
            true,
            x.as_ptr(),
            1,
            lin.inp as isize,
            lin.weight.as_ptr(),
            1,
            lin.out as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            Parallelism::Rayon(0),
        );
    }
    y
}

/// Dot product of equal-length vectors (cosine, for normalised embeddings), in a shape the
/// compiler vectorises: shared by attention and by similarity search over embeddings.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight partial sums keep the loop vectorised.
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    acc.iter().sum::<f32>() + tail
}

fn softmax(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0f32;
    v.iter_mut().for_each(|x| {
        *x = (*x - max).exp();
        sum += *x;
    });
    v.iter_mut().for_each(|x| *x /= sum);
}

fn layer_norm(x: &mut [f32], norm: &Norm, eps: f32) {
    let dim = norm.gain.len();
    for row in x.chunks_exact_mut(dim) {
        let mean = row.iter().sum::<f32>() / dim as f32;
        let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / dim as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, g), b) in row.iter_mut().zip(&norm.gain).zip(&norm.bias) {
            *v = (*v - mean) * inv * g + b;
        }
    }
}

/// Mean over the sequence's token rows, scaled to unit length.
fn mean_pool(rows: &[f32], dim: usize) -> Vec<f32> {
    let mut sum = vec![0f32; dim];
    let mut count = 0f32;
    for row in rows.chunks_exact(dim) {
        count += 1.0;
        sum.iter_mut().zip(row).for_each(|(s, v)| *s += v);
    }
    let count = count.max(1.0);
    sum.iter_mut().for_each(|s| *s /= count);
    let norm = sum.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
    sum.iter_mut().for_each(|s| *s /= norm);
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(x: &[f32], w_out_inp: &[f32], bias: &[f32], inp: usize, out: usize) -> Vec<f32> {
        x.chunks_exact(inp)
            .flat_map(|row| {
                (0..out).map(move |o| {
                    bias[o]
                        + row
                            .iter()
                            .zip(&w_out_inp[o * inp..(o + 1) * inp])
                            .map(|(a, b)| a * b)
                            .sum::<f32>()
                })
            })
            .collect()
    }

    /// Both layouts (AVX2 panels and the general GEMM) against a plain triple loop, for row
    /// counts that leave every tile remainder and a depth (43) that no accumulator set divides.
    #[test]
    fn linear_layers_match_a_plain_matrix_product() {
        let (inp, out) = (43, 48);
        let w: Vec<f32> = (0..inp * out)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 50.0)
            .collect();
        let bias: Vec<f32> = (0..out).map(|i| i as f32 / 10.0).collect();
        let rounded: Vec<f32> = w.iter().map(|&v| half::f16::from_f32(v).to_f32()).collect();
        for rows in 1..=14 {
            let x: Vec<f32> = (0..rows * inp)
                .map(|i| ((i * 13 % 29) as f32 - 14.0) / 7.0)
                .collect();
            let want = naive(&x, &w, &bias, inp, out);
            // The packed kernel reads f16 weights: it must equal the product with rounded weights.
            let want16 = naive(&x, &rounded, &bias, inp, out);
            let fast = Linear {
                weight: w.clone(),
                packed: None,
                quant: None,
                bias: bias.clone(),
                inp,
                out,
            }
            .transposed(Precision::Full);
            let general = Linear {
                weight: transpose(&w, out, inp),
                packed: None,
                quant: None,
                bias: bias.clone(),
                inp,
                out,
            };
            let expected = if fast.packed.is_some() {
                &want16
            } else {
                &want
            };
            for (lin, want) in [(&fast, expected), (&general, &want)] {
                let got = matmul(&x, lin, None);
                let worst = got
                    .iter()
                    .zip(want)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0f32, f32::max);
                assert!(
                    worst < 1e-4,
                    "rows {rows}, packed {}: {worst}",
                    lin.packed.is_some()
                );
            }
            let residual = vec![1.0f32; rows * out];
            let got = matmul(&x, &fast, Some(&residual));
            assert!(
                got.iter()
                    .zip(expected)
                    .all(|(a, b)| (a - b - 1.0).abs() < 1e-4),
                "residual, rows {rows}"
            );
        }
    }

    /// MPNet's buckets (HF `relative_position_bucket`, 32 buckets, max distance 128): exact
    /// near the query, log-spaced further out, the other direction offset by 16.
    #[test]
    fn relative_buckets_match_the_reference() {
        let reference = [
            (0, 0),
            (-1, 1),
            (-7, 7),
            (-8, 8),
            (-12, 9),
            (-16, 10),
            (-100, 15),
            (-127, 15),
            (-128, 15),
            (-200, 15),
            (1, 17),
            (7, 23),
            (8, 24),
            (16, 26),
            (100, 31),
            (200, 31),
        ];
        for (distance, bucket) in reference {
            assert_eq!(
                relative_bucket(distance, 32, 128),
                bucket,
                "distance {distance}"
            );
        }
    }
}
