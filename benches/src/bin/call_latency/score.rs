//! From the live feed's finals to end-of-utterance latencies: each final is matched to the
//! scripted turn (same channel) it overlaps most; a turn's latency is the arrival of its last
//! final minus the time the chunk holding the turn's end was sent.

use std::time::Instant;

use crate::staged::Turn;

/// A `segment` message from `/v1/calls/live`, as received.
#[derive(Debug, Clone)]
pub struct Final {
    pub channel: u32,
    pub start_ms: u64,
    pub end_ms: u64,
    pub arrival: Instant,
}

/// What one call's finals say about its turns.
#[derive(Debug, Default)]
pub struct CallScore {
    /// Seconds from the end of the turn's audio being sent to its final arriving.
    pub latencies: Vec<f64>,
    /// Indices of scripted turns that got no final of their own (no final overlaps them more
    /// than it overlaps another turn).
    pub missed: Vec<usize>,
    /// Of those, turns whose words went into another turn's final (the VAD did not end the
    /// utterance between them).
    pub merged: usize,
    /// Turns that came back as more than one final (the VAD split them at a pause).
    pub split: usize,
    /// Finals overlapping no turn of their channel (text made of line noise).
    pub stray: usize,
}

/// Scores one call; `sent[n]` is when chunk `n` (audio `[n·chunk_ms, (n+1)·chunk_ms)`) was sent.
pub fn score_call(turns: &[Turn], finals: &[Final], sent: &[Instant], chunk_ms: u32) -> CallScore {
    let mut last: Vec<Option<&Final>> = vec![None; turns.len()];
    let mut count = vec![0usize; turns.len()];
    let mut touched = vec![false; turns.len()];
    let mut score = CallScore::default();
    for f in finals {
        let overlap = |t: &Turn| {
            let (start, end) = ((t.start_s * 1000.0) as i64, (t.end_s * 1000.0) as i64);
            end.min(f.end_ms as i64) - start.max(f.start_ms as i64)
        };
        let best = turns
            .iter()
            .enumerate()
            .filter(|(_, t)| t.channel == f.channel)
            .map(|(i, t)| (i, overlap(t)))
            .filter(|(_, o)| *o > 0)
            .inspect(|(i, _)| touched[*i] = true)
            .max_by_key(|(_, o)| *o);
        match best {
            Some((i, _)) => {
                count[i] += 1;
                if last[i].is_none_or(|l| f.end_ms > l.end_ms) {
                    last[i] = Some(f);
                }
            }
            None => score.stray += 1,
        }
    }
    for (i, turn) in turns.iter().enumerate() {
        let Some(f) = last[i] else {
            score.missed.push(i);
            score.merged += usize::from(touched[i]);
            continue;
        };
        if count[i] > 1 {
            score.split += 1;
        }
        let chunk =
            ((turn.end_s * 1000.0) as usize / chunk_ms as usize).min(sent.len().saturating_sub(1));
        if let Some(at) = sent.get(chunk) {
            score
                .latencies
                .push(f.arrival.saturating_duration_since(*at).as_secs_f64());
        }
    }
    score
}

/// The `p`-quantile (0–1) of sorted values, nearest rank.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn turn(channel: u32, start_s: f64, end_s: f64) -> Turn {
        Turn {
            channel,
            start_s,
            end_s,
        }
    }

    #[test]
    fn finals_match_the_turn_they_overlap_on_their_channel() {
        let t0 = Instant::now();
        let sent: Vec<Instant> = (0..50)
            .map(|n| t0 + Duration::from_millis(200 * n))
            .collect();
        let turns = [turn(1, 0.5, 2.1), turn(0, 2.0, 4.0), turn(0, 6.0, 7.0)];
        let at = |ms| t0 + Duration::from_millis(ms);
        let finals = [
            // Turn 0 split in two; the later piece decides the latency.
            Final {
                channel: 1,
                start_ms: 300,
                end_ms: 1200,
                arrival: at(1900),
            },
            Final {
                channel: 1,
                start_ms: 1300,
                end_ms: 2300,
                arrival: at(2900),
            },
            // Overlaps turn 0 in time but is on channel 0: it belongs to turn 1.
            Final {
                channel: 0,
                start_ms: 1900,
                end_ms: 4200,
                arrival: at(4700),
            },
            // Runs on into turn 2 but overlaps turn 1 more: turn 2 is merged into it.
            Final {
                channel: 0,
                start_ms: 2100,
                end_ms: 6500,
                arrival: at(7000),
            },
            // Line noise between turns.
            Final {
                channel: 0,
                start_ms: 4500,
                end_ms: 5000,
                arrival: at(5500),
            },
        ];
        let s = score_call(&turns, &finals, &sent, 200);
        // Turn 0 ends at 2.1 s: chunk 10, sent at 2.0 s → 0.9 s; turn 1 ends at 4.0 s: chunk 20,
        // and its last final (the one running on into turn 2) arrives at 7.0 s → 3.0 s.
        let rounded: Vec<i64> = s
            .latencies
            .iter()
            .map(|l| (l * 1000.0).round() as i64)
            .collect();
        assert_eq!(rounded, vec![900, 3000]);
        assert_eq!((s.missed, s.merged, s.split, s.stray), (vec![2], 1, 2, 1));
    }

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.95), 5.0);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
