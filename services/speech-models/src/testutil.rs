//! Test fixtures written independently of the code under test: CTranslate2 files, archives,
//! a ggml reader, a recording `Progress` and a one-thread HTTP server.

mod ggml_reader;
mod http;

pub(crate) use ggml_reader::read_ggml;
pub(crate) use http::{index_page, serve};

use crate::Progress;
use half::f16;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;

/// Builds a CTranslate2 `model.bin` (version 6) and remembers where each variable starts.
#[derive(Default)]
pub(crate) struct Ct2Writer {
    vars: Vec<(String, Vec<u32>, u8, Vec<u8>)>,
    aliases: Vec<(String, String)>,
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&((s.len() + 1) as u16).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

impl Ct2Writer {
    pub fn f16(&mut self, name: &str, dims: &[u32], values: &[f32]) -> &mut Self {
        let data = values
            .iter()
            .flat_map(|v| f16::from_f32(*v).to_le_bytes())
            .collect();
        self.vars.push((name.into(), dims.to_vec(), 4, data));
        self
    }

    pub fn f32(&mut self, name: &str, dims: &[u32], values: &[f32]) -> &mut Self {
        let data = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.vars.push((name.into(), dims.to_vec(), 0, data));
        self
    }

    pub fn i16_scalar(&mut self, name: &str, v: i16) -> &mut Self {
        self.vars
            .push((name.into(), Vec::new(), 2, v.to_le_bytes().to_vec()));
        self
    }

    pub fn alias(&mut self, alias: &str, target: &str) -> &mut Self {
        self.aliases.push((alias.into(), target.into()));
        self
    }

    pub fn remove(&mut self, name: &str) -> &mut Self {
        self.vars.retain(|v| v.0 != name);
        self
    }

    /// (file bytes, byte offset where each variable's record starts, keyed by name)
    pub fn build(&self) -> (Vec<u8>, HashMap<String, usize>) {
        let mut out = 6u32.to_le_bytes().to_vec();
        put_str(&mut out, "WhisperSpec");
        out.extend_from_slice(&3u32.to_le_bytes());
        out.extend_from_slice(&(self.vars.len() as u32).to_le_bytes());
        let mut offsets = HashMap::new();
        for (name, dims, dtype, data) in &self.vars {
            offsets.insert(name.clone(), out.len());
            put_str(&mut out, name);
            out.push(dims.len() as u8);
            dims.iter()
                .for_each(|d| out.extend_from_slice(&d.to_le_bytes()));
            out.push(*dtype);
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(data);
        }
        out.extend_from_slice(&(self.aliases.len() as u32).to_le_bytes());
        for (a, t) in &self.aliases {
            put_str(&mut out, a);
            put_str(&mut out, t);
        }
        (out, offsets)
    }
}

/// Deterministic values in [-1, 1) from a seed.
pub(crate) fn values(seed: u32, n: usize) -> Vec<f32> {
    let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (s >> 8) as f32 / (1u32 << 23) as f32 - 1.0
        })
        .collect()
}

/// A complete miniature Whisper in CTranslate2 form: state 32, one layer each side, 80 mels,
/// and the real vocabulary sizes (51864 English-only, 51865 multilingual) so ids line up.
pub(crate) fn synthetic_whisper(multilingual: bool) -> (Ct2Writer, Vec<u8>) {
    let d = 32u32;
    let n_vocab: u32 = if multilingual { 51865 } else { 51864 };
    let mut w = Ct2Writer::default();
    let mut seed = 0;
    let mut f16v = |w: &mut Ct2Writer, name: &str, dims: &[u32]| {
        seed += 1;
        w.f16(
            name,
            dims,
            &values(seed, dims.iter().product::<u32>() as usize),
        );
    };
    f16v(&mut w, "decoder/embeddings/weight", &[n_vocab, d]);
    f16v(&mut w, "decoder/position_encodings/encodings", &[8, d]);
    f16v(&mut w, "encoder/position_encodings/encodings", &[16, d]);
    f16v(&mut w, "encoder/conv1/weight", &[d, 80, 3]);
    f16v(&mut w, "encoder/conv1/bias", &[d]);
    f16v(&mut w, "encoder/conv2/weight", &[d, d, 3]);
    f16v(&mut w, "encoder/conv2/bias", &[d]);
    for side in ["encoder", "decoder"] {
        f16v(&mut w, &format!("{side}/layer_norm/gamma"), &[d]);
        f16v(&mut w, &format!("{side}/layer_norm/beta"), &[d]);
        let l = format!("{side}/layer_0");
        let mut modules = vec![
            ("self_attention/linear_0", 3 * d, d),
            ("self_attention/linear_1", d, d),
            ("ffn/linear_0", 4 * d, d),
            ("ffn/linear_1", d, 4 * d),
        ];
        if side == "decoder" {
            modules.extend([
                ("attention/linear_0", d, d),
                ("attention/linear_1", 2 * d, d),
                ("attention/linear_2", d, d),
            ]);
        }
        for (m, rows, cols) in modules {
            f16v(&mut w, &format!("{l}/{m}/weight"), &[rows, cols]);
            f16v(&mut w, &format!("{l}/{m}/bias"), &[rows]);
        }
        let norms: &[&str] = if side == "decoder" {
            &["self_attention", "ffn", "attention"]
        } else {
            &["self_attention", "ffn"]
        };
        for n in norms {
            f16v(&mut w, &format!("{l}/{n}/layer_norm/gamma"), &[d]);
            f16v(&mut w, &format!("{l}/{n}/layer_norm/beta"), &[d]);
        }
        w.i16_scalar(&format!("{side}/num_heads"), 2);
    }
    w.i16_scalar("decoder/alignment_layer", -1);
    w.alias("decoder/projection/weight", "decoder/embeddings/weight");

    // Text tokens t0, t1, ... in byte-level form (Ġ = space); multilingual keeps an empty token last.
    let n_text = if multilingual { 50257 } else { 50256 };
    let mut vocab = String::new();
    for i in 0..n_text {
        if multilingual && i == n_text - 1 {
            vocab.push('\n');
        } else {
            vocab.push_str(&format!("Ġt{i}\n"));
        }
    }
    for i in n_text..n_vocab as usize {
        vocab.push_str(if i == n_text {
            "<|endoftext|>\n"
        } else {
            "<|special|>\n"
        });
    }
    (w, vocab.into_bytes())
}

/// Little-endian f32 `.npy` bytes (format 1.0).
pub(crate) fn npy_bytes(shape: &[usize], values: &[f32]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape = if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    };
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    values
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    out
}

pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

pub(crate) fn tar_gz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, name, *data).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

/// Records every progress call as text, e.g. "stage convert 167", "advance 3", "finish".
#[derive(Default)]
pub(crate) struct Recorder(pub Mutex<Vec<String>>);

impl Recorder {
    pub fn stages(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter_map(|s| s.strip_prefix("stage ").map(str::to_string))
            .collect()
    }
}

impl Progress for Recorder {
    fn stage(&self, name: &str, total: u64) {
        self.0.lock().unwrap().push(format!("stage {name} {total}"));
    }
    fn advance(&self, done: u64) {
        self.0.lock().unwrap().push(format!("advance {done}"));
    }
    fn finish(&self) {
        self.0.lock().unwrap().push("finish".into());
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
