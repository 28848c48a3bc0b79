//! Multi-turn slot filling: ask for missing required slots, merge the visitor's answers.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{SlotTypes, SlotValues, fill};
use crate::model::{Intent, SlotDef};

/// The state of one intent waiting for required slots; serialisable so chat can keep it per session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotFilling {
    /// The intent being filled, as named in the bot definition.
    pub intent: String,
    slots: Vec<SlotDef>,
    values: SlotValues,
}

impl SlotFilling {
    /// Starts filling from the message that triggered the intent.
    pub fn start(intent: &Intent, types: &SlotTypes, text: &str, today: NaiveDate) -> Self {
        let mut filling = SlotFilling {
            intent: intent.name.clone(),
            slots: intent.slots.clone(),
            values: SlotValues::new(),
        };
        let order: Vec<&SlotDef> = filling.slots.iter().collect();
        fill(&order, types, text, today, &mut filling.values);
        filling
    }

    /// The first required slot still missing (declaration order): the one to ask for next.
    pub fn next_missing(&self) -> Option<&SlotDef> {
        self.slots
            .iter()
            .find(|s| s.required && !self.values.contains(&s.name))
    }

    /// The follow-up question for the next missing required slot, if any.
    pub fn next_prompt(&self) -> Option<&str> {
        self.next_missing().and_then(|s| s.prompt.as_deref())
    }

    /// True once every required slot has a value and the intent can be answered.
    pub fn is_complete(&self) -> bool {
        self.next_missing().is_none()
    }

    /// Merges the visitor's next message: the slot just asked for gets first pick of the
    /// matches, then other still-empty slots; values already filled are kept.
    /// Returns the names of the slots this message filled (empty: the answer did not help).
    pub fn merge(&mut self, types: &SlotTypes, text: &str, today: NaiveDate) -> Vec<String> {
        let asked = self.next_missing().map(|s| s.name.clone());
        let mut order: Vec<&SlotDef> = Vec::new();
        if let Some(asked) = &asked {
            order.extend(self.slots.iter().filter(|s| &s.name == asked));
        }
        order.extend(
            self.slots
                .iter()
                .filter(|s| Some(&s.name) != asked.as_ref()),
        );
        let before = self.values.clone();
        fill(&order, types, text, today, &mut self.values);
        self.values
            .iter()
            .filter(|(name, _)| !before.contains(name))
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// The values gathered so far, for rendering the response.
    pub fn values(&self) -> &SlotValues {
        &self.values
    }

    /// Gives the gathered values to the caller once filling is done.
    pub fn into_values(self) -> SlotValues {
        self.values
    }
}
