//! Mel filter banks from openai-whisper's `mel_filters.npz` (a zip of `.npy` arrays).

use crate::ModelError;
use std::io::{Cursor, Read};

/// A mel filter bank (`n_mel` rows of `n_fft` f32), the front end whisper.cpp reads from the model file.
#[derive(Debug, Clone, PartialEq)]
pub struct MelFilters {
    pub n_mel: usize,
    pub n_fft: usize,
    pub data: Vec<f32>,
}

impl MelFilters {
    /// Reads `mel_<n_mels>` from a `mel_filters.npz`, e.g. 80 for every model up to large-v2.
    pub fn from_npz(npz: &[u8], file: &str, n_mels: usize) -> Result<MelFilters, ModelError> {
        let member = format!("mel_{n_mels}.npy");
        let label = format!("{file}!{member}");
        let mut zip = zip::ZipArchive::new(Cursor::new(npz)).map_err(|e| ModelError::Archive {
            archive: file.to_string(),
            message: format!("not a zip (.npz): {e}"),
        })?;
        let mut entry = zip.by_name(&member).map_err(|e| ModelError::Archive {
            archive: file.to_string(),
            message: format!("no {member}: {e}"),
        })?;
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| ModelError::Archive {
                archive: label.clone(),
                message: e.to_string(),
            })?;
        let (shape, data) = parse_npy_f32(&bytes, &label)?;
        match shape[..] {
            [rows, cols] if rows == n_mels => Ok(MelFilters {
                n_mel: rows,
                n_fft: cols,
                data,
            }),
            _ => Err(ModelError::Npy {
                file: label,
                message: format!("shape {shape:?}, expected ({n_mels}, n_fft)"),
            }),
        }
    }
}

/// Parses a little-endian f32, C-order `.npy` (format 1.0–3.0) into (shape, values).
pub(crate) fn parse_npy_f32(
    bytes: &[u8],
    file: &str,
) -> Result<(Vec<usize>, Vec<f32>), ModelError> {
    let err = |message: String| ModelError::Npy {
        file: file.to_string(),
        message,
    };
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(err("not a .npy file (no \\x93NUMPY magic)".into()));
    }
    let (header_len, start) = match bytes[6] {
        1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        v => return Err(err(format!("unsupported .npy format version {v}"))),
    };
    let header = bytes.get(start..start + header_len).ok_or_else(|| {
        err(format!(
            "header of {header_len} bytes runs past the end ({} bytes)",
            bytes.len()
        ))
    })?;
    let header = std::str::from_utf8(header).map_err(|_| err("header is not text".into()))?;

    let descr = dict_value(header, "descr")
        .ok_or_else(|| err(format!("no 'descr' in header {header:?}")))?;
    if descr.trim_matches(['\'', '"']) != "<f4" {
        return Err(err(format!(
            "dtype {descr}, expected '<f4' (little-endian float32)"
        )));
    }
    let fortran = dict_value(header, "fortran_order")
        .ok_or_else(|| err("no 'fortran_order' in header".into()))?;
    if fortran != "False" {
        return Err(err("Fortran-order arrays are not supported".into()));
    }
    let shape_text =
        dict_value(header, "shape").ok_or_else(|| err("no 'shape' in header".into()))?;
    let shape = shape_text
        .trim_matches(['(', ')'])
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<usize>()
                .map_err(|_| err(format!("bad shape {shape_text}")))
        })
        .collect::<Result<Vec<_>, _>>()?;

    let n: usize = shape.iter().product();
    let body = &bytes[start + header_len..];
    if body.len() != n * 4 {
        return Err(err(format!(
            "shape {shape:?} needs {} data bytes, found {}",
            n * 4,
            body.len()
        )));
    }
    let data = body
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    Ok((shape, data))
}

/// The raw text of `'key': value` in a numpy header dict; tuples are returned whole.
fn dict_value<'h>(header: &'h str, key: &str) -> Option<&'h str> {
    let at = header.find(&format!("'{key}'"))? + key.len() + 2;
    let rest = header[at..].trim_start().strip_prefix(':')?.trim_start();
    let end = if rest.starts_with('(') {
        rest.find(')')? + 1
    } else {
        rest.find([',', '}'])?
    };
    Some(rest[..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::npy_bytes;
    use std::io::Write;

    #[test]
    fn parses_header_shape_and_values() {
        let values: Vec<f32> = (0..6).map(|i| i as f32 * 0.5 - 1.0).collect();
        let (shape, data) = parse_npy_f32(&npy_bytes(&[2, 3], &values), "x.npy").unwrap();
        assert_eq!(shape, vec![2, 3]);
        assert_eq!(data, values);
        let (shape, _) = parse_npy_f32(&npy_bytes(&[4], &[1.0; 4]), "x.npy").unwrap();
        assert_eq!(shape, vec![4]);
    }

    #[test]
    fn rejects_other_dtypes_and_short_data() {
        let mut bytes = npy_bytes(&[2, 2], &[0.0; 4]);
        let mut f8 = bytes.clone();
        let at = f8.windows(3).position(|w| w == b"<f4").unwrap();
        f8[at + 2] = b'8';
        let err = parse_npy_f32(&f8, "x.npy").unwrap_err().to_string();
        assert!(err.contains("dtype '<f8', expected '<f4'"), "{err}");
        bytes.truncate(bytes.len() - 4);
        let err = parse_npy_f32(&bytes, "x.npy").unwrap_err().to_string();
        assert!(err.contains("needs 16 data bytes, found 12"), "{err}");
    }

    #[test]
    fn reads_mel_80_from_an_npz() {
        let values: Vec<f32> = (0..80 * 201).map(|i| (i % 7) as f32).collect();
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mel_80.npy", opts).unwrap();
        zip.write_all(&npy_bytes(&[80, 201], &values)).unwrap();
        let npz = zip.finish().unwrap().into_inner();
        let mel = MelFilters::from_npz(&npz, "mel_filters.npz", 80).unwrap();
        assert_eq!((mel.n_mel, mel.n_fft), (80, 201));
        assert_eq!(mel.data, values);
        let err = MelFilters::from_npz(&npz, "mel_filters.npz", 128)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no mel_128.npy"), "{err}");
    }
}
