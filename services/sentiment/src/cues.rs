//! What contact-center speech says about how a caller feels that a general lexicon misses:
//! waiting, calling again, leaving, things that failed, anger, thanks and relief.

use std::sync::LazyLock;

use regex::Regex;

/// One family of cue phrases, matched as whole words in lower case.
struct Family {
    patterns: Regex,
}

fn family(phrases: &[&str]) -> Family {
    let alternatives: Vec<String> = phrases.iter().map(|p| regex::escape(p)).collect();
    Family {
        patterns: Regex::new(&format!(r"\b(?:{})\b", alternatives.join("|"))).expect("valid"),
    }
}

static FAMILIES: LazyLock<Vec<Family>> = LazyLock::new(|| {
    vec![
        // Waiting and delay.
        family(&[
            "on hold",
            "waiting",
            "waited",
            "wait",
            "queue",
            "still",
            "ages",
            "forever",
            "hours",
            "minutes",
            "weeks",
            "days now",
            "yet",
            "late",
            "delayed",
            "hasn't",
            "haven't",
            "never came",
            "never arrived",
            "not arrived",
            "no one",
            "nobody",
            "chasing",
        ]),
        // Contacting again, being passed around.
        family(&[
            "again",
            "third time",
            "second time",
            "every time",
            "already",
            "twice",
            "keep",
            "keeps",
            "kept",
            "passed",
            "transferred",
            "called before",
            "how many times",
            "every month",
            "every single",
        ]),
        // Leaving.
        family(&[
            "cancel",
            "cancelling",
            "canceling",
            "close my account",
            "leave",
            "leaving",
            "switch provider",
            "another provider",
            "competitor",
            "elsewhere",
            "take my business",
        ]),
        // Something failed or went wrong.
        family(&[
            "not working",
            "doesn't work",
            "isn't working",
            "won't",
            "can't",
            "cannot",
            "broken",
            "down",
            "dropped",
            "dropping",
            "no signal",
            "declined",
            "charged twice",
            "double charged",
            "overcharged",
            "wrong",
            "error",
            "errors",
            "missing",
            "lost",
            "didn't",
            "never",
            "without",
            "fault",
            "problem",
            "issue",
            "crashed",
            "cut off",
            "don't recognise",
            "unauthorised",
            "fraud",
            "fee",
            "fees",
        ]),
        // Anger, complaint, escalation.
        family(&[
            "ridiculous",
            "unacceptable",
            "fed up",
            "sick of",
            "joke",
            "useless",
            "terrible",
            "worst",
            "furious",
            "angry",
            "frustrated",
            "frustrating",
            "annoyed",
            "waste",
            "rubbish",
            "disappointed",
            "not happy",
            "not good enough",
            "complaint",
            "complain",
            "manager",
            "supervisor",
            "unfair",
            "rude",
        ]),
        // Thanks and praise.
        family(&[
            "thank you",
            "thanks",
            "cheers",
            "appreciate",
            "appreciated",
            "grateful",
            "helpful",
            "kind",
            "patient",
            "patience",
            "lovely",
            "brilliant",
            "great",
            "perfect",
            "excellent",
            "fantastic",
            "wonderful",
            "amazing",
            "pleasure",
        ]),
        // Relief and resolution.
        family(&[
            "sorted",
            "resolved",
            "fixed",
            "working again",
            "works now",
            "working now",
            "relief",
            "glad",
            "pleased",
            "happy",
            "good news",
            "all done",
            "all set",
            "waived",
            "refunded",
            "credit",
            "quick",
            "quicker",
            "easy",
            "easier",
        ]),
        // Neutral requests and agent procedure.
        family(&[
            "can you",
            "could you",
            "i'd like",
            "i would like",
            "i need",
            "how do i",
            "what is",
            "what's",
            "when",
            "which",
            "is it possible",
            "let me",
            "one moment",
            "bear with me",
            "i'll",
            "please hold",
            "confirm",
            "check",
        ]),
    ]
});

/// How many families of cues there are (the width of [`features`]).
pub(crate) fn count() -> usize {
    FAMILIES.len()
}

/// One value per family: how many of its phrases the text holds, saturating at three.
pub(crate) fn features(text: &str) -> Vec<f32> {
    let lower = text.to_lowercase().replace('’', "'");
    FAMILIES
        .iter()
        .map(|f| (f.patterns.find_iter(&lower).count().min(3) as f32) / 3.0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_and_thanks_are_seen_as_whole_words() {
        let f = features("I've been on hold for ages, thanks.");
        assert!(f[0] > 0.0, "waiting");
        assert!(f[5] > 0.0, "thanks");
        assert_eq!(features("Thanksgiving plans")[5], 0.0);
        assert_eq!(f.len(), count());
    }
}
