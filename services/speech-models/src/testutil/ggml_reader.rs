//! Reads a whisper ggml file back the way whisper.cpp's loader walks it.

use std::collections::HashMap;

/// A ggml tensor as read back: (type id, ggml dims, raw bytes).
pub(crate) type GgmlTensor = (i32, Vec<usize>, Vec<u8>);

/// A whisper ggml file read back the way whisper.cpp's loader reads it.
pub(crate) struct GgmlFile {
    pub hparams: [i32; 11],
    pub mel_shape: (i32, i32),
    pub mel: Vec<f32>,
    pub tokens: Vec<Vec<u8>>,
    pub tensors: HashMap<String, GgmlTensor>,
}

pub(crate) fn read_ggml(bytes: &[u8]) -> GgmlFile {
    let mut pos = 0;
    let i32_at = |pos: &mut usize| {
        let v = i32::from_le_bytes(bytes[*pos..*pos + 4].try_into().unwrap());
        *pos += 4;
        v
    };
    assert_eq!(i32_at(&mut pos) as u32, 0x6767_6d6c, "magic");
    let mut hparams = [0; 11];
    hparams.iter_mut().for_each(|h| *h = i32_at(&mut pos));
    let mel_shape = (i32_at(&mut pos), i32_at(&mut pos));
    let n = (mel_shape.0 * mel_shape.1) as usize;
    let mel = bytes[pos..pos + 4 * n]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    pos += 4 * n;
    let n_tokens = i32_at(&mut pos);
    let mut tokens = Vec::new();
    for _ in 0..n_tokens {
        let len = i32_at(&mut pos) as usize;
        tokens.push(bytes[pos..pos + len].to_vec());
        pos += len;
    }
    let mut tensors = HashMap::new();
    while pos < bytes.len() {
        let (n_dims, name_len, ttype) = (i32_at(&mut pos), i32_at(&mut pos), i32_at(&mut pos));
        let ne: Vec<usize> = (0..n_dims).map(|_| i32_at(&mut pos) as usize).collect();
        let name = String::from_utf8(bytes[pos..pos + name_len as usize].to_vec()).unwrap();
        pos += name_len as usize;
        let elems: usize = ne.iter().product();
        let size = match ttype {
            0 => elems * 4,
            1 => elems * 2,
            8 => elems / 32 * 34,
            t => panic!("unexpected ggml type {t} for {name}"),
        };
        tensors.insert(name, (ttype, ne, bytes[pos..pos + size].to_vec()));
        pos += size;
    }
    GgmlFile {
        hparams,
        mel_shape,
        mel,
        tokens,
        tensors,
    }
}
