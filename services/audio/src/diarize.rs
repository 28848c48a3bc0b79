//! Telling two people apart on a mono recording, so talk time, interruptions and the agent's
//! role can be measured as on a stereo one. Speech is found by energy against the recording's
//! own noise floor; each half second of speech is described by its spectral envelope (the mean
//! and spread of 12 mel-cepstral coefficients, which differ between voices); the halves are
//! split into two groups (k-means) and a change of speaker is made to cost something (Viterbi),
//! more within a stretch of speech than across a pause, so a turn is not chopped by one odd
//! half second. Overlapping speech goes to one of the two (their overlap is not measured on
//! mono). No model, no training data.

use realfft::RealFftPlanner;

/// Frame step and length (10 ms every 10 ms, 25 ms long), the usual for speech features.
const HOP_MS: usize = 10;
const FRAME_MS: usize = 25;
/// Frames per described piece of speech (0.5 s); a shorter tail joins the piece before it.
const PIECE_FRAMES: usize = 50;
const MIN_PIECE_FRAMES: usize = 20;
const MEL_BANDS: usize = 24;
const CEPSTRA: usize = 12;
/// Gaps in speech shorter than this are bridged; islands shorter than this are dropped.
const BRIDGE_FRAMES: usize = 20;
const MIN_ISLAND_FRAMES: usize = 10;
/// How much a change of speaker costs within a stretch of speech, and across a pause, in
/// units of the typical margin between the two voices.
const SWITCH_COST: f32 = 2.0;
const SWITCH_COST_AT_PAUSE: f32 = 0.25;

/// One speaker's stretch of a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeakerTurn {
    pub start_ms: u64,
    pub end_ms: u64,
    /// 0 for whoever spoke first, 1 for the other.
    pub speaker: u8,
}

/// Who spoke when, in time order; empty for a recording without speech.
pub fn diarize(samples: &[i16], sample_rate: u32) -> Vec<SpeakerTurn> {
    let rate = sample_rate.max(1) as usize;
    let hop = (rate * HOP_MS / 1000).max(1);
    let frame = (rate * FRAME_MS / 1000).max(2);
    if samples.len() < frame {
        return Vec::new();
    }
    let frames = (samples.len() - frame) / hop + 1;
    let (levels, cepstra) = features(samples, rate, hop, frame, frames);
    let threshold = speech_threshold(&levels);
    let speech = speech_regions(&levels, threshold);
    let pieces = pieces(&speech);
    if pieces.is_empty() {
        return Vec::new();
    }
    // Only the frames loud enough to be speech describe a voice (not the pauses bridged).
    let described: Vec<Vec<f32>> = pieces
        .iter()
        .map(|p| {
            let loud: Vec<[f32; CEPSTRA]> = (p.from..p.to)
                .filter(|&f| levels[f] >= threshold)
                .map(|f| cepstra[f])
                .collect();
            describe(&loud)
        })
        .collect();
    let labels = if pieces.len() < 4 {
        vec![0; pieces.len()]
    } else {
        two_voices(&described, &pieces)
    };
    turns(&pieces, &labels)
}

/// The recording as two channels, each holding one speaker's turns and silence elsewhere.
pub fn split_speakers(samples: &[i16], sample_rate: u32, turns: &[SpeakerTurn]) -> Vec<Vec<i16>> {
    let mut out = vec![vec![0i16; samples.len()], vec![0i16; samples.len()]];
    let at = |ms: u64| ((ms * u64::from(sample_rate)) / 1000).min(samples.len() as u64) as usize;
    for t in turns {
        let (a, b) = (at(t.start_ms), at(t.end_ms));
        out[usize::from(t.speaker.min(1))][a..b].copy_from_slice(&samples[a..b]);
    }
    out
}

/// Per frame: its level in dBFS and its mel cepstrum.
fn features(
    samples: &[i16],
    rate: usize,
    hop: usize,
    frame: usize,
    frames: usize,
) -> (Vec<f32>, Vec<[f32; CEPSTRA]>) {
    let n = frame.next_power_of_two();
    let fft = RealFftPlanner::<f32>::new().plan_fft_forward(n);
    let mut input = fft.make_input_vec();
    let mut spectrum = fft.make_output_vec();
    let window: Vec<f32> = (0..frame)
        .map(|i| 0.54 - 0.46 * (2.0 * std::f32::consts::PI * i as f32 / (frame - 1) as f32).cos())
        .collect();
    let bank = mel_bank(rate, n);
    let mut levels = Vec::with_capacity(frames);
    let mut cepstra = Vec::with_capacity(frames);
    for f in 0..frames {
        let s = &samples[f * hop..f * hop + frame];
        let power: f64 = s.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>() / frame as f64;
        levels.push((10.0 * (power / (32768.0 * 32768.0) + 1e-12).log10()) as f32);
        input.fill(0.0);
        for (i, (&x, w)) in s.iter().zip(&window).enumerate() {
            input[i] = f32::from(x) / 32768.0 * w;
        }
        fft.process(&mut input, &mut spectrum)
            .expect("buffers come from the plan");
        let energies: Vec<f32> = bank
            .iter()
            .map(|(start, weights)| {
                let e: f32 = weights
                    .iter()
                    .enumerate()
                    .map(|(k, w)| w * spectrum[start + k].norm_sqr())
                    .sum();
                (e + 1e-10).ln()
            })
            .collect();
        let mut c = [0f32; CEPSTRA];
        for (k, ck) in c.iter_mut().enumerate() {
            let q = (k + 1) as f32;
            *ck = energies
                .iter()
                .enumerate()
                .map(|(m, e)| {
                    e * (std::f32::consts::PI * q * (m as f32 + 0.5) / MEL_BANDS as f32).cos()
                })
                .sum();
        }
        cepstra.push(c);
    }
    (levels, cepstra)
}

/// Triangular mel filters over the telephone band: (first bin, weights) per band.
fn mel_bank(rate: usize, n: usize) -> Vec<(usize, Vec<f32>)> {
    let mel = |hz: f32| 2595.0 * (1.0 + hz / 700.0).log10();
    let hz = |m: f32| 700.0 * (10f32.powf(m / 2595.0) - 1.0);
    let top = (rate as f32 / 2.0 - 100.0).min(3600.0);
    let (lo, hi) = (mel(250.0), mel(top));
    let edges: Vec<f32> = (0..MEL_BANDS + 2)
        .map(|i| hz(lo + (hi - lo) * i as f32 / (MEL_BANDS + 1) as f32) * n as f32 / rate as f32)
        .collect();
    (0..MEL_BANDS)
        .map(|b| {
            let (l, c, r) = (edges[b], edges[b + 1], edges[b + 2]);
            let start = l.floor() as usize;
            let end = (r.ceil() as usize).min(n / 2);
            let weights = (start..=end)
                .map(|k| {
                    let k = k as f32;
                    if k <= c {
                        ((k - l) / (c - l)).max(0.0)
                    } else {
                        ((r - k) / (r - c)).max(0.0)
                    }
                })
                .collect();
            (start, weights)
        })
        .collect()
}

/// The level speech must reach: well above the recording's noise floor, and not too far below
/// its loud speech.
fn speech_threshold(levels: &[f32]) -> f32 {
    let mut sorted = levels.to_vec();
    sorted.sort_by(f32::total_cmp);
    let at = |p: f32| sorted[((sorted.len() - 1) as f32 * p) as usize];
    (at(0.1) + 10.0).max(at(0.95) - 35.0)
}

/// Runs of speech frames, `[from, to)`: at least `threshold`, short gaps bridged and short
/// islands dropped.
fn speech_regions(levels: &[f32], threshold: f32) -> Vec<(usize, usize)> {
    let mut regions: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < levels.len() {
        if levels[i] < threshold {
            i += 1;
            continue;
        }
        let from = i;
        while i < levels.len() && levels[i] >= threshold {
            i += 1;
        }
        match regions.last_mut() {
            Some(last) if from - last.1 <= BRIDGE_FRAMES => last.1 = i,
            _ => regions.push((from, i)),
        }
    }
    regions.retain(|(a, b)| b - a >= MIN_ISLAND_FRAMES);
    regions
}

/// A described piece of speech: frames `[from, to)` of region `region`.
#[derive(Debug, Clone, Copy)]
struct Piece {
    from: usize,
    to: usize,
    region: usize,
}

fn pieces(regions: &[(usize, usize)]) -> Vec<Piece> {
    let mut out = Vec::new();
    for (region, &(a, b)) in regions.iter().enumerate() {
        let mut from = a;
        while from < b {
            let to = (from + PIECE_FRAMES).min(b);
            if to - from < MIN_PIECE_FRAMES
                && let Some(last) = out.last_mut().filter(|p: &&mut Piece| p.region == region)
            {
                last.to = to;
            } else {
                out.push(Piece { from, to, region });
            }
            from = to;
        }
    }
    out
}

/// Mean and spread of each coefficient over a piece.
fn describe(frames: &[[f32; CEPSTRA]]) -> Vec<f32> {
    let n = frames.len().max(1) as f32;
    let mut v = vec![0f32; 2 * CEPSTRA];
    for f in frames {
        for k in 0..CEPSTRA {
            v[k] += f[k] / n;
        }
    }
    for f in frames {
        for k in 0..CEPSTRA {
            v[CEPSTRA + k] += (f[k] - v[k]).powi(2) / n;
        }
    }
    for k in 0..CEPSTRA {
        v[CEPSTRA + k] = v[CEPSTRA + k].sqrt();
    }
    v
}

fn distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f32>() / a.len() as f32
}

/// Each piece's voice, 0 or 1: two groups by k-means on standardised descriptions, then the
/// cheapest labelling once changes of speaker cost something.
fn two_voices(described: &[Vec<f32>], pieces: &[Piece]) -> Vec<u8> {
    let dims = described[0].len();
    let n = described.len() as f32;
    let mean: Vec<f32> = (0..dims)
        .map(|d| described.iter().map(|v| v[d]).sum::<f32>() / n)
        .collect();
    let spread: Vec<f32> = (0..dims)
        .map(|d| {
            (described
                .iter()
                .map(|v| (v[d] - mean[d]).powi(2))
                .sum::<f32>()
                / n)
                .sqrt()
                .max(1e-6)
        })
        .collect();
    let z: Vec<Vec<f32>> = described
        .iter()
        .map(|v| (0..dims).map(|d| (v[d] - mean[d]) / spread[d]).collect())
        .collect();
    // Start from the two sides of the main axis of variation (power iteration): with two
    // voices that axis is the difference between them, where single odd pieces would pull
    // farthest-point starts astray.
    let mut axis = vec![1f32; dims];
    for _ in 0..50 {
        let mut next = vec![0f32; dims];
        for v in &z {
            let p: f32 = v.iter().zip(&axis).map(|(x, a)| x * a).sum();
            for (n, x) in next.iter_mut().zip(v) {
                *n += p * x;
            }
        }
        let norm = next.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        axis = next.into_iter().map(|x| x / norm).collect();
    }
    let side = |v: &Vec<f32>| v.iter().zip(&axis).map(|(x, a)| x * a).sum::<f32>() > 0.0;
    let mean_of = |pick: bool| -> Vec<f32> {
        let members: Vec<&Vec<f32>> = z.iter().filter(|v| side(v) == pick).collect();
        (0..dims)
            .map(|d| members.iter().map(|v| v[d]).sum::<f32>() / members.len().max(1) as f32)
            .collect()
    };
    let mut centres = [mean_of(false), mean_of(true)];
    let mut labels = vec![0u8; z.len()];
    for _ in 0..30 {
        let next: Vec<u8> = z
            .iter()
            .map(|v| u8::from(distance(v, &centres[1]) < distance(v, &centres[0])))
            .collect();
        let settled = next == labels;
        labels = next;
        for (c, centre) in centres.iter_mut().enumerate() {
            let members: Vec<&Vec<f32>> = z
                .iter()
                .zip(&labels)
                .filter(|(_, l)| usize::from(**l) == c)
                .map(|(v, _)| v)
                .collect();
            if !members.is_empty() {
                *centre = (0..dims)
                    .map(|d| members.iter().map(|v| v[d]).sum::<f32>() / members.len() as f32)
                    .collect();
            }
        }
        if settled {
            break;
        }
    }
    let costs: Vec<[f32; 2]> = z
        .iter()
        .map(|v| [distance(v, &centres[0]), distance(v, &centres[1])])
        .collect();
    let mut margins: Vec<f32> = costs.iter().map(|c| (c[0] - c[1]).abs()).collect();
    margins.sort_by(f32::total_cmp);
    let unit = margins[margins.len() / 2].max(1e-6);
    viterbi(&costs, pieces, unit)
}

/// The labelling with the least total cost, a change of speaker costing `SWITCH_COST` units
/// within a stretch of speech and `SWITCH_COST_AT_PAUSE` units across a pause.
fn viterbi(costs: &[[f32; 2]], pieces: &[Piece], unit: f32) -> Vec<u8> {
    let mut total = costs[0];
    let mut back: Vec<[u8; 2]> = vec![[0, 1]];
    for i in 1..costs.len() {
        let switch = unit
            * if pieces[i].region == pieces[i - 1].region {
                SWITCH_COST
            } else {
                SWITCH_COST_AT_PAUSE
            };
        let mut next = [0f32; 2];
        let mut from = [0u8; 2];
        for s in 0..2 {
            let stay = total[s];
            let change = total[1 - s] + switch;
            (next[s], from[s]) = if stay <= change {
                (stay, s as u8)
            } else {
                (change, (1 - s) as u8)
            };
            next[s] += costs[i][s];
        }
        total = next;
        back.push(from);
    }
    let mut s = u8::from(total[1] < total[0]);
    let mut labels = vec![0u8; costs.len()];
    for i in (0..costs.len()).rev() {
        labels[i] = s;
        s = back[i][usize::from(s)];
    }
    labels
}

/// Pieces merged into turns, speakers numbered by who spoke first.
fn turns(pieces: &[Piece], labels: &[u8]) -> Vec<SpeakerTurn> {
    let first = labels.first().copied().unwrap_or(0);
    let ms = |frame: usize| (frame * HOP_MS) as u64;
    let mut out: Vec<SpeakerTurn> = Vec::new();
    for (p, &l) in pieces.iter().zip(labels) {
        let speaker = u8::from(l != first);
        match out.last_mut() {
            Some(t) if t.speaker == speaker && t.end_ms == ms(p.from) => t.end_ms = ms(p.to),
            _ => out.push(SpeakerTurn {
                start_ms: ms(p.from),
                end_ms: ms(p.to),
                speaker,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A buzzy voice: a fundamental with a slow vibrato and harmonics falling off at `tilt`
    /// per harmonic (phase accumulated, so the pitch stays where it is put).
    fn voice(f0: f32, tilt: f32, ms: usize, rate: usize) -> Vec<i16> {
        let mut phase = 0f32;
        (0..rate * ms / 1000)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let f = f0 * (1.0 + 0.03 * (2.0 * std::f32::consts::PI * 3.0 * t).sin());
                phase += 2.0 * std::f32::consts::PI * f / rate as f32;
                let s: f32 = (1..=20)
                    .map(|h| tilt.powi(h) * (phase * h as f32).sin())
                    .sum();
                (s * 4000.0) as i16
            })
            .collect()
    }

    fn quiet(ms: usize, rate: usize) -> Vec<i16> {
        (0..rate * ms / 1000)
            .map(|i| ((i * 7919) % 41) as i16 - 20)
            .collect()
    }

    #[test]
    fn two_voices_taking_turns_are_told_apart_at_their_turns() {
        let rate = 8000;
        let (low, high) = (
            |ms| voice(110.0, 0.9, ms, rate),
            |ms| voice(230.0, 0.6, ms, rate),
        );
        let mut mix = Vec::new();
        let mut truth = Vec::new();
        for (i, ms) in [2500usize, 1800, 3000, 1200, 2200, 2600].iter().enumerate() {
            let start = mix.len() * 1000 / rate;
            mix.extend(if i % 2 == 0 { low(*ms) } else { high(*ms) });
            truth.push((
                start as u64,
                (mix.len() * 1000 / rate) as u64,
                (i % 2) as u8,
            ));
            mix.extend(quiet(400, rate));
        }
        let turns = diarize(&mix, rate as u32);
        assert_eq!(turns.len(), truth.len(), "{turns:?}");
        for (t, (start, end, speaker)) in turns.iter().zip(&truth) {
            assert_eq!(t.speaker, *speaker, "{turns:?}");
            assert!(
                t.start_ms.abs_diff(*start) <= 60 && t.end_ms.abs_diff(*end) <= 60,
                "{t:?} vs {start}–{end}"
            );
        }
        let split = split_speakers(&mix, rate as u32, &turns);
        let at = |ms: u64| (ms as usize) * rate / 1000;
        assert_eq!(split[0][at(1000)], mix[at(1000)]);
        assert_eq!(split[1][at(1000)], 0);
        assert_eq!(split[1][at(3500)], mix[at(3500)]);
    }

    #[test]
    fn silence_and_a_lone_voice_give_no_second_speaker() {
        assert!(diarize(&quiet(3000, 8000), 8000).is_empty());
        assert!(diarize(&[], 8000).is_empty());
        let turns = diarize(&voice(120.0, 0.8, 1500, 16_000), 16_000);
        assert!(turns.iter().all(|t| t.speaker == 0), "{turns:?}");
    }
}
