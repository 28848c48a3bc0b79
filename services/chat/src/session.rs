//! Conversation state between turns: which intent is waiting for which slot.

use std::collections::HashMap;
use std::sync::Mutex;

use switchboard_bots::SlotFilling;

/// An intent that matched but still needs a required slot from the visitor.
#[derive(Debug, Clone)]
pub struct PendingIntent {
    pub filling: SlotFilling,
    pub confidence: f32,
    /// How many times we have asked; after two unhelpful answers we hand off.
    pub asked: u32,
}

/// Per-session dialogue state, held in memory; transcripts are what persists.
#[derive(Default)]
pub struct Sessions {
    pending: Mutex<HashMap<String, PendingIntent>>,
}

impl Sessions {
    /// Takes the pending intent for a session, if any (the turn decides whether to put it back).
    pub fn take_pending(&self, session: &str) -> Option<PendingIntent> {
        self.pending.lock().expect("sessions lock").remove(session)
    }

    /// Remembers that the next message should fill a slot.
    pub fn set_pending(&self, session: &str, pending: PendingIntent) {
        self.pending.lock().expect("sessions lock").insert(session.to_string(), pending);
    }
}
