//! `switchboard analyze PATH…`: recordings through the live call pipeline, stored as calls, with
//! each call's metrics, summary and roles printed. Re-running skips what is already done.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use futures::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use switchboard_calls::{
    BatchCall, BatchOutcome, CallLimits, CallService, RolePolicy, recording_call_id,
};
use switchboard_gateway::report_wire::CallReportView;
use switchboard_transcription::{Recognizer, WhisperEngine};

use crate::config::{Config, Overrides};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// WAV recordings (16-bit PCM, μ-law or A-law; mono or stereo; any rate), or directories
    /// searched for `*.wav`.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Role of each channel, comma-separated (`customer,agent`), or `auto` to detect them from
    /// what each channel says.
    #[arg(long, default_value = "auto")]
    pub roles: String,
    /// The agent who took these calls, for dashboards and search.
    #[arg(long)]
    pub agent: Option<String>,
    /// The queue (skill, line of business) these calls came through, for dashboards.
    #[arg(long)]
    pub queue: Option<String>,
    /// Recordings analysed at once (default: one per decoder).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Print one JSON object `{"calls": [...], "errors": [...]}` instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Output {
    calls: Vec<CallReportView>,
    errors: Vec<FileError>,
}

#[derive(Serialize)]
struct FileError {
    file: String,
    error: String,
}

pub async fn run(args: Args, o: &Overrides) -> anyhow::Result<()> {
    let files = recordings(&args.paths)?;
    let policy: RolePolicy = args
        .roles
        .parse()
        .map_err(|e: String| anyhow::anyhow!("--{e}"))?;
    let config = Config::load(o)?;
    let app = crate::app::build(&config).await?;
    let (recognizer, decoders) = recognizer(&config).await?;
    let calls = CallService::new(
        app.store.clone(),
        app.bus.clone(),
        recognizer,
        app.insights.clone(),
        CallLimits::default(),
    );
    let calls = Arc::new(match config.audio_archive()? {
        Some(archive) => calls.keep_audio(archive),
        None => calls,
    });
    let bars = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
    let overall = bars.add(ProgressBar::new(files.len() as u64));
    overall.set_style(style("{msg:24} [{bar:30}] {pos}/{len} recordings ({eta})"));
    overall.set_message("analysing");
    let jobs = args.jobs.unwrap_or(decoders).max(1);
    let mut results: Vec<(usize, PathBuf, anyhow::Result<BatchOutcome>)> =
        futures::stream::iter(files.into_iter().enumerate())
            .map(|(i, path)| {
                let calls = calls.clone();
                let policy = policy.clone();
                let who = (args.agent.clone(), args.queue.clone());
                let bar = bars.add(ProgressBar::new(0));
                let overall = overall.clone();
                let bars = bars.clone();
                async move {
                    let result = analyze_one(&calls, &path, policy, who, &bar).await;
                    bar.finish_and_clear();
                    overall.inc(1);
                    let line = format!("analyze: {}: {}", path.display(), describe(&result));
                    if overall.is_hidden() {
                        eprintln!("{line}");
                    } else {
                        let _ = bars.println(line);
                    }
                    (i, path, result)
                }
            })
            .buffer_unordered(jobs)
            .collect()
            .await;
    overall.finish_and_clear();
    results.sort_by_key(|(i, _, _)| *i);
    let mut out = Output {
        calls: Vec::new(),
        errors: Vec::new(),
    };
    for (_, path, result) in results {
        let file = path.display().to_string();
        match result {
            Ok(done) => {
                let report = switchboard_calls::report(&app.store, &done.summary.call_id).await?;
                out.calls.push(CallReportView::from(report).with_file(file));
            }
            Err(e) => out.errors.push(FileError {
                file,
                error: format!("{e:#}"),
            }),
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_text(&out)?;
    }
    if !out.errors.is_empty() {
        anyhow::bail!(
            "{} of {} recording(s) could not be analysed",
            out.errors.len(),
            out.errors.len() + out.calls.len()
        );
    }
    Ok(())
}

/// Reads, identifies and analyses one file.
async fn analyze_one(
    calls: &CallService,
    path: &Path,
    roles: RolePolicy,
    (agent_id, queue): (Option<String>, Option<String>),
    bar: &ProgressBar,
) -> anyhow::Result<BatchOutcome> {
    let bytes = tokio::fs::read(path)
        .await
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let name = path.display().to_string();
    // Decoding and hashing a long file takes seconds: not on the runtime's threads.
    let (decoded, call_id) = {
        let name = name.clone();
        tokio::task::spawn_blocking(move || {
            (
                switchboard_audio::decode_wav(&bytes, &name),
                recording_call_id(&bytes),
            )
        })
        .await?
    };
    let recording = decoded?;
    bar.set_style(style("{msg:24} [{bar:30}] {pos}/{len} s ({eta})"));
    bar.set_message(short(path));
    let progress = |done_ms: u64, total_ms: u64| {
        bar.set_length(total_ms.div_ceil(1000));
        bar.set_position(done_ms / 1000);
    };
    let call = BatchCall {
        call_id,
        file_name: name.clone(),
        agent_id,
        queue,
        recording,
        roles,
    };
    calls
        .analyze(call, &progress)
        .await
        .with_context(|| format!("{name}: analysis failed"))
}

fn describe(result: &anyhow::Result<BatchOutcome>) -> String {
    match result {
        Ok(done) if done.skipped => format!("{} (done before; skipped)", done.summary.call_id),
        Ok(done) => format!(
            "{} {} with {} segments in {:.1} s (transcription {:.1} s)",
            done.summary.call_id,
            done.summary.status,
            done.summary.segments,
            done.total_time.as_secs_f64(),
            done.transcribe_time.as_secs_f64()
        ),
        Err(e) => format!("error: {e:#}"),
    }
}

/// Files named on the command line, and the `*.wav` files under named directories, sorted.
fn recordings(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).with_context(|| format!("{}", path.display()))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            if found.is_empty() {
                anyhow::bail!("{}: no .wav files in this directory", path.display());
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, found)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("wav"))
        {
            found.push(path);
        }
    }
    Ok(())
}

/// The configured engine for recordings: Whisper without partials (nobody watches them), or
/// Amazon Transcribe; and how many recordings it decodes at once.
async fn recognizer(config: &Config) -> anyhow::Result<(Arc<dyn Recognizer>, usize)> {
    if config.asr.engine != "whisper" {
        let engine = crate::asr::recognizer(config).await?.with_context(|| {
            "asr.engine is \"off\": recordings cannot be transcribed (set it to whisper or transcribe)"
        })?;
        return Ok((engine, 2));
    }
    let path = crate::asr::whisper_model(config, None)?;
    let mut cfg = crate::asr::whisper_config(&config.asr, path);
    cfg.partial_interval_ms = 0;
    cfg.early_finals = false;
    let workers = cfg.workers;
    let engine =
        tokio::task::block_in_place(|| WhisperEngine::load(cfg)).context("loading Whisper")?;
    Ok((Arc::new(engine), workers))
}

fn print_text(out: &Output) -> anyhow::Result<()> {
    for call in &out.calls {
        let v = serde_json::to_value(call)?;
        let f = |k: &str| v[k].as_f64().unwrap_or(0.0);
        println!(
            "{}  {}  {:.0} s, agent talk {:.0}%, silence {:.0} s, {} interruption(s), categories: {}",
            v["file"].as_str().unwrap_or(""),
            v["call_id"].as_str().unwrap_or(""),
            f("duration_s"),
            f("talk_ratio") * 100.0,
            f("non_talk_s"),
            v["interruptions"].as_array().map_or(0, Vec::len),
            join(&v["categories"]),
        );
        for line in v["summary"].as_array().into_iter().flatten() {
            println!(
                "    {:9} {}: {}",
                line["part"].as_str().unwrap_or(""),
                line["speaker"].as_str().unwrap_or(""),
                line["text"].as_str().unwrap_or("")
            );
        }
    }
    for e in &out.errors {
        eprintln!("error: {}", e.error);
    }
    Ok(())
}

fn join(list: &serde_json::Value) -> String {
    let items: Vec<&str> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn short(path: &Path) -> String {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if name.chars().count() > 24 {
        format!(
            "…{}",
            name.chars()
                .rev()
                .take(23)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
        )
    } else {
        name
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("static template")
        .progress_chars("=> ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_give_their_wav_files_sorted_and_an_empty_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b")).unwrap();
        for f in ["b/2.WAV", "1.wav", "notes.txt"] {
            std::fs::write(dir.path().join(f), b"x").unwrap();
        }
        let found = recordings(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(
            found,
            vec![dir.path().join("1.wav"), dir.path().join("b/2.WAV")]
        );
        let empty = tempfile::tempdir().unwrap();
        let err = recordings(&[empty.path().to_path_buf()]).unwrap_err();
        assert!(err.to_string().contains("no .wav files"), "{err}");
        assert!(recordings(&[dir.path().join("missing.wav")]).is_err());
    }
}
