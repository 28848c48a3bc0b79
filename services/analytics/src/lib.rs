//! Post-call metrics: from a call's speaker-labelled turns (live or from a recording), what a
//! contact-center analyst looks at — who talked how much, the silences, who talked over whom,
//! how fast each side spoke and how their sentiment moved from the start of the call to the end.
//! Also: which party is the agent when channels are unlabelled or swapped ([`detect_agent`]);
//! the verbatim sentences telling why they called, what was done, what comes next ([`summarize`]).
//!
//! Plain functions over [`Turn`]s; times in milliseconds. Knows nothing of audio, storage or
//! wire formats: the caller turns segments into turns and the results into whatever it shows.

mod cues;
mod overlap;
mod phrases;
mod roles;
mod sentiment;
mod summary;
mod talk;

pub use overlap::{Interruption, MIN_INTERRUPTION_MS};
pub use phrases::call_phrases;
pub use roles::{RoleGuess, detect_agent};
pub use summary::{SummaryLine, SummaryPart, summarize};
pub use switchboard_transcription::Speaker;

/// One stretch of speech by one party, with its sentiment score when one was computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub speaker: Speaker,
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
    /// −1 (negative) … 1 (positive).
    pub sentiment: Option<f32>,
}

/// A value for each party of a two-party call.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PerSpeaker<T> {
    pub agent: T,
    pub customer: T,
}

impl<T> PerSpeaker<T> {
    /// The value of `speaker`.
    pub fn get(&self, speaker: &Speaker) -> &T {
        match speaker {
            Speaker::Agent => &self.agent,
            Speaker::Customer => &self.customer,
        }
    }

    fn get_mut(&mut self, speaker: &Speaker) -> &mut T {
        match speaker {
            Speaker::Agent => &mut self.agent,
            Speaker::Customer => &mut self.customer,
        }
    }
}

/// Everything measured about one call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallMetrics {
    pub duration_ms: u64,
    /// Time each party was speaking (their own overlapping segments counted once).
    pub talk_ms: PerSpeaker<u64>,
    /// The agent's share of all talk time, 0…1 (0.5 when nobody spoke).
    pub talk_ratio: f32,
    /// Time nobody was speaking, leading and trailing silence included.
    pub non_talk_ms: u64,
    /// The longest stretch nobody spoke.
    pub longest_silence_ms: u64,
    /// Each time one party started while the other was speaking and talked over them.
    pub interruptions: Vec<Interruption>,
    /// Time both parties were speaking at once.
    pub overlap_ms: u64,
    /// Words per minute of each party's own talk time (0 when they never spoke).
    pub words_per_minute: PerSpeaker<f32>,
    /// Each party's duration-weighted mean sentiment in each quarter of the call (`None`: they
    /// said nothing scored in that quarter).
    pub sentiment_by_quarter: PerSpeaker<[Option<f32>; 4]>,
    /// Last scored quarter minus first, per party: how the call left them compared with how
    /// it found them (`None` with fewer than two scored quarters).
    pub sentiment_trend: PerSpeaker<Option<f32>>,
}

/// Measures a call of `duration_ms` from its turns (in any order; turns past the end extend it).
pub fn measure(turns: &[Turn], duration_ms: u64) -> CallMetrics {
    let duration_ms = turns.iter().map(|t| t.end_ms).fold(duration_ms, u64::max);
    let talk = talk::measure(turns, duration_ms);
    let (interruptions, overlap_ms) = overlap::measure(turns);
    let by_quarter = sentiment::by_quarter(turns, duration_ms);
    let spoken = talk.talk_ms.agent + talk.talk_ms.customer;
    CallMetrics {
        duration_ms,
        talk_ms: talk.talk_ms,
        talk_ratio: if spoken == 0 {
            0.5
        } else {
            talk.talk_ms.agent as f32 / spoken as f32
        },
        non_talk_ms: talk.non_talk_ms,
        longest_silence_ms: talk.longest_silence_ms,
        interruptions,
        overlap_ms,
        words_per_minute: talk::words_per_minute(turns, &talk.talk_ms),
        sentiment_trend: PerSpeaker {
            agent: sentiment::trend(&by_quarter.agent),
            customer: sentiment::trend(&by_quarter.customer),
        },
        sentiment_by_quarter: by_quarter,
    }
}

#[cfg(test)]
pub(crate) fn turn(speaker: Speaker, start_ms: u64, end_ms: u64, text: &str) -> Turn {
    Turn {
        speaker,
        start_ms,
        end_ms,
        text: text.into(),
        sentiment: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_measured_end_to_end() {
        let mut turns = vec![
            turn(
                Speaker::Agent,
                1_000,
                4_000,
                "thank you for calling how can I help",
            ),
            turn(
                Speaker::Customer,
                5_000,
                11_000,
                "my card has not arrived and I need it today",
            ),
            turn(Speaker::Agent, 9_000, 12_000, "let me check that for you"),
        ];
        turns[1].sentiment = Some(-0.5);
        let m = measure(&turns, 20_000);
        assert_eq!(
            m.talk_ms,
            PerSpeaker {
                agent: 6_000,
                customer: 6_000
            }
        );
        assert_eq!(m.talk_ratio, 0.5);
        // Silent: 0–1 s, 4–5 s and 12–20 s.
        assert_eq!(m.non_talk_ms, 10_000);
        assert_eq!(m.longest_silence_ms, 8_000);
        assert_eq!(m.overlap_ms, 2_000);
        assert_eq!(m.interruptions.len(), 1);
        assert_eq!(m.interruptions[0].by, Speaker::Agent);
        // 10 words in 6 s of talk.
        assert!((m.words_per_minute.customer - 100.0).abs() < 1e-3);
        assert_eq!(m.sentiment_by_quarter.customer[1], Some(-0.5));
        assert_eq!(m.sentiment_by_quarter.agent, [None; 4]);
    }

    #[test]
    fn a_call_nobody_spoke_in_is_all_silence() {
        let m = measure(&[], 30_000);
        assert_eq!(m.non_talk_ms, 30_000);
        assert_eq!(m.longest_silence_ms, 30_000);
        assert_eq!(m.talk_ratio, 0.5);
        assert_eq!(m.words_per_minute.agent, 0.0);
    }
}
