//! One test per validation error: each checks the file, line and message the author sees.

use std::path::{Path, PathBuf};

use crate::{Problem, ValidationReport, load_bot};

const BOT: &str = "\
name: demo
locale: en_GB
description: A test bot.
version: 1
fallback:
  confidence_threshold: 0.5
  knowledge_fallback: true
  knowledge_min_score: 0.2
  handoff_message: Let me connect you to an agent who can help.
slot_types:
  - name: card_type
    values:
      - value: physical
        synonyms: [plastic card]
      - value: virtual
";

const GREET: &str = "\
name: greet
utterances:
  - hello there
  - good morning
responses:
  - Hello! How can I help?
";

/// A bot directory in a temp folder; `files` are (relative path, content).
fn bot(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("demo");
    std::fs::create_dir_all(dir.join("intents")).expect("mkdir");
    for (rel, text) in files {
        std::fs::write(dir.join(rel), text).expect("write");
    }
    (tmp, dir)
}

fn report(files: &[(&str, &str)]) -> (ValidationReport, PathBuf) {
    let (_tmp, dir) = bot(files);
    let r = load_bot(&dir).expect_err("expected validation problems");
    (r, dir)
}

/// The single problem reported for `rel`, checked for line and message text.
#[track_caller]
fn expect_one(files: &[(&str, &str)], rel: &str, line: Option<u64>, text: &str) -> Problem {
    let (r, dir) = report(files);
    assert_eq!(r.len(), 1, "expected exactly one problem, got:\n{r}");
    let p = r.problems[0].clone();
    assert_eq!(p.file, dir.join(rel), "{p}");
    assert_eq!(p.line, line, "{p}");
    assert!(
        p.message.contains(text),
        "message {:?} lacks {text:?}",
        p.message
    );
    let shown = p.to_string();
    let want = match line {
        Some(l) => format!("{}:{l}", dir.join(rel).display()),
        None => dir.join(rel).display().to_string(),
    };
    assert!(shown.starts_with(&want), "{shown} should start with {want}");
    p
}

fn path(dir: &Path, rel: &str) -> String {
    dir.join(rel).display().to_string()
}

#[test]
fn valid_bot_loads() {
    let (_tmp, dir) = bot(&[("bot.yaml", BOT), ("intents/greet.yaml", GREET)]);
    let def = load_bot(&dir).expect("valid");
    assert_eq!(def.name, "demo");
    assert_eq!(def.intents.len(), 1);
    assert_eq!(
        def.intents[0].utterances,
        vec!["hello there", "good morning"]
    );
    assert_eq!(def.fallback.knowledge_min_score, 0.2);
    assert_eq!(
        def.slot_types.get("card_type").map(|t| t.values.len()),
        Some(2)
    );
}

#[test]
fn missing_bot_yaml() {
    expect_one(
        &[("intents/greet.yaml", GREET)],
        "bot.yaml",
        None,
        "missing bot.yaml",
    );
}

#[test]
fn missing_intents() {
    expect_one(&[("bot.yaml", BOT)], "intents", None, "no intents");
}

#[test]
fn unknown_field_in_intent() {
    let text = "name: greet\nutterances:\n  - hello there\nresponse:\n  - Hi\n";
    let p = expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(4),
        "response",
    );
    assert_eq!(p.column, Some(1));
}

#[test]
fn unknown_field_in_bot_yaml() {
    let text = BOT.replace(
        "  handoff_message:",
        "  handof_message: x\n  handoff_message:",
    );
    expect_one(
        &[("bot.yaml", &text), ("intents/greet.yaml", GREET)],
        "bot.yaml",
        Some(9),
        "handof_message",
    );
}

#[test]
fn yaml_syntax_error_has_line() {
    let text = "name: greet\nutterances:\n  - hello there\n  - [unclosed\nresponses:\n  - Hi\n";
    let (r, dir) = report(&[("bot.yaml", BOT), ("intents/greet.yaml", text)]);
    assert_eq!(r.len(), 1, "{r}");
    assert_eq!(r.problems[0].file, dir.join("intents/greet.yaml"));
    assert!(r.problems[0].line.is_some_and(|l| l >= 4), "{r}");
}

#[test]
fn wrong_value_type_has_line() {
    let text = BOT.replace("version: 1", "version: one");
    expect_one(
        &[("bot.yaml", &text), ("intents/greet.yaml", GREET)],
        "bot.yaml",
        Some(4),
        "",
    );
}

#[test]
fn duplicate_utterance_across_intents_names_both_places() {
    let other = "name: hi\nutterances:\n  - hey\n  - Hello   THERE\nresponses:\n  - Hi!\n";
    let (r, dir) = report(&[
        ("bot.yaml", BOT),
        ("intents/greet.yaml", GREET),
        ("intents/hi.yaml", other),
    ]);
    assert_eq!(r.len(), 1, "{r}");
    let p = &r.problems[0];
    assert_eq!(p.file, dir.join("intents/hi.yaml"));
    assert_eq!(p.line, Some(4));
    let first = format!(
        "also in intent 'greet' at {}:3",
        path(&dir, "intents/greet.yaml")
    );
    assert!(p.message.contains(&first), "{}", p.message);
}

#[test]
fn duplicate_utterance_within_intent() {
    let text = "name: greet\nutterances:\n  - hello there\n  - good day\n  - hello there \nresponses:\n  - Hi\n";
    let p = expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(5),
        "duplicate utterance",
    );
    assert!(p.message.contains("first at line 3"), "{}", p.message);
}

#[test]
fn one_character_utterance() {
    let text = "name: greet\nutterances:\n  - hello there\n  - \"?\"\nresponses:\n  - Hi\n";
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(4),
        "1 character",
    );
}

#[test]
fn empty_utterance() {
    let text = "name: greet\nutterances:\n  - hello there\n  - \"  \"\nresponses:\n  - Hi\n";
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(4),
        "empty utterance",
    );
}

#[test]
fn too_long_utterance() {
    let long = "a".repeat(501);
    let text =
        format!("name: greet\nutterances:\n  - hello there\n  - {long}\nresponses:\n  - Hi\n");
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", &text)],
        "intents/greet.yaml",
        Some(4),
        "501 characters",
    );
}

#[test]
fn too_many_utterances() {
    let mut text = String::from("name: greet\nutterances:\n");
    for i in 0..1501 {
        text.push_str(&format!("  - utterance number {i}\n"));
    }
    text.push_str("responses:\n  - Hi\n");
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", &text)],
        "intents/greet.yaml",
        Some(3),
        "1501 utterances",
    );
}

#[test]
fn no_utterances() {
    let text = "name: greet\nresponses:\n  - Hi\n";
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(1),
        "no utterances",
    );
}

#[test]
fn unknown_slot_type() {
    let text = "name: greet\nutterances:\n  - hello there\nslots:\n  - name: card\n    type: card_kind\nresponses:\n  - Hi\n";
    let p = expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(6),
        "unknown slot type 'card_kind'",
    );
    assert!(p.message.contains("custom: card_type"), "{}", p.message);
}

#[test]
fn undeclared_slot_in_response() {
    let text = "name: greet\nutterances:\n  - hello there\nresponses:\n  - Hi\n  - Your {amount} is ready.\n";
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(6),
        "declares no slot 'amount'",
    );
}

#[test]
fn undeclared_slot_in_prompt() {
    let text = "name: greet\nutterances:\n  - hello there\nslots:\n  - name: card\n    type: card_type\n    required: true\n    prompt: Which {kind} card?\nresponses:\n  - Hi\n";
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(8),
        "prompt uses '{kind}'",
    );
}

#[test]
fn broken_template() {
    let text = "name: greet\nutterances:\n  - hello there\nresponses:\n  - \"Hi {name\"\n";
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(5),
        "unclosed",
    );
}

#[test]
fn required_slot_without_prompt() {
    let text = "name: greet\nutterances:\n  - hello there\nslots:\n  - name: card\n    type: card_type\n    required: true\nresponses:\n  - Hi\n";
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(5),
        "has no prompt",
    );
}

#[test]
fn intent_without_responses() {
    let text = "name: greet\nutterances:\n  - hello there\nresponses: []\n";
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(4),
        "no responses",
    );
    let text = "name: greet\nutterances:\n  - hello there\n";
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(1),
        "no responses",
    );
}

#[test]
fn duplicate_intent_names() {
    let other = "\n\nname: greet\nutterances:\n  - bonjour\nresponses:\n  - Salut\n";
    let (r, dir) = report(&[
        ("bot.yaml", BOT),
        ("intents/greet.yaml", GREET),
        ("intents/greet2.yaml", other),
    ]);
    assert_eq!(r.len(), 1, "{r}");
    let p = &r.problems[0];
    assert_eq!(
        (p.file.clone(), p.line),
        (dir.join("intents/greet2.yaml"), Some(3))
    );
    let first = format!("also defined in {}:1", path(&dir, "intents/greet.yaml"));
    assert!(p.message.contains(&first), "{}", p.message);
}

#[test]
fn bad_intent_name() {
    let text = GREET.replace("name: greet", "name: reverted_card_payment?");
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", &text)],
        "intents/greet.yaml",
        Some(1),
        "bad intent name",
    );
}

#[test]
fn bad_slot_name() {
    let text = "name: greet\nutterances:\n  - hello there\nslots:\n  - name: 2fast\n    type: number\nresponses:\n  - Hi\n";
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(5),
        "bad slot name '2fast'",
    );
}

#[test]
fn duplicate_slot_name() {
    let text = "name: greet\nutterances:\n  - hello there\nslots:\n  - name: n\n    type: number\n  - name: n\n    type: date\nresponses:\n  - Hi\n";
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", text)],
        "intents/greet.yaml",
        Some(7),
        "duplicate slot 'n'",
    );
}

#[test]
fn confidence_threshold_out_of_range() {
    let text = BOT.replace("confidence_threshold: 0.5", "confidence_threshold: 1.5");
    expect_one(
        &[("bot.yaml", &text), ("intents/greet.yaml", GREET)],
        "bot.yaml",
        Some(6),
        "outside 0..1",
    );
    let text = BOT.replace("confidence_threshold: 0.5", "confidence_threshold: -0.1");
    expect_one(
        &[("bot.yaml", &text), ("intents/greet.yaml", GREET)],
        "bot.yaml",
        Some(6),
        "outside 0..1",
    );
}

#[test]
fn knowledge_min_score_out_of_range() {
    let text = BOT.replace("knowledge_min_score: 0.2", "knowledge_min_score: -1");
    expect_one(
        &[("bot.yaml", &text), ("intents/greet.yaml", GREET)],
        "bot.yaml",
        Some(8),
        "knowledge_min_score -1 is outside 0..1",
    );
    let text = BOT.replace("knowledge_min_score: 0.2", "knowledge_min_score: 7.5");
    expect_one(
        &[("bot.yaml", &text), ("intents/greet.yaml", GREET)],
        "bot.yaml",
        Some(8),
        "outside 0..1",
    );
}

#[test]
fn out_of_scope_budget_defaults_and_is_checked() {
    let (_tmp, dir) = bot(&[("bot.yaml", BOT), ("intents/greet.yaml", GREET)]);
    assert_eq!(
        load_bot(&dir).expect("valid").fallback.max_in_scope_cost,
        0.02
    );
    let with = |v: &str| {
        BOT.replace(
            "  knowledge_fallback",
            &format!("  max_in_scope_cost: {v}\n  knowledge_fallback"),
        )
    };
    let (_tmp, dir) = bot(&[("bot.yaml", &with("0.05")), ("intents/greet.yaml", GREET)]);
    assert_eq!(
        load_bot(&dir).expect("valid").fallback.max_in_scope_cost,
        0.05
    );
    for bad in ["0.8", "-0.01"] {
        expect_one(
            &[("bot.yaml", &with(bad)), ("intents/greet.yaml", GREET)],
            "bot.yaml",
            Some(7),
            &format!("max_in_scope_cost {bad} is outside 0..0.5 (it is a share: 0.02 = 2 %)"),
        );
    }
}

#[test]
fn bad_locale_and_version() {
    let text = BOT
        .replace("locale: en_GB", "locale: english")
        .replace("version: 1", "version: 0");
    let (r, dir) = report(&[("bot.yaml", &text), ("intents/greet.yaml", GREET)]);
    let lines: Vec<(PathBuf, Option<u64>)> = r
        .problems
        .iter()
        .map(|p| (p.file.clone(), p.line))
        .collect();
    assert_eq!(
        lines,
        vec![
            (dir.join("bot.yaml"), Some(2)),
            (dir.join("bot.yaml"), Some(4))
        ],
        "{r}"
    );
    assert!(r.problems[0].message.contains("bad locale"));
    assert!(r.problems[1].message.contains("version must be"));
}

#[test]
fn bad_slot_types() {
    let text = BOT.replace(
        "        synonyms: [plastic card]",
        "        synonyms: [plastic card, Virtual]",
    ) + "  - name: number\n    values:\n      - value: one\n  - name: empty\n    values: []\n";
    let (r, dir) = report(&[("bot.yaml", &text), ("intents/greet.yaml", GREET)]);
    let got: Vec<(Option<u64>, &str)> = r
        .problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(r.len(), 3, "{r}");
    assert!(r.problems.iter().all(|p| p.file == dir.join("bot.yaml")));
    assert_eq!(got[0].0, Some(15), "{r}");
    assert!(
        got[0].1.contains(
            "'virtual' in slot type 'card_type' is already used for value 'physical' at line 14"
        ),
        "{r}"
    );
    assert_eq!(got[1].0, Some(16));
    assert!(got[1].1.contains("name of a built-in type"));
    assert_eq!(got[2].0, Some(20));
    assert!(got[2].1.contains("has no values"));
}

#[test]
fn all_problems_are_reported_together() {
    let bad = "name: bad-name\nutterances:\n  - x\nresponses: []\n";
    let bad_bot = BOT.replace("confidence_threshold: 0.5", "confidence_threshold: 2");
    let (r, _dir) = report(&[
        ("bot.yaml", &bad_bot),
        ("intents/bad.yaml", bad),
        ("intents/greet.yaml", GREET),
    ]);
    assert_eq!(r.len(), 4, "{r}");
    let text = r.to_string();
    assert!(text.starts_with("4 problems found:"), "{text}");
}

#[test]
fn empty_or_malformed_files_are_problems_not_panics() {
    let (r, dir) = report(&[
        ("bot.yaml", ""),
        ("intents/a.yaml", "- just\n- a list\n"),
        ("intents/b.yaml", "name: [unclosed\n"),
    ]);
    let files: Vec<PathBuf> = r.problems.iter().map(|p| p.file.clone()).collect();
    assert_eq!(
        files,
        vec![
            dir.join("bot.yaml"),
            dir.join("intents/a.yaml"),
            dir.join("intents/b.yaml")
        ],
        "{r}"
    );
    assert_eq!(r.problems[1].line, Some(1), "{r}");
}

#[test]
fn unreadable_file_is_a_problem() {
    let (_tmp, dir) = bot(&[("bot.yaml", BOT)]);
    std::fs::write(dir.join("intents/bad.yaml"), [0xff_u8, 0xfe, 0x00, 0x41]).expect("write");
    let r = load_bot(&dir).expect_err("invalid UTF-8");
    assert_eq!(r.len(), 1, "{r}");
    assert_eq!(r.problems[0].file, dir.join("intents/bad.yaml"));
}

#[test]
fn validate_dir_reports_each_bot_and_skips_hidden_dirs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (bot, greet) in [("good", GREET), ("bad", "name: greet\n")] {
        let dir = tmp.path().join(bot);
        std::fs::create_dir_all(dir.join("intents")).expect("mkdir");
        std::fs::write(dir.join("bot.yaml"), BOT).expect("write");
        std::fs::write(dir.join("intents/greet.yaml"), greet).expect("write");
    }
    std::fs::create_dir_all(tmp.path().join(".git")).expect("mkdir");
    let results = crate::validate_dir(tmp.path()).expect("readable");
    let names: Vec<&str> = results.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["bad", "good"]);
    assert_eq!(results[0].1.as_ref().err().map(|r| r.len()), Some(2));
    assert!(results[1].1.is_ok());
}

#[test]
fn tests_and_gate_load() {
    let greet = format!("{GREET}tests:\n  - hi, anyone there?\n");
    let bot_yaml = format!("{BOT}gate:\n  max_accuracy_drop: 0.02\n  max_intent_drop: 0.5\n");
    let (_tmp, dir) = bot(&[("bot.yaml", &bot_yaml), ("intents/greet.yaml", &greet)]);
    let def = load_bot(&dir).expect("valid");
    assert_eq!(def.intents[0].tests, vec!["hi, anyone there?"]);
    let gate = def.gate_policy();
    assert_eq!((gate.max_accuracy_drop, gate.max_intent_drop), (0.02, 0.5));
}

#[test]
fn a_test_utterance_that_is_trained_on_is_refused() {
    let greet = format!("{GREET}tests:\n  - Good  Morning\n");
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", &greet)],
        "intents/greet.yaml",
        Some(8),
        "also a training utterance of intent 'greet': tests must be held out",
    );
}

#[test]
fn an_empty_or_repeated_test_utterance_is_refused() {
    let greet = format!("{GREET}tests:\n  - \" \"\n");
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", &greet)],
        "intents/greet.yaml",
        Some(8),
        "empty test utterance",
    );
    let greet = format!("{GREET}tests:\n  - hey you\n  - Hey you\n");
    expect_one(
        &[("bot.yaml", BOT), ("intents/greet.yaml", &greet)],
        "intents/greet.yaml",
        Some(9),
        "duplicate test utterance 'Hey you' (first at line 8)",
    );
}

#[test]
fn a_gate_outside_zero_to_one_is_refused() {
    let bot_yaml = format!("{BOT}gate:\n  max_accuracy_drop: 5\n  max_intent_drop: 0.5\n");
    expect_one(
        &[("bot.yaml", &bot_yaml), ("intents/greet.yaml", GREET)],
        "bot.yaml",
        Some(17),
        "gate.max_accuracy_drop 5 is outside 0..1",
    );
}
