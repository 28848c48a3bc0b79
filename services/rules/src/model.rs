//! Validated rules: what the engine matches, free of YAML.

use regex::Regex;

/// What a rule looks for; each rule has exactly one condition.
#[derive(Debug, Clone)]
pub enum Condition {
    /// Any of these phrases, as whole words, case and punctuation ignored.
    Phrases(Vec<String>),
    /// A regular expression over the segment's (redacted) text, case-insensitive.
    Pattern(Regex),
    /// The speaker's segment sentiment below `threshold` for `turns` segments in a row.
    SentimentBelow { threshold: f32, turns: u32 },
    /// Nobody speaking for longer than this many milliseconds.
    SilenceOver { ms: u64 },
    /// Both speaking at once for longer than this many milliseconds (the speaker filter names
    /// who cut in).
    OverlapOver { ms: u64 },
}

impl std::fmt::Display for Condition {
    /// The condition as a rule file would say it, for listings.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Condition::Phrases(p) => write!(f, "phrases: {}", p.join(" | ")),
            Condition::Pattern(re) => write!(f, "regex: {}", re.as_str()),
            Condition::SentimentBelow { threshold, turns } => {
                write!(f, "sentiment_below: {threshold} for_turns: {turns}")
            }
            Condition::SilenceOver { ms } => write!(f, "silence_over_s: {}", *ms as f64 / 1000.0),
            Condition::OverlapOver { ms } => write!(f, "overlap_over_s: {}", *ms as f64 / 1000.0),
        }
    }
}

/// How urgently supervisors should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    High,
}

impl Severity {
    /// The names rule files use.
    pub const NAMES: &'static [&'static str] = &["info", "warning", "high"];

    /// Lowercase name, as in rule files, storage and events.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::High => "high",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<Self> {
        match name {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "high" => Some(Severity::High),
            _ => None,
        }
    }
}

/// One validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique across the rule set; recorded with each match.
    pub name: String,
    /// The category a match records on the call.
    pub category: String,
    /// Shown to supervisors beside an alert.
    pub description: String,
    /// Raise an alert with this severity on a match; `None` records the category only.
    pub alert: Option<Severity>,
    /// "customer" or "agent"; `None` for either.
    pub speaker: Option<String>,
    pub condition: Condition,
}

/// Every rule a deployment runs, in file then declaration order.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// Number of rules, for start-up logs and `rules check`.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when nothing is checked.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}
