//! Problems found in a bot definition, each pointing at a file and line an author can fix.

use std::fmt;
use std::path::{Path, PathBuf};

/// One thing wrong with a definition, located precisely enough to fix without searching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based; `None` when the problem is about the file as a whole (e.g. it is missing).
    pub line: Option<u64>,
    /// 1-based; `None` when only the line is known.
    pub column: Option<u64>,
    pub message: String,
}

impl Problem {
    /// A problem about a whole file.
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// A problem at a position; line/column 0 (unknown) become `None`.
    pub fn at(file: &Path, line: u64, column: u64, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_path_buf(),
            line: (line > 0).then_some(line),
            column: (line > 0 && column > 0).then_some(column),
            message: message.into(),
        }
    }

    /// `path:line:column` (as far as known), the form editors and terminals link to.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file.display()),
            (Some(l), None) => format!("{}:{l}", self.file.display()),
            _ => self.file.display().to_string(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

/// Every problem found in one bot, so an author fixes them all in one pass.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct ValidationReport {
    /// Sorted by file, then line, then column.
    pub problems: Vec<Problem>,
}

impl ValidationReport {
    /// True when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }
    /// How many problems were found, for summaries like "3 problems".
    pub fn len(&self) -> usize {
        self.problems.len()
    }
    /// Adds a problem (authors of other YAML formats build reports too).
    pub fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }
    /// Orders by file, line and column, dropping repeats, as authors read them.
    pub fn sort(&mut self) {
        self.problems.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        });
        self.problems.dedup();
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(f, "{n} problem{} found:", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}
