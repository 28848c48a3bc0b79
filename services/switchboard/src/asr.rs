//! Speech recognition wiring: which engine, which model, installed when missing.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use speech_models::{InstallOptions, ModelName, Quantization};
use switchboard_transcription::whisper::Effort;
use switchboard_transcription::{Recognizer, WhisperConfig, WhisperEngine};
use transcribe_aws::{TranscribeConfig, TranscribeRecognizer};

use crate::config::{AsrConfig, Config};
use crate::progress::ModelProgress;

/// The configured engine, or `None` when call transcription is off.
pub async fn recognizer(config: &Config) -> anyhow::Result<Option<Arc<dyn Recognizer>>> {
    match config.asr.engine.as_str() {
        "off" => Ok(None),
        "whisper" => {
            let model = whisper_model(config, None)?;
            let engine = tokio::task::block_in_place(|| {
                WhisperEngine::load(whisper_config(&config.asr, model))
            })?;
            Ok(Some(Arc::new(engine)))
        }
        "transcribe" => {
            let mut cfg = TranscribeConfig::new(
                config.asr.transcribe_region.clone(),
                config.asr.transcribe_language.clone(),
            );
            cfg.endpoint_url = config.asr.transcribe_endpoint.clone();
            let engine = TranscribeRecognizer::new(cfg)
                .await
                .context("starting Amazon Transcribe")?;
            Ok(Some(Arc::new(engine)))
        }
        other => {
            anyhow::bail!("asr.engine = {other:?}: expected \"whisper\", \"transcribe\" or \"off\"")
        }
    }
}

/// The Whisper engine settings from configuration, for a model file.
pub fn whisper_config(asr: &AsrConfig, model: PathBuf) -> WhisperConfig {
    let mut cfg = WhisperConfig::new(model);
    if asr.workers > 0 {
        cfg.workers = asr.workers;
    }
    cfg.final_effort = if asr.beam_size <= 1 {
        Effort::Greedy
    } else {
        Effort::Beam(asr.beam_size)
    };
    cfg.partial_interval_ms = asr.partial_interval_ms;
    cfg.vad.min_silence_ms = asr.min_silence_ms;
    cfg.early_finals = asr.early_finals;
    cfg.vad.silence_dbfs = asr.silence_dbfs;
    cfg
}

/// The model file to load: `name` (else the configured model), installed first when missing.
pub fn whisper_model(config: &Config, name: Option<&str>) -> anyhow::Result<PathBuf> {
    let name: ModelName = name.unwrap_or(&config.asr.model).parse()?;
    let quantize: Quantization = config.asr.quantize.parse()?;
    if let Some(found) = speech_models::find_quantized(&config.models_dir, name, quantize) {
        return Ok(found.path);
    }
    tracing::info!(model = %name, %quantize, "Whisper model not installed yet: installing it");
    let installed = install(config, name, quantize, false)?;
    Ok(installed.path)
}

/// Installs a model with progress bars on the terminal.
pub fn install(
    config: &Config,
    name: ModelName,
    quantize: Quantization,
    force: bool,
) -> anyhow::Result<speech_models::InstalledModel> {
    let opts = InstallOptions {
        quantize,
        index_url: config.asr.pypi_index.clone(),
        force,
    };
    let progress = ModelProgress::new();
    let installed = tokio::task::block_in_place(|| {
        speech_models::install(name, &config.models_dir, &opts, &progress)
    })
    .with_context(|| format!("installing Whisper {name} ({quantize})"))?;
    Ok(installed)
}
