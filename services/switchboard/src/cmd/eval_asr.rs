//! `switchboard eval asr`: word error rate and real-time factor on a manifest of recordings.
//!
//! Scoring normalises both sides as Whisper's English normaliser does and then counts every digit
//! as a word, so "five five", "55" and "5 5" agree. Keep the interface stable: accuracy on audio
//! the team has not seen is checked through it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;

use crate::cmd::transcribe::{Bar, load_engine, roles};
use crate::config::{Config, Overrides};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Tab-separated file with a header and columns `file` and `reference_text` (others ignored;
    /// paths relative to the manifest).
    #[arg(long)]
    pub manifest: PathBuf,
    /// Whisper model (`tiny.en`, `base`); the configured one by default.
    #[arg(long)]
    pub model: Option<String>,
    /// Print one JSON object: `wer`, `rtf`, and `files` with the raw hypotheses.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct FileResult {
    file: String,
    reference: String,
    hypothesis: String,
    wer: f64,
    /// Length of the recording.
    seconds: f64,
    /// Time spent transcribing it.
    decode_seconds: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    wer: f64,
    rtf: f64,
    files: Vec<FileResult>,
}

pub async fn run(args: Args, o: &Overrides) -> anyhow::Result<()> {
    let config = Config::load(o)?;
    let rows = read_manifest(&args.manifest)?;
    let engine = load_engine(&config, args.model.as_deref())?;
    let (mut total, mut audio, mut busy) = (wer::Score::default(), 0.0, 0.0);
    let mut files = Vec::new();
    for (file, reference) in rows {
        let path = args.manifest.parent().unwrap_or(Path::new(".")).join(&file);
        let recording = switchboard_audio::read_wav(&path)?;
        let roles = roles(&[], recording.channels.len()).with_context(|| file.clone())?;
        let bar = Bar::new(recording.seconds());
        let started = Instant::now();
        let segments = engine
            .transcribe_recording(&recording, &roles, &bar)
            .await
            .with_context(|| file.clone())?;
        let decode_seconds = started.elapsed().as_secs_f64();
        bar.0.finish_and_clear();
        let hypothesis = segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let score = wer::score(&reference, &hypothesis);
        total.add(&score);
        audio += recording.seconds();
        busy += decode_seconds;
        if !args.json {
            println!(
                "{:>6.1}% WER  RTF {:.3}  {file}",
                score.wer() * 100.0,
                decode_seconds / recording.seconds().max(1e-9)
            );
        }
        files.push(FileResult {
            file,
            reference,
            hypothesis,
            wer: score.wer(),
            seconds: recording.seconds(),
            decode_seconds,
        });
    }
    let report = Report {
        wer: total.wer(),
        rtf: busy / audio.max(1e-9),
        files,
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "overall: WER {:.2}% ({} errors / {} reference words), real-time factor {:.3} ({:.1} s for {:.1} s of audio)",
            report.wer * 100.0,
            total.errors,
            total.reference_words,
            report.rtf,
            busy,
            audio
        );
    }
    Ok(())
}

/// Reads `file` and `reference_text` by header name from a TSV manifest.
fn read_manifest(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines
        .next()
        .with_context(|| format!("{}: empty manifest", path.display()))?;
    let columns: Vec<&str> = header.split('\t').map(str::trim).collect();
    let find = |name: &str| {
        columns.iter().position(|c| *c == name).with_context(|| {
            format!(
                "{}: no `{name}` column in the header (found: {})",
                path.display(),
                columns.join(", ")
            )
        })
    };
    let (file_col, ref_col) = (find("file")?, find("reference_text")?);
    lines
        .map(|(i, line)| {
            let cells: Vec<&str> = line.split('\t').collect();
            let cell = |c: usize| {
                cells.get(c).map(|s| s.trim().to_string()).with_context(|| {
                    format!("{}:{}: missing column {}", path.display(), i + 1, c + 1)
                })
            };
            Ok((cell(file_col)?, cell(ref_col)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_read_by_header_and_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.tsv");
        std::fs::write(
            &path,
            "seconds\tfile\treference_text\n1.0\ta.wav\thello world\n\n2.0\tb.wav\tbye\n",
        )
        .unwrap();
        assert_eq!(
            read_manifest(&path).unwrap(),
            vec![
                ("a.wav".into(), "hello world".into()),
                ("b.wav".into(), "bye".into())
            ]
        );
        std::fs::write(&path, "file\ttext\na.wav\thi\n").unwrap();
        assert!(
            read_manifest(&path)
                .unwrap_err()
                .to_string()
                .contains("no `reference_text` column")
        );
        std::fs::write(&path, "file\treference_text\na.wav\n").unwrap();
        assert!(
            read_manifest(&path)
                .unwrap_err()
                .to_string()
                .contains("m.tsv:2: missing column 2")
        );
    }
}
