//! Talk and silence: each party's speech as a union of intervals, and the gaps between.

use crate::{PerSpeaker, Speaker, Turn};

pub(crate) struct Talk {
    pub talk_ms: PerSpeaker<u64>,
    pub non_talk_ms: u64,
    pub longest_silence_ms: u64,
}

/// Merges intervals that touch or overlap; sorted by start.
pub(crate) fn union(mut spans: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    spans.retain(|(s, e)| e > s);
    spans.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

pub(crate) fn spans_of(turns: &[Turn], speaker: Option<&Speaker>) -> Vec<(u64, u64)> {
    let spans = turns
        .iter()
        .filter(|t| speaker.is_none_or(|s| &t.speaker == s))
        .map(|t| (t.start_ms, t.end_ms))
        .collect();
    union(spans)
}

fn total(spans: &[(u64, u64)]) -> u64 {
    spans.iter().map(|(s, e)| e - s).sum()
}

pub(crate) fn measure(turns: &[Turn], duration_ms: u64) -> Talk {
    let talk_ms = PerSpeaker {
        agent: total(&spans_of(turns, Some(&Speaker::Agent))),
        customer: total(&spans_of(turns, Some(&Speaker::Customer))),
    };
    let anyone = spans_of(turns, None);
    let mut longest = 0;
    let mut cursor = 0;
    for (s, e) in anyone.iter().copied().chain([(duration_ms, duration_ms)]) {
        longest = longest.max(s.saturating_sub(cursor));
        cursor = cursor.max(e);
    }
    Talk {
        talk_ms,
        non_talk_ms: duration_ms.saturating_sub(total(&anyone)),
        longest_silence_ms: longest,
    }
}

/// Words per minute of each party's own talk time.
pub(crate) fn words_per_minute(turns: &[Turn], talk_ms: &PerSpeaker<u64>) -> PerSpeaker<f32> {
    let mut words = PerSpeaker::<usize>::default();
    for t in turns {
        *words.get_mut(&t.speaker) += t.text.split_whitespace().count();
    }
    let rate = |w: usize, ms: u64| {
        if ms == 0 {
            0.0
        } else {
            w as f32 * 60_000.0 / ms as f32
        }
    };
    PerSpeaker {
        agent: rate(words.agent, talk_ms.agent),
        customer: rate(words.customer, talk_ms.customer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::turn;

    #[test]
    fn a_partys_overlapping_segments_count_once() {
        let turns = [
            turn(Speaker::Agent, 0, 5_000, "a"),
            turn(Speaker::Agent, 3_000, 6_000, "b"),
            turn(Speaker::Agent, 6_000, 7_000, "c"),
        ];
        assert_eq!(spans_of(&turns, None), [(0, 7_000)]);
        let t = measure(&turns, 10_000);
        assert_eq!(t.talk_ms.agent, 7_000);
        assert_eq!(t.non_talk_ms, 3_000);
        assert_eq!(t.longest_silence_ms, 3_000);
    }

    #[test]
    fn empty_and_backwards_segments_are_ignored() {
        assert!(union(vec![(5, 5), (9, 3)]).is_empty());
    }
}
