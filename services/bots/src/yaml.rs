//! Reading YAML definition files so that every problem names its file, line and column: shared
//! by bot definitions and by anything else authored beside them (call rules).

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::report::{Problem, ValidationReport};

/// `*.yaml` / `*.yml` files in a folder, sorted by name so loading order is stable.
pub fn yaml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Parses one YAML file; syntax, type and unknown-field errors become a located problem.
pub fn parse_file<T: DeserializeOwned>(path: &Path, report: &mut ValidationReport) -> Option<T> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            report.push(Problem::file(path, format!("cannot read file: {e}")));
            return None;
        }
    };
    match serde_saphyr::from_str::<T>(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            report.push(Problem::at(path, line, column, yaml_message(&e)));
            None
        }
    }
}

/// The parser's message without its own location suffix or source snippet (we add ours).
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let text = e.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}
