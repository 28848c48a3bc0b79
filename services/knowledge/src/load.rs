//! Reading knowledge from Markdown files with YAML front matter and from CSV exports.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{Document, KnowledgeError, io_err};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: Option<String>,
    title: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

/// Loads every `*.md` file under `dir` (recursively, in path order) and checks ids are unique.
/// `README.md` files document the folder and are not FAQ articles: they are skipped.
pub fn load_dir(dir: &Path) -> Result<Vec<Document>, KnowledgeError> {
    let mut files = Vec::new();
    collect_markdown(dir, &mut files)?;
    files.sort();
    let mut docs = Vec::with_capacity(files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
        docs.push(parse_markdown(&path, &text)?);
    }
    check_unique(&docs)?;
    Ok(docs)
}

fn collect_markdown(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), KnowledgeError> {
    for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let path = entry.map_err(io_err(dir))?.path();
        if path.is_dir() {
            collect_markdown(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"))
            && !is_readme(&path)
        {
            out.push(path);
        }
    }
    Ok(())
}

fn is_readme(path: &Path) -> bool {
    path.file_stem()
        .is_some_and(|s| s.eq_ignore_ascii_case("readme"))
}

/// Parses one Markdown document; `path` names it in errors and supplies the default id.
pub fn parse_markdown(path: &Path, text: &str) -> Result<Document, KnowledgeError> {
    let fm_err = |line: usize, message: String| KnowledgeError::FrontMatter {
        path: path.to_path_buf(),
        line,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("---") {
        return Err(fm_err(
            1,
            "expected front matter: first line must be `---`".into(),
        ));
    }
    let mut yaml = String::new();
    let mut closed = None;
    for (i, line) in lines.by_ref().enumerate() {
        if line.trim_end() == "---" {
            closed = Some(i + 2);
            break;
        }
        yaml.push_str(line);
    }
    let Some(close_line) = closed else {
        return Err(fm_err(
            1,
            "front matter opened here is never closed with `---`".into(),
        ));
    };
    let body: String = lines.collect();
    let fm: FrontMatter = if yaml.trim().is_empty() {
        FrontMatter {
            id: None,
            title: None,
            tags: vec![],
        }
    } else {
        serde_saphyr::from_str(&yaml).map_err(|e| {
            // YAML line 1 is file line 2 (after the opening `---`).
            let line = e.location().map_or(2, |l| l.line() as usize + 1);
            fm_err(line, first_line(&e.to_string()))
        })?
    };
    let title = fm.title.map(|t| t.trim().to_string()).unwrap_or_default();
    if title.is_empty() {
        return Err(fm_err(
            close_line,
            "front matter needs a non-empty `title`".into(),
        ));
    }
    let id = match fm.id.map(|s| s.trim().to_string()) {
        Some(id) if !id.is_empty() => id,
        Some(_) => {
            return Err(fm_err(
                2,
                "`id` is empty; remove it to use the file name".into(),
            ));
        }
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    Ok(Document {
        id,
        title,
        body: body.trim().to_string(),
        tags: fm.tags,
        source: path.display().to_string(),
    })
}

/// Keeps the YAML parser's headline and drops its rendered source snippet.
fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_string()
}

/// Imports a CSV with `question` and `answer` columns (optional `id`, `category` or `class`), any case.
///
/// The question becomes the title, the answer the body, the category a tag. Rows without an
/// `id` column get `<file stem>-<line>` so ids stay stable while the file is only appended to.
pub fn load_csv(path: &Path) -> Result<Vec<Document>, KnowledgeError> {
    let mut reader = open_csv(path)?;
    let cols = columns(
        path,
        &mut reader,
        &["question", "answer"],
        &["id", "category", "class"],
    )?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut docs = Vec::new();
    for row in csv_rows(path, &mut reader) {
        let (line, record) = row?;
        let field = |name: &str| {
            cols.get(name)
                .and_then(|&i| record.get(i))
                .unwrap_or("")
                .trim()
        };
        let (question, answer) = (field("question"), field("answer"));
        if question.is_empty() || answer.is_empty() {
            return Err(KnowledgeError::Csv {
                path: path.to_path_buf(),
                line,
                message: "question and answer must both be non-empty".into(),
            });
        }
        let id = match field("id") {
            "" => format!("{stem}-{line}"),
            id => id.to_string(),
        };
        let tags = match field("category") {
            "" if !field("class").is_empty() => vec![field("class").to_string()],
            "" => vec![],
            c => vec![c.to_string()],
        };
        docs.push(Document {
            id,
            title: question.to_string(),
            body: answer.to_string(),
            tags,
            source: format!("{}:{line}", path.display()),
        });
    }
    check_unique(&docs)?;
    Ok(docs)
}

pub(crate) fn open_csv(path: &Path) -> Result<csv::Reader<std::fs::File>, KnowledgeError> {
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    Ok(csv::ReaderBuilder::new().flexible(true).from_reader(file))
}

/// Maps lower-cased column names to positions, failing when a required one is missing.
pub(crate) fn columns(
    path: &Path,
    reader: &mut csv::Reader<std::fs::File>,
    required: &[&str],
    optional: &[&str],
) -> Result<HashMap<String, usize>, KnowledgeError> {
    let bad = |message: String| KnowledgeError::BadHeader {
        path: path.to_path_buf(),
        message,
    };
    let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let mut map = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let name = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        if required.contains(&name.as_str()) || optional.contains(&name.as_str()) {
            map.entry(name).or_insert(i);
        }
    }
    let missing: Vec<_> = required.iter().filter(|r| !map.contains_key(**r)).collect();
    if !missing.is_empty() {
        let found: Vec<_> = headers.iter().collect();
        return Err(bad(format!(
            "missing column(s) {missing:?}; found {found:?}"
        )));
    }
    Ok(map)
}

/// Iterates data rows with their 1-based file line, turning parse failures into line errors.
pub(crate) fn csv_rows<'r>(
    path: &'r Path,
    reader: &'r mut csv::Reader<std::fs::File>,
) -> impl Iterator<Item = Result<(usize, csv::StringRecord), KnowledgeError>> + 'r {
    reader.records().map(move |r| {
        r.map(|rec| (rec.position().map_or(0, |p| p.line() as usize), rec))
            .map_err(|e| KnowledgeError::Csv {
                path: path.to_path_buf(),
                line: e.position().map_or(0, |p| p.line() as usize),
                message: e.to_string(),
            })
    })
}

/// Rejects duplicate ids, naming both sources.
pub(crate) fn check_unique(docs: &[Document]) -> Result<(), KnowledgeError> {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for d in docs {
        if let Some(first) = seen.insert(&d.id, &d.source) {
            return Err(KnowledgeError::DuplicateId {
                id: d.id.clone(),
                first: first.to_string(),
                second: d.source.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
