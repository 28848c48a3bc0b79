use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// One model per test binary: loading takes a moment and the tests only read it.
fn model() -> &'static SentenceEncoder {
    static MODEL: OnceLock<SentenceEncoder> = OnceLock::new();
    MODEL.get_or_init(|| SentenceEncoder::minilm().expect("MiniLM installed (scripts/models.sh)"))
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

#[test]
fn vectors_have_model_dimension_and_unit_norm() {
    let m = model();
    let out = m
        .embed(&[
            "I lost my card",
            "hello",
            "What is the exchange rate for euros?",
        ])
        .unwrap();
    assert_eq!(m.dim(), 384);
    assert_eq!(out.len(), 3);
    for v in &out {
        assert_eq!(v.len(), 384);
        assert!((norm(v) - 1.0).abs() < 1e-4, "norm {}", norm(v));
    }
}

#[test]
fn paraphrases_score_higher_than_unrelated_sentences() {
    let v = model()
        .embed(&[
            "My card has not arrived yet",
            "I am still waiting for my new card to be delivered",
            "What is the weather like in Paris today?",
            "How do I reset my PIN?",
            "I forgot my card PIN number",
        ])
        .unwrap();
    let para = cosine(&v[0], &v[1]);
    let unrelated = cosine(&v[0], &v[2]);
    assert!(para > 0.6, "paraphrase similarity {para}");
    assert!(unrelated < 0.2, "unrelated similarity {unrelated}");
    assert!(cosine(&v[3], &v[4]) > cosine(&v[3], &v[2]) + 0.3);
}

#[test]
fn batching_and_reordering_do_not_change_vectors() {
    let texts = [
        "short",
        "a much longer sentence about transferring money between two accounts abroad",
        "why was I charged a fee",
        "top up",
        "can you tell me how long a bank transfer takes to arrive in my account",
    ];
    let m = model();
    let batched = m.embed(&texts).unwrap();
    let small_batches = SentenceEncoder::minilm()
        .unwrap()
        .with_batch_size(2)
        .embed(&texts)
        .unwrap();
    for (i, text) in texts.iter().enumerate() {
        let single = m.embed(&[text]).unwrap().remove(0);
        assert!(
            cosine(&single, &batched[i]) > 0.9999,
            "{text}: padding leaked into the mean"
        );
        assert!(
            cosine(&single, &small_batches[i]) > 0.9999,
            "{text}: sub-batch order mixed up"
        );
    }
}

#[test]
fn matches_reference_values_from_an_independent_implementation() {
    // First components and one similarity computed by a plain numpy BERT forward pass over the
    // same safetensors (mean pooling + L2 norm, as sentence-transformers does).
    let v = model()
        .embed(&["This is an example sentence", "Each sentence is converted"])
        .unwrap();
    let expected_first = REFERENCE_FIRST;
    for (got, want) in v[0].iter().zip(expected_first) {
        assert!((got - want).abs() < 1e-4, "got {:?}", &v[0][..4]);
    }
    assert!(
        (cosine(&v[0], &v[1]) - REFERENCE_COSINE).abs() < 1e-4,
        "{}",
        cosine(&v[0], &v[1])
    );
}

/// From a float64 numpy re-implementation of the encoder (not committed: a one-off check); they
/// also agree with the values published on the model card for this sentence.
const REFERENCE_FIRST: [f32; 4] = [0.067657, 0.063496, 0.048713, 0.079305];
const REFERENCE_COSINE: f32 = 0.404559;

#[test]
fn long_input_is_truncated_not_rejected() {
    let long = "please help me with my account ".repeat(200);
    let v = model().embed(&[&long]).unwrap();
    assert!((norm(&v[0]) - 1.0).abs() < 1e-4);
}

#[test]
fn empty_batch_gives_no_vectors() {
    assert!(model().embed(&[]).unwrap().is_empty());
}

#[test]
fn missing_model_names_path_and_fix() {
    let dir = std::env::temp_dir().join("switchboard-no-such-model");
    let err = SentenceEncoder::load(&dir)
        .err()
        .expect("loading from a missing dir fails");
    let msg = err.to_string();
    assert!(matches!(err, EmbedError::ModelUnavailable(_)));
    assert!(msg.contains("switchboard-no-such-model"), "{msg}");
    assert!(msg.contains("run scripts/models.sh"), "{msg}");
}

/// Counts how many texts reach the encoder.
struct Counting(AtomicUsize);

impl Embedder for Counting {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        self.0.fetch_add(texts.len(), Ordering::SeqCst);
        Ok(texts.iter().map(|t| vec![t.len() as f32, 1.0]).collect())
    }
    fn dim(&self) -> usize {
        2
    }
}

#[test]
fn cache_serves_repeats_without_calling_the_encoder() {
    let cached = CachedEmbedder::new(Counting(AtomicUsize::new(0)), 100);
    let first = cached.embed(&["a", "bb", "a"]).unwrap();
    assert_eq!(
        cached.inner().0.load(Ordering::SeqCst),
        2,
        "duplicate in one batch encoded once"
    );
    let second = cached.embed(&["bb", "a", "ccc"]).unwrap();
    assert_eq!(cached.inner().0.load(Ordering::SeqCst), 3);
    assert_eq!(first[0], vec![1.0, 1.0]);
    assert_eq!(first[2], first[0]);
    assert_eq!(second, vec![vec![2.0, 1.0], vec![1.0, 1.0], vec![3.0, 1.0]]);
    let stats = cached.stats();
    assert_eq!((stats.hits, stats.misses, stats.len), (2, 4, 3));
}

#[test]
fn cache_stays_within_capacity() {
    let cached = CachedEmbedder::new(Counting(AtomicUsize::new(0)), 2);
    cached.embed(&["a", "b", "c"]).unwrap();
    assert_eq!(cached.stats().len, 2);
    cached.embed(&["d"]).unwrap();
    assert_eq!(cached.stats().len, 2);
}

/// The previous encoder: candle-transformers' BertModel on one padded, masked batch.
fn candle_bert_reference(texts: &[&str]) -> Vec<Embedding> {
    use candle_core::{DType, Device, Tensor};
    use candle_transformers::models::bert::{BertModel, Config};
    let dir = models_root().join(MINILM_DIR);
    let config: Config =
        serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).unwrap()).unwrap();
    let weights = dir.join("model.safetensors");
    // SAFETY: read-only memory map of the model file, which nothing in the tests writes.
    let vb = unsafe {
        candle_nn::VarBuilder::from_mmaped_safetensors(&[&weights], DType::F32, &Device::Cpu)
    }
    .unwrap();
    let bert = BertModel::load(vb, &config).unwrap();
    let mut tokenizer = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json")).unwrap();
    tokenizer.with_padding(None);
    let encodings = tokenizer.encode_batch(texts.to_vec(), true).unwrap();
    let len = encodings.iter().map(|e| e.get_ids().len()).max().unwrap();
    let (mut ids, mut mask) = (vec![0u32; texts.len() * len], vec![0u32; texts.len() * len]);
    for (row, enc) in encodings.iter().enumerate() {
        for (col, &id) in enc.get_ids().iter().enumerate() {
            ids[row * len + col] = id;
            mask[row * len + col] = 1;
        }
    }
    let ids = Tensor::from_vec(ids, (texts.len(), len), &Device::Cpu).unwrap();
    let mask_t = Tensor::from_vec(mask.clone(), (texts.len(), len), &Device::Cpu).unwrap();
    let hidden = bert
        .forward(&ids, &ids.zeros_like().unwrap(), Some(&mask_t))
        .unwrap();
    let hidden: Vec<Vec<Vec<f32>>> = hidden.to_vec3().unwrap();
    hidden
        .iter()
        .enumerate()
        .map(|(row, tokens)| {
            let real: Vec<f32> = tokens
                .iter()
                .zip(&mask[row * len..(row + 1) * len])
                .filter(|(_, m)| **m == 1)
                .flat_map(|(t, _)| t.iter().copied())
                .collect();
            let n = (real.len() / 384) as f32;
            let mut mean: Vec<f32> = (0..384)
                .map(|d| real.iter().skip(d).step_by(384).sum::<f32>() / n)
                .collect();
            let norm = norm(&mean);
            mean.iter_mut().for_each(|v| *v /= norm);
            mean
        })
        .collect()
}

#[test]
fn padding_free_forward_matches_candle_bert_within_1e4() {
    let texts = [
        "hi",
        "I still have not received my new card, I ordered over a week ago.",
        "Why was I charged a fee for withdrawing cash?",
        "top up failed",
        "Can you tell me how long a bank transfer from the UK takes to arrive in my account, \
         and whether there is any fee for it when I send euros instead of pounds?",
        "What is the exchange rate?",
    ];
    let want = candle_bert_reference(&texts);
    for m in [
        model(),
        &SentenceEncoder::minilm().unwrap().with_batch_size(3),
    ] {
        let got = m.embed(&texts).unwrap();
        for ((text, g), w) in texts.iter().zip(&got).zip(&want) {
            let worst = g
                .iter()
                .zip(w)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(worst < 1e-4, "{text}: max abs difference {worst}");
        }
    }
}

const GROUPS: [[&str; 4]; 4] = [
    [
        "how do I reset my password",
        "forgot my password",
        "I can't log in, I lost my password",
        "change my login password",
    ],
    [
        "where is my card",
        "my card has not arrived",
        "card delivery is late",
        "when will my new card come",
    ],
    [
        "what is the exchange rate",
        "how much is a euro in dollars",
        "currency conversion rate today",
        "rate for converting pounds",
    ],
    [
        "close my account",
        "I want to delete my account",
        "how can I cancel my account",
        "shut down my account please",
    ],
];

/// Mean cosine of same-label pairs minus that of different-label pairs.
fn label_margin(vectors: &[Embedding], labels: &[usize]) -> f32 {
    let (mut same, mut ns, mut other, mut no) = (0f32, 0f32, 0f32, 0f32);
    for i in 0..vectors.len() {
        for j in i + 1..vectors.len() {
            let c = cosine(&vectors[i], &vectors[j]);
            if labels[i] == labels[j] {
                (same, ns) = (same + c, ns + 1.0);
            } else {
                (other, no) = (other + c, no + 1.0);
            }
        }
    }
    same / ns - other / no
}

#[test]
fn fine_tuning_pulls_each_labels_sentences_together_and_leaves_the_base_alone() {
    let texts: Vec<&str> = GROUPS.iter().flatten().copied().collect();
    let labels: Vec<usize> = (0..texts.len()).map(|i| i / 4).collect();
    let before = model().embed(&texts).unwrap();
    let opts = FineTuneOptions {
        layers: 1,
        epochs: 4,
        batch: 4,
        dropout: 0.0,
        lr: 3e-4,
        ..Default::default()
    };
    let mut reports = 0;
    let tuned = fine_tune(model(), &texts, &labels, 4, &opts, &mut |_, _, _, loss| {
        assert!(loss.is_finite());
        reports += 1;
    })
    .unwrap();
    assert_eq!(reports, 16, "one report per batch");
    let after = tuned.embed(&texts).unwrap();
    assert!(after.iter().all(|v| (norm(v) - 1.0).abs() < 1e-4));
    let (was, now) = (
        label_margin(&before, &labels),
        label_margin(&after, &labels),
    );
    assert!(now > was + 0.05, "margin {was} -> {now}");
    assert_eq!(
        model().embed(&texts).unwrap(),
        before,
        "the base model is unchanged"
    );
}

#[test]
fn fine_tuning_rejects_bad_labels_and_options_precisely() {
    let err = fine_tune(
        model(),
        &["a b", "c d"],
        &[0, 2],
        2,
        &FineTuneOptions::default(),
        &mut |_, _, _, _| {},
    )
    .err()
    .expect("label 2 of 2 classes");
    assert!(
        err.to_string().contains("label below the class count"),
        "{err}"
    );
    let none = |_: usize, _: usize, _: usize, _: f32| {};
    for (opts, says) in [
        (
            FineTuneOptions {
                layers: 0,
                ..Default::default()
            },
            "tune 1 to 6 of them, not 0",
        ),
        (
            FineTuneOptions {
                layers: 7,
                ..Default::default()
            },
            "tune 1 to 6 of them, not 7",
        ),
        (
            FineTuneOptions {
                epochs: 0,
                ..Default::default()
            },
            "epochs and batch size must be at least 1",
        ),
        (
            FineTuneOptions {
                lr: f64::NAN,
                ..Default::default()
            },
            "learning rates must be positive numbers, not NaN",
        ),
        (
            FineTuneOptions {
                head_lr: -1.0,
                ..Default::default()
            },
            "learning rates must be positive numbers",
        ),
    ] {
        let err = fine_tune(model(), &["a b", "c d"], &[0, 1], 2, &opts, &mut { none })
            .err()
            .expect("bad options");
        assert!(err.to_string().contains(says), "{err}");
    }
}

/// all-mpnet-base-v2 through our forward agrees with a plain numpy transcription of the
/// Hugging Face MPNet forward (f32, done once while porting): the first six components of a
/// short and of a 34-token sentence, the latter reaching the log-spaced distance buckets.
#[test]
fn mpnet_matches_the_reference_forward() {
    let m = SentenceEncoder::mpnet().expect("all-mpnet-base-v2 installed (scripts/models.sh)");
    assert_eq!(m.dim(), 768);
    let long = "Can you tell me how long an international bank transfer takes to arrive in my account, \
                and whether there is a fee when I send money abroad in another currency?";
    let v = m.embed(&["This is an example sentence", long]).unwrap();
    let want: [&[f32]; 2] = [
        &[0.022503, -0.078292, -0.023031, -0.005100, -0.080340],
        &[0.03683, -0.09183, -0.01231, 0.01069, 0.02414, 0.02776],
    ];
    for (got, want) in v.iter().zip(want) {
        assert!((norm(got) - 1.0).abs() < 1e-4);
        for (g, w) in got.iter().zip(want) {
            // f16 weight panels move components by about 1e-4.
            assert!(
                (g - w).abs() < 1.5e-3,
                "got {:?}, want {want:?}",
                &got[..want.len()]
            );
        }
    }
    let other = m.embed(&["Each sentence is converted"]).unwrap().remove(0);
    assert!((cosine(&v[0], &other) - 0.4049).abs() < 0.01);
}

#[test]
fn fine_tuning_refuses_mpnet() {
    let m = SentenceEncoder::mpnet().expect("all-mpnet-base-v2 installed (scripts/models.sh)");
    let err = fine_tune(
        &m,
        &["a b", "c d"],
        &[0, 1],
        2,
        &FineTuneOptions::default(),
        &mut |_, _, _, _| {},
    )
    .err()
    .expect("MPNet cannot be fine-tuned");
    assert!(err.to_string().contains("BERT"), "{err}");
}

/// Int8 MPNet stays close to full precision and keeps what retrieval relies on: each question's
/// nearest answer. Where AVX-512 VNNI is missing the int8 request falls back to full precision.
#[test]
fn int8_mpnet_stays_close_to_full_precision() {
    let dir = models_root().join(MPNET_DIR);
    let full =
        SentenceEncoder::load(&dir).expect("all-mpnet-base-v2 installed (scripts/models.sh)");
    let int8 = SentenceEncoder::load_with(&dir, Precision::Int8).unwrap();
    assert!(
        ["i8", full.numerics()].contains(&int8.numerics()),
        "{}",
        int8.numerics()
    );
    assert_eq!(
        full.model_id(),
        format!("all-mpnet-base-v2/{}", full.numerics())
    );
    assert_eq!(
        int8.model_id(),
        format!("all-mpnet-base-v2/{}", int8.numerics())
    );
    let questions = [
        "when does the branch open on saturday",
        "my card was stolen",
        "how do I reset my PIN",
    ];
    let answers = [
        "Branches are open 9am to 5pm on weekdays and 10am to 2pm on Saturdays.",
        "If your card is lost or stolen, freeze it in the app and order a replacement.",
        "You can change your PIN at any of our cash machines or in the app under Card settings.",
    ];
    let (qf, qi) = (
        full.embed(&questions).unwrap(),
        int8.embed(&questions).unwrap(),
    );
    let (af, ai) = (full.embed(&answers).unwrap(), int8.embed(&answers).unwrap());
    for (f, i) in qf.iter().chain(&af).zip(qi.iter().chain(&ai)) {
        assert!((norm(i) - 1.0).abs() < 1e-4);
        assert!(
            cosine(f, i) > 0.98,
            "cosine to full precision {}",
            cosine(f, i)
        );
    }
    for (n, q) in qi.iter().enumerate() {
        let best = (0..answers.len())
            .max_by(|&a, &b| cosine(q, &ai[a]).total_cmp(&cosine(q, &ai[b])))
            .unwrap();
        assert_eq!(best, n, "question {n} found answer {best}");
    }
}
