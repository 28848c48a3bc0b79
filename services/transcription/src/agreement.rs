//! LocalAgreement: live text whose words, once shown as stable, never change.
//!
//! A word becomes stable when two consecutive hypotheses of the same utterance agree on it and on
//! every word before it; agents read the stable part without it flickering under them.

/// Stable and unstable words of one utterance in progress.
#[derive(Debug, Default)]
pub struct Agreement {
    committed: Vec<String>,
    previous: Vec<String>,
}

impl Agreement {
    /// Takes a new hypothesis for the whole utterance so far; returns (stable, unstable) text.
    pub fn update(&mut self, hypothesis: &str) -> (String, String) {
        let words: Vec<String> = hypothesis.split_whitespace().map(str::to_string).collect();
        let agreed = self
            .previous
            .iter()
            .zip(&words)
            .take_while(|(a, b)| same_word(a, b))
            .count();
        if agreed > self.committed.len() {
            self.committed = words[..agreed].to_vec();
        }
        self.previous = words;
        let unstable = self
            .previous
            .iter()
            .skip(self.committed.len())
            .cloned()
            .collect::<Vec<_>>();
        (self.committed.join(" "), unstable.join(" "))
    }
}

/// Words match when they differ only in case or trailing punctuation ("card," vs "card").
fn same_word(a: &str, b: &str) -> bool {
    let clean = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    clean(a) == clean(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_stable_when_two_hypotheses_agree() {
        let mut a = Agreement::default();
        assert_eq!(a.update("I lost"), (String::new(), "I lost".into()));
        assert_eq!(
            a.update("I lost my car"),
            ("I lost".into(), "my car".into())
        );
        assert_eq!(
            a.update("I lost my card yesterday"),
            ("I lost my".into(), "card yesterday".into())
        );
    }

    #[test]
    fn stable_words_never_change_even_if_a_later_guess_disagrees() {
        let mut a = Agreement::default();
        a.update("block my card");
        a.update("block my card now");
        let (stable, unstable) = a.update("lock my card now please");
        assert_eq!(stable, "block my card");
        assert_eq!(unstable, "now please");
    }

    #[test]
    fn punctuation_and_case_do_not_block_agreement() {
        let mut a = Agreement::default();
        a.update("Hello, I need");
        assert_eq!(a.update("hello I need help").0, "hello I need");
    }
}
