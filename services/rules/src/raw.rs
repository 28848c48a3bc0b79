//! The rule files as written, with positions kept for validation messages.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// `rules/<anything>.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    pub rules: Spanned<Vec<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub name: Spanned<String>,
    pub category: Spanned<String>,
    #[serde(default)]
    pub description: String,
    /// Raise an alert with this severity when the rule matches.
    #[serde(default)]
    pub alert: Option<Spanned<String>>,
    /// `customer`, `agent` or `any`.
    #[serde(default)]
    pub speaker: Option<Spanned<String>>,
    #[serde(default)]
    pub phrases: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub regex: Option<Spanned<String>>,
    #[serde(default)]
    pub sentiment_below: Option<Spanned<f32>>,
    #[serde(default)]
    pub for_turns: Option<Spanned<u32>>,
    #[serde(default)]
    pub silence_over_s: Option<Spanned<f32>>,
    #[serde(default)]
    pub overlap_over_s: Option<Spanned<f32>>,
}
