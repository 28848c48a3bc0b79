//! CTranslate2 Whisper → whisper.cpp ggml, optionally q8_0, written atomically with its checksum.

use crate::atomic::write_atomically;
use crate::ct2::{self, Variable};
use crate::ggml::{self, Data, Hparams, Tensor};
use crate::hparams::{check_tied_projection, hparams};
use crate::mapping::{self, Mapping};
use crate::quant::{QK8_0, quantize_q8_0};
use crate::{Ct2Input, MelFilters, ModelError, Progress, Quantization, vocab};
use std::path::Path;

/// What a conversion wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub hparams: Hparams,
    pub tensors: usize,
    pub text_tokens: usize,
    pub bytes: u64,
    pub sha256: String,
}

/// Converts a CTranslate2 Whisper model to the ggml file whisper.cpp loads, at `out`.
///
/// The file appears at `out` only when complete (temp file + rename), so an interrupted run
/// never leaves something that looks like a model. Stages reported, counted in tensors:
/// "convert", "quantize" (q8_0 only), "write".
pub fn convert_ct2(
    input: &Ct2Input<'_>,
    mel: &MelFilters,
    out: &Path,
    quant: Quantization,
    progress: &dyn Progress,
) -> Result<Converted, ModelError> {
    let label = format!("{}/model.bin", input.label);
    let model = ct2::parse(input.model_bin, &label)?;
    if model.spec != "WhisperSpec" {
        return Err(ModelError::Ct2Unsupported {
            file: label,
            message: format!("model spec '{}', expected WhisperSpec", model.spec),
        });
    }
    let hp = hparams(&model, &label)?;
    check_tied_projection(&model, &label)?;
    let tokens = vocab::text_tokens(input.vocabulary, &format!("{}/vocabulary.txt", input.label))?;
    // whisper.cpp puts <|endoftext|> at 50256 (English-only) or 50257 (multilingual, n_vocab >= 51865).
    let eot = if hp.n_vocab >= 51865 { 50257 } else { 50256 };
    if tokens.len() != eot {
        let message = format!(
            "{} text tokens before <|endoftext|>, but whisper.cpp expects {eot} for n_vocab {}",
            tokens.len(),
            hp.n_vocab
        );
        return Err(ModelError::Layout {
            file: label,
            message,
        });
    }
    if mel.n_mel != hp.n_mels as usize {
        let message = format!(
            "model takes {} mel bins, the filters have {}",
            hp.n_mels, mel.n_mel
        );
        return Err(ModelError::Layout {
            file: label,
            message,
        });
    }

    let expected = mapping::expected_shapes(&hp);
    progress.stage("convert", expected.len() as u64);
    let mut tensors = Vec::with_capacity(expected.len());
    for var in &model.variables {
        map_variable(var, &label, &mut tensors)?;
        progress.advance(tensors.len() as u64);
    }
    check_shapes(&tensors, &expected, &label)?;
    progress.finish();

    if quant == Quantization::Q8_0 {
        quantize_all(&mut tensors, &label, progress)?;
    }
    let ftype = match quant {
        Quantization::F16 => 1,
        // GGML_QNT_VERSION (2) * GGML_QNT_VERSION_FACTOR (1000) + GGML_FTYPE_MOSTLY_Q8_0 (7), as whisper.cpp's quantize writes.
        Quantization::Q8_0 => 2007,
    };
    progress.stage("write", tensors.len() as u64);
    let (sha256, bytes) = write_atomically(out, |w| {
        ggml::write_header(w, &hp, ftype, mel, &tokens)?;
        for (i, t) in tensors.iter().enumerate() {
            ggml::write_tensor(w, t)?;
            progress.advance(i as u64 + 1);
        }
        Ok(())
    })?;
    progress.finish();
    Ok(Converted {
        hparams: hp,
        tensors: tensors.len(),
        text_tokens: tokens.len(),
        bytes,
        sha256,
    })
}

/// Appends the whisper.cpp tensor(s) made from one CTranslate2 variable.
fn map_variable<'a>(
    var: &Variable<'a>,
    file: &str,
    out: &mut Vec<Tensor<'a>>,
) -> Result<(), ModelError> {
    let mapped = mapping::map_name(&var.name);
    let parts: Vec<(Option<String>, Variable<'a>)> = match mapped {
        Some(Mapping::Skip) => return Ok(()),
        None if var.dims.is_empty() => return Ok(()), // options such as decoder/pre_norm
        None => {
            let message = format!(
                "variable '{}' (at byte offset {}) has no whisper.cpp counterpart",
                var.name, var.offset
            );
            return Err(ModelError::Ct2Unsupported {
                file: file.to_string(),
                message,
            });
        }
        Some(Mapping::One(name)) => vec![(Some(name), var.clone())],
        Some(Mapping::Split(names)) => {
            let k = names.len();
            let mut parts = Vec::with_capacity(k);
            for (i, name) in names.into_iter().enumerate() {
                let part = var.split_rows(k, i).ok_or_else(|| ModelError::Layout {
                    file: file.to_string(),
                    message: format!(
                        "'{}' with dims {:?} cannot be split in {k} along its rows",
                        var.name, var.dims
                    ),
                })?;
                parts.push((name, part));
            }
            parts
        }
    };
    for (name, part) in parts {
        let Some(name) = name else { continue };
        let mut ne: Vec<usize> = part.dims.iter().rev().copied().collect();
        if name.starts_with("encoder.conv") && name.ends_with(".bias") {
            ne.insert(0, 1); // [d] → ggml [1, d], as whisper.cpp's converter reshapes it
        }
        let data = if mapping::is_f32(&name, &ne) {
            Data::F32(part.to_f32(file)?)
        } else {
            Data::F16(part.to_f16_bytes(file)?)
        };
        out.push(Tensor { name, ne, data });
    }
    Ok(())
}

fn check_shapes(
    tensors: &[Tensor<'_>],
    expected: &std::collections::BTreeMap<String, Vec<usize>>,
    file: &str,
) -> Result<(), ModelError> {
    let layout = |message: String| ModelError::Layout {
        file: file.to_string(),
        message,
    };
    let mut seen = std::collections::BTreeSet::new();
    for t in tensors {
        match expected.get(&t.name) {
            None => {
                return Err(layout(format!(
                    "tensor '{}' is not one whisper.cpp loads",
                    t.name
                )));
            }
            Some(ne) if *ne != t.ne => {
                return Err(layout(format!(
                    "tensor '{}' has ggml shape {:?}, whisper.cpp expects {ne:?}",
                    t.name, t.ne
                )));
            }
            Some(_) if !seen.insert(t.name.as_str()) => {
                return Err(layout(format!("tensor '{}' appears twice", t.name)));
            }
            Some(_) => {}
        }
    }
    if let Some(missing) = expected.keys().find(|k| !seen.contains(k.as_str())) {
        return Err(layout(format!(
            "no source for tensor '{missing}' ({} of {} present)",
            seen.len(),
            expected.len()
        )));
    }
    Ok(())
}

fn quantize_all(
    tensors: &mut [Tensor<'_>],
    file: &str,
    progress: &dyn Progress,
) -> Result<(), ModelError> {
    let total = tensors
        .iter()
        .filter(|t| mapping::is_quantized(&t.name, &t.ne))
        .count();
    progress.stage("quantize", total as u64);
    let mut done = 0u64;
    for t in tensors
        .iter_mut()
        .filter(|t| mapping::is_quantized(&t.name, &t.ne))
    {
        if t.ne[0] % QK8_0 != 0 {
            let message = format!(
                "'{}' rows have {} values; q8_0 needs a multiple of {QK8_0}",
                t.name, t.ne[0]
            );
            return Err(ModelError::Layout {
                file: file.to_string(),
                message,
            });
        }
        let values: Vec<f32> = match &t.data {
            Data::F16(b) => b
                .chunks_exact(2)
                .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
            Data::F32(v) => v.clone(),
            Data::Q8_0(_) => continue,
        };
        t.data = Data::Q8_0(quantize_q8_0(&values));
        done += 1;
        progress.advance(done);
    }
    progress.finish();
    Ok(())
}

#[cfg(test)]
mod tests;
