//! An extractive summary: the few sentences that carry a call — why the customer called, what
//! the agent did, what happens next — taken verbatim from the transcript and chosen by word
//! cues, never generated, so every line can be traced to who said it and when.
//!
//! Sentences score per part by the cues they contain (weights chosen a priori: 1.0 a cue that
//! all but names the part, 0.75 a strong one, 0.5 a weak one; none fitted to data). The best
//! scoring sentence of any part is taken first, and a sentence serves one part only.

use crate::cues::{Cue, score, words};
use crate::{Speaker, Turn};

/// Sentences with fewer words are acknowledgements ("Okay, thank you."), not content.
const MIN_WORDS: usize = 4;
/// A sentence needs this much evidence (one strong cue or two weak ones) to be chosen.
const MIN_SCORE: f32 = 0.75;

/// What a customer's things can be; "my name is" is not a problem to report.
macro_rules! things {
    () => {
        concat!(
            "card|account|bill|order|phone|internet|broadband|car|payment|package|",
            "parcel|delivery|router|connection|subscription|booking|flight|balance|",
            "statement|contract|password|app|service|line",
        )
    };
}
/// Actions an agent takes, as past participles ("I've blocked")…
macro_rules! done {
    () => {
        concat!(
            "cancelled|canceled|blocked|sent|updated|issued|processed|reset|",
            "refunded|credited|booked|scheduled|ordered|arranged|applied|added|",
            "removed|changed|escalated|raised|logged|replaced|waived|activated|",
            "unlocked|frozen|fixed|submitted|transferred|reversed|corrected|",
            "approved|dispatched|rebooked|upgraded|renewed",
        )
    };
}
/// …and as verbs ("I'll block").
macro_rules! act {
    () => {
        concat!(
            "cancel|block|send|process|book|arrange|issue|refund|credit|reset|",
            "update|transfer|order|schedule|escalate|raise|log|replace|waive|",
            "activate|unlock|freeze|submit|apply|add|remove|change|reverse|correct|",
            "approve|dispatch|rebook|upgrade|renew|email",
        )
    };
}

/// Why the customer called.
const REASON: &[Cue] = &[
    ("calling about|because|to|regarding", 1.0),
    ("i need|want|would_like to", 0.75),
    ("problem|issue|trouble with", 0.75),
    (
        concat!(
            "my credit|debit|bank|new? ",
            things!(),
            " is|was|has|had|keeps|got|did|does|will|stopped"
        ),
        0.75,
    ),
    ("lost|stolen", 0.75),
    ("charged|billed|overcharged", 0.75),
    ("not|stopped working", 0.75),
    ("never arrived|came", 0.75),
    ("can not", 0.5),
];

/// What the agent did or is doing about it.
const ACTION: &[Cue] = &[
    (concat!("i|we have just|now|also|already? ", done!()), 1.0),
    (concat!("i|we will just|now? go_ahead_and? ", act!()), 1.0),
    (concat!("has|have been just|now? ", done!()), 1.0),
    (concat!("is|are now ", done!()), 0.75),
    (
        concat!("i can ", act!(), " it|that|this|them|your|the"),
        0.75,
    ),
    (concat!("i am going to ", act!()), 0.75),
];

/// What happens after the call, and when.
const NEXT_STEP: &[Cue] = &[
    ("you will|should receive|get|see|be|hear", 1.0),
    (
        "in|within the? next? # business|working? days|hours|weeks",
        1.0,
    ),
    ("# to # business|working? days|hours|weeks", 1.0),
    ("will|should arrive", 1.0),
    ("we will send|call|email|text|contact|follow_up|post", 1.0),
    ("reference|ticket|case number", 0.75),
    ("tomorrow|next_week|next_month", 0.5),
    (
        "on monday|tuesday|wednesday|thursday|friday|saturday|sunday",
        0.5,
    ),
    ("technician|engineer", 0.5),
];

/// The part of the story a summary line tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryPart {
    /// Why the customer called.
    Reason,
    /// What the agent did about it.
    Action,
    /// What happens after the call.
    NextStep,
}

impl SummaryPart {
    /// The lowercase name used in storage, events and output.
    pub fn as_str(self) -> &'static str {
        match self {
            SummaryPart::Reason => "reason",
            SummaryPart::Action => "action",
            SummaryPart::NextStep => "next_step",
        }
    }

    const ALL: [SummaryPart; 3] = [Self::Reason, Self::Action, Self::NextStep];

    fn cues(self) -> &'static [Cue] {
        match self {
            SummaryPart::Reason => REASON,
            SummaryPart::Action => ACTION,
            SummaryPart::NextStep => NEXT_STEP,
        }
    }

    /// Only customers give reasons and only agents act; either side can state the next step.
    fn said_by(self, speaker: &Speaker) -> bool {
        match self {
            SummaryPart::Reason => *speaker == Speaker::Customer,
            SummaryPart::Action => *speaker == Speaker::Agent,
            SummaryPart::NextStep => true,
        }
    }

    /// Lines of this part a summary holds: an agent often does two things (block, reorder).
    fn room(self) -> usize {
        if self == SummaryPart::Action { 2 } else { 1 }
    }
}

/// One sentence of the summary, verbatim, with who said it and when, so a reader can check it.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryLine {
    pub part: SummaryPart,
    pub speaker: Speaker,
    /// Start of the turn the sentence was said in.
    pub start_ms: u64,
    pub text: String,
}

/// Picks the sentences that tell why the customer called, what was done and what happens next,
/// so an analyst reads a call in three lines: at most one line per part (two for actions), in
/// call order; empty when nothing said matches a cue.
pub fn summarize(turns: &[Turn]) -> Vec<SummaryLine> {
    let mut ordered: Vec<&Turn> = turns.iter().collect();
    ordered.sort_by_key(|t| t.start_ms);
    let sentences: Vec<(&Turn, &str)> = ordered
        .into_iter()
        .flat_map(|t| sentences(&t.text).into_iter().map(move |s| (t, s)))
        .filter(|(_, s)| s.split_whitespace().count() >= MIN_WORDS)
        .collect();

    let mut candidates = Vec::new();
    for (i, (turn, text)) in sentences.iter().enumerate() {
        let words = words(text);
        for part in SummaryPart::ALL {
            let s = score(&words, part.cues());
            if part.said_by(&turn.speaker) && s >= MIN_SCORE {
                candidates.push((part, i, s));
            }
        }
    }
    // Best score first; on a tie the reason said earliest (customers open with it), and the
    // action and next step said latest (the final word on them).
    let position = |part: SummaryPart, i: usize| match part {
        SummaryPart::Reason => i as isize,
        _ => -(i as isize),
    };
    candidates.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then_with(|| (a.0 as u8).cmp(&(b.0 as u8)))
            .then_with(|| position(a.0, a.1).cmp(&position(b.0, b.1)))
    });

    let mut chosen: Vec<(SummaryPart, usize)> = Vec::new();
    for (part, i, _) in candidates {
        let used = chosen.iter().any(|&(_, j)| j == i);
        let full = chosen.iter().filter(|&&(p, _)| p == part).count() >= part.room();
        if !used && !full {
            chosen.push((part, i));
        }
    }
    chosen.sort_by_key(|&(_, i)| i);
    chosen
        .into_iter()
        .map(|(part, i)| {
            let (turn, text) = sentences[i];
            SummaryLine {
                part,
                speaker: turn.speaker.clone(),
                start_ms: turn.start_ms,
                text: text.to_string(),
            }
        })
        .collect()
}

/// Splits at `.`, `?` or `!` followed by a space or the end ("5.99" stays whole). Text without
/// such punctuation — long unpunctuated Whisper turns included — stays one sentence: better a
/// long verbatim line than a boundary guessed in the middle of a thought.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at_end = chars.peek().is_none_or(|&(_, next)| next.is_whitespace());
        if matches!(c, '.' | '?' | '!') && at_end {
            out.push(text[start..i + 1].trim());
            start = i + 1;
        }
    }
    out.push(text[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::turn;
    use Speaker::{Agent as A, Customer as C};
    use SummaryPart::{Action, NextStep, Reason};

    /// Turns of 5 s each, one after the other, from lines "A: …" (agent) and "C: …" (customer).
    fn call(lines: &[&str]) -> Vec<Turn> {
        let at = |i: usize| i as u64 * 5_000;
        let turn_of = |(i, line): (usize, &&str)| match line.split_at(3) {
            ("A: ", text) => turn(A, at(i), at(i + 1), text),
            (_, text) => turn(C, at(i), at(i + 1), text),
        };
        lines.iter().enumerate().map(turn_of).collect()
    }

    fn parts(lines: &[SummaryLine]) -> Vec<(SummaryPart, &str)> {
        lines.iter().map(|l| (l.part, l.text.as_str())).collect()
    }

    #[test]
    fn a_lost_card_call_gives_reason_action_and_next_step_in_order() {
        let turns = call(&[
            "A: Thank you for calling Acme Bank, this is Sam speaking. How can I help?",
            "C: Hi. I'm calling because I lost my card yesterday. I think it was in a taxi.",
            "A: I'm sorry to hear that. Can I have your date of birth please?",
            "C: It's the fourth of May 1980.",
            "A: Thank you. I've blocked the card ending [CARD_NUMBER] so nobody can use it.",
            "C: Okay, thank you. What happens now?",
            "A: A new card will arrive in 5 business days. Is there anything else?",
        ]);
        let summary = summarize(&turns);
        let blocked = "I've blocked the card ending [CARD_NUMBER] so nobody can use it.";
        assert_eq!(
            parts(&summary),
            [
                (Reason, "I'm calling because I lost my card yesterday."),
                (Action, blocked),
                (NextStep, "A new card will arrive in 5 business days."),
            ]
        );
        let said: Vec<_> = summary.iter().map(|l| (&l.speaker, l.start_ms)).collect();
        assert_eq!(said, [(&C, 5_000), (&A, 20_000), (&A, 30_000)]);
    }

    #[test]
    fn a_call_without_cues_has_no_summary() {
        let turns = call(&[
            "A: Hello, how are you doing?",
            "C: Fine thanks, and you? Lovely weather today.",
        ]);
        assert_eq!(summarize(&turns), []);
        assert_eq!(summarize(&[]), []);
    }

    #[test]
    fn unpunctuated_whisper_turns_are_whole_sentences() {
        let turns = call(&[
            "C: hi yeah im calling about my internet it keeps dropping out every evening",
            "A: okay ive reset the line from our end",
            "A: you should see it come back within twenty four hours",
        ]);
        let text = |i: usize| turns[i].text.as_str();
        assert_eq!(
            parts(&summarize(&turns)),
            [(Reason, text(0)), (Action, text(1)), (NextStep, text(2))]
        );
    }

    #[test]
    fn a_greeting_is_never_the_reason() {
        let turns = call(&[
            "A: thank you for calling how can i help you today",
            "C: Hello, good morning. Hi, my name is John Smith.",
        ]);
        assert_eq!(summarize(&turns), []);
    }

    #[test]
    fn a_sentence_serves_one_part_and_actions_keep_the_latest_two() {
        let turns = call(&[
            "A: I've cancelled the old order for you.",
            "A: I've refunded the delivery charge as well.",
            "A: I've updated the address on the account.",
            "A: I've ordered a new one and you'll receive it within five business days.",
        ]);
        assert_eq!(
            parts(&summarize(&turns)),
            [
                (Action, "I've refunded the delivery charge as well."),
                (Action, "I've updated the address on the account."),
                (NextStep, turns[3].text.as_str()),
            ]
        );
        let names = [Reason, Action, NextStep].map(SummaryPart::as_str);
        assert_eq!(names, ["reason", "action", "next_step"]);
    }

    #[test]
    fn sentences_split_on_final_punctuation_only() {
        assert_eq!(
            sentences("It was $5.99?! Really... yes. ok"),
            ["It was $5.99?!", "Really...", "yes.", "ok"]
        );
        assert!(sentences("  ").is_empty());
    }
}
