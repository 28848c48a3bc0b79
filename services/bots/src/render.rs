//! Response templates: `{slot_name}` placeholders filled from slot values.
//!
//! `{{` and `}}` stand for literal braces. A placeholder whose slot has no value renders as
//! nothing, which is why [`Intent::pick_response`] prefers a template whose slots are all filled.

use crate::model::Intent;
use crate::slots::SlotValues;

/// A piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart<'a> {
    Text(&'a str),
    /// A placeholder: slot name and the byte offset of its `{` in the template.
    Slot(&'a str, usize),
}

/// Why a template cannot be rendered as written; positions are 1-based characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unclosed '{{' at character {0}")]
    Unclosed(usize),
    #[error("'}}' without a matching '{{' at character {0} (write '}}}}' for a literal brace)")]
    StrayClose(usize),
    #[error("empty placeholder '{{}}' at character {0}")]
    Empty(usize),
}

/// Splits a template into text and placeholders, so validation and rendering agree on syntax.
pub fn parse_template(template: &str) -> Result<Vec<TemplatePart<'_>>, TemplateError> {
    let mut parts = Vec::new();
    let bytes = template.as_bytes();
    let (mut i, mut text_start) = (0, 0);
    let char_pos = |byte: usize| template[..byte].chars().count() + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                parts.push(TemplatePart::Text(&template[text_start..=i]));
                i += 2;
                text_start = i;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                parts.push(TemplatePart::Text(&template[text_start..=i]));
                i += 2;
                text_start = i;
            }
            b'{' => {
                let close = template[i..]
                    .find('}')
                    .ok_or(TemplateError::Unclosed(char_pos(i)))?;
                let name = template[i + 1..i + close].trim();
                if name.is_empty() {
                    return Err(TemplateError::Empty(char_pos(i)));
                }
                if name.contains('{') {
                    return Err(TemplateError::Unclosed(char_pos(i)));
                }
                parts.push(TemplatePart::Text(&template[text_start..i]));
                parts.push(TemplatePart::Slot(name, i));
                i += close + 1;
                text_start = i;
            }
            b'}' => return Err(TemplateError::StrayClose(char_pos(i))),
            _ => i += 1,
        }
    }
    parts.push(TemplatePart::Text(&template[text_start..]));
    parts.retain(|p| !matches!(p, TemplatePart::Text("")));
    Ok(parts)
}

/// Fills `{slot_name}` placeholders; missing values render as nothing. A template that does not
/// parse (validation rejects those at load time) is returned unchanged rather than mangled.
pub fn render(template: &str, values: &SlotValues) -> String {
    let Ok(parts) = parse_template(template) else {
        return template.to_string();
    };
    let mut out = String::with_capacity(template.len());
    for part in parts {
        match part {
            TemplatePart::Text(t) => out.push_str(t),
            TemplatePart::Slot(name, _) => {
                if let Some(v) = values.get(name) {
                    out.push_str(&v.to_string());
                }
            }
        }
    }
    out
}

/// Like [`render`], but a placeholder without a value shows as `[slot_name]`: a suggested reply
/// an agent reads aloud must show what they still have to fill in, not silently drop it.
pub fn render_with_gaps(template: &str, values: &SlotValues) -> String {
    let Ok(parts) = parse_template(template) else {
        return template.to_string();
    };
    let mut out = String::with_capacity(template.len());
    for part in parts {
        match part {
            TemplatePart::Text(t) => out.push_str(t),
            TemplatePart::Slot(name, _) => match values.get(name) {
                Some(v) => out.push_str(&v.to_string()),
                None => {
                    out.push('[');
                    out.push_str(name);
                    out.push(']');
                }
            },
        }
    }
    out
}

/// Names of the slots a template uses, in order (duplicates kept).
pub fn placeholders(template: &str) -> Result<Vec<&str>, TemplateError> {
    Ok(parse_template(template)?
        .into_iter()
        .filter_map(|p| match p {
            TemplatePart::Slot(name, _) => Some(name),
            TemplatePart::Text(_) => None,
        })
        .collect())
}

impl Intent {
    /// Picks the response template for this turn, round-robin and deterministic.
    ///
    /// Starts at `responses[turn % len]` (callers pass how many times this intent has answered
    /// in the conversation, so repeats vary) and takes the first template, going round, whose
    /// placeholders all have values; if none qualifies, the starting one. Empty list → "".
    pub fn pick_response(&self, turn: usize, values: &SlotValues) -> &str {
        let n = self.responses.len();
        if n == 0 {
            return "";
        }
        let start = turn % n;
        (0..n)
            .map(|k| self.responses[(start + k) % n].as_str())
            .find(|t| placeholders(t).is_ok_and(|names| names.iter().all(|p| values.contains(p))))
            .unwrap_or(&self.responses[start])
    }

    /// The picked template rendered with `values`: what the bot says.
    pub fn respond(&self, turn: usize, values: &SlotValues) -> String {
        render(self.pick_response(turn, values), values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slots::{CurrencyAmount, SlotValue};

    fn values() -> SlotValues {
        let mut v = SlotValues::new();
        v.insert(
            "amount",
            SlotValue::Currency(CurrencyAmount {
                amount: 1200.0,
                currency: Some("GBP".into()),
            }),
        );
        v.insert("card_type", SlotValue::Custom("virtual".into()));
        v
    }

    fn intent(responses: &[&str]) -> Intent {
        Intent {
            name: "top_up".into(),
            utterances: vec!["top up".into()],
            slots: vec![],
            responses: responses.iter().map(|s| s.to_string()).collect(),
            follow_up: None,
            tests: vec![],
        }
    }

    #[test]
    fn render_fills_placeholders() {
        assert_eq!(
            render("Topping up {amount} on your {card_type} card.", &values()),
            "Topping up £1,200 on your virtual card."
        );
    }

    #[test]
    fn render_missing_value_is_empty_and_braces_escape() {
        assert_eq!(render("Hi {name}!", &SlotValues::new()), "Hi !");
        assert_eq!(
            render("Use {{braces}} for {card_type}", &values()),
            "Use {braces} for virtual"
        );
    }

    #[test]
    fn render_with_gaps_shows_what_is_missing() {
        assert_eq!(
            render_with_gaps("Topping up {amount} for {name}, {{ok}}", &values()),
            "Topping up £1,200 for [name], {ok}"
        );
    }

    #[test]
    fn render_leaves_broken_template_alone() {
        assert_eq!(render("oops {amount", &values()), "oops {amount");
    }

    #[test]
    fn template_errors_name_the_position() {
        assert_eq!(parse_template("ab {x"), Err(TemplateError::Unclosed(4)));
        assert_eq!(parse_template("ab } x"), Err(TemplateError::StrayClose(4)));
        assert_eq!(parse_template("{ }"), Err(TemplateError::Empty(1)));
        assert_eq!(
            placeholders("{a} and {b} and {a}").unwrap(),
            vec!["a", "b", "a"]
        );
    }

    #[test]
    fn pick_response_round_robins() {
        let i = intent(&["one", "two", "three"]);
        let v = SlotValues::new();
        let picked: Vec<&str> = (0..4).map(|t| i.pick_response(t, &v)).collect();
        assert_eq!(picked, vec!["one", "two", "three", "one"]);
    }

    #[test]
    fn pick_response_prefers_fully_filled_template() {
        let i = intent(&["Top up {amount} now.", "How much would you like to top up?"]);
        assert_eq!(
            i.respond(0, &SlotValues::new()),
            "How much would you like to top up?"
        );
        assert_eq!(i.respond(0, &values()), "Top up £1,200 now.");
        assert_eq!(intent(&[]).respond(3, &values()), "");
    }
}
