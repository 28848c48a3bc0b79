//! The slower training path: fine-tune the encoder's top layers on the bot's own examples, then
//! train the usual ensemble on the tuned embeddings. Tuning pulls each intent's utterances
//! together, which mostly helps to tell unseen (out-of-scope) requests from known ones.
//!
//! The rejection threshold stays honest: the calibration copy's encoder is tuned only on the
//! copy's part of the split, so its held-out examples and intents are unseen by encoder and
//! classifier alike, as real out-of-scope traffic is. That is a second tuning run.

use switchboard_embeddings::{Embedder, FineTuneOptions, SentenceEncoder, fine_tune};

use crate::ensemble::Sample;
use crate::{
    Calibration, IntentModel, NluError, TrainOptions, TrainingExample, finish, label_ids, oos,
};

/// An intent model and the tuned encoder whose embeddings it must be given.
pub struct TunedModel {
    pub model: IntentModel,
    pub encoder: SentenceEncoder,
}

/// Like [`crate::train`], with `base` fine-tuned first; `progress` gets (stage, done, total).
pub fn train_tuned(
    examples: &[TrainingExample],
    base: &SentenceEncoder,
    opts: &TrainOptions,
    tune: &FineTuneOptions,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<TunedModel, NluError> {
    opts.check()?;
    let ids = label_ids(examples)?;
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let labels: Vec<usize> = examples.iter().map(|e| ids[e.intent.as_str()]).collect();
    let classes = ids.len();
    let mut tune_on = |stage: &str, texts: &[&str], labels: &[usize], classes: usize| {
        let total = texts.len() * tune.epochs;
        fine_tune(
            base,
            texts,
            labels,
            classes,
            tune,
            &mut |epoch, done, n, _loss| progress(stage, epoch * n + done, total),
        )
    };
    let calibration = if opts.detect_out_of_scope {
        let split = oos::split(&labels, classes, opts.seed);
        let fit_texts: Vec<&str> = split.fit.iter().map(|&i| texts[i]).collect();
        let fit_labels: Vec<usize> = split.fit.iter().map(|&i| split.remap[labels[i]]).collect();
        let copy = tune_on(
            "fine-tuning (calibration)",
            &fit_texts,
            &fit_labels,
            split.kept,
        )?;
        let vectors = copy.embed(&texts)?;
        oos::calibrate_split(
            &samples(&texts, &vectors, &labels),
            &split,
            opts.max_in_scope_cost,
            opts.seed,
        )?
    } else {
        Calibration::accept_all(0)
    };
    let encoder = tune_on("fine-tuning", &texts, &labels, classes)?;
    let vectors = encoder.embed(&texts)?;
    let model = finish(
        ids,
        examples,
        &samples(&texts, &vectors, &labels),
        encoder.dim(),
        calibration,
        opts,
    )?;
    Ok(TunedModel { model, encoder })
}

fn samples<'a>(texts: &[&'a str], vectors: &'a [Vec<f32>], labels: &[usize]) -> Vec<Sample<'a>> {
    texts
        .iter()
        .zip(vectors)
        .zip(labels)
        .map(|((text, embedding), &label)| Sample {
            text,
            embedding,
            label,
        })
        .collect()
}
