//! Call rules: what a contact center wants flagged on a call while it is on — a customer asking
//! for a supervisor, an agent's forbidden phrase, a customer unhappy for several turns, dead air,
//! talking over each other — written in YAML under `rules/` beside the bot definitions.
//!
//! [`load_dir`] reads and validates every rule file, reporting each problem with file and line
//! (the same report as bot definitions); [`Rules`] holds the set a running server uses and swaps
//! it only for a set that validated, so a bad edit never costs the rules already running.
//! [`CallRules`] follows one call: fed each final segment, it says which rules matched. A rule
//! matches a call at most once: its category is a fact about the call, and one alert per cause is
//! what a supervisor can act on.

mod engine;
mod load;
mod model;
mod raw;

use std::path::Path;
use std::sync::Arc;

use arc_swap::ArcSwap;

pub use engine::{CallRules, RuleHit, Turn};
pub use load::{RULES_DIR, load_dir};
pub use model::{Condition, Rule, RuleSet, Severity};
pub use switchboard_bots::{Problem, ValidationReport};

/// The rule set a running server applies; calls that start after a reload use the new set.
#[derive(Debug)]
pub struct Rules {
    current: ArcSwap<RuleSet>,
}

impl Rules {
    /// Starts with a set that already validated (or [`RuleSet::default`] for no rules).
    pub fn new(set: RuleSet) -> Self {
        Self {
            current: ArcSwap::from_pointee(set),
        }
    }

    /// The set new calls follow.
    pub fn current(&self) -> Arc<RuleSet> {
        self.current.load_full()
    }

    /// Re-reads `dir`; on any problem the running set stays and the report says why.
    pub fn reload(&self, dir: &Path) -> Result<Arc<RuleSet>, ValidationReport> {
        let set = Arc::new(load_dir(dir)?);
        self.current.store(Arc::clone(&set));
        Ok(set)
    }
}

#[cfg(test)]
mod tests;
