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

impl Document {
    /// Texts embedded for this document; its dense score is the best match among them.
    ///
    /// The whole entry (title + body) comes first and is the vector used for hubness; a title is
    /// also embedded alone because user questions paraphrase FAQ titles. Sentence-level passages
    /// were tried and lowered recall@1 on StackFAQ (0.823 -> 0.802), so long bodies are not split.
    pub fn passages(&self) -> Vec<String> {
        let title = self.title.trim();
        let body = self.body.trim();
        match (title.is_empty(), body.is_empty()) {
            (true, _) => vec![body.to_string()],
            (false, true) => vec![title.to_string()],
            (false, false) => vec![format!("{title}\n{body}"), title.to_string()],
        }
    }
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
    fn titled_entry_is_whole_text_plus_title() {
        let p = doc("Card delivery", "It takes five days.").passages();
        assert_eq!(
            p,
            vec!["Card delivery\nIt takes five days.", "Card delivery"]
        );
    }

    #[test]
    fn untitled_entry_is_its_body() {
        assert_eq!(doc("", "Only a body.").passages(), vec!["Only a body."]);
    }
}
