//! The seam between the call path and what is done with its words: the live-intelligence stages
//! (redaction, sentiment, key phrases, rules, assist) plug in here, and the call path knows only
//! that a final passes through them before it is stored and published, and again after.

use futures::future::BoxFuture;
use switchboard_storage::{MissedUtterance, NewCallSegment, NewRuleHit, NewSuggestion};

use crate::CallStart;

/// Opens the stages of each call (one per process, shared by every call).
pub trait StagesFactory: Send + Sync {
    /// Stages for a call that starts (or resumes) now.
    fn open(&self, call: &CallStart) -> Box<dyn CallStages>;
}

/// The stages of one call, fed its events in order.
pub trait CallStages: Send {
    /// Rewrites live text before it is published (partials are never stored).
    fn partial(&mut self, speaker: &str, text: &str) -> String;
    /// Transforms a final before it is stored or published: its text may change (redaction) and
    /// insights are added.
    fn segment<'a>(&'a mut self, segment: &'a mut NewCallSegment) -> BoxFuture<'a, ()>;
    /// Runs once the final is stored as `seq` and published; returns the rules it made match,
    /// which the sink records on the call and announces (categories and alerts).
    fn stored<'a>(
        &'a mut self,
        seq: u32,
        segment: &'a NewCallSegment,
    ) -> BoxFuture<'a, Vec<NewRuleHit>>;
    /// Runs after [`CallStages::stored`] (so alerts never wait for it): what the call's bot
    /// offers the agent for the final, or `None` when it does not ask (an agent's words, a
    /// "yes"). The sink records and announces it.
    fn assist<'a>(
        &'a mut self,
        seq: u32,
        segment: &'a NewCallSegment,
    ) -> BoxFuture<'a, Option<Assistance>>;
}

/// What the call's bot made of a stored final.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Assistance {
    /// The bot that was asked.
    pub bot: String,
    /// Best first, ranks set; empty when nothing matched.
    pub suggestions: Vec<NewSuggestion>,
    /// The words, kept for the improvement loop when nothing matched.
    pub missed: Option<MissedUtterance>,
}

/// No stages: the transcript as heard, for the call path's own tests and `asr` tools.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoStages;

impl StagesFactory for NoStages {
    fn open(&self, _: &CallStart) -> Box<dyn CallStages> {
        Box::new(NoStages)
    }
}

impl CallStages for NoStages {
    fn partial(&mut self, _: &str, text: &str) -> String {
        text.to_string()
    }
    fn segment<'a>(&'a mut self, _: &'a mut NewCallSegment) -> BoxFuture<'a, ()> {
        Box::pin(std::future::ready(()))
    }
    fn stored<'a>(&'a mut self, _: u32, _: &'a NewCallSegment) -> BoxFuture<'a, Vec<NewRuleHit>> {
        Box::pin(std::future::ready(Vec::new()))
    }
    fn assist<'a>(
        &'a mut self,
        _: u32,
        _: &'a NewCallSegment,
    ) -> BoxFuture<'a, Option<Assistance>> {
        Box::pin(std::future::ready(None))
    }
}
