//! The sink of a call: finals stored with the call, every event published on the bus.

use std::sync::Arc;

use chrono::Utc;
use switchboard_events::{Event, EventBus, SentimentReading, SuggestionCard};
use switchboard_storage::{MissedOrigin, NewCallSegment, NewRuleHit, Store};
use switchboard_transcription::TranscriptEvent;

use crate::{Assistance, CallStages};

/// What the sink saw by the time the recognizer closed.
#[derive(Debug, Default)]
pub struct SinkReport {
    pub segments: u32,
    /// Recognition or storage failures, for the call's end reason.
    pub failures: Vec<String>,
}

/// Stores and publishes one call's transcript events.
pub(crate) struct Sink {
    store: Store,
    bus: Arc<dyn EventBus>,
    call_id: String,
    stages: Box<dyn CallStages>,
    pub(crate) report: SinkReport,
}

impl Sink {
    pub(crate) fn new(
        store: Store,
        bus: Arc<dyn EventBus>,
        call_id: String,
        stages: Box<dyn CallStages>,
    ) -> Self {
        Self {
            store,
            bus,
            call_id,
            stages,
            report: SinkReport::default(),
        }
    }

    /// Tells everyone watching that a stage failed and where transcription picks up again.
    pub(crate) fn degraded(&self, stage: &str, reason: &str, resumed_at_ms: u64) {
        metrics::counter!("switchboard_call_faults_total", "stage" => stage.to_string())
            .increment(1);
        tracing::error!(call = %self.call_id, stage, reason, resumed_at_ms, "a stage of the call failed; the call goes on");
        self.bus.publish(Event::CallDegraded {
            call_id: self.call_id.clone(),
            stage: stage.into(),
            reason: reason.into(),
            resumed_at_ms,
        });
    }

    /// Records a rule's match on the call and announces it, once per call and rule: a resumed
    /// call that matches again raises nothing new. A failure to record costs only the record.
    async fn rule_hit(&mut self, hit: NewRuleHit, segment: &NewCallSegment) {
        match self.store.record_rule_hit(&self.call_id, &hit).await {
            Ok(true) => self.bus.publish(Event::CallRuleHit {
                call_id: self.call_id.clone(),
                seq: hit.seq,
                speaker: segment.speaker.clone(),
                text: segment.text.clone(),
                rule: hit.rule,
                category: hit.category,
                severity: hit.severity,
                reason: hit.reason,
                description: hit.description,
                at: Utc::now(),
            }),
            Ok(false) => {}
            Err(error) => {
                metrics::counter!("switchboard_call_faults_total", "stage" => "rules").increment(1);
                tracing::error!(call = %self.call_id, rule = %hit.rule, %error, "could not record a rule hit");
            }
        }
    }

    /// Records what the bot offered the agent (or the words it missed) and announces it. A
    /// failure to record costs only the record: the transcript is already safe.
    async fn assistance(&mut self, seq: u32, assist: Assistance) {
        let call_id = &self.call_id;
        if !assist.suggestions.is_empty() {
            match self
                .store
                .record_suggestions(call_id, &assist.suggestions)
                .await
            {
                Ok(records) => self.bus.publish(Event::CallSuggestions {
                    call_id: call_id.clone(),
                    seq,
                    bot: assist.bot.clone(),
                    suggestions: records
                        .into_iter()
                        .map(|r| SuggestionCard {
                            id: r.id,
                            kind: r.suggestion.kind,
                            reference: r.suggestion.reference,
                            title: r.suggestion.title,
                            text: r.suggestion.text,
                            score: r.suggestion.score,
                        })
                        .collect(),
                    at: Utc::now(),
                }),
                Err(error) => {
                    metrics::counter!("switchboard_call_faults_total", "stage" => "assist")
                        .increment(1);
                    tracing::error!(call = %call_id, seq, %error, "could not record suggestions");
                }
            }
        }
        if let Some(missed) = assist.missed {
            let MissedOrigin::Call { speaker, .. } = &missed.origin else {
                return;
            };
            match self.store.record_missed(&missed).await {
                Ok(_) => self.bus.publish(Event::CallMissedUtterance {
                    call_id: call_id.clone(),
                    seq,
                    speaker: speaker.clone(),
                    bot: assist.bot,
                    text: missed.text.clone(),
                    best_guesses: missed.best_guesses.clone(),
                    at: missed.at,
                }),
                Err(error) => {
                    metrics::counter!("switchboard_call_faults_total", "stage" => "assist")
                        .increment(1);
                    tracing::error!(call = %call_id, seq, %error, "could not record a missed utterance");
                }
            }
        }
    }

    /// Handles one event of the recognizer.
    pub(crate) async fn handle(&mut self, event: TranscriptEvent) {
        let call_id = &self.call_id;
        match event {
            TranscriptEvent::Final(segment) => {
                let mut new = NewCallSegment {
                    channel: segment.channel as u32,
                    speaker: segment.speaker.as_str().into(),
                    start_ms: segment.start_ms,
                    end_ms: segment.end_ms,
                    text: segment.text,
                    confidence: segment.confidence.clamp(0.0, 1.0),
                    insights: Default::default(),
                };
                self.stages.segment(&mut new).await;
                match self.store.append_call_segment(call_id, &new).await {
                    Ok(seq) => {
                        self.report.segments += 1;
                        metrics::counter!("switchboard_call_segments_total", "speaker" => segment.speaker.as_str()).increment(1);
                        self.bus.publish(Event::CallSegment {
                            call_id: call_id.clone(),
                            seq,
                            channel: new.channel,
                            speaker: new.speaker.clone(),
                            start_ms: new.start_ms,
                            end_ms: new.end_ms,
                            text: new.text.clone(),
                            confidence: new.confidence,
                            sentiment: new.insights.sentiment.as_ref().map(|s| SentimentReading {
                                label: s.label.clone(),
                                score: s.score,
                                running: s.running,
                            }),
                            key_phrases: new.insights.key_phrases.clone(),
                        });
                        for hit in self.stages.stored(seq, &new).await {
                            self.rule_hit(hit, &new).await;
                        }
                        if let Some(assist) = self.stages.assist(seq, &new).await {
                            self.assistance(seq, assist).await;
                        }
                    }
                    Err(error) => {
                        tracing::error!(call = %call_id, %error, "could not store a transcript segment");
                        self.report
                            .failures
                            .push(format!("storing a segment failed: {error}"));
                    }
                }
            }
            TranscriptEvent::Partial(p) => {
                // Redacted as one text (a number may run from stable into unstable words), then
                // split back where the stable words end if redaction left them as they were.
                let speaker = p.speaker.as_str();
                let whole = if p.unstable.is_empty() {
                    p.stable.clone()
                } else if p.stable.is_empty() {
                    p.unstable.clone()
                } else {
                    format!("{} {}", p.stable, p.unstable)
                };
                let clean = self.stages.partial(speaker, &whole);
                let (stable, unstable) = match clean.strip_prefix(p.stable.as_str()) {
                    Some(rest) => (p.stable.clone(), rest.trim_start().to_string()),
                    None => (String::new(), clean),
                };
                self.bus.publish(Event::CallPartial {
                    call_id: call_id.clone(),
                    channel: p.channel as u32,
                    speaker: speaker.into(),
                    start_ms: p.start_ms,
                    stable,
                    unstable,
                })
            }
            TranscriptEvent::Lagging { behind_ms } => {
                tracing::warn!(call = %call_id, behind_ms, "transcription is behind real time");
                metrics::counter!("switchboard_call_lagging_total").increment(1);
                self.bus.publish(Event::CallLagging {
                    call_id: call_id.clone(),
                    behind_ms,
                });
            }
            TranscriptEvent::Degraded {
                stage,
                reason,
                at_ms,
            } => self.degraded(stage, &reason, at_ms),
            TranscriptEvent::Failed(error) => {
                tracing::warn!(call = %call_id, %error, "speech recognition failed");
                self.report.failures.push(error.to_string());
            }
        }
    }
}
