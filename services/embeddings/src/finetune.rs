//! Fine-tuning the encoder's top layers on labelled sentences (intent examples), so sentences of
//! one label move together and labels apart; the lower layers stay frozen and run once.
//!
//! Training runs in candle (autograd) on the frozen layers' cached token states; the result is a
//! new [`SentenceEncoder`] whose fast forward carries the tuned weights.

use std::collections::HashMap;

use candle_core::backprop::GradStore;
use candle_core::{D, DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};

use crate::{EmbedError, Embedder, SentenceEncoder};

/// Knobs of [`fine_tune`].
#[derive(Debug, Clone)]
pub struct FineTuneOptions {
    /// How many top encoder layers learn (the rest stay frozen).
    pub layers: usize,
    pub epochs: usize,
    pub batch: usize,
    /// Learning rate of the encoder layers.
    pub lr: f64,
    /// Learning rate of the cosine classifier head used only during training.
    pub head_lr: f64,
    /// Temperature of the cosine-softmax head (logit = scale × cosine).
    pub scale: f64,
    pub dropout: f32,
    pub seed: u64,
}

impl Default for FineTuneOptions {
    fn default() -> Self {
        Self {
            layers: 2,
            epochs: 3,
            batch: 32,
            lr: 1e-4,
            head_lr: 1e-2,
            scale: 20.0,
            dropout: 0.1,
            seed: 42,
        }
    }
}

fn err(e: impl std::fmt::Display) -> EmbedError {
    EmbedError::Inference(format!("fine-tuning: {e}"))
}

/// One trainable BERT layer; weights kept as `inp×out` so a row batch multiplies directly.
struct TopLayer {
    index: usize,
    q: (Var, Var),
    k: (Var, Var),
    v: (Var, Var),
    attn_out: (Var, Var),
    attn_norm: (Var, Var),
    up: (Var, Var),
    down: (Var, Var),
    out_norm: (Var, Var),
}

const LINEARS: [&str; 6] = [
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
];

impl TopLayer {
    fn load(map: &HashMap<String, Tensor>, prefix: &str, index: usize) -> Result<Self, EmbedError> {
        let get = |name: &str| -> Result<Tensor, EmbedError> {
            let key = format!("{prefix}encoder.layer.{index}.{name}");
            map.get(&key)
                .cloned()
                .ok_or_else(|| err(format!("weights lack {key}")))
        };
        let linear = |name: &str| -> Result<(Var, Var), EmbedError> {
            let w = get(&format!("{name}.weight"))?
                .to_dtype(DType::F32)
                .and_then(|w| w.t()?.contiguous())
                .map_err(err)?;
            let b = get(&format!("{name}.bias"))?
                .to_dtype(DType::F32)
                .map_err(err)?;
            Ok((
                Var::from_tensor(&w).map_err(err)?,
                Var::from_tensor(&b).map_err(err)?,
            ))
        };
        let norm = |name: &str| -> Result<(Var, Var), EmbedError> {
            let g = get(&format!("{name}.weight"))?
                .to_dtype(DType::F32)
                .map_err(err)?;
            let b = get(&format!("{name}.bias"))?
                .to_dtype(DType::F32)
                .map_err(err)?;
            Ok((
                Var::from_tensor(&g).map_err(err)?,
                Var::from_tensor(&b).map_err(err)?,
            ))
        };
        Ok(Self {
            index,
            q: linear(LINEARS[0])?,
            k: linear(LINEARS[1])?,
            v: linear(LINEARS[2])?,
            attn_out: linear(LINEARS[3])?,
            attn_norm: norm("attention.output.LayerNorm")?,
            up: linear(LINEARS[4])?,
            down: linear(LINEARS[5])?,
            out_norm: norm("output.LayerNorm")?,
        })
    }

    fn linears(&self) -> [&(Var, Var); 6] {
        [
            &self.q,
            &self.k,
            &self.v,
            &self.attn_out,
            &self.up,
            &self.down,
        ]
    }

    fn vars(&self) -> Vec<Var> {
        let mut out = Vec::new();
        for (w, b) in self
            .linears()
            .into_iter()
            .chain([&self.attn_norm, &self.out_norm])
        {
            out.push(w.clone());
            out.push(b.clone());
        }
        out
    }

    /// Writes the trained weights back under their original names and layout.
    fn store(&self, map: &mut HashMap<String, Tensor>, prefix: &str) -> Result<(), EmbedError> {
        let base = format!("{prefix}encoder.layer.{}.", self.index);
        for (name, (w, b)) in LINEARS.iter().zip(self.linears()) {
            map.insert(
                format!("{base}{name}.weight"),
                w.as_tensor()
                    .t()
                    .and_then(|t| t.contiguous())
                    .map_err(err)?,
            );
            map.insert(format!("{base}{name}.bias"), b.as_tensor().clone());
        }
        for (name, (g, b)) in [
            ("attention.output.LayerNorm", &self.attn_norm),
            ("output.LayerNorm", &self.out_norm),
        ] {
            map.insert(format!("{base}{name}.weight"), g.as_tensor().clone());
            map.insert(format!("{base}{name}.bias"), b.as_tensor().clone());
        }
        Ok(())
    }

    /// `x`: `[b·t, h]` rows; `mask`: additive `[b, 1, 1, t]`.
    fn forward(
        &self,
        x: &Tensor,
        mask: &Tensor,
        b: usize,
        t: usize,
        heads: usize,
        train: f32,
    ) -> candle_core::Result<Tensor> {
        let h = x.dim(1)?;
        let d = h / heads;
        let lin = |x: &Tensor, (w, bias): &(Var, Var)| {
            x.matmul(w.as_tensor())?.broadcast_add(bias.as_tensor())
        };
        let split = |x: Tensor| x.reshape((b, t, heads, d))?.transpose(1, 2)?.contiguous();
        let (q, k, v) = (
            split(lin(x, &self.q)?)?,
            split(lin(x, &self.k)?)?,
            split(lin(x, &self.v)?)?,
        );
        let scores = (q.matmul(&k.t()?.contiguous()?)? / (d as f64).sqrt())?.broadcast_add(mask)?;
        let probs = candle_nn::ops::softmax(&scores, D::Minus1)?;
        let ctx = probs
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((b * t, h))?;
        let y = norm(
            &(dropout(&lin(&ctx, &self.attn_out)?, train)? + x)?,
            &self.attn_norm,
        )?;
        let up = lin(&y, &self.up)?.gelu_erf()?;
        norm(
            &(dropout(&lin(&up, &self.down)?, train)? + &y)?,
            &self.out_norm,
        )
    }
}

fn dropout(x: &Tensor, p: f32) -> candle_core::Result<Tensor> {
    if p > 0.0 {
        candle_nn::ops::dropout(x, p)
    } else {
        Ok(x.clone())
    }
}

fn norm(x: &Tensor, (g, b): &(Var, Var)) -> candle_core::Result<Tensor> {
    let mean = x.mean_keepdim(D::Minus1)?;
    let xc = x.broadcast_sub(&mean)?;
    let var = xc.sqr()?.mean_keepdim(D::Minus1)?;
    xc.broadcast_div(&(var + 1e-12)?.sqrt()?)?
        .broadcast_mul(g.as_tensor())?
        .broadcast_add(b.as_tensor())
}

/// Mean over real tokens, scaled to unit length: `[b·t, h]` → `[b, h]`.
fn pool(
    x: &Tensor,
    keep: &Tensor,
    lens: &Tensor,
    b: usize,
    t: usize,
) -> candle_core::Result<Tensor> {
    let h = x.dim(1)?;
    let sum = x.reshape((b, t, h))?.broadcast_mul(keep)?.sum(1)?;
    unit(&sum.broadcast_div(lens)?)
}

fn unit(x: &Tensor) -> candle_core::Result<Tensor> {
    x.broadcast_div(&(x.sqr()?.sum_keepdim(D::Minus1)? + 1e-12)?.sqrt()?)
}

/// A padded batch: rows `[b·t, h]`, the additive attention mask, the pooling mask and lengths.
struct Batch {
    x: Tensor,
    mask: Tensor,
    keep: Tensor,
    lens: Tensor,
    b: usize,
    t: usize,
}

fn batch(
    states: &[Vec<f32>],
    items: &[usize],
    h: usize,
    dev: &Device,
) -> candle_core::Result<Batch> {
    let (b, t) = (
        items.len(),
        items
            .iter()
            .map(|&i| states[i].len() / h)
            .max()
            .unwrap_or(1),
    );
    let mut x = vec![0f32; b * t * h];
    let mut keep = vec![0f32; b * t];
    let mut lens = Vec::with_capacity(b);
    for (row, &i) in items.iter().enumerate() {
        let len = states[i].len() / h;
        x[row * t * h..row * t * h + len * h].copy_from_slice(&states[i]);
        keep[row * t..row * t + len]
            .iter_mut()
            .for_each(|k| *k = 1.0);
        lens.push(len as f32);
    }
    let mask: Vec<f32> = keep.iter().map(|k| (1.0 - k) * -10_000.0).collect();
    Ok(Batch {
        x: Tensor::from_vec(x, (b * t, h), dev)?,
        mask: Tensor::from_vec(mask, (b, 1, 1, t), dev)?,
        keep: Tensor::from_vec(keep, (b, t, 1), dev)?,
        lens: Tensor::from_vec(lens, (b, 1), dev)?,
        b,
        t,
    })
}

/// Small deterministic shuffle (xorshift), so a seed reproduces a run.
fn shuffle(items: &mut [usize], seed: &mut u64) {
    for i in (1..items.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        items.swap(i, (*seed % (i as u64 + 1)) as usize);
    }
}

/// Progress of [`fine_tune`]: (epoch, sentences done in it, sentences per epoch, mean loss so far).
pub type TuneProgress<'a> = &'a mut dyn FnMut(usize, usize, usize, f32);

/// Fine-tunes the top `opts.layers` layers of `model` to tell `labels` (0..classes) apart and
/// returns the tuned model; `model` itself is unchanged.
pub fn fine_tune(
    model: &SentenceEncoder,
    texts: &[&str],
    labels: &[usize],
    classes: usize,
    opts: &FineTuneOptions,
    progress: TuneProgress,
) -> Result<SentenceEncoder, EmbedError> {
    if texts.is_empty() {
        return Err(err("no sentences to learn from"));
    }
    if texts.len() != labels.len() || labels.iter().any(|&l| l >= classes) {
        return Err(err("every text needs a label below the class count"));
    }
    if !model.is_bert() {
        return Err(err(
            "fine-tuning supports BERT encoders such as MiniLM; this model is MPNet",
        ));
    }
    let n = model.layer_count();
    if opts.layers == 0 || opts.layers > n {
        return Err(err(format!(
            "the model has {n} layers: tune 1 to {n} of them, not {}",
            opts.layers
        )));
    }
    if opts.epochs == 0 || opts.batch == 0 {
        return Err(err("epochs and batch size must be at least 1"));
    }
    let finite_positive = |x: f64| x.is_finite() && x > 0.0;
    if !finite_positive(opts.lr) || !finite_positive(opts.head_lr) {
        return Err(err(format!(
            "learning rates must be positive numbers, not {} and {}",
            opts.lr, opts.head_lr
        )));
    }
    let dev = Device::Cpu;
    let ids = model.token_ids(texts)?;
    let frozen = n - opts.layers;
    let h = model.dim();
    let states = model.states(&ids, frozen)?;
    let mut map = candle_core::safetensors::load(model.weights_path(), &dev).map_err(err)?;
    let prefix = if map.contains_key("embeddings.word_embeddings.weight") {
        ""
    } else {
        "bert."
    };
    let layers: Vec<TopLayer> = (frozen..model.layer_count())
        .map(|i| TopLayer::load(&map, prefix, i))
        .collect::<Result<_, _>>()?;
    let heads = model.heads();
    // The head starts at each label's mean embedding: training refines rather than discovers.
    let initial = model.embed(texts)?;
    let mut centroids = vec![0f32; classes * h];
    for (v, &l) in initial.iter().zip(labels) {
        centroids[l * h..(l + 1) * h]
            .iter_mut()
            .zip(v)
            .for_each(|(c, x)| *c += x);
    }
    let head = Var::from_tensor(&Tensor::from_vec(centroids, (classes, h), &dev).map_err(err)?)
        .map_err(err)?;
    let vars: Vec<Var> = layers.iter().flat_map(TopLayer::vars).collect();
    let params = |lr| ParamsAdamW {
        lr,
        weight_decay: 0.01,
        ..Default::default()
    };
    let mut opt = AdamW::new(vars, params(opts.lr)).map_err(err)?;
    let mut head_opt = AdamW::new(vec![head.clone()], params(opts.head_lr)).map_err(err)?;
    let steps_per_epoch = texts.len().div_ceil(opts.batch);
    let total_steps = (steps_per_epoch * opts.epochs).max(1);
    let mut step = 0;
    let mut seed = opts.seed.max(1);
    // Vars update in place, so one step description serves every batch.
    let step_in = Step {
        layers: &layers,
        head: &head,
        states: &states,
        labels,
        h,
        heads,
        opts,
        dev: &dev,
    };
    for epoch in 0..opts.epochs {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        shuffle(&mut order, &mut seed);
        // Sort within windows of 8 batches: little padding, still mixed labels.
        let mut batches: Vec<Vec<usize>> = Vec::new();
        for window in order.chunks(opts.batch * 8) {
            let mut w = window.to_vec();
            w.sort_by_key(|&i| states[i].len());
            batches.extend(w.chunks(opts.batch).map(<[usize]>::to_vec));
        }
        let mut order_b: Vec<usize> = (0..batches.len()).collect();
        shuffle(&mut order_b, &mut seed);
        let (mut done, mut loss_sum) = (0, 0f32);
        for (n, &bi) in order_b.iter().enumerate() {
            let items = &batches[bi];
            // Linear warm-up over the first tenth, then linear decay.
            let frac = step as f64 / total_steps as f64;
            let sched = if frac < 0.1 {
                frac / 0.1
            } else {
                (1.0 - frac) / 0.9
            };
            opt.set_learning_rate(opts.lr * sched.max(0.0));
            head_opt.set_learning_rate(opts.head_lr * sched.max(0.0));
            let (loss, grads) = step_in.run(items).map_err(err)?;
            if !loss.is_finite() {
                // Returning NaN weights would make every later embedding NaN: stop here instead.
                return Err(err(format!(
                    "training diverged (loss {loss} at epoch {epoch}); lower the learning rate (now {})",
                    opts.lr
                )));
            }
            opt.step(&grads).map_err(err)?;
            head_opt.step(&grads).map_err(err)?;
            loss_sum += loss;
            done += items.len();
            step += 1;
            progress(epoch, done, texts.len(), loss_sum / (n + 1) as f32);
        }
    }
    for layer in &layers {
        layer.store(&mut map, prefix)?;
    }
    model.with_weights(map)
}

/// What one optimisation step reads.
struct Step<'a> {
    layers: &'a [TopLayer],
    head: &'a Var,
    states: &'a [Vec<f32>],
    labels: &'a [usize],
    h: usize,
    heads: usize,
    opts: &'a FineTuneOptions,
    dev: &'a Device,
}

impl Step<'_> {
    /// Loss and gradients of the batch `items`. Its two halves run on two rayon workers and
    /// their gradients are summed (each half's loss weighted by its share of the batch): candle
    /// parallelises single ops over threads that spin at a barrier, which wastes a third of
    /// the time on two busy cores; whole half-batches keep both cores on useful work.
    fn run(&self, items: &[usize]) -> candle_core::Result<(f32, GradStore)> {
        let weight = |part: &[usize]| part.len() as f64 / items.len() as f64;
        if items.len() < 8 {
            return self.part(items, 1.0);
        }
        let (a, b) = items.split_at(items.len() / 2);
        let (first, second) = rayon::join(|| self.part(a, weight(a)), || self.part(b, weight(b)));
        let ((la, mut grads), (lb, other)) = (first?, second?);
        grads.extend(other)?;
        Ok((la + lb, grads))
    }

    fn part(&self, items: &[usize], weight: f64) -> candle_core::Result<(f32, GradStore)> {
        let bt = batch(self.states, items, self.h, self.dev)?;
        let mut x = bt.x.clone();
        for layer in self.layers {
            x = layer.forward(&x, &bt.mask, bt.b, bt.t, self.heads, self.opts.dropout)?;
        }
        let pooled = pool(&x, &bt.keep, &bt.lens, bt.b, bt.t)?;
        let logits = (pooled.matmul(&unit(self.head.as_tensor())?.t()?)? * self.opts.scale)?;
        let target: Vec<u32> = items.iter().map(|&i| self.labels[i] as u32).collect();
        let loss = (candle_nn::loss::cross_entropy(
            &logits,
            &Tensor::from_vec(target, items.len(), self.dev)?,
        )? * weight)?;
        Ok((loss.to_scalar::<f32>()?, loss.backward()?))
    }
}
