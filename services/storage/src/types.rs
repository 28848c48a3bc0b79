//! Plain Rust values that go in and out of the store.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::error::StoreError;

/// What an API token may do; ordered so a higher role can do everything a lower one can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// End-user facing clients (e.g. a website embedding the chat).
    Client,
    /// Human agents taking handoffs.
    Agent,
    /// Supervisors watching queues and transcripts.
    Supervisor,
    /// Operators managing tokens and bot versions.
    Admin,
}

impl Role {
    /// Every role, lowest first, for help texts and exhaustive tests.
    pub const ALL: [Role; 4] = [Role::Client, Role::Agent, Role::Supervisor, Role::Admin];

    /// The stable lowercase name used in the database, CLI and config.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Agent => "agent",
            Role::Client => "client",
        }
    }

    /// Whether a holder of `self` may call something that requires `required`.
    pub fn permits(self, required: Role) -> bool {
        self >= required
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "unknown role {s:?}; expected one of admin, supervisor, agent, client"
                ))
            })
    }
}

/// A token as listed and as returned by verification; never carries the secret.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenInfo {
    /// Stable id (UUID v7), usable for revocation.
    pub id: String,
    /// Human label, unique among active tokens.
    pub name: String,
    /// What the token may do.
    pub role: Role,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// One chat conversation, so transcripts and missed utterances can hang off it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    /// Stable id (UUID v7).
    pub id: String,
    /// Bot name the session talks to.
    pub bot: String,
    /// Bot definition version in force when the session started.
    pub bot_version: u32,
    /// When the session started.
    pub created_at: DateTime<Utc>,
    /// When the last turn was appended (or `created_at`).
    pub updated_at: DateTime<Utc>,
}

/// Who said a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// The person chatting.
    Visitor,
    /// The bot's reply.
    Bot,
    /// A person who took the chat over from the bot (see [`TurnRecord::agent_id`]).
    Agent,
}

impl Speaker {
    /// Stable lowercase name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Visitor => "visitor",
            Speaker::Bot => "bot",
            Speaker::Agent => "agent",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "visitor" => Some(Speaker::Visitor),
            "bot" => Some(Speaker::Bot),
            "agent" => Some(Speaker::Agent),
            _ => None,
        }
    }
}

/// Allowed values of [`TurnRecord::source_kind`]: where a bot answer came from.
pub const SOURCE_KINDS: [&str; 3] = ["intent", "knowledge", "handoff"];

/// One line of a transcript, with the provenance needed to audit and improve answers.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnRecord {
    /// Who said it.
    pub speaker: Speaker,
    /// What was said.
    pub text: String,
    /// For bot turns: "intent", "knowledge" or "handoff" (see [`SOURCE_KINDS`]).
    pub source_kind: Option<String>,
    /// Matched intent name, if any.
    pub intent: Option<String>,
    /// Score of the chosen answer, if any (must be finite).
    pub confidence: Option<f32>,
    /// Knowledge document the answer came from, if any.
    pub document_id: Option<String>,
    /// Time taken to produce the answer.
    pub latency_ms: Option<u32>,
    /// When it was said (stored with microsecond precision).
    pub at: DateTime<Utc>,
    /// The agent who said it: set exactly for [`Speaker::Agent`] turns.
    pub agent_id: Option<String>,
}

/// Where a chat the bot handed to a person stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffState {
    /// In the queue: no agent has taken it yet; the bot stays out.
    Waiting,
    /// An agent took it; the bot stays out until they close it.
    WithAgent,
    /// The agent closed it; the bot answers again.
    Closed,
}

impl HandoffState {
    /// Stable snake_case name stored in the database and shown on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HandoffState::Waiting => "waiting",
            HandoffState::WithAgent => "with_agent",
            HandoffState::Closed => "closed",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "waiting" => Some(HandoffState::Waiting),
            "with_agent" => Some(HandoffState::WithAgent),
            "closed" => Some(HandoffState::Closed),
            _ => None,
        }
    }

    /// Whether a person holds the chat (or is about to): the bot must not answer.
    pub fn is_open(self) -> bool {
        self != HandoffState::Closed
    }
}

/// A chat handed to a person, as the queue and the agent's workspace show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    pub session_id: String,
    pub bot: String,
    pub state: HandoffState,
    /// The agent who took it (kept after closing, for the record).
    pub agent_id: Option<String>,
    /// Why the bot handed it off ("no_match", "slot_not_provided", or a visitor's request).
    pub reason: String,
    /// When it entered its current state.
    pub since: DateTime<Utc>,
    /// When the conversation started.
    pub started_at: DateTime<Utc>,
}

/// Which handoffs [`crate::Store::list_handoffs`] lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HandoffFilter {
    /// Only handoffs in this state.
    pub state: Option<HandoffState>,
    /// Only handoffs taken by this agent.
    pub agent_id: Option<String>,
}

/// Allowed values of [`MissedUtterance::reason`]: a chat handed off or answered from knowledge
/// only, or a caller's words that neither an intent nor an article matched.
pub const MISSED_REASONS: [&str; 3] = ["handoff", "low_confidence", "no_match"];

/// Where a missed utterance was said, so the review shows it in its conversation.
#[derive(Debug, Clone, PartialEq)]
pub enum MissedOrigin {
    /// A chat session (must exist); its bot is the session's.
    Chat { session_id: String },
    /// A call's segment (must exist), said by `speaker`, missed by `bot`.
    Call {
        call_id: String,
        seq: u32,
        speaker: String,
        bot: String,
    },
}

/// Something a visitor or caller said that the bot could not answer well, kept for the
/// improvement loop.
#[derive(Debug, Clone, PartialEq)]
pub struct MissedUtterance {
    pub origin: MissedOrigin,
    /// What was said (redacted).
    pub text: String,
    /// Best candidate intents/answers with scores (scores must be finite).
    pub best_guesses: Vec<(String, f32)>,
    /// One of [`MISSED_REASONS`].
    pub reason: String,
    /// When it happened (stored with microsecond precision).
    pub at: DateTime<Utc>,
}

/// A stored missed utterance with its triage state.
#[derive(Debug, Clone, PartialEq)]
pub struct MissedRecord {
    /// Stable id (UUID v7).
    pub id: String,
    /// Bot of the session, so triage can filter per bot.
    pub bot: String,
    /// The utterance as recorded.
    pub utterance: MissedUtterance,
    /// Triage state; "new" until someone handles it.
    pub status: String,
}

/// One published version of a bot definition.
#[derive(Debug, Clone, PartialEq)]
pub struct BotVersionRecord {
    /// Bot name.
    pub bot: String,
    /// Version number, unique per bot.
    pub version: u32,
    /// The validated definition as JSON (owned by the bots crate).
    pub definition_json: String,
    /// Content checksum, to spot re-publishing of identical content.
    pub checksum: String,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
    /// Whether this is the version new sessions should use.
    pub active: bool,
    /// Whether the regression gate let it through (a refused version is never active).
    pub status: VersionStatus,
    /// Who made it: `None` for versions imported from files.
    pub author: Option<String>,
    /// Why it was made ("imported from files", "approved proposals", "rollback to v3", …).
    pub reason: String,
    /// The version it was built from.
    pub base_version: Option<u32>,
    /// The regression gate's report as JSON (owned by the publishing crate).
    pub report_json: Option<String>,
    /// The version whose utterances the intent model's slow parts were fitted on (`None`: its
    /// own), so every node trains the model the gate checked.
    pub basis_version: Option<u32>,
}

/// Whether a stored version may serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionStatus {
    Published,
    /// Lost too much on the bot's tests; kept with its report, never served.
    RejectedByGate,
}

impl VersionStatus {
    /// Stable snake_case name stored in the database and shown on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Published => "published",
            VersionStatus::RejectedByGate => "rejected_by_gate",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "published" => Some(VersionStatus::Published),
            "rejected_by_gate" => Some(VersionStatus::RejectedByGate),
            _ => None,
        }
    }
}

/// A version built by the improvement loop (or a rollback), to be stored in one transaction
/// with what it did to the proposals it took in.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBotVersion {
    pub bot: String,
    pub version: u32,
    pub definition_json: String,
    pub checksum: String,
    pub status: VersionStatus,
    pub author: String,
    pub reason: String,
    pub base_version: Option<u32>,
    pub report_json: Option<String>,
    /// See [`BotVersionRecord::basis_version`].
    pub basis_version: Option<u32>,
}

/// Allowed values of [`CallStart::source`]: which client streams the call's audio.
pub const CALL_SOURCES: &[&str] = &["lca", "twilio", "batch"];

/// Allowed values of [`CallRecord::status`]; a call is `live` while a connection streams it.
pub const CALL_STATUSES: &[&str] = &["live", "completed", "incomplete"];

/// Allowed channel roles and segment speakers on a call.
pub const CALL_SPEAKERS: &[&str] = &["customer", "agent"];

/// What a connection announces when it starts (or resumes) streaming a call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallStart {
    /// The client's call id (Amazon LCA `callId`, Twilio `callSid`), so reconnects find the call.
    pub id: String,
    /// "lca", "twilio" or "batch" (see [`CALL_SOURCES`]).
    pub source: String,
    /// Caller number, if the client says.
    pub from_number: Option<String>,
    /// Dialled number, if the client says.
    pub to_number: Option<String>,
    /// Agent handling the call, if known.
    pub agent_id: Option<String>,
    /// Queue (skill, line of business) the call came through, if known: the overview's split.
    pub queue: Option<String>,
    /// Audio sample rate in Hz; a reconnect must send the same.
    pub sample_rate: u32,
    /// Audio encoding name (e.g. "pcm", "mulaw"); a reconnect must send the same.
    pub encoding: String,
    /// Who speaks on each channel, by channel index ("customer"/"agent").
    pub channel_roles: Vec<String>,
}

/// Which calls [`crate::Store::list_calls`] lists; the default is every call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallFilter {
    /// Only this agent's calls.
    pub agent_id: Option<String>,
    /// Only calls in this status (see [`CALL_STATUSES`]).
    pub status: Option<String>,
}

/// A stored call with where its audio stands, so a reconnect knows where to continue.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    /// The client's call id.
    pub id: String,
    /// Which client streamed it (see [`CALL_SOURCES`]).
    pub source: String,
    /// Caller number, if known.
    pub from_number: Option<String>,
    /// Dialled number, if known.
    pub to_number: Option<String>,
    /// Agent handling the call, if known.
    pub agent_id: Option<String>,
    /// Queue the call came through, if known.
    pub queue: Option<String>,
    /// Audio sample rate in Hz.
    pub sample_rate: u32,
    /// Audio encoding name.
    pub encoding: String,
    /// Who speaks on each channel.
    pub channel_roles: Vec<String>,
    /// "live", "completed" or "incomplete" (see [`CALL_STATUSES`]).
    pub status: String,
    /// When the first connection started it.
    pub started_at: DateTime<Utc>,
    /// When anything about it last changed.
    pub updated_at: DateTime<Utc>,
    /// When the last connection ended it; `None` while live.
    pub ended_at: Option<DateTime<Utc>>,
    /// Audio received so far across connections: the offset a reconnect appends at.
    pub audio_ms: u64,
    /// How many connections have streamed it.
    pub connections: u32,
    /// How many transcript segments it has.
    pub segments: u32,
}

/// A redaction kept with a segment: the kind and where its tag sits in the text (bytes), never
/// the value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RedactionRecord {
    pub kind: String,
    pub start: u32,
    pub end: u32,
}

/// A segment's sentiment, and its speaker's running sentiment once it was said.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentSentiment {
    /// "negative", "neutral" or "positive".
    pub label: String,
    /// −1 … 1.
    pub score: f32,
    /// The speaker's running score over the call so far, −1 … 1.
    pub running: f32,
}

/// What the live-intelligence stages found in a segment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentInsights {
    /// Personal data replaced in the text.
    pub redactions: Vec<RedactionRecord>,
    /// Set when the sentiment stage ran.
    pub sentiment: Option<SegmentSentiment>,
    /// What the segment is about, most telling first.
    pub key_phrases: Vec<String>,
}

/// Alert severities a rule may raise (see the rules crate).
pub const ALERT_SEVERITIES: &[&str] = &["info", "warning", "high"];

/// A rule that matched a call, as the sink records it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRuleHit {
    /// The rule's name (unique in its rule set).
    pub rule: String,
    /// The category it records on the call.
    pub category: String,
    /// "info", "warning" or "high" when it raised an alert (see [`ALERT_SEVERITIES`]).
    pub severity: Option<String>,
    /// Why it matched, in words.
    pub reason: String,
    /// The rule's description, shown with the alert.
    pub description: String,
    /// The segment that made it match.
    pub seq: u32,
}

/// Allowed values of [`NewSuggestion::kind`].
pub const SUGGESTION_KINDS: &[&str] = &["intent", "knowledge"];

/// Allowed values of an agent's verdict on a suggestion.
pub const SUGGESTION_FEEDBACK: &[&str] = &["used", "not_helpful"];

/// Something the bot offered the agent for a customer's segment, as the sink records it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSuggestion {
    /// The segment it answers.
    pub seq: u32,
    /// Place among the segment's suggestions, best first (0-based).
    pub rank: u32,
    /// The bot that made it.
    pub bot: String,
    /// "intent" or "knowledge" (see [`SUGGESTION_KINDS`]).
    pub kind: String,
    /// The intent's name, or the article's document id.
    pub reference: String,
    /// What the agent sees as its heading: the intent or the article title.
    pub title: String,
    /// The reply to read out, or the article's text.
    pub text: String,
    /// Intent confidence or knowledge score, 0..=1.
    pub score: f32,
}

/// A stored suggestion with the agent's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct SuggestionRecord {
    /// Stable id (UUID v7), which the agent's feedback names.
    pub id: String,
    pub suggestion: NewSuggestion,
    /// "used" or "not_helpful" once the agent said (see [`SUGGESTION_FEEDBACK`]).
    pub feedback: Option<String>,
    /// Who gave the feedback (the token's name).
    pub feedback_by: Option<String>,
    pub feedback_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A stored rule hit.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleHitRecord {
    pub hit: NewRuleHit,
    pub created_at: DateTime<Utc>,
}

/// A finished transcript segment to add to a call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewCallSegment {
    /// Audio channel it was heard on.
    pub channel: u32,
    /// "customer" or "agent" (see [`CALL_SPEAKERS`]).
    pub speaker: String,
    /// Start, in ms from the start of the call's audio.
    pub start_ms: u64,
    /// End, in ms from the start of the call's audio (not before `start_ms`).
    pub end_ms: u64,
    /// What was said (non-empty).
    pub text: String,
    /// Recogniser confidence in [0, 1].
    pub confidence: f32,
    /// Redactions, sentiment and key phrases.
    pub insights: SegmentInsights,
}

/// A stored transcript segment of a call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSegmentRecord {
    /// Position in append order, from 0 per call.
    pub seq: u32,
    /// Audio channel it was heard on.
    pub channel: u32,
    /// "customer" or "agent".
    pub speaker: String,
    /// Start, in ms from the start of the call's audio.
    pub start_ms: u64,
    /// End, in ms from the start of the call's audio.
    pub end_ms: u64,
    /// What was said.
    pub text: String,
    /// Recogniser confidence in [0, 1].
    pub confidence: f32,
    /// Redactions, sentiment and key phrases.
    pub insights: SegmentInsights,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}
