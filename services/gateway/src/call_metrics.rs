//! A call's post-call metrics on the wire: measured from its stored segments on each read, so
//! a live call's figures grow with it and a finished one's never go stale.

use serde::Serialize;
use switchboard_analytics::{CallMetrics, PerSpeaker};

/// Seconds with millisecond precision, as every `_s` field is.
fn secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// Agent and customer values under their role names.
#[derive(Debug, Serialize)]
pub struct Roles<T> {
    agent: T,
    customer: T,
}

impl<T, U> From<PerSpeaker<U>> for Roles<T>
where
    U: Into<T>,
{
    fn from(p: PerSpeaker<U>) -> Self {
        Self {
            agent: p.agent.into(),
            customer: p.customer.into(),
        }
    }
}

/// One party talking over the other.
#[derive(Debug, Serialize)]
pub struct InterruptionView {
    by: &'static str,
    of: &'static str,
    at_s: f64,
    overlap_s: f64,
}

/// What `GET /v1/calls/{id}` reports under `metrics`.
#[derive(Debug, Serialize)]
pub struct MetricsView {
    duration_s: f64,
    talk_time_s: Roles<f64>,
    /// The agent's share of all talk time, 0…1.
    talk_ratio: f32,
    non_talk_s: f64,
    longest_silence_s: f64,
    interruptions: Vec<InterruptionView>,
    overlap_s: f64,
    words_per_minute: Roles<f32>,
    sentiment_by_quarter: Roles<[Option<f32>; 4]>,
    sentiment_trend: Roles<Option<f32>>,
}

impl From<CallMetrics> for MetricsView {
    fn from(m: CallMetrics) -> Self {
        let talk = PerSpeaker {
            agent: secs(m.talk_ms.agent),
            customer: secs(m.talk_ms.customer),
        };
        Self {
            duration_s: secs(m.duration_ms),
            talk_time_s: talk.into(),
            talk_ratio: m.talk_ratio,
            non_talk_s: secs(m.non_talk_ms),
            longest_silence_s: secs(m.longest_silence_ms),
            interruptions: m
                .interruptions
                .into_iter()
                .map(|i| InterruptionView {
                    by: i.by.as_str(),
                    of: i.of.as_str(),
                    at_s: secs(i.at_ms),
                    overlap_s: secs(i.overlap_ms),
                })
                .collect(),
            overlap_s: secs(m.overlap_ms),
            words_per_minute: m.words_per_minute.into(),
            sentiment_by_quarter: m.sentiment_by_quarter.into(),
            sentiment_trend: m.sentiment_trend.into(),
        }
    }
}
