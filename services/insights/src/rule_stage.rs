//! Stage four: the deployment's rules, over the call so far.

use ::rules::{CallRules, Rules, Turn};
use switchboard_storage::{NewCallSegment, NewRuleHit};

/// Follows one call through the rule set it started under.
pub struct RuleStage {
    call: CallRules,
}

impl RuleStage {
    pub fn new(rules: &Rules) -> Self {
        Self {
            call: CallRules::new(rules.current()),
        }
    }

    /// The rules the stored segment `seq` made match, for the sink to record and announce.
    pub fn apply(&mut self, seq: u32, segment: &NewCallSegment) -> Vec<NewRuleHit> {
        let turn = Turn {
            speaker: &segment.speaker,
            start_ms: segment.start_ms,
            end_ms: segment.end_ms,
            text: &segment.text,
            sentiment: segment.insights.sentiment.as_ref().map(|s| s.score),
        };
        self.call
            .observe(&turn)
            .into_iter()
            .map(|hit| {
                metrics::counter!("switchboard_rule_hits_total", "alert" => hit.alert.is_some().to_string())
                    .increment(1);
                NewRuleHit {
                    rule: hit.rule,
                    category: hit.category,
                    severity: hit.alert.map(|s| s.as_str().to_string()),
                    reason: hit.reason,
                    description: hit.description,
                    seq,
                }
            })
            .collect()
    }
}
