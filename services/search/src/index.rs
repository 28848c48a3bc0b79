//! The call index on disk: one document per call, replaced whole when the call changes.

use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, TimeZone, Utc};
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
};

use crate::{
    CallDoc, CallFacts, CallHit, CallQuery, DocSegment, MAX_HITS, SNIPPETS_PER_HIT, SearchError,
    Snippet,
};

/// Memory the writer may buffer before it flushes a segment.
const WRITER_HEAP_BYTES: usize = 50_000_000;
/// Characters of a segment shown around its match.
const SNIPPET_CHARS: usize = 160;

#[derive(Clone, Copy)]
struct Fields {
    call_id: Field,
    text: Field,
    segments: Field,
    started_at: Field,
    agent: Field,
    category: Field,
    sentiment: Field,
    duration: Field,
}

/// Calls searchable by their words and filtered by what an analyst filters on.
pub struct CallIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        call_id: b.add_text_field("call_id", STRING | STORED),
        text: b.add_text_field("text", words),
        segments: b.add_text_field("segments", STORED),
        started_at: b.add_i64_field("started_at", INDEXED | FAST | STORED),
        agent: b.add_text_field("agent", STRING | STORED),
        category: b.add_text_field("category", STRING | STORED),
        sentiment: b.add_f64_field("sentiment", INDEXED | FAST | STORED),
        duration: b.add_u64_field("duration_ms", INDEXED | FAST | STORED),
    };
    (b.build(), fields)
}

impl CallIndex {
    /// Opens the index in `dir`, creating it when there is none.
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Io {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let (schema, fields) = schema();
        let directory =
            tantivy::directory::MmapDirectory::open(dir).map_err(|e| SearchError::Io {
                path: dir.display().to_string(),
                message: e.to_string(),
            })?;
        let index = Index::open_or_create(directory, schema)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer(WRITER_HEAP_BYTES)?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
        })
    }

    /// Adds calls, replacing any earlier document of the same call, and makes them searchable.
    pub fn upsert(&self, calls: &[CallDoc]) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        for call in calls {
            writer.delete_term(Term::from_field_text(
                self.fields.call_id,
                &call.facts.call_id,
            ));
            writer.add_document(self.document(call))?;
        }
        writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Calls in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// True when no call is indexed yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn document(&self, call: &CallDoc) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::new();
        let facts = &call.facts;
        doc.add_text(f.call_id, &facts.call_id);
        let words: Vec<&str> = call.segments.iter().map(|s| s.text.as_str()).collect();
        doc.add_text(f.text, words.join("\n"));
        doc.add_text(
            f.segments,
            serde_json::to_string(&call.segments).expect("segments are plain data"),
        );
        doc.add_i64(f.started_at, facts.started_at.timestamp_millis());
        doc.add_text(f.agent, facts.agent_id.as_deref().unwrap_or(""));
        for c in &facts.categories {
            doc.add_text(f.category, c);
        }
        if let Some(s) = facts.sentiment {
            doc.add_f64(f.sentiment, f64::from(s));
        }
        doc.add_u64(f.duration, facts.duration_ms);
        doc
    }

    /// The calls that match `query`, best first (newest first when it has no words).
    pub fn search(&self, query: &CallQuery) -> Result<Vec<CallHit>, SearchError> {
        let f = self.fields;
        let limit = query.limit.clamp(1, MAX_HITS);
        let words = self.words(&query.text)?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = filters(f, query)?
            .into_iter()
            .map(|q| (Occur::Must, q))
            .collect();
        let searcher = self.reader.searcher();
        let found: Vec<(f32, DocAddress)> = match &words {
            Some(words) => {
                clauses.push((Occur::Must, words.box_clone()));
                let all = BooleanQuery::new(clauses);
                searcher.search(&all, &TopDocs::with_limit(limit).order_by_score())?
            }
            None => {
                clauses.push((Occur::Must, Box::new(AllQuery)));
                let all = BooleanQuery::new(clauses);
                let newest = TopDocs::with_limit(limit)
                    .order_by_fast_field::<i64>("started_at", Order::Desc);
                searcher
                    .search(&all, &newest)?
                    .into_iter()
                    .map(|(_, at)| (0.0, at))
                    .collect()
            }
        };
        let snippets = match &words {
            Some(words) => {
                let mut g = SnippetGenerator::create(&searcher, words.as_ref(), f.text)?;
                g.set_max_num_chars(SNIPPET_CHARS);
                Some(g)
            }
            None => None,
        };
        found
            .into_iter()
            .map(|(score, at)| {
                let doc: TantivyDocument = searcher.doc(at)?;
                Ok(self.hit(&doc, score, snippets.as_ref()))
            })
            .collect()
    }

    /// The words as a query over the transcript text; `None` when there are none.
    fn words(&self, text: &str) -> Result<Option<Box<dyn Query>>, SearchError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        let mut parser = QueryParser::for_index(&self.index, vec![self.fields.text]);
        parser.set_conjunction_by_default();
        parser
            .parse_query(text)
            .map(Some)
            .map_err(|e| SearchError::Query {
                query: text.to_string(),
                message: e.to_string(),
            })
    }

    fn hit(
        &self,
        doc: &TantivyDocument,
        score: f32,
        snippets: Option<&SnippetGenerator>,
    ) -> CallHit {
        let f = self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let segments: Vec<DocSegment> = serde_json::from_str(&text(f.segments)).unwrap_or_default();
        let agent = text(f.agent);
        let millis = doc
            .get_first(f.started_at)
            .and_then(|v| v.as_i64())
            .unwrap_or(0);
        let facts = CallFacts {
            call_id: text(f.call_id),
            started_at: Utc
                .timestamp_millis_opt(millis)
                .single()
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
            agent_id: (!agent.is_empty()).then_some(agent),
            duration_ms: doc
                .get_first(f.duration)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            categories: doc
                .get_all(f.category)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            sentiment: doc
                .get_first(f.sentiment)
                .and_then(|v| v.as_f64())
                .map(|s| s as f32),
        };
        CallHit {
            facts,
            score,
            snippets: snippets.map_or_else(Vec::new, |g| matching(g, &segments)),
        }
    }
}

/// The segments with the most matched words (at most [`SNIPPETS_PER_HIT`]), in call order,
/// with the matches marked.
fn matching(generator: &SnippetGenerator, segments: &[DocSegment]) -> Vec<Snippet> {
    let mut found: Vec<Snippet> = segments
        .iter()
        .filter_map(|s| {
            let snippet = generator.snippet(&s.text);
            (!snippet.highlighted().is_empty()).then(|| Snippet {
                speaker: s.speaker.clone(),
                start_ms: s.start_ms,
                fragment: snippet.fragment().to_string(),
                highlights: snippet.highlighted().to_vec(),
            })
        })
        .collect();
    found.sort_by_key(|s| std::cmp::Reverse(s.highlights.len()));
    found.truncate(SNIPPETS_PER_HIT);
    found.sort_by_key(|s| s.start_ms);
    found
}

/// The query's filters, each a clause every hit must meet.
fn filters(f: Fields, q: &CallQuery) -> Result<Vec<Box<dyn Query>>, SearchError> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    if let (Some(from), Some(to)) = (q.from, q.to)
        && from > to
    {
        return Err(SearchError::Filter(format!(
            "from ({from}) is after to ({to})"
        )));
    }
    if q.from.is_some() || q.to.is_some() {
        let term = |t: DateTime<Utc>| Term::from_field_i64(f.started_at, t.timestamp_millis());
        out.push(Box::new(RangeQuery::new(
            q.from
                .map_or(Bound::Unbounded, |t| Bound::Included(term(t))),
            q.to.map_or(Bound::Unbounded, |t| Bound::Included(term(t))),
        )));
    }
    if let Some(agent) = &q.agent_id {
        let term = Term::from_field_text(f.agent, agent);
        out.push(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
    }
    if let Some(category) = &q.category {
        let term = Term::from_field_text(f.category, category);
        out.push(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
    }
    if let (Some(lo), Some(hi)) = (q.min_sentiment, q.max_sentiment)
        && lo > hi
    {
        return Err(SearchError::Filter(format!(
            "min_sentiment {lo} is above max_sentiment {hi}"
        )));
    }
    if q.min_sentiment.is_some() || q.max_sentiment.is_some() {
        let term = |s: f32| Term::from_field_f64(f.sentiment, f64::from(s));
        out.push(Box::new(RangeQuery::new(
            q.min_sentiment
                .map_or(Bound::Unbounded, |s| Bound::Included(term(s))),
            q.max_sentiment
                .map_or(Bound::Unbounded, |s| Bound::Included(term(s))),
        )));
    }
    if let (Some(lo), Some(hi)) = (q.min_duration_ms, q.max_duration_ms)
        && lo > hi
    {
        return Err(SearchError::Filter(format!(
            "min_duration {lo} ms is above max_duration {hi} ms"
        )));
    }
    if q.min_duration_ms.is_some() || q.max_duration_ms.is_some() {
        let term = |ms: u64| Term::from_field_u64(f.duration, ms);
        out.push(Box::new(RangeQuery::new(
            q.min_duration_ms
                .map_or(Bound::Unbounded, |ms| Bound::Included(term(ms))),
            q.max_duration_ms
                .map_or(Bound::Unbounded, |ms| Bound::Included(term(ms))),
        )));
    }
    Ok(out)
}
