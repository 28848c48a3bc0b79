//! Scores transcripts from any engine with the scorer `switchboard eval asr` uses (Whisper's
//! English normaliser, then digits split), so faster-whisper and Switchboard are compared on one
//! ruler. Input: a JSON file, either `[{file, reference, hypothesis, seconds, decode_seconds}]` or
//! an object with those rows under `files` (the output of `switchboard eval asr --json`).
//! Output: one JSON object with corpus WER (errors summed over files) and RTF (decode time summed
//! over audio time).

use anyhow::Context;
use clap::Parser;
use serde::Deserialize;

#[derive(Debug, Parser)]
struct Args {
    /// JSON file of transcripts.
    file: std::path::PathBuf,
    /// Also print each file's WER and RTF to stderr.
    #[arg(long)]
    per_file: bool,
}

/// One transcribed recording.
#[derive(Debug, Deserialize)]
struct Row {
    file: String,
    reference: String,
    hypothesis: String,
    seconds: f64,
    decode_seconds: f64,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Input {
    Rows(Vec<Row>),
    Report { files: Vec<Row> },
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let rows = match serde_json::from_str(&text)
        .with_context(|| format!("{}: not a list of transcripts", args.file.display()))?
    {
        Input::Rows(rows) | Input::Report { files: rows } => rows,
    };
    anyhow::ensure!(!rows.is_empty(), "{}: no transcripts", args.file.display());
    let (mut total, mut audio, mut busy) = (wer::Score::default(), 0.0, 0.0);
    for row in &rows {
        let score = wer::score(&row.reference, &row.hypothesis);
        total.add(&score);
        audio += row.seconds;
        busy += row.decode_seconds;
        if args.per_file {
            eprintln!(
                "{:>6.1}% WER  RTF {:.3}  {}",
                score.wer() * 100.0,
                row.decode_seconds / row.seconds.max(1e-9),
                row.file
            );
        }
    }
    let out = serde_json::json!({
        "wer": total.wer(),
        "rtf": busy / audio.max(1e-9),
        "errors": total.errors,
        "reference_words": total.reference_words,
        "substitutions": total.substitutions,
        "deletions": total.deletions,
        "insertions": total.insertions,
        "files": rows.len(),
        "audio_seconds": audio,
        "decode_seconds": busy,
    });
    println!("{out}");
    Ok(())
}
