//! On-disk layout: `<models_dir>/whisper/<name>/ggml-<name>[-q8_0].bin` plus `manifest.json`.

use crate::fetch::sha256_file;
use crate::{InstalledModel, ModelError, ModelName, Quantization};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `manifest.json` records for one model: one entry per installed quantization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub model: String,
    pub installs: Vec<ManifestEntry>,
}

/// One installed file and the packages it was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ManifestEntry {
    pub file: String,
    pub quantization: String,
    pub sha256: String,
    pub bytes: u64,
    pub created_at: String,
    pub sources: Vec<SourcePackage>,
}

/// A package file an install used, with the sha256 it was checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SourcePackage {
    pub package: String,
    pub version: String,
    pub filename: String,
    pub sha256: String,
}

pub(crate) fn model_dir(models_dir: &Path, name: ModelName) -> PathBuf {
    models_dir.join("whisper").join(name.as_str())
}

pub(crate) fn file_name(name: ModelName, quant: Quantization) -> String {
    match quant {
        Quantization::F16 => format!("ggml-{name}.bin"),
        Quantization::Q8_0 => format!("ggml-{name}-{quant}.bin"),
    }
}

fn manifest_path(models_dir: &Path, name: ModelName) -> PathBuf {
    model_dir(models_dir, name).join("manifest.json")
}

fn read_manifest(path: &Path) -> Result<Option<Manifest>, ModelError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ModelError::Io {
                path: path.to_path_buf(),
                source: e,
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| ModelError::Manifest {
            path: path.to_path_buf(),
            message: format!("line {}, column {}: {e}", e.line(), e.column()),
        })
}

fn to_installed(
    models_dir: &Path,
    name: ModelName,
    manifest: &Path,
    e: &ManifestEntry,
) -> Result<InstalledModel, ModelError> {
    let bad = |message: String| ModelError::Manifest {
        path: manifest.to_path_buf(),
        message,
    };
    if e.file.is_empty() || e.file.contains(['/', '\\']) || e.file.starts_with('.') {
        return Err(bad(format!(
            "file name {:?} is not a plain file name",
            e.file
        )));
    }
    let quantization = e
        .quantization
        .parse()
        .map_err(|err: ModelError| bad(err.to_string()))?;
    let source = e
        .sources
        .iter()
        .map(|s| format!("{} {}", s.package, s.version))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(InstalledModel {
        name,
        path: model_dir(models_dir, name).join(&e.file),
        sha256: e.sha256.clone(),
        bytes: e.bytes,
        quantization,
        source,
    })
}

/// Present means: the file exists with the recorded size (hashing is `verify`'s job).
fn present(m: &InstalledModel) -> bool {
    std::fs::metadata(&m.path).is_ok_and(|md| md.is_file() && md.len() == m.bytes)
}

fn installed_of(models_dir: &Path, name: ModelName) -> Result<Vec<InstalledModel>, ModelError> {
    let path = manifest_path(models_dir, name);
    let Some(manifest) = read_manifest(&path)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for e in &manifest.installs {
        let m = to_installed(models_dir, name, &path, e)?;
        if present(&m) {
            out.push(m);
        }
    }
    Ok(out)
}

/// Every installed model file, read from the manifests (files missing or cut short are left out).
pub fn list(models_dir: &Path) -> Result<Vec<InstalledModel>, ModelError> {
    let mut all = Vec::new();
    for name in ModelName::ALL {
        all.extend(installed_of(models_dir, name)?);
    }
    all.sort_by_key(|m| (m.name, m.quantization));
    Ok(all)
}

/// The installed file for `name` in the given quantization, without re-hashing it.
pub fn find_quantized(
    models_dir: &Path,
    name: ModelName,
    quant: Quantization,
) -> Option<InstalledModel> {
    installed_of(models_dir, name)
        .ok()?
        .into_iter()
        .find(|m| m.quantization == quant)
}

/// The installed file for `name`, preferring q8_0 (faster, same accuracy) over f16.
pub fn find(models_dir: &Path, name: ModelName) -> Option<InstalledModel> {
    find_quantized(models_dir, name, Quantization::Q8_0)
        .or_else(|| find_quantized(models_dir, name, Quantization::F16))
}

/// Re-hashes the file and compares it with the manifest, to catch corruption or tampering.
pub fn verify(m: &InstalledModel) -> Result<(), ModelError> {
    let actual = sha256_file(&m.path)?;
    if actual != m.sha256 {
        return Err(ModelError::ChecksumMismatch {
            what: m.path.display().to_string(),
            expected: m.sha256.clone(),
            actual,
        });
    }
    Ok(())
}

/// Adds or replaces the entry for `entry.quantization` in the model's manifest, atomically.
pub(crate) fn record(
    models_dir: &Path,
    name: ModelName,
    entry: ManifestEntry,
) -> Result<InstalledModel, ModelError> {
    let path = manifest_path(models_dir, name);
    let mut manifest = read_manifest(&path)?.unwrap_or_else(|| Manifest {
        model: name.to_string(),
        installs: Vec::new(),
    });
    manifest
        .installs
        .retain(|e| e.quantization != entry.quantization);
    manifest.installs.push(entry.clone());
    manifest
        .installs
        .sort_by(|a, b| a.quantization.cmp(&b.quantization));
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| ModelError::Manifest {
        path: path.clone(),
        message: e.to_string(),
    })?;
    crate::atomic::write_atomically(&path, |w| w.write_all(&json))?;
    to_installed(models_dir, name, &path, &entry)
}

#[cfg(test)]
mod tests;
