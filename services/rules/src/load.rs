//! Reading `rules/*.yaml` into a validated [`RuleSet`], every problem located by file and line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use regex::RegexBuilder;
use serde_saphyr::{Location, Spanned};
use switchboard_bots::yaml::{parse_file, yaml_files};
use switchboard_bots::{Problem, ValidationReport};

use crate::model::{Condition, Rule, RuleSet, Severity};
use crate::raw::{RawRule, RuleFile};

/// The folder, beside `bot-definitions/`, that holds a deployment's rule files.
pub const RULES_DIR: &str = "rules";

/// Longest category name: it is shown in tables and charts.
const MAX_CATEGORY_CHARS: usize = 80;
/// Longest silence or overlap a rule may wait for (an hour: longer is a mistake in seconds).
const MAX_SECONDS: f32 = 3600.0;

/// Loads and validates every `*.yaml` / `*.yml` under `dir`; on failure the report lists every
/// problem found, not the first.
pub fn load_dir(dir: &Path) -> Result<RuleSet, ValidationReport> {
    let mut report = ValidationReport::default();
    let files = match yaml_files(dir) {
        Ok(files) => files,
        Err(e) => {
            report.push(Problem::file(
                dir,
                format!("cannot read the rules folder: {e}"),
            ));
            return Err(report);
        }
    };
    let mut rules = Vec::new();
    let mut names: HashMap<String, (PathBuf, u64)> = HashMap::new();
    for path in files {
        let Some(file) = parse_file::<RuleFile>(&path, &mut report) else {
            continue;
        };
        if file.rules.value.is_empty() {
            report.push(at(
                &path,
                file.rules.referenced,
                "no rules: `rules:` lists none",
            ));
        }
        for raw in file.rules.value {
            let name = raw.name.value.trim().to_string();
            let line = raw.name.referenced.line();
            if let Some((other, first)) = names.get(&name) {
                report.push(at(
                    &path,
                    raw.name.referenced,
                    format!(
                        "rule {name:?} is defined twice (first at {}:{first}): names must be unique",
                        other.display()
                    ),
                ));
            } else {
                names.insert(name.clone(), (path.clone(), line));
            }
            if let Some(rule) = check(&path, raw, &mut report) {
                rules.push(rule);
            }
        }
    }
    report.sort();
    if report.is_empty() {
        Ok(RuleSet { rules })
    } else {
        Err(report)
    }
}

/// One rule's fields; `None` (with problems reported) when any is wrong.
fn check(path: &Path, raw: RawRule, report: &mut ValidationReport) -> Option<Rule> {
    let before = report.len();
    let name = raw.name.value.trim().to_string();
    if name.is_empty() {
        report.push(at(path, raw.name.referenced, "empty rule name"));
    }
    let category = raw.category.value.trim().to_string();
    if category.is_empty() {
        report.push(at(
            path,
            raw.category.referenced,
            format!("rule {name:?}: empty category"),
        ));
    } else if category.chars().count() > MAX_CATEGORY_CHARS {
        report.push(at(
            path,
            raw.category.referenced,
            format!("rule {name:?}: category longer than {MAX_CATEGORY_CHARS} characters"),
        ));
    }
    let alert = raw.alert.as_ref().and_then(|a| {
        let severity = Severity::parse(a.value.trim());
        if severity.is_none() {
            report.push(at(
                path,
                a.referenced,
                format!(
                    "rule {name:?}: alert {:?} is not one of {:?}",
                    a.value,
                    Severity::NAMES
                ),
            ));
        }
        severity
    });
    let speaker = match raw.speaker.as_ref().map(|s| (s.value.trim(), s.referenced)) {
        None | Some(("any", _)) => None,
        Some((s @ ("customer" | "agent"), _)) => Some(s.to_string()),
        Some((other, loc)) => {
            report.push(at(
                path,
                loc,
                format!("rule {name:?}: speaker {other:?} is not one of customer, agent, any"),
            ));
            None
        }
    };
    let condition = condition(path, &name, &raw, report);
    if let (Some(Condition::SilenceOver { .. }), Some(s)) = (&condition, &raw.speaker)
        && s.value.trim() != "any"
    {
        report.push(at(
            path,
            s.referenced,
            format!("rule {name:?}: silence belongs to nobody; remove `speaker`"),
        ));
    }
    if report.len() > before {
        return None;
    }
    Some(Rule {
        name,
        category,
        description: raw.description.trim().to_string(),
        alert,
        speaker,
        condition: condition?,
    })
}

/// The rule's one condition.
fn condition(
    path: &Path,
    name: &str,
    raw: &RawRule,
    report: &mut ValidationReport,
) -> Option<Condition> {
    let given: Vec<&str> = [
        ("phrases", raw.phrases.is_some()),
        ("regex", raw.regex.is_some()),
        ("sentiment_below", raw.sentiment_below.is_some()),
        ("silence_over_s", raw.silence_over_s.is_some()),
        ("overlap_over_s", raw.overlap_over_s.is_some()),
    ]
    .into_iter()
    .filter_map(|(key, set)| set.then_some(key))
    .collect();
    if given.len() != 1 {
        let what = if given.is_empty() {
            "has no condition".to_string()
        } else {
            format!("has {} conditions ({})", given.len(), given.join(", "))
        };
        report.push(at(
            path,
            raw.name.referenced,
            format!(
                "rule {name:?} {what}: give exactly one of phrases, regex, sentiment_below, silence_over_s, overlap_over_s"
            ),
        ));
        return None;
    }
    if let (Some(turns), None) = (&raw.for_turns, &raw.sentiment_below) {
        report.push(at(
            path,
            turns.referenced,
            format!("rule {name:?}: for_turns applies only to sentiment_below"),
        ));
    }
    if let Some(list) = &raw.phrases {
        return phrases(path, name, list, report);
    }
    if let Some(pattern) = &raw.regex {
        return match RegexBuilder::new(&pattern.value)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
        {
            Ok(re) => Some(Condition::Pattern(re)),
            Err(e) => {
                let why = e.to_string();
                let why = why.lines().last().unwrap_or("invalid").trim();
                let why = why.strip_prefix("error: ").unwrap_or(why);
                report.push(at(
                    path,
                    pattern.referenced,
                    format!("rule {name:?}: regex does not compile: {why}"),
                ));
                None
            }
        };
    }
    if let Some(threshold) = &raw.sentiment_below {
        let turns = raw.for_turns.as_ref().map_or(1, |t| t.value);
        let mut ok = true;
        if !(threshold.value > -1.0 && threshold.value <= 1.0) {
            report.push(at(
                path,
                threshold.referenced,
                format!(
                    "rule {name:?}: sentiment_below {} is outside the score range (-1, 1]",
                    threshold.value
                ),
            ));
            ok = false;
        }
        if let Some(t) = raw
            .for_turns
            .as_ref()
            .filter(|t| t.value == 0 || t.value > 100)
        {
            report.push(at(
                path,
                t.referenced,
                format!("rule {name:?}: for_turns must be 1 to 100, not {}", t.value),
            ));
            ok = false;
        }
        return ok.then_some(Condition::SentimentBelow {
            threshold: threshold.value,
            turns,
        });
    }
    let (key, seconds) = match (&raw.silence_over_s, &raw.overlap_over_s) {
        (Some(s), _) => ("silence_over_s", s),
        (_, Some(s)) => ("overlap_over_s", s),
        _ => unreachable!("exactly one condition is set"),
    };
    if !(seconds.value > 0.0 && seconds.value <= MAX_SECONDS) {
        report.push(at(
            path,
            seconds.referenced,
            format!(
                "rule {name:?}: {key} must be above 0 and at most {MAX_SECONDS} seconds, not {}",
                seconds.value
            ),
        ));
        return None;
    }
    let ms = (seconds.value * 1000.0).round() as u64;
    Some(if key == "silence_over_s" {
        Condition::SilenceOver { ms }
    } else {
        Condition::OverlapOver { ms }
    })
}

fn phrases(
    path: &Path,
    name: &str,
    list: &Spanned<Vec<Spanned<String>>>,
    report: &mut ValidationReport,
) -> Option<Condition> {
    if list.value.is_empty() {
        report.push(at(
            path,
            list.referenced,
            format!("rule {name:?}: phrases is empty"),
        ));
        return None;
    }
    let mut out = Vec::new();
    for p in &list.value {
        let words = crate::engine::words(&p.value);
        if words.is_empty() {
            report.push(at(
                path,
                p.referenced,
                format!("rule {name:?}: phrase {:?} has no words", p.value),
            ));
        } else {
            out.push(words);
        }
    }
    (out.len() == list.value.len()).then_some(Condition::Phrases(out))
}

fn at(file: &Path, loc: Location, message: impl Into<String>) -> Problem {
    Problem::at(file, loc.line(), loc.column(), message)
}
