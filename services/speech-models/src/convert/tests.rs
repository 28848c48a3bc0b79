use super::*;
use crate::Ct2Files;
use crate::quant::dequantize_q8_0;
use crate::testutil::{Recorder, read_ggml, sha256_hex, synthetic_whisper, values};
use half::f16;

fn mel() -> MelFilters {
    MelFilters {
        n_mel: 80,
        n_fft: 201,
        data: values(99, 80 * 201),
    }
}

fn f16s(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(2)
        .map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32())
        .collect()
}

fn f32s(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

/// The source values of a variable as the fixture wrote them (rounded through f16).
fn source(w: &crate::testutil::Ct2Writer, name: &str) -> Vec<f32> {
    let (bytes, _) = w.build();
    let m = ct2::parse(&bytes, "src").unwrap();
    m.get(name).unwrap().to_f32("src").unwrap()
}

fn convert(
    multilingual: bool,
    quant: Quantization,
) -> (crate::testutil::Ct2Writer, Converted, Vec<u8>, Recorder) {
    let (w, vocab) = synthetic_whisper(multilingual);
    let (bin, _) = w.build();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ggml.bin");
    let rec = Recorder::default();
    let input = Ct2Input {
        label: "synthetic",
        model_bin: &bin,
        vocabulary: &vocab,
    };
    let conv = convert_ct2(&input, &mel(), &out, quant, &rec).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    (w, conv, bytes, rec)
}

#[test]
fn f16_file_has_whisper_cpp_header_vocab_and_tensors() {
    let (w, conv, bytes, rec) = convert(false, Quantization::F16);
    assert_eq!(conv.sha256, sha256_hex(&bytes));
    assert_eq!(conv.bytes, bytes.len() as u64);
    let g = read_ggml(&bytes);
    // n_vocab, audio ctx/state/head/layer, text ctx/state/head/layer, n_mels, ftype
    assert_eq!(g.hparams, [51864, 16, 32, 2, 1, 8, 32, 2, 1, 80, 1]);
    assert_eq!(g.mel_shape, (80, 201));
    assert_eq!(g.mel, mel().data);
    assert_eq!(g.tokens.len(), 50256);
    assert_eq!(g.tokens[7], b" t7");
    assert_eq!(g.tensors.len(), 11 + 15 + 24);
    assert_eq!(conv.tensors, g.tensors.len());

    let t = &g.tensors;
    assert_eq!(
        (
            t["encoder.conv1.weight"].0,
            t["encoder.conv1.weight"].1.clone()
        ),
        (1, vec![3, 80, 32])
    );
    assert_eq!(
        (t["encoder.conv1.bias"].0, t["encoder.conv1.bias"].1.clone()),
        (0, vec![1, 32])
    );
    assert_eq!(
        (
            t["encoder.positional_embedding"].0,
            t["encoder.positional_embedding"].1.clone()
        ),
        (0, vec![32, 16])
    );
    assert_eq!(
        (
            t["decoder.token_embedding.weight"].0,
            t["decoder.token_embedding.weight"].1.clone()
        ),
        (1, vec![32, 51864])
    );
    assert_eq!(t["encoder.ln_post.weight"].0, 0);
    assert_eq!(
        f32s(&t["encoder.ln_post.bias"].2),
        source(&w, "encoder/layer_norm/beta")
    );

    // Fused q,k,v split along rows; the key keeps no bias.
    let fused = source(&w, "encoder/layer_0/self_attention/linear_0/weight");
    let n = 32 * 32;
    assert_eq!(f16s(&t["encoder.blocks.0.attn.query.weight"].2), fused[..n]);
    assert_eq!(
        f16s(&t["encoder.blocks.0.attn.key.weight"].2),
        fused[n..2 * n]
    );
    assert_eq!(
        f16s(&t["encoder.blocks.0.attn.value.weight"].2),
        fused[2 * n..]
    );
    let fused_bias = source(&w, "encoder/layer_0/self_attention/linear_0/bias");
    assert_eq!(
        f32s(&t["encoder.blocks.0.attn.value.bias"].2),
        fused_bias[64..]
    );
    assert!(!t.contains_key("encoder.blocks.0.attn.key.bias"));
    let kv = source(&w, "decoder/layer_0/attention/linear_1/weight");
    assert_eq!(
        f16s(&t["decoder.blocks.0.cross_attn.value.weight"].2),
        kv[n..]
    );
    assert!(!t.contains_key("decoder.blocks.0.cross_attn.key.bias"));

    let stages = rec.stages();
    assert_eq!(
        stages,
        vec!["convert 50".to_string(), "write 50".to_string()]
    );
    assert!(rec.0.lock().unwrap().contains(&"advance 50".to_string()));
}

#[test]
fn q8_0_quantizes_matrices_only_and_marks_the_file_type() {
    let (w, _, bytes, rec) = convert(false, Quantization::Q8_0);
    let g = read_ggml(&bytes);
    assert_eq!(g.hparams[10], 2007);
    let t = &g.tensors;
    for name in [
        "decoder.token_embedding.weight",
        "encoder.blocks.0.mlp.0.weight",
        "decoder.blocks.0.cross_attn.key.weight",
    ] {
        assert_eq!(t[name].0, 8, "{name}");
    }
    assert_eq!(t["encoder.conv2.weight"].0, 1, "conv weights stay f16");
    assert_eq!(t["encoder.conv2.bias"].0, 0);
    assert_eq!(t["decoder.positional_embedding"].0, 0);
    assert_eq!(t["decoder.ln.weight"].0, 0);

    let src = source(&w, "encoder/layer_0/ffn/linear_1/weight");
    let back = dequantize_q8_0(&t["encoder.blocks.0.mlp.2.weight"].2);
    assert_eq!(back.len(), src.len());
    let max_err = src
        .iter()
        .zip(&back)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(max_err <= 1.0 / 127.0, "max error {max_err}"); // values are in [-1, 1)
    // 2 weight matrices per mlp/attn out/q/k/v in each block, plus the token embedding.
    let quantized = t.values().filter(|v| v.0 == 8).count();
    // encoder block: q, k, v, out, mlp.0, mlp.2; decoder block: those plus 4 cross-attention; token embedding.
    assert_eq!(quantized, 6 + 10 + 1);
    assert_eq!(
        rec.stages(),
        vec![
            "convert 50".to_string(),
            format!("quantize {quantized}"),
            "write 50".to_string()
        ]
    );
}

#[test]
fn multilingual_keeps_the_empty_token_at_50256() {
    let (_, conv, bytes, _) = convert(true, Quantization::F16);
    let g = read_ggml(&bytes);
    assert_eq!(g.hparams[0], 51865);
    assert_eq!(conv.text_tokens, 50257);
    assert_eq!(g.tokens[50256], b"");
    assert_eq!(g.tokens[50255], b" t50255");
}

#[test]
fn corrupt_model_names_the_offset_and_writes_nothing() {
    let (w, vocab) = synthetic_whisper(false);
    let (bin, offsets) = w.build();
    let cut_at = offsets["encoder/conv1/weight"] + 10;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ggml.bin");
    let input = Ct2Input {
        label: "pkg.whl!m",
        model_bin: &bin[..cut_at],
        vocabulary: &vocab,
    };
    let err = convert_ct2(&input, &mel(), &out, Quantization::F16, &crate::NoProgress)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("pkg.whl!m/model.bin: malformed CTranslate2 model at byte offset"),
        "{err}"
    );
    assert!(err.contains("truncated"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn missing_tensor_and_wrong_mel_bins_are_layout_errors() {
    let (mut w, vocab) = synthetic_whisper(false);
    w.remove("decoder/layer_0/attention/linear_2/bias");
    let (bin, _) = w.build();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ggml.bin");
    let input = Ct2Input {
        label: "x",
        model_bin: &bin,
        vocabulary: &vocab,
    };
    let err = convert_ct2(&input, &mel(), &out, Quantization::F16, &crate::NoProgress)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no source for tensor 'decoder.blocks.0.cross_attn.out.bias'"),
        "{err}"
    );

    let (w, vocab) = synthetic_whisper(false);
    let (bin, _) = w.build();
    let input = Ct2Input {
        label: "x",
        model_bin: &bin,
        vocabulary: &vocab,
    };
    let wrong = MelFilters {
        n_mel: 128,
        n_fft: 201,
        data: vec![0.0; 128 * 201],
    };
    let err = convert_ct2(&input, &wrong, &out, Quantization::F16, &crate::NoProgress)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("model takes 80 mel bins, the filters have 128"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn vocabulary_that_would_shift_ids_is_rejected() {
    let (w, vocab) = synthetic_whisper(false);
    let (bin, _) = w.build();
    // Dropping the first line (as a reader that skips a token would) shifts every id by one.
    let shifted = &vocab[vocab.iter().position(|&b| b == b'\n').unwrap() + 1..];
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ggml.bin");
    let input = Ct2Input {
        label: "x",
        model_bin: &bin,
        vocabulary: shifted,
    };
    let err = convert_ct2(&input, &mel(), &out, Quantization::F16, &crate::NoProgress)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("50255 text tokens before <|endoftext|>, but whisper.cpp expects 50256"),
        "{err}"
    );
}

#[test]
fn reads_a_directory_with_split_parts() {
    let (w, vocab) = synthetic_whisper(false);
    let (bin, _) = w.build();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = bin.split_at(bin.len() / 2);
    std::fs::write(dir.path().join("model.bin.part1"), a).unwrap();
    std::fs::write(dir.path().join("model.bin.part2"), b).unwrap();
    std::fs::write(dir.path().join("vocabulary.txt"), &vocab).unwrap();
    let files = Ct2Files::read_dir(dir.path()).unwrap();
    assert_eq!(files.model_bin, bin);
    let out = dir.path().join("out.bin");
    let conv = convert_ct2(
        &files.input(),
        &mel(),
        &out,
        Quantization::F16,
        &crate::NoProgress,
    )
    .unwrap();
    assert_eq!(conv.hparams.n_vocab, 51864);
}
