//! Reading a bot directory (bot.yaml + intents/*.yaml) into a validated [`BotDefinition`].

use std::path::{Path, PathBuf};

use crate::error::BotsError;
use crate::model::BotDefinition;
use crate::raw::{BotFile, IntentFile};
use crate::report::{Problem, ValidationReport};
use crate::validate;
use crate::yaml::{parse_file, yaml_files};

/// The file every bot directory must have.
pub const BOT_FILE: &str = "bot.yaml";
/// The folder holding one YAML file per intent.
pub const INTENTS_DIR: &str = "intents";

/// Loads and validates one bot; on failure the report lists every problem found, not the first.
pub fn load_bot(dir: &Path) -> Result<BotDefinition, ValidationReport> {
    let mut report = ValidationReport::default();
    let bot_path = dir.join(BOT_FILE);
    let bot: Option<BotFile> = if bot_path.is_file() {
        parse_file(&bot_path, &mut report)
    } else {
        report.push(Problem::file(
            &bot_path,
            "missing bot.yaml: every bot directory needs one with name, locale, description, version and fallback",
        ));
        None
    };

    let intents_dir = dir.join(INTENTS_DIR);
    let mut intents: Vec<(PathBuf, IntentFile)> = Vec::new();
    match yaml_files(&intents_dir) {
        Ok(files) if files.is_empty() => report.push(Problem::file(
            &intents_dir,
            "no intents: add one YAML file per intent under intents/",
        )),
        Ok(files) => {
            for path in files {
                if let Some(intent) = parse_file::<IntentFile>(&path, &mut report) {
                    intents.push((path, intent));
                }
            }
        }
        Err(e) => report.push(Problem::file(
            &intents_dir,
            format!(
                "cannot read the intents folder ({e}): add one YAML file per intent under intents/"
            ),
        )),
    }

    let definition = validate::check(&bot_path, bot, intents, &mut report);
    report.sort();
    match definition {
        Some(def) if report.is_empty() => Ok(def),
        _ => Err(report),
    }
}

/// One bot's outcome in [`validate_dir`]: its directory name and what loading it gave.
pub type BotOutcome = (String, Result<BotDefinition, ValidationReport>);

/// Validates every bot under `root` (each non-hidden sub-directory, by name) for `bot validate`.
pub fn validate_dir(root: &Path) -> Result<Vec<BotOutcome>, BotsError> {
    let read_err = |source| BotsError::ReadRoot {
        path: root.to_path_buf(),
        source,
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .map_err(read_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    dirs.sort();
    Ok(dirs
        .into_iter()
        .map(|d| {
            let name = d
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, load_bot(&d))
        })
        .collect())
}
