//! CTranslate2 variable names → whisper.cpp tensor names, and the shapes whisper.cpp expects.

use crate::ggml::Hparams;
use std::collections::BTreeMap;

/// What to do with one CTranslate2 variable.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Mapping {
    /// A whisper.cpp tensor of the same data.
    One(String),
    /// Fused rows to split in equal parts; `None` parts are dropped (the key projection's bias,
    /// which Whisper does not have and CTranslate2 stores as zeros).
    Split(Vec<Option<String>>),
    /// Not a tensor whisper.cpp reads (options, head counts, the aliased output projection).
    Skip,
}

/// Maps one variable name; `None` means the name is not part of a Whisper model.
pub(crate) fn map_name(name: &str) -> Option<Mapping> {
    let (leaf_owner, leaf) = name.rsplit_once('/')?;
    let leaf = match leaf {
        "weight" | "gamma" => "weight",
        "bias" | "beta" => "bias",
        "encodings" => "",
        _ => return None,
    };
    if leaf.is_empty() != leaf_owner.ends_with("/position_encodings") {
        return None;
    }
    let one = |base: &str| {
        let full = if leaf.is_empty() {
            base.to_string()
        } else {
            format!("{base}.{leaf}")
        };
        Some(Mapping::One(full))
    };
    let top = match leaf_owner {
        "encoder/conv1" => return one("encoder.conv1"),
        "encoder/conv2" => return one("encoder.conv2"),
        "encoder/position_encodings" => return one("encoder.positional_embedding"),
        "encoder/layer_norm" => return one("encoder.ln_post"),
        "decoder/embeddings" => return one("decoder.token_embedding"),
        "decoder/position_encodings" => return one("decoder.positional_embedding"),
        "decoder/layer_norm" => return one("decoder.ln"),
        "decoder/projection" => return Some(Mapping::Skip),
        other => other,
    };
    // encoder/layer_N/<module>
    let (side, rest) = top.split_once("/layer_")?;
    let (n, module) = rest.split_once('/')?;
    let n: usize = n.parse().ok()?;
    if side != "encoder" && side != "decoder" {
        return None;
    }
    let p = format!("{side}.blocks.{n}");
    let named = |m: &str| format!("{p}.{m}.{leaf}");
    let keep_bias = leaf == "weight";
    Some(match (side, module) {
        (_, "self_attention/linear_0") => Mapping::Split(vec![
            Some(named("attn.query")),
            keep_bias.then(|| named("attn.key")),
            Some(named("attn.value")),
        ]),
        (_, "self_attention/linear_1") => Mapping::One(named("attn.out")),
        (_, "self_attention/layer_norm") => Mapping::One(named("attn_ln")),
        (_, "ffn/linear_0") => Mapping::One(named("mlp.0")),
        (_, "ffn/linear_1") => Mapping::One(named("mlp.2")),
        (_, "ffn/layer_norm") => Mapping::One(named("mlp_ln")),
        ("decoder", "attention/linear_0") => Mapping::One(named("cross_attn.query")),
        ("decoder", "attention/linear_1") => Mapping::Split(vec![
            keep_bias.then(|| named("cross_attn.key")),
            Some(named("cross_attn.value")),
        ]),
        ("decoder", "attention/linear_2") => Mapping::One(named("cross_attn.out")),
        ("decoder", "attention/layer_norm") => Mapping::One(named("cross_attn_ln")),
        _ => return None,
    })
}

/// Every tensor whisper.cpp's loader creates for these hparams, with its ggml shape.
pub(crate) fn expected_shapes(hp: &Hparams) -> BTreeMap<String, Vec<usize>> {
    let s = hp.n_audio_state as usize;
    let t = hp.n_text_state as usize;
    let mut m = BTreeMap::new();
    let mut put = |name: String, ne: Vec<usize>| {
        m.insert(name, ne);
    };
    put(
        "encoder.positional_embedding".into(),
        vec![s, hp.n_audio_ctx as usize],
    );
    put(
        "encoder.conv1.weight".into(),
        vec![3, hp.n_mels as usize, s],
    );
    put("encoder.conv1.bias".into(), vec![1, s]);
    put("encoder.conv2.weight".into(), vec![3, s, s]);
    put("encoder.conv2.bias".into(), vec![1, s]);
    put("encoder.ln_post.weight".into(), vec![s]);
    put("encoder.ln_post.bias".into(), vec![s]);
    put(
        "decoder.positional_embedding".into(),
        vec![t, hp.n_text_ctx as usize],
    );
    put(
        "decoder.token_embedding.weight".into(),
        vec![t, hp.n_vocab as usize],
    );
    put("decoder.ln.weight".into(), vec![t]);
    put("decoder.ln.bias".into(), vec![t]);
    let mut block = |p: String, d: usize, cross: bool| {
        put(format!("{p}.mlp_ln.weight"), vec![d]);
        put(format!("{p}.mlp_ln.bias"), vec![d]);
        put(format!("{p}.mlp.0.weight"), vec![d, 4 * d]);
        put(format!("{p}.mlp.0.bias"), vec![4 * d]);
        put(format!("{p}.mlp.2.weight"), vec![4 * d, d]);
        put(format!("{p}.mlp.2.bias"), vec![d]);
        let attns: &[&str] = if cross {
            &["attn", "cross_attn"]
        } else {
            &["attn"]
        };
        for a in attns {
            put(format!("{p}.{a}_ln.weight"), vec![d]);
            put(format!("{p}.{a}_ln.bias"), vec![d]);
            for proj in ["query", "key", "value", "out"] {
                put(format!("{p}.{a}.{proj}.weight"), vec![d, d]);
                if proj != "key" {
                    put(format!("{p}.{a}.{proj}.bias"), vec![d]);
                }
            }
        }
    };
    for i in 0..hp.n_audio_layer {
        block(format!("encoder.blocks.{i}"), s, false);
    }
    for i in 0..hp.n_text_layer {
        block(format!("decoder.blocks.{i}"), t, true);
    }
    m
}

/// whisper.cpp's quantize tool: every 2-D tensor except conv biases and positional embeddings.
pub(crate) fn is_quantized(name: &str, ne: &[usize]) -> bool {
    ne.len() == 2
        && !matches!(
            name,
            "encoder.conv1.bias"
                | "encoder.conv2.bias"
                | "encoder.positional_embedding"
                | "decoder.positional_embedding"
        )
}

/// Tensors whisper.cpp creates as f32 regardless of the file type: 1-D, conv biases, positions.
pub(crate) fn is_f32(name: &str, ne: &[usize]) -> bool {
    ne.len() == 1 || (ne.len() == 2 && !is_quantized(name, ne))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Option<Mapping> {
        Some(Mapping::One(s.to_string()))
    }

    #[test]
    fn maps_top_level_and_layer_names() {
        assert_eq!(map_name("encoder/conv2/bias"), one("encoder.conv2.bias"));
        assert_eq!(
            map_name("encoder/position_encodings/encodings"),
            one("encoder.positional_embedding")
        );
        assert_eq!(
            map_name("encoder/layer_norm/gamma"),
            one("encoder.ln_post.weight")
        );
        assert_eq!(
            map_name("decoder/embeddings/weight"),
            one("decoder.token_embedding.weight")
        );
        assert_eq!(
            map_name("encoder/layer_3/ffn/linear_1/weight"),
            one("encoder.blocks.3.mlp.2.weight")
        );
        assert_eq!(
            map_name("decoder/layer_0/attention/layer_norm/beta"),
            one("decoder.blocks.0.cross_attn_ln.bias")
        );
        assert_eq!(
            map_name("decoder/layer_1/attention/linear_2/bias"),
            one("decoder.blocks.1.cross_attn.out.bias")
        );
        assert_eq!(map_name("decoder/projection/weight"), Some(Mapping::Skip));
    }

    #[test]
    fn fused_projections_split_and_key_bias_is_dropped() {
        let q = |s: &str| Some(s.to_string());
        assert_eq!(
            map_name("encoder/layer_0/self_attention/linear_0/weight"),
            Some(Mapping::Split(vec![
                q("encoder.blocks.0.attn.query.weight"),
                q("encoder.blocks.0.attn.key.weight"),
                q("encoder.blocks.0.attn.value.weight")
            ]))
        );
        assert_eq!(
            map_name("encoder/layer_0/self_attention/linear_0/bias"),
            Some(Mapping::Split(vec![
                q("encoder.blocks.0.attn.query.bias"),
                None,
                q("encoder.blocks.0.attn.value.bias")
            ]))
        );
        assert_eq!(
            map_name("decoder/layer_2/attention/linear_1/bias"),
            Some(Mapping::Split(vec![
                None,
                q("decoder.blocks.2.cross_attn.value.bias")
            ]))
        );
    }

    #[test]
    fn unknown_names_are_not_mapped() {
        assert_eq!(map_name("encoder/layer_0/attention/linear_0/weight"), None); // encoder has no cross-attention
        assert_eq!(map_name("decoder/layer_x/ffn/linear_0/weight"), None);
        assert_eq!(map_name("encoder/conv1/scale"), None);
    }

    #[test]
    fn tiny_has_the_loaders_tensor_count() {
        let hp = Hparams {
            n_vocab: 51864,
            n_audio_ctx: 1500,
            n_audio_state: 384,
            n_audio_head: 6,
            n_audio_layer: 4,
            n_text_ctx: 448,
            n_text_state: 384,
            n_text_head: 6,
            n_text_layer: 4,
            n_mels: 80,
        };
        // whisper.cpp: 11 top-level + 15 per encoder layer + 24 per decoder layer.
        assert_eq!(expected_shapes(&hp).len(), 11 + 15 * 4 + 24 * 4);
    }
}
