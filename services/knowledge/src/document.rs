//! The knowledge document and how it is cut into passages for embedding.

use serde::{Deserialize, Serialize};

/// One answerable FAQ entry; `source` lets the chatbot say where an answer came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    /// File path (Markdown) or `path:line` (CSV row) the document was read from.
    pub source: String,
}

/// Longest passage, in words, embedded on its own; MiniLM truncates at 256 word pieces.
const PASSAGE_WORDS: usize = 48;
/// Cap on passages per document, so a very long page cannot dominate scan time.
const MAX_PASSAGES: usize = 8;

impl Document {
    /// Texts embedded for this document; its dense score is the best match among them.
    ///
    /// The whole entry (title + body) always comes first. Longer bodies add passages of whole
    /// sentences (up to [`PASSAGE_WORDS`] words) so a question about one detail of a long answer
    /// can still match it; a title is added alone because user questions paraphrase titles.
    pub(crate) fn passages(&self) -> Vec<String> {
        let title = self.title.trim();
        let body = self.body.trim();
        let full = match (title.is_empty(), body.is_empty()) {
            (true, _) => body.to_string(),
            (false, true) => title.to_string(),
            (false, false) => format!("{title}\n{body}"),
        };
        let mut out = vec![full];
        if !title.is_empty() && !body.is_empty() {
            out.push(title.to_string());
        }
        let chunks = sentence_chunks(body, PASSAGE_WORDS);
        if chunks.len() > 1 {
            out.extend(chunks.into_iter().take(MAX_PASSAGES));
        }
        out
    }
}

/// Groups sentences into chunks of at most `max_words` words (a longer sentence stays whole).
fn sentence_chunks(text: &str, max_words: usize) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    let mut words = 0;
    for sentence in sentences(text) {
        let n = sentence.split_whitespace().count();
        if words > 0 && words + n > max_words {
            chunks.push(std::mem::take(&mut current));
            words = 0;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(sentence);
        words += n;
    }
    if !current.trim().is_empty() {
        chunks.push(current);
    }
    chunks
}

/// Splits on sentence ends (`.`, `!`, `?` followed by whitespace) and on blank lines.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    for i in 0..bytes.len() {
        let end_mark = matches!(bytes[i], b'.' | b'!' | b'?')
            && bytes.get(i + 1).is_some_and(|b| b.is_ascii_whitespace());
        let blank_line = bytes[i] == b'\n' && bytes.get(i + 1) == Some(&b'\n');
        if end_mark || blank_line {
            out.push(&text[start..=i]);
            start = i + 1;
        }
    }
    out.push(&text[start..]);
    out.into_iter().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, body: &str) -> Document {
        Document {
            id: "d".into(),
            title: title.into(),
            body: body.into(),
            tags: vec![],
            source: "test".into(),
        }
    }

    #[test]
    fn short_entry_is_one_passage_plus_title() {
        let p = doc("Card delivery", "It takes five days.").passages();
        assert_eq!(p, vec!["Card delivery\nIt takes five days.", "Card delivery"]);
    }

    #[test]
    fn untitled_entry_is_its_body() {
        assert_eq!(doc("", "Only a body.").passages(), vec!["Only a body."]);
    }

    #[test]
    fn long_body_is_split_on_sentences() {
        let sentence = "word ".repeat(30);
        let body = format!("{sentence}. {sentence}! {sentence}?");
        let p = doc("", &body).passages();
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[1].ends_with('.') && p[2].ends_with('!') && p[3].ends_with('?'));
    }

    #[test]
    fn decimals_and_urls_do_not_split() {
        let parts: Vec<_> = sentences("Costs 2.50 at example.com today. Next one").collect();
        assert_eq!(parts, vec!["Costs 2.50 at example.com today.", "Next one"]);
    }
}
