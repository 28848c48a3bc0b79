//! `switchboard transcribe FILE.wav`: a recording to a speaker-labelled transcript.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use switchboard_transcription::whisper::BatchProgress;
use switchboard_transcription::{Segment, Speaker, WhisperEngine};

use crate::config::{Config, Overrides};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A 16-bit PCM WAV file, mono or stereo, at any rate from 4 to 192 kHz.
    pub file: PathBuf,
    /// Whisper model (`tiny.en`, `base`); the configured one by default.
    #[arg(long)]
    pub model: Option<String>,
    /// Role of each channel, comma-separated (default: `customer,agent` for stereo, `customer` for mono).
    #[arg(long, value_delimiter = ',')]
    pub roles: Vec<String>,
    /// Print one JSON object instead of text lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Output<'a> {
    file: String,
    seconds: f64,
    decode_seconds: f64,
    segments: &'a [Segment],
}

pub async fn run(args: Args, o: &Overrides) -> anyhow::Result<()> {
    let config = Config::load(o)?;
    let recording = switchboard_audio::read_wav(&args.file)?;
    let roles = roles(&args.roles, recording.channels.len())?;
    let engine = load_engine(&config, args.model.as_deref())?;
    let bar = Bar::new(recording.seconds());
    let started = Instant::now();
    let segments = engine
        .transcribe_recording(&recording, &roles, &bar)
        .await?;
    bar.0.finish_and_clear();
    let decode_seconds = started.elapsed().as_secs_f64();
    if args.json {
        let out = Output {
            file: args.file.display().to_string(),
            seconds: recording.seconds(),
            decode_seconds,
            segments: &segments,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for s in &segments {
            println!(
                "[{} – {}] {}: {}",
                clock(s.start_ms),
                clock(s.end_ms),
                s.speaker.as_str(),
                s.text
            );
        }
        eprintln!(
            "{:.1} s of audio in {decode_seconds:.1} s (real-time factor {:.3})",
            recording.seconds(),
            decode_seconds / recording.seconds().max(1e-9)
        );
    }
    Ok(())
}

/// Loads Whisper for batch work (installing the model when missing), without partials.
pub fn load_engine(config: &Config, model: Option<&str>) -> anyhow::Result<WhisperEngine> {
    let path = crate::asr::whisper_model(config, model)?;
    let mut cfg = crate::asr::whisper_config(&config.asr, path);
    cfg.partial_interval_ms = 0;
    // One recording at a time: one decoder using every core beats one core per decoder here,
    // because most recordings are a single utterance after merging.
    let cores = cfg.workers * cfg.threads_per_worker;
    cfg.workers = 1;
    cfg.threads_per_worker = (cores / cfg.workers).max(1);
    tokio::task::block_in_place(|| WhisperEngine::load(cfg)).context("loading Whisper")
}

/// Channel roles from `--roles`, or the contact-center default for the channel count.
pub fn roles(given: &[String], channels: usize) -> anyhow::Result<Vec<Speaker>> {
    if given.is_empty() {
        return Ok(match channels {
            1 => vec![Speaker::Customer],
            2 => vec![Speaker::Customer, Speaker::Agent],
            n => anyhow::bail!("{n} channels: give one role per channel with --roles"),
        });
    }
    if given.len() != channels {
        anyhow::bail!("{} role(s) given for {channels} channel(s)", given.len());
    }
    given
        .iter()
        .map(|r| r.parse::<Speaker>().map_err(anyhow::Error::msg))
        .collect()
}

fn clock(ms: u64) -> String {
    format!("{:02}:{:04.1}", ms / 60_000, (ms % 60_000) as f64 / 1000.0)
}

/// A progress bar over seconds of speech, drawn only on a terminal.
pub struct Bar(pub ProgressBar);

impl Bar {
    pub fn new(seconds: f64) -> Self {
        let bar = ProgressBar::with_draw_target(
            Some(seconds.ceil() as u64),
            ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            ProgressStyle::with_template("transcribing [{bar:40}] {pos}/{len} s ({eta})")
                .expect("static template")
                .progress_chars("=> "),
        );
        Self(bar)
    }
}

impl BatchProgress for Bar {
    fn progress(&self, done: f64, total: f64) {
        self.0.set_length(total.ceil() as u64);
        self.0.set_position(done.floor() as u64);
    }
}
