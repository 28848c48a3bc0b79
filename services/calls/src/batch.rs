//! Recordings analysed in bulk: a whole file goes through the same recognizer, stages and sink as
//! a live call. The recognizer runs first, over the whole recording, so the speaker roles can be
//! detected from the words before the stages (assist, rules, sentiment per party) see them.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::FutureExt;
use sha2::{Digest, Sha256};
use switchboard_audio::{AudioFormat, Recording, loudness_lufs};
use switchboard_events::Event;
use switchboard_storage::{ChannelRecord, RecordingRecord};
use switchboard_transcription::{
    AsrError, AudioChunk, Speaker, StreamSpec, TranscriptEvent, panic_message,
};

use crate::service::{CallService, CallStart, Source};
use crate::sink::Sink;
use crate::{CallError, CallSummary};

/// How the channels of a recording get their roles.
#[derive(Debug, Clone, PartialEq)]
pub enum RolePolicy {
    /// One role per channel, as labelled by whoever recorded the call.
    Given(Vec<Speaker>),
    /// Detected from what each channel says (stereo); a mono recording is taken as the customer.
    Detect,
}

impl std::str::FromStr for RolePolicy {
    type Err = String;
    /// `auto`, or one role per channel, comma-separated (`customer,agent`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("auto") {
            return Ok(RolePolicy::Detect);
        }
        s.split(',')
            .map(|r| r.trim().parse::<Speaker>())
            .collect::<Result<Vec<_>, _>>()
            .map(RolePolicy::Given)
            .map_err(|e| {
                format!("roles: {e}; give `auto` or one role per channel, e.g. `customer,agent`")
            })
    }
}

/// The call id of a recording: the same bytes always give the same call, which is what makes
/// re-running an analysis (or re-uploading a file) find the finished one instead of redoing it.
pub fn recording_call_id(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    format!("rec-{hex}")
}

/// One recording to analyse.
#[derive(Debug, Clone)]
pub struct BatchCall {
    /// Stable per recording (e.g. from its content), so a re-run finds the finished analysis.
    pub call_id: String,
    /// Shown with the call, and in errors.
    pub file_name: String,
    pub agent_id: Option<String>,
    /// The queue the call came through, if known.
    pub queue: Option<String>,
    pub recording: Recording,
    pub roles: RolePolicy,
}

/// What analysing one recording left behind.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchOutcome {
    pub summary: CallSummary,
    /// Role, how it was found and loudness, per channel.
    pub channels: Vec<ChannelRecord>,
    /// True when an earlier run had already finished this recording: nothing was redone.
    pub skipped: bool,
    /// Wall time of this run's recognizer pass and of the whole analysis (zero when skipped).
    pub transcribe_time: Duration,
    pub total_time: Duration,
}

/// A mono recording as two channels, one per speaker (`audio::diarize`), off the runtime's
/// threads.
async fn diarized(rec: &switchboard_audio::Recording) -> Result<Vec<Vec<i16>>, CallError> {
    let (samples, rate) = (rec.channels[0].clone(), rec.sample_rate);
    tokio::task::spawn_blocking(move || {
        let turns = switchboard_audio::diarize(&samples, rate);
        switchboard_audio::split_speakers(&samples, rate, &turns)
    })
    .await
    .map_err(|e| CallError::Invalid(format!("telling the speakers apart failed: {e}")))
}

/// How much audio one chunk carries into the recognizer.
const CHUNK_MS: usize = 1_000;

impl CallService {
    /// Analyses a whole recording as a call and stores it as a live call is stored. A recording
    /// an earlier run finished is skipped; one it left unfinished is redone from the start.
    /// `progress` hears how many ms of audio the recognizer has taken, of how many.
    pub async fn analyze(
        &self,
        mut call: BatchCall,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<BatchOutcome, CallError> {
        let channels = call.recording.channels.len();
        if channels == 0 || channels > 2 {
            return Err(CallError::Invalid(format!(
                "{}: {channels} channels (recordings are mono or stereo)",
                call.file_name
            )));
        }
        if let Some(done) = self.finished(&call.call_id).await? {
            return Ok(done);
        }
        if channels == 1 && call.roles == RolePolicy::Detect {
            // Both parties on one channel: told apart first, each then analysed as a channel.
            call.recording.channels = diarized(&call.recording).await?;
        }
        let channels = call.recording.channels.len();
        if self.store.delete_call(&call.call_id).await? {
            tracing::info!(call = %call.call_id, file = %call.file_name, "an unfinished analysis is redone");
        }
        let provisional = match &call.roles {
            RolePolicy::Given(roles) if roles.len() == channels => roles.clone(),
            RolePolicy::Given(roles) => {
                return Err(CallError::Invalid(format!(
                    "{}: {} role(s) given for {channels} channel(s)",
                    call.file_name,
                    roles.len()
                )));
            }
            RolePolicy::Detect => default_roles(channels),
        };
        let started = Instant::now();
        let events = self.transcribe(&call, &provisional, progress).await?;
        let transcribe_time = started.elapsed();
        let detected = roles_of(&call.roles, &provisional, &events);
        let channel_records: Vec<ChannelRecord> = detected
            .iter()
            .enumerate()
            .map(|(i, (role, detected, confidence))| ChannelRecord {
                channel: i as u16,
                role: role.as_str().into(),
                detected: *detected,
                confidence: f64::from(*confidence),
                loudness_lufs: loudness_lufs(
                    &call.recording.channels[i],
                    call.recording.sample_rate,
                ),
            })
            .collect();
        let roles: Vec<Speaker> = detected.into_iter().map(|(r, _, _)| r).collect();
        let summary = self
            .store_call(&call, roles, events, &channel_records)
            .await?;
        Ok(BatchOutcome {
            summary,
            channels: channel_records,
            skipped: false,
            transcribe_time,
            total_time: started.elapsed(),
        })
    }

    /// The stored outcome of a recording analysed to the end before.
    async fn finished(&self, call_id: &str) -> Result<Option<BatchOutcome>, CallError> {
        let record = match self.store.get_call(call_id).await {
            Ok(record) => record,
            Err(switchboard_storage::StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if record.status != "completed" || record.source != "batch" {
            return Ok(None);
        }
        let Some(recording) = self.store.call_recording(call_id).await? else {
            return Ok(None);
        };
        Ok(Some(BatchOutcome {
            summary: CallSummary {
                call_id: record.id,
                status: record.status,
                audio_ms: record.audio_ms,
                segments: record.segments,
            },
            channels: recording.channels,
            skipped: true,
            transcribe_time: Duration::ZERO,
            total_time: Duration::ZERO,
        }))
    }

    /// Runs the recognizer over the whole recording; its finals and trouble, partials left out.
    async fn transcribe(
        &self,
        call: &BatchCall,
        roles: &[Speaker],
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Vec<TranscriptEvent>, CallError> {
        let rate = call.recording.sample_rate;
        let spec = StreamSpec {
            call_id: call.call_id.clone(),
            sample_rate: rate,
            channels: roles.to_vec(),
            offset_ms: 0,
        };
        let stream = self.recognizer.open(spec)?;
        let total_ms = call.recording.duration_ms();
        let frames = call.recording.channels[0].len();
        let step = (rate as usize * CHUNK_MS / 1000).max(1);
        let audio = stream.audio;
        let feed = async move {
            for start in (0..frames).step_by(step) {
                let end = (start + step).min(frames);
                let chunk = AudioChunk {
                    channels: call
                        .recording
                        .channels
                        .iter()
                        .map(|c| c[start..end].to_vec())
                        .collect(),
                };
                if audio.send(chunk).await.is_err() {
                    break; // the engine gave up; its events say why
                }
                progress(end as u64 * 1000 / u64::from(rate), total_ms);
            }
        };
        let mut events = stream.events;
        let collect = async move {
            let mut kept = Vec::new();
            while let Some(event) = events.recv().await {
                match event {
                    TranscriptEvent::Final(_) | TranscriptEvent::Degraded { .. } => {
                        kept.push(event)
                    }
                    TranscriptEvent::Failed(error) => return Err(error),
                    TranscriptEvent::Partial(_) | TranscriptEvent::Lagging { .. } => {}
                }
            }
            Ok(kept)
        };
        let ((), kept) = tokio::join!(feed, collect);
        let mut kept = kept.map_err(|e: AsrError| CallError::Asr(e))?;
        kept.sort_by_key(|e| match e {
            TranscriptEvent::Final(s) => (s.start_ms, s.channel),
            TranscriptEvent::Degraded { at_ms, .. } => (*at_ms, usize::MAX),
            _ => (u64::MAX, usize::MAX),
        });
        Ok(kept)
    }

    /// Stores the call as a live one is: started, each final through the stages and the sink,
    /// the recording's channels, then ended (last, so only a finished analysis is skipped).
    async fn store_call(
        &self,
        call: &BatchCall,
        roles: Vec<Speaker>,
        events: Vec<TranscriptEvent>,
        channels: &[ChannelRecord],
    ) -> Result<CallSummary, CallError> {
        let rec = &call.recording;
        let start = CallStart {
            call_id: call.call_id.clone(),
            source: Source::Batch,
            from_number: None,
            to_number: None,
            agent_id: call.agent_id.clone(),
            queue: call.queue.clone(),
            format: AudioFormat {
                encoding: rec.encoding,
                sample_rate: rec.sample_rate,
                channels: rec.channels.len() as u16,
            },
            roles: roles.clone(),
        };
        self.register(&start).await?;
        if let Some(archive) = &self.archive
            && let Err(error) = archive.save(&call.call_id, &rec.channels).await
        {
            tracing::warn!(call = %call.call_id, %error, "cannot keep this recording's audio");
        }
        let mut sink = Sink::new(
            self.store.clone(),
            self.bus.clone(),
            call.call_id.clone(),
            self.stages.open(&start),
        );
        for mut event in events {
            if let TranscriptEvent::Final(segment) = &mut event {
                segment.speaker = roles[segment.channel.min(roles.len() - 1)].clone();
            }
            let at = match &event {
                TranscriptEvent::Final(s) => s.start_ms,
                _ => 0,
            };
            if let Err(panic) = AssertUnwindSafe(sink.handle(event)).catch_unwind().await {
                let why = format!(
                    "handling an event panicked: {}",
                    panic_message(panic.as_ref())
                );
                sink.degraded("sink", &why, at);
            }
        }
        self.store
            .save_call_recording(
                &call.call_id,
                &RecordingRecord {
                    file_name: call.file_name.clone(),
                    channels: channels.to_vec(),
                },
            )
            .await?;
        let status = if sink.report.failures.is_empty() {
            "completed"
        } else {
            "incomplete"
        };
        let record = self
            .store
            .end_call(&call.call_id, status, rec.duration_ms())
            .await?;
        self.bus.publish(Event::CallEnded {
            call_id: call.call_id.clone(),
            status: status.into(),
            reason: (!sink.report.failures.is_empty()).then(|| sink.report.failures.join("; ")),
            audio_ms: record.audio_ms,
            segments: record.segments,
            at: Utc::now(),
        });
        Ok(CallSummary {
            call_id: record.id,
            status: status.into(),
            audio_ms: record.audio_ms,
            segments: record.segments,
        })
    }
}

/// The contact-center default: the caller on the first channel, the agent on the second.
fn default_roles(channels: usize) -> Vec<Speaker> {
    match channels {
        1 => vec![Speaker::Customer],
        _ => vec![Speaker::Customer, Speaker::Agent],
    }
}

/// Each channel's role, whether it was detected, and how sure.
fn roles_of(
    policy: &RolePolicy,
    provisional: &[Speaker],
    events: &[TranscriptEvent],
) -> Vec<(Speaker, bool, f32)> {
    let given = || {
        provisional
            .iter()
            .map(|r| (r.clone(), false, 1.0))
            .collect()
    };
    if *policy != RolePolicy::Detect {
        return given();
    }
    if provisional.len() < 2 {
        // One channel holds both parties: there is nothing to tell apart without diarization.
        return vec![(Speaker::Customer, false, 0.5)];
    }
    let lines: Vec<(usize, &str)> = events
        .iter()
        .filter_map(|e| match e {
            TranscriptEvent::Final(s) => Some((s.channel, s.text.as_str())),
            _ => None,
        })
        .collect();
    let Some(guess) = switchboard_analytics::detect_agent(&lines, provisional.len()) else {
        return provisional.iter().map(|r| (r.clone(), true, 0.5)).collect();
    };
    (0..provisional.len())
        .map(|i| {
            let role = if i == guess.agent {
                Speaker::Agent
            } else {
                Speaker::Customer
            };
            (role, true, guess.confidence)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_transcription::Segment;

    fn said(channel: usize, start_ms: u64, text: &str) -> TranscriptEvent {
        TranscriptEvent::Final(Segment {
            channel,
            speaker: Speaker::Customer,
            start_ms,
            end_ms: start_ms + 1000,
            text: text.into(),
            confidence: 0.9,
        })
    }

    #[test]
    fn roles_are_auto_or_one_per_channel() {
        assert_eq!("auto".parse(), Ok(RolePolicy::Detect));
        assert_eq!(
            " customer, agent".parse(),
            Ok(RolePolicy::Given(vec![Speaker::Customer, Speaker::Agent]))
        );
        let err = "customer,boss".parse::<RolePolicy>().unwrap_err();
        assert!(
            err.contains("boss") && err.contains("customer,agent"),
            "{err}"
        );
    }

    #[test]
    fn the_same_bytes_are_the_same_call() {
        assert_eq!(recording_call_id(b"abc"), recording_call_id(b"abc"));
        assert_ne!(recording_call_id(b"abc"), recording_call_id(b"abd"));
        assert!(recording_call_id(b"abc").starts_with("rec-"));
    }

    #[test]
    fn detected_roles_follow_the_words_and_given_ones_are_kept() {
        let events = vec![
            said(
                0,
                0,
                "Thank you for calling Northwind, my name is Sam. How can I help you today?",
            ),
            said(1, 2000, "Hi, I'm calling because I lost my card."),
        ];
        let stereo = default_roles(2);
        let found = roles_of(&RolePolicy::Detect, &stereo, &events);
        assert_eq!(found[0].0, Speaker::Agent);
        assert_eq!(found[1].0, Speaker::Customer);
        assert!(found.iter().all(|(_, detected, c)| *detected && *c > 0.5));
        let given = roles_of(&RolePolicy::Given(stereo.clone()), &stereo, &events);
        assert_eq!(
            given,
            vec![
                (Speaker::Customer, false, 1.0),
                (Speaker::Agent, false, 1.0)
            ]
        );
    }

    #[test]
    fn a_mono_recording_or_a_silent_one_is_not_claimed_as_detected() {
        let mono = roles_of(
            &RolePolicy::Detect,
            &default_roles(1),
            &[said(0, 0, "how can I help")],
        );
        assert_eq!(mono, vec![(Speaker::Customer, false, 0.5)]);
        let silent = roles_of(&RolePolicy::Detect, &default_roles(2), &[]);
        assert!(silent.iter().all(|(_, _, c)| *c == 0.5));
    }
}
