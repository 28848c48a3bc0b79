//! What a whole call was about: the key phrases its segments had, folded into a few topics.

use std::collections::HashMap;

/// A call's key phrases from its segments' (each list most telling first): phrases that recur
/// and rank high win; a phrase inside a longer picked one ("card" in "debit card") or differing
/// only in case or a plural `s` is the same topic.
pub fn call_phrases<'a>(
    segments: impl IntoIterator<Item = &'a [String]>,
    max: usize,
) -> Vec<String> {
    let mut score: HashMap<String, (f32, usize, String)> = HashMap::new();
    let mut order = 0;
    for phrases in segments {
        for (rank, phrase) in phrases.iter().enumerate() {
            let entry = score.entry(topic(phrase)).or_insert_with(|| {
                order += 1;
                (0.0, order, phrase.clone())
            });
            entry.0 += 1.0 / (rank as f32 + 1.0);
        }
    }
    let mut ranked: Vec<(String, (f32, usize, String))> = score.into_iter().collect();
    ranked.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
    let mut out: Vec<(String, String)> = Vec::new();
    for (key, (_, _, shown)) in ranked {
        let padded = format!(" {key} ");
        let covered = out
            .iter()
            .any(|(k, _)| format!(" {k} ").contains(&padded) || padded.contains(&format!(" {k} ")));
        if !covered {
            out.push((key, shown));
        }
        if out.len() == max {
            break;
        }
    }
    out.into_iter().map(|(_, shown)| shown).collect()
}

/// Lowercase, each word without a plural `s`: the key near-identical phrases share.
fn topic(phrase: &str) -> String {
    phrase
        .to_lowercase()
        .split_whitespace()
        .map(|w| {
            if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
                &w[..w.len() - 1]
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_keeps_recurring_topics_once() {
        let segments: Vec<Vec<String>> = [
            vec!["debit card", "block"],
            vec!["card", "direct debits"],
            vec!["Direct debit", "account"],
            vec!["replacement card"],
        ]
        .iter()
        .map(|s| s.iter().map(|p| p.to_string()).collect())
        .collect();
        let call = call_phrases(segments.iter().map(Vec::as_slice), 4);
        assert_eq!(
            call,
            ["direct debits", "debit card", "replacement card", "block"]
        );
    }
}
