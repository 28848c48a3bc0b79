//! Conversation state between turns: which intent is waiting for which slot.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use switchboard_bots::SlotFilling;

/// How long a half-filled intent waits for the visitor's answer; abandoned conversations are
/// forgotten after this, so the map cannot grow without bound.
const PENDING_TTL: Duration = Duration::from_secs(30 * 60);

/// An intent that matched but still needs a required slot from the visitor.
#[derive(Debug, Clone)]
pub struct PendingIntent {
    pub filling: SlotFilling,
    pub confidence: f32,
    /// How many times we have asked; after two unhelpful answers we hand off.
    pub asked: u32,
    /// What the bot last asked, so the answer is redacted as an answer to it ("What's your
    /// account number?" → "12345678" is an account number).
    pub question: String,
}

/// Per-session dialogue state, held in memory; transcripts are what persists.
#[derive(Default)]
pub struct Sessions {
    pending: Mutex<HashMap<String, (Instant, PendingIntent)>>,
}

impl Sessions {
    /// Takes the pending intent for a session, if any and not expired.
    pub fn take_pending(&self, session: &str) -> Option<PendingIntent> {
        let (at, pending) = self
            .pending
            .lock()
            .expect("sessions lock")
            .remove(session)?;
        (at.elapsed() < PENDING_TTL).then_some(pending)
    }

    /// Remembers that the next message should fill a slot; drops expired entries on the way.
    pub fn set_pending(&self, session: &str, pending: PendingIntent) {
        self.set_pending_at(session, pending, Instant::now());
    }

    fn set_pending_at(&self, session: &str, pending: PendingIntent, now: Instant) {
        let mut map = self.pending.lock().expect("sessions lock");
        map.retain(|_, (at, _)| now.saturating_duration_since(*at) < PENDING_TTL);
        map.insert(session.to_string(), (now, pending));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.pending.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> PendingIntent {
        let intent: switchboard_bots::Intent = serde_json::from_value(serde_json::json!({
            "name": "lost_card", "utterances": ["lost my card"], "responses": ["ok"],
            "slots": [{"name": "card_type", "slot_type": "number", "required": true, "prompt": "Which?"}]
        }))
        .expect("intent");
        let types = switchboard_bots::SlotTypes::default();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        PendingIntent {
            filling: SlotFilling::start(&intent, &types, "lost it", today),
            confidence: 0.9,
            asked: 1,
            question: "Which?".into(),
        }
    }

    #[test]
    fn pending_intents_are_taken_once() {
        let sessions = Sessions::default();
        sessions.set_pending("a", pending());
        assert_eq!(sessions.take_pending("a").map(|p| p.asked), Some(1));
        assert!(sessions.take_pending("a").is_none());
    }

    #[test]
    fn abandoned_conversations_are_forgotten() {
        let sessions = Sessions::default();
        let long_ago = Instant::now();
        sessions.set_pending_at("abandoned", pending(), long_ago);
        sessions.set_pending_at(
            "fresh",
            pending(),
            long_ago + PENDING_TTL + Duration::from_secs(1),
        );
        assert_eq!(sessions.len(), 1, "the expired entry was dropped");
        assert!(sessions.take_pending("abandoned").is_none());
        assert!(sessions.take_pending("fresh").is_some());
    }
}
