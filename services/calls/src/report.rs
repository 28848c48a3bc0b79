//! What a finished call (live or analysed from a recording) comes to, read back from storage:
//! its metrics, summary, categories and topics, as an analyst reads them.

use switchboard_analytics::{CallMetrics, Speaker, SummaryLine, Turn};
use switchboard_storage::{
    CallRecord, CallSegmentRecord, ChannelRecord, RecordingRecord, RuleHitRecord, Store,
};

use crate::CallError;

/// Topics reported for a whole call.
const CALL_PHRASES: usize = 8;

/// Everything stored and measured about one call.
#[derive(Debug, Clone)]
pub struct CallReport {
    pub call: CallRecord,
    pub segments: Vec<CallSegmentRecord>,
    pub rule_hits: Vec<RuleHitRecord>,
    /// The file and channels of a call analysed from a recording; `None` for a live call.
    pub recording: Option<RecordingRecord>,
    /// Each channel's role and loudness as measured (a recording's, or a live call's loudness);
    /// empty when nothing was.
    pub channels: Vec<ChannelRecord>,
    pub metrics: CallMetrics,
    pub summary: Vec<SummaryLine>,
    /// Categories the call's rules matched, each once, in the order they matched.
    pub categories: Vec<String>,
    /// The call's topics, from its segments' key phrases.
    pub key_phrases: Vec<String>,
}

/// Reads a call and measures it; `NotFound` naming the id when there is no such call.
pub async fn report(store: &Store, call_id: &str) -> Result<CallReport, CallError> {
    let call = store.get_call(call_id).await?;
    let segments = store.call_segments(call_id).await?;
    let rule_hits = store.call_rule_hits(call_id).await?;
    let recording = store.call_recording(call_id).await?;
    let channels = match &recording {
        Some(rec) => rec.channels.clone(),
        None => store.call_channels(call_id).await?,
    };
    let turns = turns(&segments);
    let mut categories: Vec<String> = Vec::new();
    for h in &rule_hits {
        if !categories.contains(&h.hit.category) {
            categories.push(h.hit.category.clone());
        }
    }
    let key_phrases = switchboard_analytics::call_phrases(
        segments.iter().map(|s| s.insights.key_phrases.as_slice()),
        CALL_PHRASES,
    );
    Ok(CallReport {
        metrics: switchboard_analytics::measure(&turns, call.audio_ms),
        summary: switchboard_analytics::summarize(&turns),
        call,
        segments,
        rule_hits,
        recording,
        channels,
        categories,
        key_phrases,
    })
}

/// A call's stored segments as the turns analytics measures.
pub fn turns(segments: &[CallSegmentRecord]) -> Vec<Turn> {
    segments
        .iter()
        .filter_map(|s| {
            Some(Turn {
                speaker: s.speaker.parse::<Speaker>().ok()?,
                start_ms: s.start_ms,
                end_ms: s.end_ms,
                text: s.text.clone(),
                sentiment: s.insights.sentiment.as_ref().map(|x| x.score),
            })
        })
        .collect()
}
