//! Sentiment over the call: each party's mood per quarter, and where it ended up.

use crate::{PerSpeaker, Turn};

/// Duration-weighted mean score per party per quarter; a turn counts in the quarter holding its
/// midpoint (turns are short next to a quarter of a call).
pub(crate) fn by_quarter(turns: &[Turn], duration_ms: u64) -> PerSpeaker<[Option<f32>; 4]> {
    let mut sums = PerSpeaker::<[(f64, f64); 4]>::default();
    for t in turns {
        let Some(score) = t.sentiment else { continue };
        let mid = (t.start_ms + t.end_ms) / 2;
        let q = ((mid * 4) / duration_ms.max(1)).min(3) as usize;
        let weight = (t.end_ms.saturating_sub(t.start_ms)).max(1) as f64;
        let cell = &mut sums.get_mut(&t.speaker)[q];
        cell.0 += score as f64 * weight;
        cell.1 += weight;
    }
    let means = |q: [(f64, f64); 4]| q.map(|(s, w)| (w > 0.0).then(|| (s / w) as f32));
    PerSpeaker {
        agent: means(sums.agent),
        customer: means(sums.customer),
    }
}

/// Last scored quarter minus the first; `None` with fewer than two.
pub(crate) fn trend(quarters: &[Option<f32>; 4]) -> Option<f32> {
    let scored: Vec<f32> = quarters.iter().flatten().copied().collect();
    match scored.as_slice() {
        [first, .., last] => Some(last - first),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Speaker, turn};

    #[test]
    fn quarters_weigh_turns_by_length_and_trend_runs_first_to_last() {
        let mut turns = vec![
            turn(Speaker::Customer, 0, 3_000, "this is terrible"),
            turn(Speaker::Customer, 3_000, 4_000, "really"),
            turn(Speaker::Customer, 35_000, 38_000, "great thanks"),
        ];
        turns[0].sentiment = Some(-0.8);
        turns[1].sentiment = Some(0.0);
        turns[2].sentiment = Some(0.6);
        let q = by_quarter(&turns, 40_000);
        assert_eq!(q.customer[0], Some(-0.6));
        assert_eq!(q.customer[1..3], [None, None]);
        assert_eq!(q.customer[3], Some(0.6));
        let t = trend(&q.customer).unwrap();
        assert!((t - 1.2).abs() < 1e-6);
        assert_eq!(trend(&[None, Some(0.1), None, None]), None);
    }
}
