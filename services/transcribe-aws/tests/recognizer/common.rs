//! Shared set-up: the real SDK client pointed at the fake with static test credentials.

use std::time::Duration;

use switchboard_transcription::{AudioChunk, Speaker, StreamSpec, TranscriptEvent};
use tokio::sync::mpsc;
use transcribe_aws::fake::FakeTranscribe;
use transcribe_aws::{StaticCredentials, TranscribeConfig, TranscribeRecognizer};

/// Frames in 100 ms at 8 kHz: one full audio event.
pub const EVENT_FRAMES: usize = 800;

pub async fn recognizer(fake: &FakeTranscribe, throttle_retries: usize) -> TranscribeRecognizer {
    let mut cfg = TranscribeConfig::new("us-east-1", "en-US");
    cfg.endpoint_url = Some(fake.endpoint_url());
    cfg.credentials = Some(StaticCredentials {
        access_key_id: "AKIDTESTONLY".into(),
        secret_access_key: "test-secret-not-real".into(),
    });
    cfg.throttle_retries = throttle_retries;
    cfg.throttle_backoff = Duration::from_millis(5);
    TranscribeRecognizer::new(cfg)
        .await
        .expect("recognizer builds")
}

/// The usual contact-center layout: customer on the first channel, agent on the second.
pub fn customer_and_agent() -> Vec<Speaker> {
    vec![Speaker::Customer, Speaker::Agent]
}

pub fn spec(channels: Vec<Speaker>, offset_ms: u64) -> StreamSpec {
    StreamSpec {
        call_id: "call-42".into(),
        sample_rate: 8000,
        channels,
        offset_ms,
    }
}

/// Distinct, recognisable samples: channel and position both show in the value.
pub fn samples(channel: usize, from: usize, frames: usize) -> Vec<i16> {
    (from..from + frames)
        .map(|i| (((i * 7 + channel * 10_007) % 60_000) as i32 - 30_000) as i16)
        .collect()
}

/// Stereo chunks of the given sizes, continuing the sample pattern across chunks.
pub fn stereo_chunks(sizes: &[usize]) -> Vec<AudioChunk> {
    let mut from = 0;
    sizes
        .iter()
        .map(|&frames| {
            let chunk = AudioChunk {
                channels: vec![samples(0, from, frames), samples(1, from, frames)],
            };
            from += frames;
            chunk
        })
        .collect()
}

/// Every event until the recognizer closes the channel (a hang fails the test instead of blocking).
pub async fn collect(events: &mut mpsc::Receiver<TranscriptEvent>) -> Vec<TranscriptEvent> {
    let mut all = Vec::new();
    let drained = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(event) = events.recv().await {
            all.push(event);
        }
    })
    .await;
    assert!(
        drained.is_ok(),
        "events channel never closed; got so far: {all:?}"
    );
    all
}
