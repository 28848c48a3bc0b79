//! How well `audio::diarize` tells the two parties apart on mono mixes of stereo calls, where
//! the channels say who really spoke: per 10 ms of speech where exactly one channel is active,
//! the share given to the right speaker (speakers matched to channels the best way round),
//! and each party's talk time from the mix against the channels'.
//!
//! `diarize_eval FILE.wav…` (stereo WAVs, one party per channel).

use anyhow::{Result, ensure};
use switchboard_audio::{decode_wav, diarize};

/// A channel is speaking in a 10 ms step when it is this far above its own quiet level.
const ACTIVE_DB: f32 = 15.0;

fn levels(samples: &[i16], step: usize) -> Vec<f32> {
    samples
        .chunks(step)
        .map(|c| {
            let p = c.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / c.len().max(1) as f64;
            (10.0 * (p + 1.0).log10()) as f32
        })
        .collect()
}

fn active(samples: &[i16], step: usize) -> Vec<bool> {
    let l = levels(samples, step);
    let mut sorted = l.clone();
    sorted.sort_by(f32::total_cmp);
    let floor = sorted[sorted.len() / 10];
    l.iter().map(|&x| x > floor + ACTIVE_DB).collect()
}

fn main() -> Result<()> {
    let files: Vec<String> = std::env::args().skip(1).collect();
    ensure!(!files.is_empty(), "usage: diarize_eval FILE.wav…");
    println!("| recording | right | talk time ch0 / ch1 (truth) | from the mix |");
    println!("|---|---|---|---|");
    let (mut right_all, mut counted_all) = (0usize, 0usize);
    for file in &files {
        let rec = decode_wav(&std::fs::read(file)?, file)?;
        ensure!(rec.channels.len() == 2, "{file}: not stereo");
        let step = rec.sample_rate as usize / 100;
        let mix: Vec<i16> = rec.channels[0]
            .iter()
            .zip(&rec.channels[1])
            .map(|(a, b)| ((i32::from(*a) + i32::from(*b)) / 2) as i16)
            .collect();
        let turns = diarize(&mix, rec.sample_rate);
        let (a, b) = (
            active(&rec.channels[0], step),
            active(&rec.channels[1], step),
        );
        let mut said = vec![None; a.len()];
        for t in &turns {
            for s in said
                .iter_mut()
                .take((t.end_ms / 10) as usize)
                .skip((t.start_ms / 10) as usize)
            {
                *s = Some(t.speaker);
            }
        }
        // Counts of (truth channel, diarized speaker) over steps where one channel speaks.
        let mut m = [[0usize; 2]; 2];
        for i in 0..a.len() {
            let truth = match (a[i], b[i]) {
                (true, false) => 0,
                (false, true) => 1,
                _ => continue,
            };
            if let Some(s) = said[i] {
                m[truth][usize::from(s)] += 1;
            }
        }
        let straight = m[0][0] + m[1][1];
        let crossed = m[0][1] + m[1][0];
        let right = straight.max(crossed);
        let counted = straight + crossed;
        right_all += right;
        counted_all += counted;
        let talk = |v: &[bool]| v.iter().filter(|x| **x).count() as f64 / 100.0;
        let mut by = [0f64; 2];
        for t in &turns {
            by[usize::from(t.speaker)] += (t.end_ms - t.start_ms) as f64 / 1000.0;
        }
        if crossed > straight {
            by.swap(0, 1);
        }
        let name = std::path::Path::new(file)
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        println!(
            "| {name} | {:.1} % | {:.0} s / {:.0} s | {:.0} s / {:.0} s |",
            100.0 * right as f64 / counted.max(1) as f64,
            talk(&a),
            talk(&b),
            by[0],
            by[1]
        );
    }
    println!(
        "| **all** | **{:.1} %** | | |",
        100.0 * right_all as f64 / counted_all.max(1) as f64
    );
    Ok(())
}
