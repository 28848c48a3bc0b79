//! Which party is the agent, from what each party says: for recordings whose channels are not
//! labelled, or are labelled wrong (agent and customer swapped is the most frequent complaint
//! about post-call analytics).
//!
//! Agents follow scripts — greet with the company name, offer help, verify, work the case,
//! apologise, close — and customers explain what went wrong with *their* things. Each party's
//! score is its agent evidence minus its customer evidence; the best score is the agent and the
//! margin over the runner-up says how sure we are.
//!
//! Every weight and constant here was chosen a priori from general contact-center practice, not
//! fitted to any data set: 1.0 is a cue an agent (or a customer) almost always owns, 0.75 a
//! strong one the other side sometimes says too, 0.5 a weak one.

use crate::cues::{Cue, score, words};

/// Greeting cues count fully in a party's first this-many lines, where scripts put them.
const EARLY_LINES: usize = 3;
/// …and this much after (a late "thank you for calling" is often a closing, or quoted).
const LATE_GREETING: f32 = 0.5;
/// Evidence for the party that spoke first, the agent on most inbound calls. Cue weights are
/// multiples of 0.25 and greetings are halved at most once, so two parties' cue scores differ
/// by 0 or at least 0.125: this prior only ever breaks ties, never outvotes a real cue.
const FIRST_SPEAKER_PRIOR: f32 = 0.1;
/// Margin that makes confidence e/(1+e) ≈ 0.73: one strong cue; three give ≈ 0.95.
const MARGIN_SCALE: f32 = 1.0;

/// The company greeting; weighed by how early in the party's talk it comes.
const GREETING: &[Cue] = &[
    ("thank_you|thanks for calling", 1.0),
    ("you have reached", 1.0),
    ("this is * speaking", 1.0),
    ("welcome to", 0.5),
    ("my name is", 0.5),
];

/// Scripted agent talk that may come at any point of the call.
const AGENT: &[Cue] = &[
    // Offering help.
    ("how can|may i|we help|assist", 1.0),
    ("what can i do for you", 1.0),
    // Verification.
    ("can|could|may i have|get|take your", 0.75),
    ("could|can you please? confirm|verify|spell|read", 0.75),
    ("for security", 0.75),
    ("date of birth", 0.5),
    // Working the case.
    ("let me just? check|look|pull|see", 0.75),
    ("bear with me", 1.0),
    ("one moment", 0.5),
    (
        "i will just? go_ahead|transfer|send|process|cancel|block|book|arrange",
        0.75,
    ),
    (
        concat!(
            "i have just? cancelled|canceled|blocked|sent|updated|issued|processed|",
            "reset|refunded|credited|booked|scheduled",
        ),
        0.75,
    ),
    // Empathy scripts.
    ("i am sorry to hear", 1.0),
    ("i apologise|apologize for the inconvenience", 1.0),
    ("i understand how|your|that", 0.5),
    // Closing.
    ("is there anything else", 1.0),
    ("thank_you|thanks for your patience|holding|waiting", 1.0),
    (
        "have a great|good|nice|lovely|wonderful day|evening|trip|weekend",
        0.5,
    ),
];

/// What customers say about why they call.
const CUSTOMER: &[Cue] = &[
    ("i am calling about|because|to|regarding", 1.0),
    ("i want|need|would_like to", 0.5),
    (
        concat!(
            "my card|account|bill|order|phone|internet|broadband|car|payment|",
            "package|parcel|delivery|router|subscription|booking",
        ),
        0.5,
    ),
    ("i was|got|have_been charged|billed|overcharged", 1.0),
    ("i can not", 0.5),
    ("not|stopped working", 0.75),
    ("i have? lost", 0.75),
    ("i have been waiting|trying|calling", 1.0),
    ("why is|was|did|do|does|has", 0.5),
];

/// Which party is the agent, and how sure the words make us.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoleGuess {
    /// The party index, as given in the lines.
    pub agent: usize,
    /// 0.5 (no evidence either way) … 1 (overwhelming).
    pub confidence: f32,
}

/// Finds the agent among `parties` from their `lines` (party index, text) in time order, so
/// unlabelled or swapped channels can be labelled; `None` when nobody said anything. Lines of
/// a party index ≥ `parties` are ignored.
pub fn detect_agent(lines: &[(usize, &str)], parties: usize) -> Option<RoleGuess> {
    let mut lines = lines
        .iter()
        .filter(|(party, _)| *party < parties)
        .peekable();
    let first = lines.peek()?.0;
    let mut scores = vec![0.0f32; parties];
    let mut seen = vec![0usize; parties];
    let mut evidence = false;
    for &(party, text) in lines {
        let words = words(text);
        let early = if seen[party] < EARLY_LINES {
            1.0
        } else {
            LATE_GREETING
        };
        seen[party] += 1;
        let agent = early * score(&words, GREETING) + score(&words, AGENT);
        let customer = score(&words, CUSTOMER);
        evidence |= agent > 0.0 || customer > 0.0;
        scores[party] += agent - customer;
    }
    if !evidence {
        return Some(RoleGuess {
            agent: first,
            confidence: 0.5,
        });
    }
    scores[first] += FIRST_SPEAKER_PRIOR;
    let agent = (0..parties).fold(
        first,
        |best, p| {
            if scores[p] > scores[best] { p } else { best }
        },
    );
    // With a single party, it is measured against a silent one.
    let runner_up = (0..parties)
        .filter(|&p| p != agent)
        .map(|p| scores[p])
        .reduce(f32::max)
        .unwrap_or(0.0);
    let margin = (scores[agent] - runner_up).max(0.0);
    Some(RoleGuess {
        agent,
        confidence: 1.0 / (1.0 + (-margin / MARGIN_SCALE).exp()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(agent: usize) -> Vec<(usize, &'static str)> {
        let customer = 1 - agent;
        vec![
            (
                agent,
                "Thank you for calling Acme Bank, this is Dana speaking. How can I help?",
            ),
            (
                customer,
                "Hi. I'm calling about my bill, I was charged twice.",
            ),
            (
                agent,
                "I'm sorry to hear that. Can I take your account number?",
            ),
            (customer, "Sure, it's [ACCOUNT_NUMBER]."),
            (
                agent,
                "Thanks. I've refunded the second charge. Is there anything else?",
            ),
            (customer, "No, that's all, thanks."),
        ]
    }

    fn logistic(x: f32) -> f32 {
        1.0 / (1.0 + (-x).exp())
    }

    #[test]
    fn a_greeting_call_finds_the_agent_on_either_channel() {
        let guess = detect_agent(&call(1), 2).unwrap();
        assert_eq!(guess.agent, 1);
        assert!(guess.confidence > 0.99, "{guess:?}");
        let swapped = detect_agent(&call(0), 2).unwrap();
        assert_eq!(swapped.agent, 0);
        assert!(swapped.confidence > 0.99, "{swapped:?}");
    }

    #[test]
    fn no_cues_is_a_coin_toss_that_names_the_first_speaker() {
        let lines = [(1, "hello"), (0, "hi there"), (1, "okay then")];
        assert_eq!(
            detect_agent(&lines, 2),
            Some(RoleGuess {
                agent: 1,
                confidence: 0.5
            })
        );
    }

    #[test]
    fn one_party_alone_with_agent_cues_is_the_agent() {
        let guess = detect_agent(&[(1, "thanks for calling how may I help you")], 2).unwrap();
        assert_eq!(guess.agent, 1);
        assert!(guess.confidence > 0.85, "{guess:?}");
    }

    #[test]
    fn nothing_said_is_no_guess() {
        assert_eq!(detect_agent(&[], 2), None);
        assert_eq!(detect_agent(&[(2, "thank you for calling")], 2), None);
    }

    #[test]
    fn whisper_text_without_punctuation_or_apostrophes_is_read() {
        let lines = [
            (0, "yeah hi im calling because my internet is not working"),
            (1, "okay ill go ahead and reset the router for you"),
            (0, "i cant even get online"),
            (1, "ive reset it is there anything else"),
        ];
        assert_eq!(detect_agent(&lines, 2).unwrap().agent, 1);
        let spelled = detect_agent(&[(0, "I will go ahead and send it")], 1);
        let contracted = detect_agent(&[(0, "i'll go ahead and send it")], 1);
        assert_eq!(spelled, contracted);
        assert_eq!(spelled.unwrap().confidence, logistic(0.75 + 0.1));
    }

    #[test]
    fn customer_cues_alone_point_to_the_other_party() {
        let lines = [
            (0, "hi I'm calling because my card isn't working"),
            (1, "okay"),
        ];
        let guess = detect_agent(&lines, 2).unwrap();
        assert_eq!(guess.agent, 1);
        // Calling about 1.0 + my card 0.5 + not working 0.75, less the first-speaker prior.
        assert!((guess.confidence - logistic(2.25 - 0.1)).abs() < 1e-6);
    }

    #[test]
    fn the_first_speaker_prior_only_breaks_ties() {
        let tie = [(0, "is there anything else"), (1, "is there anything else")];
        let guess = detect_agent(&tie, 2).unwrap();
        assert_eq!(guess.agent, 0);
        assert!((guess.confidence - logistic(0.1)).abs() < 1e-6);
        // The smallest real difference (a late "my name is": 0.25 against 0.5) still wins.
        let mut lines = vec![(0, "okay"); 3];
        lines.extend([(0, "my name is Sam"), (1, "my name is Jo")]);
        assert_eq!(detect_agent(&lines, 2).unwrap().agent, 1);
    }

    #[test]
    fn three_diarized_speakers() {
        let lines = [
            (0, "hello?"),
            (
                2,
                "Good morning, you've reached Acme support, my name is Lee.",
            ),
            (
                1,
                "Hi, I'm calling about my mother's order, it never arrived.",
            ),
            (0, "Yes, why is it always late?"),
            (2, "Let me check that for you, bear with me."),
        ];
        let guess = detect_agent(&lines, 3).unwrap();
        assert_eq!(guess.agent, 2);
        assert!(guess.confidence > 0.95, "{guess:?}");
    }
}
