//! FAQ retrieval evaluation: index an answer pool, ask paraphrased questions, score the ranking.
//!
//! It runs the same search the chatbot runs (one query embedding per question, then
//! [`KnowledgeIndex::search_with`]), so its figures are the product's figures.

use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use switchboard_embeddings::Embedder;

use crate::load::{columns, csv_rows, open_csv};
use crate::{Document, KnowledgeError, KnowledgeIndex, Mode};

/// Rank cut-off for MRR (MRR@10); deeper ranks do not matter to a chatbot.
pub const MRR_DEPTH: usize = 10;

/// One evaluation question and every answer id that counts as correct.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub text: String,
    pub answer_ids: Vec<String>,
}

/// Retrieval quality and speed over a question set.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub questions: usize,
    pub recall_at_1: f64,
    pub recall_at_5: f64,
    /// Mean reciprocal rank of the first correct answer within [`MRR_DEPTH`].
    pub mrr: f64,
    /// Query embedding plus search, per question: what a chat turn pays for retrieval.
    pub ms_per_query: f64,
    /// Search alone (embedding excluded), per question.
    pub search_ms_per_query: f64,
}

/// Reads an answer pool CSV (`answer_id,text`, any header case) as untitled documents.
pub fn load_answers(path: &Path) -> Result<Vec<Document>, KnowledgeError> {
    let mut reader = open_csv(path)?;
    let cols = columns(path, &mut reader, &["answer_id", "text"], &[])?;
    let mut docs = Vec::new();
    for row in csv_rows(path, &mut reader) {
        let (line, rec) = row?;
        let get = |c: &str| rec.get(cols[c]).unwrap_or("").trim().to_string();
        let (id, body) = (get("answer_id"), get("text"));
        if id.is_empty() || body.is_empty() {
            return Err(csv_err(
                path,
                line,
                "answer_id and text must both be non-empty",
            ));
        }
        let source = format!("{}:{line}", path.display());
        docs.push(Document {
            id,
            title: String::new(),
            body,
            tags: vec![],
            source,
        });
    }
    if docs.is_empty() {
        return Err(KnowledgeError::Empty);
    }
    crate::load::check_unique(&docs)?;
    Ok(docs)
}

/// Reads questions (`question,answer_ids`, ids space-separated) and checks ids exist in `pool`.
pub fn load_questions(path: &Path, pool: &[Document]) -> Result<Vec<Question>, KnowledgeError> {
    let known: HashSet<&str> = pool.iter().map(|d| d.id.as_str()).collect();
    let mut reader = open_csv(path)?;
    let cols = columns(path, &mut reader, &["question", "answer_ids"], &[])?;
    let mut out = Vec::new();
    for row in csv_rows(path, &mut reader) {
        let (line, rec) = row?;
        let text = rec.get(cols["question"]).unwrap_or("").trim().to_string();
        let ids: Vec<String> = rec
            .get(cols["answer_ids"])
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if text.is_empty() || ids.is_empty() {
            return Err(csv_err(
                path,
                line,
                "question and answer_ids must both be non-empty",
            ));
        }
        if let Some(bad) = ids.iter().find(|id| !known.contains(id.as_str())) {
            return Err(csv_err(
                path,
                line,
                &format!("answer id `{bad}` is not in the pool"),
            ));
        }
        out.push(Question {
            text,
            answer_ids: ids,
        });
    }
    if out.is_empty() {
        return Err(csv_err(path, 1, "no questions"));
    }
    Ok(out)
}

fn csv_err(path: &Path, line: usize, message: &str) -> KnowledgeError {
    KnowledgeError::Csv {
        path: path.to_path_buf(),
        line,
        message: message.to_string(),
    }
}

/// Scores `mode` on `questions`; `progress(done, total)` follows the questions.
pub fn evaluate(
    index: &KnowledgeIndex,
    questions: &[Question],
    embedder: &dyn Embedder,
    mode: Mode,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, KnowledgeError> {
    let (mut hit1, mut hit5, mut rr) = (0usize, 0usize, 0f64);
    let (mut embed_s, mut search_s) = (0f64, 0f64);
    progress(0, questions.len());
    for (i, q) in questions.iter().enumerate() {
        let t = Instant::now();
        let embedding = match mode {
            Mode::Bm25 => Vec::new(),
            _ => embedder.embed(&[&q.text])?.remove(0),
        };
        let t_search = Instant::now();
        embed_s += (t_search - t).as_secs_f64();
        let hits = index.search_with(mode, &q.text, &embedding, MRR_DEPTH)?;
        search_s += t_search.elapsed().as_secs_f64();
        if let Some(rank) = hits.iter().position(|h| q.answer_ids.contains(&h.id)) {
            hit1 += usize::from(rank == 0);
            hit5 += usize::from(rank < 5);
            rr += 1.0 / (rank + 1) as f64;
        }
        progress(i + 1, questions.len());
    }
    let n = questions.len().max(1) as f64;
    Ok(Report {
        questions: questions.len(),
        recall_at_1: hit1 as f64 / n,
        recall_at_5: hit5 as f64 / n,
        mrr: rr / n,
        ms_per_query: (embed_s + search_s) * 1000.0 / n,
        search_ms_per_query: search_s * 1000.0 / n,
    })
}

#[cfg(test)]
#[path = "eval_tests.rs"]
mod tests;
