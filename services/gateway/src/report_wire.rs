//! A finished call's report as JSON: what `switchboard analyze --json` prints per call and the
//! recording upload answers with. Metrics keep the shape `GET /v1/calls/{id}` gives them.

use std::collections::BTreeMap;

use serde::Serialize;
use switchboard_analytics::SummaryLine;
use switchboard_calls::CallReport;
use switchboard_storage::{CallRecord, ChannelRecord};

use crate::call_metrics::MetricsView;

/// One channel's role: as given, or detected from the words with how sure.
#[derive(Debug, Serialize)]
pub struct RoleView {
    role: String,
    confidence: f64,
    detected: bool,
    /// Integrated loudness (EBU R128): a recording's, or measured as a live call streamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    loudness_lufs: Option<f64>,
}

/// A sentence of the extractive summary, verbatim from the transcript.
#[derive(Debug, Serialize)]
pub struct SummaryView {
    /// "reason", "action" or "next_step".
    part: &'static str,
    speaker: &'static str,
    at_s: f64,
    text: String,
}

/// One transcript segment, times in seconds.
#[derive(Debug, Serialize)]
pub struct TranscriptLine {
    speaker: String,
    start: f64,
    end: f64,
    text: String,
}

/// Everything measured about one call.
#[derive(Debug, Serialize)]
pub struct CallReportView {
    /// The recording it was analysed from; `None` for a call that streamed live.
    file: Option<String>,
    call_id: String,
    status: String,
    #[serde(flatten)]
    metrics: MetricsView,
    categories: Vec<String>,
    key_phrases: Vec<String>,
    summary: Vec<SummaryView>,
    /// Keyed by channel index as a string ("0", "1").
    roles: BTreeMap<String, RoleView>,
    transcript: Vec<TranscriptLine>,
}

fn secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// Each channel's role under its index: as measured (a recording's analysis, a live call's
/// loudness), else as streamed.
pub(crate) fn roles(call: &CallRecord, channels: &[ChannelRecord]) -> BTreeMap<String, RoleView> {
    match channels {
        [_, ..] => channels
            .iter()
            .map(|c| {
                let view = RoleView {
                    role: c.role.clone(),
                    confidence: c.confidence,
                    detected: c.detected,
                    loudness_lufs: c.loudness_lufs,
                };
                (c.channel.to_string(), view)
            })
            .collect(),
        [] => call
            .channel_roles
            .iter()
            .enumerate()
            .map(|(i, role)| {
                let view = RoleView {
                    role: role.clone(),
                    confidence: 1.0,
                    detected: false,
                    loudness_lufs: None,
                };
                (i.to_string(), view)
            })
            .collect(),
    }
}

/// The summary's sentences with their times in seconds.
pub(crate) fn summary(lines: Vec<SummaryLine>) -> Vec<SummaryView> {
    lines
        .into_iter()
        .map(|s| SummaryView {
            part: s.part.as_str(),
            speaker: s.speaker.as_str(),
            at_s: secs(s.start_ms),
            text: s.text,
        })
        .collect()
}

impl From<CallReport> for CallReportView {
    fn from(r: CallReport) -> Self {
        Self {
            roles: roles(&r.call, &r.channels),
            file: r.recording.map(|rec| rec.file_name),
            call_id: r.call.id,
            status: r.call.status,
            metrics: r.metrics.into(),
            categories: r.categories,
            key_phrases: r.key_phrases,
            summary: summary(r.summary),
            transcript: r
                .segments
                .into_iter()
                .map(|s| TranscriptLine {
                    speaker: s.speaker,
                    start: secs(s.start_ms),
                    end: secs(s.end_ms),
                    text: s.text,
                })
                .collect(),
        }
    }
}

impl CallReportView {
    /// The same report under the path the user gave (a re-run may name the file differently).
    pub fn with_file(mut self, file: String) -> Self {
        self.file = Some(file);
        self
    }
}
