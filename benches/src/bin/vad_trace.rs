//! Voice-activity scores of one channel of a WAV file, as the call segmenter sees them (resampled
//! to 16 kHz by Switchboard's resampler, 16 ms earshot frames), summarised per 96 ms (6 frames), with the
//! utterances `switchboard_audio::Segmenter` cuts from the same audio. For finding out why an
//! utterance ends late (benches/RESULTS.md, live call latency).
//! Usage: vad_trace FILE.wav CHANNEL [FROM_S TO_S]

use anyhow::Context;
use switchboard_audio::{Resampler, Segmenter, SegmenterEvent, VadConfig, read_wav, to_f32};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    anyhow::ensure!(
        args.len() >= 3,
        "usage: vad_trace FILE.wav CHANNEL [FROM_S TO_S]"
    );
    let recording = read_wav(args[1].as_ref())?;
    let channel: usize = args[2].parse().context("CHANNEL")?;
    let pcm = recording.channels.get(channel).context("no such channel")?;
    let from: f64 = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(0.0);
    let to: f64 = args
        .get(4)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(f64::MAX);
    let mut audio = Vec::new();
    let mut resampler = Resampler::new(recording.sample_rate)?;
    resampler.push(&to_f32(pcm), &mut audio);
    resampler.flush(&mut audio);
    let mut detector = earshot::Detector::default();
    let config = VadConfig::default();
    println!(
        "time s  min / mean / max score of the 16 ms frames (threshold {}, release {})",
        config.threshold, config.release
    );
    let scores: Vec<f32> = audio
        .chunks_exact(256)
        .map(|f| detector.predict_f32(f))
        .collect();
    // 100 ms rows of whole 16 ms frames (the detector is stateful: every frame, in order).
    for (i, row) in scores.chunks(6).enumerate() {
        let t = i as f64 * 0.096;
        if t < from || t > to {
            continue;
        }
        let (min, max) = row
            .iter()
            .fold((f32::MAX, f32::MIN), |(a, b), &s| (a.min(s), b.max(s)));
        let mean = row.iter().sum::<f32>() / row.len() as f32;
        let bar = "#".repeat((max * 20.0) as usize);
        println!("{t:6.2}  {min:.2} / {mean:.2} / {max:.2}  {bar}");
    }
    let mut segmenter = Segmenter::new(config);
    let mut ended: Vec<_> = segmenter
        .push(&audio)
        .into_iter()
        .filter_map(|e| match e {
            SegmenterEvent::Ended(u) => Some(u),
            _ => None,
        })
        .collect();
    ended.extend(segmenter.finish());
    for u in ended {
        println!(
            "utterance {:.2}–{:.2} s",
            u.start as f64 / 16_000.0,
            u.end() as f64 / 16_000.0
        );
    }
    Ok(())
}
