//! Crosstalk: who started talking while the other party was still speaking, and for how long
//! both spoke at once.

use crate::talk::spans_of;
use crate::{Speaker, Turn};

/// Overlap shorter than this is a backchannel ("mm-hmm", "right") or a turn-taking edge, not an
/// interruption.
pub const MIN_INTERRUPTION_MS: u64 = 500;

/// One party talking over the other.
#[derive(Debug, Clone, PartialEq)]
pub struct Interruption {
    /// Who started talking.
    pub by: Speaker,
    /// Who was speaking at the time.
    pub of: Speaker,
    /// When `by` started.
    pub at_ms: u64,
    /// How long both spoke at once.
    pub overlap_ms: u64,
}

/// The interruptions in time order, and the total time both parties spoke at once.
pub(crate) fn measure(turns: &[Turn]) -> (Vec<Interruption>, u64) {
    let mut interruptions = Vec::new();
    for b in turns {
        // The other party's segment that was under way when `b` started, overlapping longest.
        let overlap = turns
            .iter()
            .filter(|a| a.speaker != b.speaker && a.start_ms < b.start_ms && b.start_ms < a.end_ms)
            .map(|a| a.end_ms.min(b.end_ms).saturating_sub(b.start_ms))
            .max();
        if let Some(overlap_ms) = overlap.filter(|o| *o >= MIN_INTERRUPTION_MS) {
            interruptions.push(Interruption {
                by: b.speaker.clone(),
                of: other(&b.speaker),
                at_ms: b.start_ms,
                overlap_ms,
            });
        }
    }
    interruptions.sort_by_key(|i| i.at_ms);
    let agent = spans_of(turns, Some(&Speaker::Agent));
    let customer = spans_of(turns, Some(&Speaker::Customer));
    (interruptions, intersection(&agent, &customer))
}

fn other(s: &Speaker) -> Speaker {
    match s {
        Speaker::Agent => Speaker::Customer,
        Speaker::Customer => Speaker::Agent,
    }
}

/// Total length of the intersection of two sorted, disjoint interval lists.
fn intersection(a: &[(u64, u64)], b: &[(u64, u64)]) -> u64 {
    let (mut i, mut j, mut total) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (s, e) = (a[i].0.max(b[j].0), a[i].1.min(b[j].1));
        total += e.saturating_sub(s);
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::turn;

    #[test]
    fn talking_over_counts_and_a_backchannel_does_not() {
        let turns = [
            turn(Speaker::Customer, 0, 10_000, "long story"),
            turn(Speaker::Agent, 2_000, 2_300, "mm-hmm"),
            turn(Speaker::Agent, 8_000, 12_000, "sorry to cut in"),
            turn(Speaker::Customer, 11_000, 11_400, "ok"),
        ];
        let (found, overlap) = measure(&turns);
        assert_eq!(
            found,
            [Interruption {
                by: Speaker::Agent,
                of: Speaker::Customer,
                at_ms: 8_000,
                overlap_ms: 2_000
            }]
        );
        // 0.3 s backchannel + 2 s talk-over + 0.4 s.
        assert_eq!(overlap, 2_700);
    }

    #[test]
    fn a_backwards_turn_is_no_interruption_and_no_panic() {
        let turns = [
            turn(Speaker::Customer, 0, 10_000, "long story"),
            turn(Speaker::Agent, 5_000, 4_000, "clock skew"),
        ];
        assert_eq!(measure(&turns), (vec![], 0));
    }

    #[test]
    fn turns_that_follow_each_other_never_overlap() {
        let turns = [
            turn(Speaker::Customer, 0, 1_000, "hi"),
            turn(Speaker::Agent, 1_000, 2_000, "hello"),
        ];
        assert_eq!(measure(&turns), (vec![], 0));
    }
}
