//! One immutable on-disk knowledge build: tantivy BM25 index, documents and passage vectors.

use std::path::{Path, PathBuf};

use switchboard_embeddings::Embedder;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

use crate::dense::DenseStore;
use crate::fusion::{self, Mode, PARAMS};
use crate::load::check_unique;
use crate::{Document, KnowledgeError, io_err};

const TOKENIZER: &str = "switchboard_en";
/// Title matches count more: in an FAQ the title is the question users paraphrase.
const TITLE_BOOST: f32 = 1.5;
/// BM25 candidates fused with the dense scan; lower-ranked lexical matches add almost nothing.
const BM25_DEPTH: usize = 100;
/// Passages embedded per model call.
const EMBED_BATCH: usize = 32;

/// A retrieved document with the signals behind its rank, so callers can explain the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub body: String,
    /// Where the answer came from (file path or CSV row).
    pub source: String,
    /// Fused score in 0..1; compare with [`crate::DEFAULT_MIN_SCORE`] to decide on hand-off.
    pub score: f32,
    /// Raw tantivy BM25 score (0 when the document matched no query term).
    pub bm25: f32,
    /// Best cosine between the query and the document's passages.
    pub dense: f32,
}

/// An opened knowledge build; immutable, cheap to share behind an `Arc`.
pub struct KnowledgeIndex {
    dir: PathBuf,
    docs: Vec<Document>,
    dense: DenseStore,
    /// [`Embedder::model_id`] of the encoder that built `dense` (empty in older builds).
    encoder: String,
    reader: IndexReader,
    analyzer: TextAnalyzer,
    title: Field,
    body: Field,
    /// `ords[segment][doc_id]` = position in `docs`.
    ords: Vec<Vec<u32>>,
}

impl std::fmt::Debug for KnowledgeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnowledgeIndex")
            .field("dir", &self.dir)
            .field("docs", &self.docs.len())
            .finish()
    }
}

fn schema() -> (Schema, Field, Field) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    b.add_u64_field("ord", FAST | INDEXED);
    let title = b.add_text_field("title", text.clone());
    let body = b.add_text_field("body", text);
    (b.build(), title, body)
}

/// English analyzer: lower-case, fold accents, drop stop words, Snowball stem.
fn analyzer() -> TextAnalyzer {
    let stop = StopWordFilter::new(Language::English).expect("tantivy ships English stop words");
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(stop)
        .filter(Stemmer::new(Language::English))
        .build()
}

fn paths(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    (
        dir.join("tantivy"),
        dir.join("documents.json"),
        dir.join("vectors.bin"),
    )
}

/// Where the build records which encoder made its vectors.
fn encoder_path(dir: &Path) -> PathBuf {
    dir.join("encoder.txt")
}

impl KnowledgeIndex {
    /// Builds a new index in `dir` (created; must not already hold an index) and opens it.
    ///
    /// `progress(done, total)` is called as passages are embedded, which is nearly all the work.
    /// On failure the partly written directory is removed.
    pub fn build(
        dir: &Path,
        docs: Vec<Document>,
        embedder: &dyn Embedder,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Self, KnowledgeError> {
        if docs.is_empty() {
            return Err(KnowledgeError::Empty);
        }
        check_unique(&docs)?;
        let existed = dir.exists();
        let result = write_index(dir, &docs, embedder, progress).and_then(|()| Self::open(dir));
        if result.is_err() && !existed {
            let _ = std::fs::remove_dir_all(dir);
        }
        result
    }

    /// Opens a build written by [`KnowledgeIndex::build`]; nothing is re-embedded.
    pub fn open(dir: &Path) -> Result<Self, KnowledgeError> {
        let (tantivy_dir, docs_path, vectors_path) = paths(dir);
        let docs_json = std::fs::read(&docs_path).map_err(io_err(&docs_path))?;
        let docs: Vec<Document> =
            serde_json::from_slice(&docs_json).map_err(|e| KnowledgeError::Corrupt {
                path: docs_path.clone(),
                message: e.to_string(),
            })?;
        let dense = DenseStore::load(&vectors_path)?;
        let encoder = match std::fs::read_to_string(encoder_path(dir)) {
            Ok(id) => id.trim().to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(io_err(&encoder_path(dir))(e)),
        };
        if dense.len() != docs.len() {
            return Err(KnowledgeError::Corrupt {
                path: vectors_path,
                message: format!("{} vector groups for {} documents", dense.len(), docs.len()),
            });
        }
        let index = Index::open_in_dir(&tantivy_dir)?;
        index.tokenizers().register(TOKENIZER, analyzer());
        let (_, title, body) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let mut ords = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("ord")?;
            let seg_ords = (0..segment.max_doc())
                .map(|d| column.first(d).unwrap_or(u64::MAX) as u32)
                .collect();
            ords.push(seg_ords);
        }
        let indexed: usize = ords.iter().map(Vec::len).sum();
        if indexed != docs.len() {
            return Err(KnowledgeError::Corrupt {
                path: tantivy_dir,
                message: format!("{indexed} indexed documents for {} stored", docs.len()),
            });
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            docs,
            dense,
            encoder,
            reader,
            analyzer: analyzer(),
            title,
            body,
            ords,
        })
    }

    /// Directory this build lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Always false for a built index (empty builds are refused); here for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Embedding length the query vector must have.
    pub fn dim(&self) -> usize {
        self.dense.dim()
    }

    /// Which encoder made the vectors ([`Embedder::model_id`]); queries must use the same one.
    /// Empty for builds written before this was recorded.
    pub fn encoder(&self) -> &str {
        &self.encoder
    }

    /// The indexed documents, in build order.
    pub fn documents(&self) -> &[Document] {
        &self.docs
    }

    /// The chatbot's retrieval: hybrid ranking, best first, at most `k` hits.
    pub fn search(
        &self,
        query: &str,
        query_embedding: &[f32],
        k: usize,
    ) -> Result<Vec<Hit>, KnowledgeError> {
        self.search_with(Mode::Hybrid, query, query_embedding, k)
    }

    /// The top hit if it clears `min_score`; `None` means the bot should hand off.
    pub fn best_answer(
        &self,
        query: &str,
        query_embedding: &[f32],
        min_score: f32,
    ) -> Result<Option<Hit>, KnowledgeError> {
        let hits = self.search(query, query_embedding, 1)?;
        Ok(hits.into_iter().next().filter(|h| h.score >= min_score))
    }

    /// Ranking with an explicit [`Mode`], so evaluations can compare signals on one index.
    ///
    /// `query_embedding` may be empty in [`Mode::Bm25`]. Scores are in 0..1 in every mode, but
    /// only hybrid scores are calibrated for [`crate::DEFAULT_MIN_SCORE`].
    pub fn search_with(
        &self,
        mode: Mode,
        query: &str,
        query_embedding: &[f32],
        k: usize,
    ) -> Result<Vec<Hit>, KnowledgeError> {
        let n = self.docs.len();
        let dense = if mode == Mode::Bm25 {
            vec![0.0; n]
        } else {
            if query_embedding.len() != self.dim() {
                return Err(KnowledgeError::DimensionMismatch {
                    expected: self.dim(),
                    got: query_embedding.len(),
                });
            }
            self.dense.scores(query_embedding)
        };
        let bm25 = if mode == Mode::Dense {
            Vec::new()
        } else {
            self.bm25(query)?
        };
        let raw = fusion::raw_scores(mode, &PARAMS, dense.clone(), self.dense.hub(), &bm25);
        let order = match mode {
            Mode::Bm25 => fusion::top_k(&raw, bm25.iter().map(|&(d, _)| d), k),
            _ => fusion::top_k(&raw, 0..n, k),
        };
        Ok(order
            .into_iter()
            .map(|d| {
                let doc = &self.docs[d];
                let score = match mode {
                    Mode::Hybrid => fusion::calibrate(&PARAMS, raw[d]),
                    _ => raw[d].clamp(0.0, 1.0),
                };
                Hit {
                    id: doc.id.clone(),
                    title: doc.title.clone(),
                    body: doc.body.clone(),
                    source: doc.source.clone(),
                    score,
                    bm25: bm25.iter().find(|&&(e, _)| e == d).map_or(0.0, |&(_, s)| s),
                    dense: dense[d],
                }
            })
            .collect())
    }

    /// BM25 scores of the best lexical matches as (document position, score).
    fn bm25(&self, query: &str) -> Result<Vec<(usize, f32)>, KnowledgeError> {
        let mut terms: Vec<String> = Vec::new();
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(query);
        while let Some(token) = stream.next() {
            if !terms.contains(&token.text) {
                terms.push(token.text.clone());
            }
        }
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(terms.len() * 2);
        for t in &terms {
            let term_query =
                |f| TermQuery::new(Term::from_field_text(f, t), IndexRecordOption::WithFreqs);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(term_query(self.title)),
                    TITLE_BOOST,
                )),
            ));
            clauses.push((Occur::Should, Box::new(term_query(self.body))));
        }
        let searcher = self.reader.searcher();
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(BM25_DEPTH).order_by_score(),
        )?;
        Ok(top
            .into_iter()
            .filter_map(|(score, addr)| {
                let ord = *self
                    .ords
                    .get(addr.segment_ord as usize)?
                    .get(addr.doc_id as usize)?;
                Some((ord as usize, score))
            })
            .collect())
    }
}

/// Writes the tantivy index, documents and vectors into `dir`.
fn write_index(
    dir: &Path,
    docs: &[Document],
    embedder: &dyn Embedder,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), KnowledgeError> {
    let (tantivy_dir, docs_path, vectors_path) = paths(dir);
    std::fs::create_dir_all(&tantivy_dir).map_err(io_err(&tantivy_dir))?;

    let passages: Vec<Vec<String>> = docs.iter().map(Document::passages).collect();
    let counts: Vec<usize> = passages.iter().map(Vec::len).collect();
    let flat: Vec<&str> = passages.iter().flatten().map(String::as_str).collect();
    let mut vectors = Vec::with_capacity(flat.len());
    progress(0, flat.len());
    for batch in flat.chunks(EMBED_BATCH) {
        let embedded = embedder.embed(batch)?;
        if embedded.len() != batch.len() || embedded.iter().any(|v| v.len() != embedder.dim()) {
            return Err(switchboard_embeddings::EmbedError::Inference(format!(
                "embedder returned {} vectors of the wrong shape for {} texts",
                embedded.len(),
                batch.len()
            ))
            .into());
        }
        vectors.extend(embedded);
        progress(vectors.len(), flat.len());
    }
    DenseStore::new(embedder.dim(), &counts, vectors).save(&vectors_path)?;
    let encoder = encoder_path(dir);
    std::fs::write(&encoder, embedder.model_id()).map_err(io_err(&encoder))?;

    let (schema, title, body) = schema();
    let ord = schema.get_field("ord")?;
    let index = Index::create_in_dir(&tantivy_dir, schema)?;
    index.tokenizers().register(TOKENIZER, analyzer());
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000)?;
    for (i, d) in docs.iter().enumerate() {
        let mut doc = TantivyDocument::new();
        doc.add_u64(ord, i as u64);
        doc.add_text(title, &d.title);
        doc.add_text(body, &d.body);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;

    let json = serde_json::to_vec(docs).map_err(|e| KnowledgeError::Corrupt {
        path: docs_path.clone(),
        message: e.to_string(),
    })?;
    std::fs::write(&docs_path, json).map_err(io_err(&docs_path))
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
