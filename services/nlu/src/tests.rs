use std::path::PathBuf;
use std::sync::OnceLock;

use switchboard_embeddings::{CachedEmbedder, EmbedError, Embedder, Embedding, SentenceEncoder};

use super::*;
use crate::eval::{LabelledRow, evaluate, read_csv};

fn banking77(file: &str) -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("../../../shared/data/banking77")
        .join(file)
}

fn minilm() -> &'static CachedEmbedder<SentenceEncoder> {
    static M: OnceLock<CachedEmbedder<SentenceEncoder>> = OnceLock::new();
    M.get_or_init(|| {
        CachedEmbedder::new(
            SentenceEncoder::minilm().expect("scripts/models.sh"),
            10_000,
        )
    })
}

const FEW: [&str; 6] = [
    "card_arrival",
    "exchange_rate",
    "lost_or_stolen_card",
    "pin_blocked",
    "top_up_failed",
    "cash_withdrawal_charge",
];

fn few_intents(file: &str) -> Vec<LabelledRow> {
    read_csv(&banking77(file))
        .unwrap()
        .into_iter()
        .filter(|r| FEW.contains(&r.label.as_str()))
        .collect()
}

fn examples(rows: &[LabelledRow]) -> Vec<TrainingExample> {
    rows.iter()
        .map(|r| TrainingExample {
            text: r.text.clone(),
            intent: r.label.clone(),
        })
        .collect()
}

/// Real encoder, real data: six BANKING77 intents, trained once for the tests that need it.
fn six_intent_model() -> &'static IntentModel {
    static M: OnceLock<IntentModel> = OnceLock::new();
    M.get_or_init(|| {
        train(
            &examples(&few_intents("train.csv")),
            minilm(),
            &TrainOptions::default(),
        )
        .unwrap()
    })
}

#[test]
fn six_banking_intents_are_classified_accurately() {
    let model = six_intent_model();
    assert_eq!(model.intents(), {
        let mut v: Vec<String> = FEW.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    });
    let test = few_intents("test.csv");
    assert_eq!(test.len(), 240);
    let texts: Vec<&str> = test.iter().map(|r| r.text.as_str()).collect();
    let vectors = minilm().embed(&texts).unwrap();
    let (mut top1, mut accepted_right) = (0, 0);
    for (row, v) in test.iter().zip(&vectors) {
        let p = model.classify(&row.text, v);
        top1 += usize::from(p.ranked[0].0 == row.label);
        accepted_right += usize::from(p.intent() == Some(row.label.as_str()));
    }
    let n = test.len() as f32;
    assert!(
        top1 as f32 / n >= 0.95,
        "top-1 accuracy {}",
        top1 as f32 / n
    );
    assert!(
        accepted_right as f32 / n >= 0.9,
        "accepted and right {}",
        accepted_right as f32 / n
    );
}

#[test]
fn nonsense_and_off_topic_requests_are_rejected() {
    let model = six_intent_model();
    let texts = [
        "What's the weather going to be like in Paris tomorrow?",
        "sing me a song about pirates",
        "asdf qwerty zxcv",
    ];
    let vectors = minilm().embed(&texts).unwrap();
    for (t, v) in texts.iter().zip(&vectors) {
        let p = model.classify(t, v);
        assert!(
            !p.in_scope,
            "{t:?} accepted as {:?} (score {}, threshold {})",
            p.ranked[0],
            p.score,
            model.calibration().threshold
        );
        assert_eq!(p.intent(), None);
    }
    let v = minilm()
        .embed(&["my new card still hasn't arrived"])
        .unwrap();
    assert_eq!(
        model
            .classify("my new card still hasn't arrived", &v[0])
            .intent(),
        Some("card_arrival")
    );
}

#[test]
fn predictions_rank_at_most_five_intents_by_probability() {
    let model = six_intent_model();
    let v = minilm()
        .embed(&["I was charged for taking out cash"])
        .unwrap();
    let p = model.classify("I was charged for taking out cash", &v[0]);
    assert_eq!(p.ranked.len(), 5);
    assert!(p.ranked.windows(2).all(|w| w[0].1 >= w[1].1));
    let sum: f32 = p.ranked.iter().map(|r| r.1).sum();
    assert!(sum <= 1.0 + 1e-4 && p.confidence == p.ranked[0].1);
    assert_eq!(p.ranked[0].0, "cash_withdrawal_charge");
}

/// A fast stand-in encoder: hashed bag of words, unit length; enough to test the plumbing.
struct Words(usize);

impl Embedder for Words {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        Ok(texts
            .iter()
            .map(|t| {
                let mut v = vec![0f32; self.0];
                for w in t.to_lowercase().split_whitespace() {
                    let h = w
                        .bytes()
                        .fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
                    v[h % self.0] += 1.0;
                }
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                v.iter().map(|x| x / n).collect()
            })
            .collect())
    }
    fn dim(&self) -> usize {
        self.0
    }
}

fn ex(text: &str, intent: &str) -> TrainingExample {
    TrainingExample {
        text: text.into(),
        intent: intent.into(),
    }
}

#[test]
fn empty_training_set_is_refused() {
    assert!(matches!(
        train(&[], &Words(32), &TrainOptions::default()),
        Err(NluError::EmptyTrainingSet)
    ));
}

#[test]
fn a_single_intent_is_refused_with_its_name() {
    let err = train(
        &[ex("hi", "greet"), ex("hello", "greet")],
        &Words(32),
        &TrainOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, NluError::SingleIntent(name) if name == "greet"),
        "{err}"
    );
}

#[test]
fn rejection_budgets_outside_zero_to_a_half_are_refused() {
    let examples = [ex("hi", "greet"), ex("bye", "bye")];
    for bad in [-0.01, 0.6, f32::NAN] {
        let opts = TrainOptions {
            max_in_scope_cost: bad,
            ..TrainOptions::default()
        };
        let err = train(&examples, &Words(32), &opts).unwrap_err();
        assert!(matches!(err, NluError::BadInScopeCost(_)), "{bad}: {err}");
        assert!(
            err.to_string()
                .starts_with(&format!("max_in_scope_cost {bad} is outside 0..=0.5")),
            "{err}"
        );
    }
    let edge = TrainOptions {
        max_in_scope_cost: 0.5,
        ..TrainOptions::default()
    };
    assert!(train(&examples, &Words(32), &edge).is_ok());
}

#[test]
fn blank_text_or_intent_is_refused_with_its_position() {
    let err = train(
        &[ex("hi", "greet"), ex("  ", "bye")],
        &Words(32),
        &TrainOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "training example 1 has an empty text");
    let err = train(
        &[ex("hi", ""), ex("bye", "bye")],
        &Words(32),
        &TrainOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        NluError::EmptyField {
            index: 0,
            field: "intent"
        }
    ));
}

/// Claims one size, returns another: a misconfigured encoder.
struct Liar;

impl Embedder for Liar {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        Ok(texts.iter().map(|_| vec![1.0, 0.0]).collect())
    }
    fn dim(&self) -> usize {
        3
    }
}

#[test]
fn embeddings_of_the_wrong_size_are_precise_errors() {
    let err = train(
        &[ex("hi", "a"), ex("bye", "b")],
        &Liar,
        &TrainOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        NluError::DimensionMismatch {
            expected: 3,
            got: 2
        }
    ));
    let model = train(
        &[ex("hello there", "greet"), ex("goodbye now", "bye")],
        &Words(16),
        &TrainOptions::default(),
    )
    .unwrap();
    let err = model.try_classify("hello", &[0.5; 8]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "embedding has 8 dimensions, the model was trained on 16"
    );
    let p = model.classify("hello", &[0.5; 8]);
    assert!(
        !p.in_scope && p.ranked.is_empty(),
        "bad input must not be answered as an intent"
    );
}

#[test]
fn tiny_bots_train_without_rejecting_anything() {
    let data = [
        ex("hello there", "greet"),
        ex("hi friend", "greet"),
        ex("goodbye now", "bye"),
        ex("see you later", "bye"),
    ];
    let model = train(&data, &Words(64), &TrainOptions::default()).unwrap();
    assert_eq!(
        model.calibration().threshold,
        f32::NEG_INFINITY,
        "too little data to calibrate"
    );
    let v = Words(64).embed(&["hello friend"]).unwrap();
    assert_eq!(
        model.classify("hello friend", &v[0]).intent(),
        Some("greet")
    );
}

fn write(dir: &tempfile::TempDir, name: &str, body: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn csv_problems_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.csv");
    assert!(
        read_csv(&missing)
            .unwrap_err()
            .to_string()
            .contains("nope.csv: cannot read")
    );
    let bad = write(&dir, "bad.csv", "sentence,intent\nhi,greet\n");
    let msg = read_csv(&bad).unwrap_err().to_string();
    assert!(
        msg.contains("bad.csv:1: header must start with `text,label`"),
        "{msg}"
    );
    let empty = write(&dir, "empty.csv", "text,label\n");
    assert!(
        read_csv(&empty)
            .unwrap_err()
            .to_string()
            .ends_with("empty.csv: no data rows")
    );
    let hole = write(&dir, "hole.csv", "text,category\nhi,greet\nbye,\n");
    let msg = read_csv(&hole).unwrap_err().to_string();
    assert!(
        msg.contains("hole.csv:3: row needs a non-empty text and label"),
        "{msg}"
    );
    let ok = write(&dir, "ok.csv", "text,label,extra\n\"hi, you\",greet,x\n");
    assert_eq!(
        read_csv(&ok).unwrap(),
        vec![LabelledRow {
            text: "hi, you".into(),
            label: "greet".into()
        }]
    );
}

fn rows(pairs: &[(&str, &str)]) -> Vec<LabelledRow> {
    pairs
        .iter()
        .map(|(t, l)| LabelledRow {
            text: t.to_string(),
            label: l.to_string(),
        })
        .collect()
}

#[test]
fn evaluation_counts_rejections_by_the_rules() {
    let train_rows = rows(&[
        ("hello there", "greet"),
        ("hi there", "greet"),
        ("hello friend", "greet"),
        ("goodbye now", "bye"),
        ("bye now", "bye"),
        ("goodbye friend", "bye"),
        ("weather tomorrow", "oos"),
    ]);
    let test_rows = rows(&[
        ("hello", "greet"),
        ("goodbye", "bye"),
        ("pizza recipe", "oos"),
    ]);
    let mut stages = Vec::new();
    let with = evaluate(
        &train_rows,
        &test_rows,
        &Words(64),
        Some("oos"),
        &TrainOptions::default(),
        &mut |s, _, _| stages.push(s.to_string()),
    )
    .unwrap();
    assert_eq!(
        (with.train_rows, with.intents, with.test_rows),
        (6, 2, 3),
        "oos rows are not an intent"
    );
    // Too little data to calibrate: nothing is rejected, so the OOS row is wrong.
    assert_eq!(with.oos_recall, Some(0.0));
    assert_eq!(with.oos_precision, None, "no rejections, no precision");
    assert!((with.in_scope_accuracy - 1.0).abs() < 1e-9);
    assert!((with.accuracy - 2.0 / 3.0).abs() < 1e-9);
    assert!(
        stages.iter().any(|s| s == "training") && stages.iter().any(|s| s == "embedding test set")
    );
    let defaults = TrainOptions::default();
    let without = evaluate(
        &train_rows,
        &test_rows,
        &Words(64),
        None,
        &defaults,
        &mut |_, _, _| {},
    )
    .unwrap();
    assert_eq!(
        (without.oos_recall, without.oos_precision, without.intents),
        (None, None, 3)
    );
}

/// The slower path end to end on real data: the encoder is tuned twice (calibration copy, then
/// the model), and the tuned model still classifies six BANKING77 intents as well as the fast one.
#[test]
fn fine_tuned_path_trains_calibrates_and_classifies() {
    let base = SentenceEncoder::minilm().expect("scripts/models.sh");
    let tune = switchboard_embeddings::FineTuneOptions {
        layers: 1,
        epochs: 1,
        ..Default::default()
    };
    let mut stages: Vec<String> = Vec::new();
    let report = crate::eval::evaluate_tuned(
        &few_intents("train.csv"),
        &few_intents("test.csv"),
        &base,
        &tune,
        None,
        &TrainOptions::default(),
        &mut |s, _, _| {
            if stages.last().is_none_or(|l| l != s) {
                stages.push(s.to_string())
            }
        },
    )
    .unwrap();
    assert_eq!(
        stages,
        [
            "fine-tuning (calibration)",
            "fine-tuning",
            "embedding test set"
        ]
    );
    assert!(
        report.top1_accuracy >= 0.95,
        "top-1 {}",
        report.top1_accuracy
    );
    assert!(
        report.accuracy >= 0.9,
        "accepted and right {}",
        report.accuracy
    );
    assert!(report.threshold.is_finite(), "a threshold was calibrated");
    let one = [TrainingExample {
        text: "hi".into(),
        intent: "greet".into(),
    }];
    let err = train_tuned(
        &one,
        &base,
        &TrainOptions::default(),
        &tune,
        &mut |_, _, _| {},
    )
    .err()
    .unwrap();
    assert!(matches!(err, NluError::SingleIntent(_)), "{err}");
}

#[test]
fn a_few_new_phrasings_reuse_the_basis_and_are_learnt() {
    let base = six_intent_model();
    let opts = TrainOptions::default();
    let mut more = examples(&few_intents("train.csv"));
    let new = "the plastic still has not shown up in my letterbox";
    more.push(ex(new, "card_arrival"));
    more.push(ex("has my plastic been posted yet", "card_arrival"));
    assert!(base.basis().covers(&more, &opts));
    let next = train_on(base.basis(), &more, minilm(), &opts).unwrap();
    assert!(Arc::ptr_eq(next.basis(), base.basis()));
    assert_eq!(next.calibration(), base.calibration());
    let test = few_intents("test.csv");
    let texts: Vec<&str> = test.iter().map(|r| r.text.as_str()).collect();
    let vectors = minilm().embed(&texts).unwrap();
    let top1 = test
        .iter()
        .zip(&vectors)
        .filter(|(row, v)| next.classify(&row.text, v).ranked[0].0 == row.label)
        .count();
    assert!(top1 as f32 / test.len() as f32 >= 0.95, "top-1 {top1}/240");
    let v = minilm().embed(&[new]).unwrap();
    assert_eq!(next.classify(new, &v[0]).intent(), Some("card_arrival"));
}

#[test]
fn a_basis_is_reused_only_for_the_same_intents_options_and_few_changes() {
    let data: Vec<TrainingExample> = (0..40)
        .map(|i| {
            if i % 2 == 0 {
                ex(&format!("hello there number {i}"), "greet")
            } else {
                ex(&format!("goodbye now number {i}"), "bye")
            }
        })
        .collect();
    let opts = TrainOptions::default();
    let model = train(&data, &Words(64), &opts).unwrap();
    let basis = model.basis();
    assert!(basis.covers(&data, &opts));
    let with = |extra: &[TrainingExample]| -> Vec<TrainingExample> {
        data.iter().chain(extra).cloned().collect()
    };
    // 5 % of 40 is two changes.
    assert!(basis.covers(
        &with(&[ex("hi again", "greet"), ex("bye again", "bye")]),
        &opts
    ));
    assert!(!basis.covers(
        &with(&[
            ex("hi again", "greet"),
            ex("bye again", "bye"),
            ex("hey", "greet")
        ]),
        &opts
    ));
    assert!(basis.covers(&data[2..], &opts), "two removed");
    assert!(!basis.covers(&data[3..], &opts), "three removed");
    let new_intent = with(&[ex("thanks a lot", "thank")]);
    assert!(!basis.covers(&new_intent, &opts));
    let stricter = TrainOptions {
        max_in_scope_cost: 0.05,
        ..opts.clone()
    };
    assert!(!basis.covers(&data, &stricter));
    let refused = train_on(basis, &new_intent, &Words(64), &opts);
    assert!(
        matches!(&refused, Err(NluError::BasisMismatch(m)) if m.contains("2 intents") && m.contains("have 3")),
        "{refused:?}"
    );
    let other_encoder = train_on(basis, &data, &Words(32), &opts);
    assert!(
        matches!(&other_encoder, Err(NluError::BasisMismatch(m)) if m.contains("64-dimensional")),
        "{other_encoder:?}"
    );
}
