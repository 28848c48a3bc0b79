//! Live calls: call audio in, transcript out, stored and published while the call goes on.
//!
//! The pipeline of one call reads like sources → transforms → sinks:
//! - a transport (the gateway's LCA or Twilio websocket) hands a [`CallSession`] wire bytes;
//! - [`input`] turns them into PCM per channel: WAV header skipped, format checked, Twilio's two
//!   tracks lined up into stereo;
//! - a [`Recognizer`](switchboard_transcription::Recognizer) turns PCM into partial and final
//!   segments;
//! - [`CallStages`] (redaction and the live-intelligence stages, plugged in from outside) rewrite
//!   and enrich each final before it is stored, and follow it once it is;
//! - [`batch`] runs a whole recording through the same recognizer, stages and sink;
//! - [`sink`] stores finals with the call and publishes every event on the bus;
//! - [`pipeline`] supervises the two: a fault in a stage is caught at the call's boundary and
//!   the recognizer restarted at the audio that follows, so one fault never loses the call.

mod archive;
mod batch;
mod error;
pub mod input;
mod pipeline;
mod post_call;
mod report;
mod service;
mod session;
mod sink;
mod stages;

pub use archive::{AudioArchive, AudioWriter};
pub use batch::{BatchCall, BatchOutcome, RolePolicy, recording_call_id};
pub use error::CallError;
pub use post_call::{PostCallSync, SyncError, overview_facts};
pub use report::{CallReport, report, turns};
pub use service::{CallLimits, CallService, CallStart, Source};
pub use session::{CallSession, CallSummary, Outcome};
pub use stages::{Assistance, CallStages, NoStages, StagesFactory};
