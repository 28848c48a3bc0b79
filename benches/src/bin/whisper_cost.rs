//! What one Whisper decode of a short utterance costs, by encoder window (`audio_ctx`), ggml
//! threads and search: the parts of a live final's latency that the engine's settings decide.
//! Parameters mirror `services/transcription/src/whisper/decode.rs` (no context, one segment,
//! no timestamps, clips padded to 1 s). Median of `--runs` decodes after one warm-up.
//! Usage: whisper_cost MODEL.bin FILE.wav [--runs 3]

use std::time::Instant;

use anyhow::Context;
use switchboard_audio::{Resampler, read_wav, to_f32};
use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
};

fn decode(
    state: &mut WhisperState,
    samples: &[f32],
    beam: i32,
    threads: i32,
    audio_ctx: i32,
) -> anyhow::Result<String> {
    let strategy = if beam <= 1 {
        SamplingStrategy::Greedy { best_of: 1 }
    } else {
        SamplingStrategy::BeamSearch {
            beam_size: beam,
            patience: -1.0,
        }
    };
    let mut p = FullParams::new(strategy);
    p.set_n_threads(threads);
    p.set_language(Some("en"));
    p.set_no_context(true);
    p.set_single_segment(true);
    p.set_no_timestamps(true);
    p.set_print_special(false);
    p.set_print_progress(false);
    p.set_print_realtime(false);
    p.set_print_timestamps(false);
    p.set_suppress_blank(true);
    p.set_audio_ctx(audio_ctx);
    p.set_max_tokens((16 + samples.len().div_ceil(16_000) * 10) as i32);
    state
        .full(p, samples)
        .map_err(|e| anyhow::anyhow!("decode: {e}"))?;
    Ok(state
        .as_iter()
        .filter_map(|s| s.to_str_lossy().ok().map(|t| t.to_string()))
        .collect::<String>()
        .trim()
        .to_string())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    anyhow::ensure!(
        args.len() >= 3,
        "usage: whisper_cost MODEL.bin FILE.wav [--runs N]"
    );
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(3);
    whisper_rs::install_logging_hooks();
    let recording = read_wav(args[2].as_ref())?;
    let mut audio = Vec::new();
    let mut resampler = Resampler::new(recording.sample_rate)?;
    resampler.push(
        &to_f32(recording.channels.first().context("no audio")?),
        &mut audio,
    );
    resampler.flush(&mut audio);
    if audio.len() < 16_000 {
        audio.resize(16_000, 0.0);
    }
    let ctx = WhisperContext::new_with_params(&args[1], WhisperContextParameters::default())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut state = ctx.create_state().map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "{} ({:.2} s of audio), median of {runs}",
        args[2],
        audio.len() as f64 / 16_000.0
    );
    println!("| threads | audio_ctx | beam | seconds | text |\n|---|---|---|---|---|");
    for threads in [1, 2] {
        for audio_ctx in [1500, 768, 512, 384, 256] {
            for beam in [1, 5] {
                decode(&mut state, &audio, beam, threads, audio_ctx)?;
                let mut times = Vec::new();
                let mut text = String::new();
                for _ in 0..runs {
                    let started = Instant::now();
                    text = decode(&mut state, &audio, beam, threads, audio_ctx)?;
                    times.push(started.elapsed().as_secs_f64());
                }
                times.sort_by(f64::total_cmp);
                println!(
                    "| {threads} | {audio_ctx} | {beam} | {:.3} | {text} |",
                    times[times.len() / 2]
                );
            }
        }
    }
    Ok(())
}
