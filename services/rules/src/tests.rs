use std::path::Path;
use std::sync::Arc;

use super::*;

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

const GOOD: &str = "\
rules:
  - name: supervisor-request
    category: Escalation
    alert: high
    speaker: customer
    phrases: [speak to a supervisor, talk to your manager]
  - name: agent-rudeness
    category: Compliance
    alert: warning
    speaker: agent
    regex: '\\b(calm down|not my problem)\\b'
  - name: unhappy-customer
    category: Unhappy customer
    alert: warning
    speaker: customer
    sentiment_below: -0.3
    for_turns: 2
  - name: dead-air
    category: Dead air
    silence_over_s: 10
  - name: talk-over
    category: Talking over
    speaker: agent
    overlap_over_s: 2
";

fn rules() -> CallRules {
    let dir = dir_with(&[("main.yaml", GOOD)]);
    CallRules::new(Arc::new(load_dir(dir.path()).unwrap()))
}

fn turn(speaker: &str, start_s: f64, end_s: f64, text: &str, sentiment: f32) -> Turn<'static> {
    Turn {
        speaker: if speaker == "agent" {
            "agent"
        } else {
            "customer"
        },
        start_ms: (start_s * 1000.0) as u64,
        end_ms: (end_s * 1000.0) as u64,
        text: Box::leak(text.to_string().into_boxed_str()),
        sentiment: Some(sentiment),
    }
}

fn names(hits: &[RuleHit]) -> Vec<&str> {
    hits.iter().map(|h| h.rule.as_str()).collect()
}

#[test]
fn a_valid_file_loads_every_rule_in_order() {
    let dir = dir_with(&[("main.yaml", GOOD)]);
    let set = load_dir(dir.path()).unwrap();
    let names: Vec<_> = set.rules.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "supervisor-request",
            "agent-rudeness",
            "unhappy-customer",
            "dead-air",
            "talk-over"
        ]
    );
    assert_eq!(set.rules[0].alert, Some(Severity::High));
    assert_eq!(set.rules[3].alert, None);
    let said: Vec<String> = set.rules.iter().map(|r| r.condition.to_string()).collect();
    assert_eq!(
        said,
        [
            "phrases: speak to a supervisor | talk to your manager",
            "regex: \\b(calm down|not my problem)\\b",
            "sentiment_below: -0.3 for_turns: 2",
            "silence_over_s: 10",
            "overlap_over_s: 2",
        ]
    );
}

#[test]
fn phrases_match_whole_words_whatever_the_punctuation() {
    let mut call = rules();
    let hits = call.observe(&turn(
        "customer",
        0.0,
        2.0,
        "Can I TALK to your... manager?",
        0.0,
    ));
    assert_eq!(names(&hits), ["supervisor-request"]);
    assert_eq!(hits[0].category, "Escalation");
    assert_eq!(hits[0].reason, "customer said \"talk to your manager\"");
    // A rule matches a call once.
    let again = call.observe(&turn("customer", 3.0, 4.0, "talk to your manager now", 0.0));
    assert!(names(&again).is_empty(), "{again:?}");
}

#[test]
fn phrases_ignore_the_other_speaker_and_partial_words() {
    let mut call = rules();
    let agent = call.observe(&turn(
        "agent",
        0.0,
        2.0,
        "I can speak to a supervisor for you",
        0.0,
    ));
    assert!(agent.is_empty(), "{agent:?}");
    let partial = call.observe(&turn(
        "customer",
        2.0,
        3.0,
        "I'd like to speak to a supervisors' office",
        0.0,
    ));
    assert!(partial.is_empty(), "{partial:?}");
}

#[test]
fn a_regex_matches_the_agent_case_insensitively() {
    let mut call = rules();
    let hits = call.observe(&turn("agent", 0.0, 2.0, "Sir, please CALM DOWN.", 0.0));
    assert_eq!(names(&hits), ["agent-rudeness"]);
    assert_eq!(hits[0].reason, "agent said \"CALM DOWN\"");
    assert_eq!(hits[0].alert, Some(Severity::Warning));
}

#[test]
fn sentiment_must_stay_low_for_the_given_turns_in_a_row() {
    let mut call = rules();
    assert!(
        call.observe(&turn("customer", 0.0, 1.0, "this is bad", -0.8))
            .is_empty()
    );
    // A better turn resets the run; the agent's turns do not count.
    assert!(
        call.observe(&turn("customer", 1.0, 2.0, "ok", 0.2))
            .is_empty()
    );
    assert!(
        call.observe(&turn("agent", 2.0, 3.0, "sorry", -0.9))
            .is_empty()
    );
    assert!(
        call.observe(&turn("customer", 3.0, 4.0, "awful", -0.5))
            .is_empty()
    );
    let hits = call.observe(&turn("customer", 4.0, 5.0, "still awful", -0.6));
    assert_eq!(names(&hits), ["unhappy-customer"]);
    assert_eq!(hits[0].reason, "customer sentiment below -0.3 for 2 turns");
}

#[test]
fn silence_is_the_gap_since_anyone_last_spoke() {
    let mut call = rules();
    assert!(
        call.observe(&turn("agent", 0.0, 5.0, "hello", 0.0))
            .is_empty()
    );
    // The customer talked until 12 s: a gap from 5 s would be silence, from 12 s is not.
    assert!(
        call.observe(&turn("customer", 4.0, 12.0, "hi", 0.0))
            .is_empty()
    );
    assert!(
        call.observe(&turn("agent", 21.0, 22.0, "still there?", 0.0))
            .is_empty()
    );
    let hits = call.observe(&turn("customer", 33.5, 34.0, "yes", 0.0));
    assert_eq!(names(&hits), ["dead-air"]);
    assert_eq!(hits[0].reason, "11.5 s of silence");
}

#[test]
fn overlap_names_who_cut_in_whichever_final_arrives_first() {
    let mut call = rules();
    // The customer talks 0–10 s; the agent cuts in at 7 s (3 s overlap) but the agent's final
    // arrives first.
    assert!(
        call.observe(&turn("agent", 7.0, 12.0, "let me stop you", 0.0))
            .is_empty()
    );
    let hits = call.observe(&turn("customer", 0.0, 10.0, "and then they said", 0.0));
    assert_eq!(names(&hits), ["talk-over"]);
    assert_eq!(hits[0].reason, "agent talked over for 3.0 s");

    // The customer cutting in does not match a rule about the agent.
    let mut call = rules();
    call.observe(&turn("agent", 0.0, 10.0, "so the fee is", 0.0));
    assert!(
        call.observe(&turn("customer", 5.0, 9.0, "no no no", 0.0))
            .is_empty()
    );
}

fn problems(files: &[(&str, &str)]) -> Vec<String> {
    let dir = dir_with(files);
    let report = load_dir(dir.path()).unwrap_err();
    report
        .problems
        .iter()
        .map(|p| {
            format!(
                "{}:{}: {}",
                p.file.file_name().unwrap().to_string_lossy(),
                p.line.unwrap_or(0),
                p.message
            )
        })
        .collect()
}

#[test]
fn broken_rules_are_reported_with_file_and_line() {
    let bad = "\
rules:
  - name: two
    category: X
    phrases: [a]
    regex: b
  - name: none
    category: X
  - name: bad-regex
    category: X
    regex: '(unclosed'
  - name: bad-alert
    category: X
    alert: urgent
    phrases: [hello]
  - name: silent-speaker
    category: X
    speaker: agent
    silence_over_s: 5
  - name: negative-time
    category: X
    overlap_over_s: -1
  - name: turns-alone
    category: X
    for_turns: 3
    phrases: [x]
  - name: bad-sentiment
    category: X
    sentiment_below: -2
  - name: who
    category: X
    speaker: caller
    phrases: ['...']
";
    let got = problems(&[("bad.yaml", bad)]);
    let want = [
        "bad.yaml:2: rule \"two\" has 2 conditions (phrases, regex): give exactly one of phrases, regex, sentiment_below, silence_over_s, overlap_over_s",
        "bad.yaml:6: rule \"none\" has no condition: give exactly one of phrases, regex, sentiment_below, silence_over_s, overlap_over_s",
        "bad.yaml:10: rule \"bad-regex\": regex does not compile: unclosed group",
        "bad.yaml:13: rule \"bad-alert\": alert \"urgent\" is not one of [\"info\", \"warning\", \"high\"]",
        "bad.yaml:17: rule \"silent-speaker\": silence belongs to nobody; remove `speaker`",
        "bad.yaml:21: rule \"negative-time\": overlap_over_s must be above 0 and at most 3600 seconds, not -1",
        "bad.yaml:24: rule \"turns-alone\": for_turns applies only to sentiment_below",
        "bad.yaml:28: rule \"bad-sentiment\": sentiment_below -2 is outside the score range (-1, 1]",
        "bad.yaml:31: rule \"who\": speaker \"caller\" is not one of customer, agent, any",
        "bad.yaml:32: rule \"who\": phrase \"...\" has no words",
    ];
    assert_eq!(got, want);
}

#[test]
fn yaml_errors_unknown_keys_and_duplicate_names_are_located() {
    let got = problems(&[
        (
            "a.yaml",
            "rules:\n  - name: dup\n    category: X\n    phrases: [x]\n",
        ),
        (
            "b.yaml",
            "rules:\n  - name: dup\n    category: X\n    phrases: [y]\n    treshold: 3\n",
        ),
        (
            "c.yaml",
            "rules:\n  - name: dup\n    category: X\n    phrases: [y]\n",
        ),
        ("d.yml", "rules: [\n"),
    ]);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(
        got[0].starts_with("b.yaml:5: unknown field `treshold`"),
        "{got:?}"
    );
    assert!(
        got[1].starts_with("c.yaml:2: rule \"dup\" is defined twice (first at ")
            && got[1].ends_with("a.yaml:2): names must be unique"),
        "{got:?}"
    );
    assert!(got[2].starts_with("d.yml:"), "{got:?}");
}

#[test]
fn a_bad_reload_keeps_the_running_rules() {
    let dir = dir_with(&[("main.yaml", GOOD)]);
    let rules = Rules::new(load_dir(dir.path()).unwrap());
    assert_eq!(rules.current().len(), 5);
    std::fs::write(dir.path().join("main.yaml"), "rules:\n  - name: x\n").unwrap();
    let report = rules.reload(dir.path()).unwrap_err();
    assert!(report.to_string().contains("main.yaml:2"), "{report}");
    assert_eq!(rules.current().len(), 5);
    std::fs::write(
        dir.path().join("main.yaml"),
        "rules:\n  - name: x\n    category: Y\n    phrases: [refund]\n",
    )
    .unwrap();
    assert_eq!(rules.reload(dir.path()).unwrap().len(), 1);
    assert_eq!(rules.current().rules[0].name, "x");
}

#[test]
fn a_missing_folder_is_a_problem_not_an_empty_set() {
    let report = load_dir(Path::new("/nonexistent/rules")).unwrap_err();
    assert!(
        report.to_string().contains("cannot read the rules folder"),
        "{report}"
    );
}
