//! Reader for CTranslate2 `model.bin` (binary version 6), borrowing tensor bytes from the buffer.

use crate::ModelError;
use half::{bf16, f16};
use std::borrow::Cow;

/// Element type of a CTranslate2 variable, as numbered in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    Bf16,
}

impl DType {
    fn from_id(id: u8) -> Option<DType> {
        Some(match id {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            3 => DType::I32,
            4 => DType::F16,
            5 => DType::Bf16,
            _ => return None,
        })
    }

    pub(crate) fn size(self) -> usize {
        match self {
            DType::I8 => 1,
            DType::I16 | DType::F16 | DType::Bf16 => 2,
            DType::F32 | DType::I32 => 4,
        }
    }
}

/// One named tensor; `data` points into the model buffer.
#[derive(Debug, Clone)]
pub(crate) struct Variable<'a> {
    pub name: String,
    pub dims: Vec<usize>,
    pub dtype: DType,
    pub data: &'a [u8],
    /// Byte offset of the variable's name in the file, for error messages.
    pub offset: u64,
}

impl<'a> Variable<'a> {
    /// Values as f32 (weights and norms), converting from f16/bf16.
    pub(crate) fn to_f32(&self, file: &str) -> Result<Vec<f32>, ModelError> {
        let d = self.data;
        Ok(match self.dtype {
            DType::F32 => d
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            DType::F16 => d
                .chunks_exact(2)
                .map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
            DType::Bf16 => d
                .chunks_exact(2)
                .map(|c| bf16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
            other => {
                return Err(ModelError::Ct2Unsupported {
                    file: file.to_string(),
                    message: format!(
                        "variable '{}' has integer type {other:?}; quantized CTranslate2 models are not supported, use a float16 or float32 one",
                        self.name
                    ),
                });
            }
        })
    }

    /// Values as little-endian f16 bytes: borrowed when already f16, converted otherwise.
    pub(crate) fn to_f16_bytes(&self, file: &str) -> Result<Cow<'a, [u8]>, ModelError> {
        if self.dtype == DType::F16 {
            return Ok(Cow::Borrowed(self.data));
        }
        let values = self.to_f32(file)?;
        Ok(Cow::Owned(
            values
                .iter()
                .flat_map(|v| f16::from_f32(*v).to_le_bytes())
                .collect(),
        ))
    }

    /// Part `i` of `k` equal slices along the first dimension (how fused q/k/v are stacked).
    pub(crate) fn split_rows(&self, k: usize, i: usize) -> Option<Variable<'a>> {
        let rows = *self.dims.first()?;
        if k == 0 || rows % k != 0 || i >= k {
            return None;
        }
        let part = self.data.len() / k;
        let mut dims = self.dims.clone();
        dims[0] = rows / k;
        Some(Variable {
            name: format!("{}[{i}/{k}]", self.name),
            dims,
            dtype: self.dtype,
            data: &self.data[i * part..(i + 1) * part],
            offset: self.offset,
        })
    }

    /// A rank-0 integer such as `encoder/num_heads`.
    pub(crate) fn scalar_int(&self, file: &str) -> Result<i64, ModelError> {
        let d = self.data;
        let v = match (self.dtype, d.len()) {
            (DType::I8, 1) => i64::from(d[0] as i8),
            (DType::I16, 2) => i64::from(i16::from_le_bytes([d[0], d[1]])),
            (DType::I32, 4) => i64::from(i32::from_le_bytes([d[0], d[1], d[2], d[3]])),
            _ => {
                return Err(ModelError::Ct2Unsupported {
                    file: file.to_string(),
                    message: format!(
                        "variable '{}' should be an integer scalar, found {:?} with dims {:?}",
                        self.name, self.dtype, self.dims
                    ),
                });
            }
        };
        Ok(v)
    }
}

/// A parsed `model.bin`.
#[derive(Debug)]
pub(crate) struct Ct2Model<'a> {
    pub spec: String,
    pub variables: Vec<Variable<'a>>,
    /// (alias, target) pairs, e.g. the output projection sharing the token embedding.
    pub aliases: Vec<(String, String)>,
}

impl<'a> Ct2Model<'a> {
    pub(crate) fn get(&self, name: &str) -> Option<&Variable<'a>> {
        self.variables.iter().find(|v| v.name == name)
    }
}

struct Cursor<'a, 'f> {
    buf: &'a [u8],
    pos: usize,
    file: &'f str,
}

impl<'a> Cursor<'a, '_> {
    fn err(&self, offset: usize, message: String) -> ModelError {
        ModelError::Ct2Format {
            file: self.file.to_string(),
            offset: offset as u64,
            message,
        }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], ModelError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        match end {
            Some(end) => {
                let s = &self.buf[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(self.err(
                self.pos,
                format!(
                    "expected {n} bytes of {what}, but the file ends after {} (truncated?)",
                    self.buf.len() - self.pos
                ),
            )),
        }
    }

    fn u8(&mut self, what: &str) -> Result<u8, ModelError> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, ModelError> {
        let b = self.take(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &str) -> Result<u32, ModelError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// u16 length including the trailing NUL, then the bytes.
    fn string(&mut self, what: &str) -> Result<String, ModelError> {
        let at = self.pos;
        let len = usize::from(self.u16(what)?);
        let bytes = self.take(len, what)?;
        let Some((&0, text)) = bytes.split_last() else {
            return Err(self.err(
                at,
                format!("{what}: string of length {len} is not NUL-terminated"),
            ));
        };
        String::from_utf8(text.to_vec()).map_err(|_| self.err(at + 2, format!("{what}: not UTF-8")))
    }
}

/// Parses a whole `model.bin`; every error names the byte offset where reading failed.
pub(crate) fn parse<'a>(buf: &'a [u8], file: &str) -> Result<Ct2Model<'a>, ModelError> {
    let mut c = Cursor { buf, pos: 0, file };
    let version = c.u32("binary version")?;
    if version != 6 {
        return Err(ModelError::Ct2Unsupported {
            file: file.to_string(),
            message: format!("binary version {version}; this converter reads version 6"),
        });
    }
    let spec = c.string("model spec name")?;
    let _revision = c.u32("spec revision")?;
    let n_vars = c.u32("variable count")?;
    let mut variables = Vec::with_capacity(n_vars.min(4096) as usize);
    for i in 0..n_vars {
        let offset = c.pos as u64;
        let name = c.string(&format!("name of variable {i}"))?;
        let rank = c.u8(&format!("rank of '{name}'"))?;
        let mut dims = Vec::with_capacity(usize::from(rank));
        for _ in 0..rank {
            dims.push(c.u32(&format!("dims of '{name}'"))? as usize);
        }
        let dtype_at = c.pos;
        let id = c.u8(&format!("dtype of '{name}'"))?;
        let dtype = DType::from_id(id).ok_or_else(|| {
            c.err(
                dtype_at,
                format!("'{name}': unknown dtype id {id} (expected 0..=5)"),
            )
        })?;
        let n_bytes_at = c.pos;
        let n_bytes = c.u32(&format!("byte count of '{name}'"))? as usize;
        let expected = dims
            .iter()
            .try_fold(dtype.size(), |acc, &d| acc.checked_mul(d));
        if expected != Some(n_bytes) {
            return Err(c.err(
                n_bytes_at,
                format!("'{name}': dims {dims:?} of {dtype:?} need {expected:?} bytes, the file says {n_bytes}"),
            ));
        }
        let data = c.take(n_bytes, &format!("data of '{name}'"))?;
        variables.push(Variable {
            name,
            dims,
            dtype,
            data,
            offset,
        });
    }
    let n_aliases = c.u32("alias count")?;
    let mut aliases = Vec::new();
    for i in 0..n_aliases {
        let alias = c.string(&format!("alias {i}"))?;
        let target = c.string(&format!("target of alias '{alias}'"))?;
        aliases.push((alias, target));
    }
    if c.pos != buf.len() {
        return Err(c.err(
            c.pos,
            format!(
                "{} unexpected bytes after the alias table",
                buf.len() - c.pos
            ),
        ));
    }
    Ok(Ct2Model {
        spec,
        variables,
        aliases,
    })
}

#[cfg(test)]
mod tests;
