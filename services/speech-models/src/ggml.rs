//! The legacy ggml file whisper.cpp's `whisper_model_load` reads: hparams, mel filters, vocab, tensors.

use crate::MelFilters;
use std::borrow::Cow;
use std::io::{self, Write};

/// "ggml" as whisper.cpp checks it.
const MAGIC: u32 = 0x6767_6d6c;

/// whisper.cpp's model hyper-parameters, all read from the tensors of the source model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hparams {
    pub n_vocab: i32,
    pub n_audio_ctx: i32,
    pub n_audio_state: i32,
    pub n_audio_head: i32,
    pub n_audio_layer: i32,
    pub n_text_ctx: i32,
    pub n_text_state: i32,
    pub n_text_head: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
}

/// Tensor contents in one of the three types whisper.cpp's loader accepts here.
pub(crate) enum Data<'a> {
    F32(Vec<f32>),
    /// Little-endian f16, usually borrowed straight from the CTranslate2 buffer.
    F16(Cow<'a, [u8]>),
    Q8_0(Vec<u8>),
}

impl Data<'_> {
    /// ggml type ids: GGML_TYPE_F32 = 0, GGML_TYPE_F16 = 1, GGML_TYPE_Q8_0 = 8.
    fn type_id(&self) -> i32 {
        match self {
            Data::F32(_) => 0,
            Data::F16(_) => 1,
            Data::Q8_0(_) => 8,
        }
    }
}

/// One output tensor; `ne` is in ggml order (innermost dimension first).
pub(crate) struct Tensor<'a> {
    pub name: String,
    pub ne: Vec<usize>,
    pub data: Data<'a>,
}

/// Writes the header, filters and vocabulary (everything before the tensors).
pub(crate) fn write_header(
    w: &mut impl Write,
    hp: &Hparams,
    ftype: i32,
    mel: &MelFilters,
    tokens: &[Vec<u8>],
) -> io::Result<()> {
    w.write_all(&MAGIC.to_le_bytes())?;
    for v in [
        hp.n_vocab,
        hp.n_audio_ctx,
        hp.n_audio_state,
        hp.n_audio_head,
        hp.n_audio_layer,
        hp.n_text_ctx,
        hp.n_text_state,
        hp.n_text_head,
        hp.n_text_layer,
        hp.n_mels,
        ftype,
    ] {
        w.write_all(&v.to_le_bytes())?;
    }
    w.write_all(&(mel.n_mel as i32).to_le_bytes())?;
    w.write_all(&(mel.n_fft as i32).to_le_bytes())?;
    write_f32s(w, &mel.data)?;
    w.write_all(&(tokens.len() as i32).to_le_bytes())?;
    for t in tokens {
        w.write_all(&(t.len() as u32).to_le_bytes())?;
        w.write_all(t)?;
    }
    Ok(())
}

/// Writes one tensor record: n_dims, name length, type, dims, name, data.
pub(crate) fn write_tensor(w: &mut impl Write, t: &Tensor<'_>) -> io::Result<()> {
    w.write_all(&(t.ne.len() as i32).to_le_bytes())?;
    w.write_all(&(t.name.len() as i32).to_le_bytes())?;
    w.write_all(&t.data.type_id().to_le_bytes())?;
    for &d in &t.ne {
        w.write_all(&(d as i32).to_le_bytes())?;
    }
    w.write_all(t.name.as_bytes())?;
    match &t.data {
        Data::F32(v) => write_f32s(w, v),
        Data::F16(b) => w.write_all(b),
        Data::Q8_0(b) => w.write_all(b),
    }
}

fn write_f32s(w: &mut impl Write, values: &[f32]) -> io::Result<()> {
    let mut buf = Vec::with_capacity(values.len().min(1 << 16) * 4);
    for chunk in values.chunks(1 << 16) {
        buf.clear();
        buf.extend(chunk.iter().flat_map(|v| v.to_le_bytes()));
        w.write_all(&buf)?;
    }
    Ok(())
}
