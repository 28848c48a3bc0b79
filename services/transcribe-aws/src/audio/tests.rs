use super::*;
use futures::StreamExt;

fn chunk(left: &[i16], right: &[i16]) -> AudioChunk {
    AudioChunk {
        channels: vec![left.to_vec(), right.to_vec()],
    }
}

fn le(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

/// 8 kHz with 1 ms events: at most 8 frames per event.
fn source(rx: mpsc::Receiver<AudioChunk>, channels: usize) -> AudioSource {
    AudioSource::new(rx, channels, 8000, 1, CancellationToken::new())
}

#[tokio::test]
async fn interleaves_channels_as_pcm16_little_endian() {
    let (tx, rx) = mpsc::channel(8);
    tx.send(chunk(&[1, 2, -3], &[256, -1, 7])).await.unwrap();
    drop(tx);
    let mut src = source(rx, 2);
    assert_eq!(src.event(1, 0).await, Some(le(&[1, 256, 2, -1, -3, 7])));
    assert_eq!(src.event(1, 1).await, None);
    assert_eq!(src.state().invalid(), None);
}

#[tokio::test]
async fn splits_long_chunks_and_joins_queued_short_ones() {
    let (tx, rx) = mpsc::channel(8);
    let long: Vec<i16> = (0..20).collect();
    tx.send(AudioChunk {
        channels: vec![long.clone()],
    })
    .await
    .unwrap();
    tx.send(AudioChunk {
        channels: vec![vec![100, 101]],
    })
    .await
    .unwrap();
    tx.send(AudioChunk {
        channels: vec![vec![102]],
    })
    .await
    .unwrap();
    drop(tx);
    let mut src = source(rx, 1);
    let mut events = Vec::new();
    while let Some(event) = src.event(1, events.len()).await {
        events.push(event);
    }
    let sizes: Vec<usize> = events.iter().map(Vec::len).collect();
    // 20 + 2 + 1 samples: two full events of 8, then the 4 left over joined with the queued 2 and 1.
    assert_eq!(sizes, vec![16, 16, 14]);
    let mut all = long;
    all.extend([100, 101, 102]);
    assert_eq!(events.concat(), le(&all));
}

#[tokio::test]
async fn a_chunk_with_the_wrong_channel_count_ends_the_audio_and_says_why() {
    let (tx, rx) = mpsc::channel(8);
    tx.send(chunk(&[1], &[2])).await.unwrap();
    tx.send(AudioChunk {
        channels: vec![vec![3]],
    })
    .await
    .unwrap();
    tx.send(chunk(&[4], &[5])).await.unwrap();
    let mut src = source(rx, 2);
    assert_eq!(src.event(1, 0).await, Some(le(&[1, 2])));
    assert_eq!(src.event(1, 1).await, None);
    let state = src.state();
    let why = state.invalid().unwrap_or_default();
    assert!(
        why.contains("1 channels") && why.contains("opened with 2"),
        "{why}"
    );
}

#[tokio::test]
async fn channels_of_unequal_length_are_refused() {
    let (tx, rx) = mpsc::channel(8);
    tx.send(chunk(&[1, 2], &[3])).await.unwrap();
    let mut src = source(rx, 2);
    assert_eq!(src.event(1, 0).await, None);
    assert!(
        src.state()
            .invalid()
            .unwrap_or_default()
            .contains("channel 1 has 1 samples")
    );
}

#[tokio::test]
async fn a_retried_start_replays_what_the_failed_one_consumed() {
    let (tx, rx) = mpsc::channel(8);
    let src = source(rx, 1);
    let state = src.state();
    let src = Arc::new(Mutex::new(src));
    tx.send(AudioChunk {
        channels: vec![vec![1; 8]],
    })
    .await
    .unwrap();
    tx.send(AudioChunk {
        channels: vec![vec![2; 8]],
    })
    .await
    .unwrap();
    tx.send(AudioChunk {
        channels: vec![vec![3; 8]],
    })
    .await
    .unwrap();

    let mut first = Box::pin(attempt_stream(src.clone(), state.next_attempt()));
    assert_eq!(first.next().await, Some(le(&[1; 8])));
    assert_eq!(first.next().await, Some(le(&[2; 8])));
    drop(first);

    let mut second = Box::pin(attempt_stream(src.clone(), state.next_attempt()));
    assert_eq!(second.next().await, Some(le(&[1; 8])));
    state.confirm();
    assert_eq!(
        second.next().await,
        Some(le(&[2; 8])),
        "kept until confirmed"
    );
    assert_eq!(second.next().await, Some(le(&[3; 8])));
    drop(tx);
    assert_eq!(second.next().await, None);
}

#[tokio::test]
async fn cancelling_ends_a_stream_that_waits_for_audio() {
    let (tx, rx) = mpsc::channel::<AudioChunk>(8);
    let cancel = CancellationToken::new();
    let src = Arc::new(Mutex::new(AudioSource::new(
        rx,
        1,
        8000,
        100,
        cancel.clone(),
    )));
    let waiting = tokio::spawn(async move { attempt_stream(src, 1).collect::<Vec<_>>().await });
    cancel.cancel();
    assert_eq!(waiting.await.ok(), Some(Vec::new()));
    drop(tx);
}

#[tokio::test]
async fn a_superseded_attempt_gets_no_more_audio() {
    let (tx, rx) = mpsc::channel(8);
    let src = source(rx, 1);
    let state = src.state();
    let src = Arc::new(Mutex::new(src));
    tx.send(AudioChunk {
        channels: vec![vec![1; 8]],
    })
    .await
    .unwrap();
    let mut old = Box::pin(attempt_stream(src.clone(), state.next_attempt()));
    let mut new = Box::pin(attempt_stream(src.clone(), state.next_attempt()));
    assert_eq!(new.next().await, Some(le(&[1; 8])));
    assert_eq!(old.next().await, None);
    drop(tx);
}
