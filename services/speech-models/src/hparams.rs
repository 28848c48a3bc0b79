//! whisper.cpp hyper-parameters read off the CTranslate2 tensors, and the tied-projection check.

use crate::ModelError;
use crate::ct2::Ct2Model;
use crate::ggml::Hparams;

pub(crate) fn hparams(model: &Ct2Model<'_>, file: &str) -> Result<Hparams, ModelError> {
    let var = |name: &str| {
        model.get(name).ok_or_else(|| ModelError::Layout {
            file: file.to_string(),
            message: format!("missing variable '{name}'"),
        })
    };
    let dim = |name: &str, i: usize| -> Result<i32, ModelError> {
        let v = var(name)?;
        v.dims
            .get(i)
            .map(|&d| d as i32)
            .ok_or_else(|| ModelError::Layout {
                file: file.to_string(),
                message: format!(
                    "'{name}' has dims {:?}, expected at least {} dimensions",
                    v.dims,
                    i + 1
                ),
            })
    };
    let layers = |side: &str| {
        let prefix = format!("{side}/layer_");
        let max = model
            .variables
            .iter()
            .filter_map(|v| {
                v.name
                    .strip_prefix(&prefix)?
                    .split('/')
                    .next()?
                    .parse::<i32>()
                    .ok()
            })
            .max();
        max.map_or(0, |m| m + 1)
    };
    Ok(Hparams {
        n_vocab: dim("decoder/embeddings/weight", 0)?,
        n_audio_ctx: dim("encoder/position_encodings/encodings", 0)?,
        n_audio_state: dim("encoder/conv1/weight", 0)?,
        n_audio_head: var("encoder/num_heads")?.scalar_int(file)? as i32,
        n_audio_layer: layers("encoder"),
        n_text_ctx: dim("decoder/position_encodings/encodings", 0)?,
        n_text_state: dim("decoder/embeddings/weight", 1)?,
        n_text_head: var("decoder/num_heads")?.scalar_int(file)? as i32,
        n_text_layer: layers("decoder"),
        n_mels: dim("encoder/conv1/weight", 1)?,
    })
}

/// whisper.cpp computes logits with the token embedding; a separate projection would be lost.
pub(crate) fn check_tied_projection(model: &Ct2Model<'_>, file: &str) -> Result<(), ModelError> {
    const PROJ: &str = "decoder/projection/weight";
    const EMB: &str = "decoder/embeddings/weight";
    let aliased = model.aliases.iter().any(|(a, t)| a == PROJ && t == EMB);
    match model.get(PROJ) {
        Some(p) if !aliased && model.get(EMB).is_none_or(|e| e.data != p.data) => {
            Err(ModelError::Ct2Unsupported {
                file: file.to_string(),
                message: format!(
                    "'{PROJ}' (at byte offset {}) differs from '{EMB}'; whisper.cpp ties them",
                    p.offset
                ),
            })
        }
        _ => Ok(()),
    }
}
