//! One call streamed into `/v1/calls/ingest` as Amazon LCA's client does it: START, binary chunks
//! at real-time pace, END, then the server's close. Shared by the latency bench and the soak.

use std::time::{Duration, Instant};

use anyhow::Context;
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

/// What streaming one call left behind.
pub struct Streamed {
    /// When each chunk went out, in order.
    pub sent: Vec<Instant>,
    /// Worst delay of a chunk behind its real-time slot, in ms.
    pub lateness_ms: f64,
    /// The server's close reason, if it closed within two minutes of END.
    pub reason: Option<String>,
}

/// Sends `begin` (the START event) at `start`, then chunk `n` at `start + n × chunk_ms`, then END.
pub async fn stream(
    url: &str,
    begin: serde_json::Value,
    call_id: &str,
    start: Instant,
    chunk_ms: u64,
    chunks: impl Iterator<Item = Vec<u8>>,
) -> anyhow::Result<Streamed> {
    let (ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .context("connecting to /v1/calls/ingest")?;
    let (mut tx, mut rx) = ws.split();
    let closed = tokio::spawn(async move {
        while let Some(Ok(message)) = rx.next().await {
            if let Message::Close(frame) = message {
                return frame.map(|f| f.reason.to_string());
            }
        }
        None
    });
    tokio::time::sleep_until(start.into()).await;
    tx.send(Message::Text(begin.to_string().into())).await?;
    let (mut sent, mut lateness_ms) = (Vec::new(), 0.0f64);
    for (n, chunk) in chunks.enumerate() {
        let due = start + Duration::from_millis(chunk_ms * n as u64);
        tokio::time::sleep_until(due.into()).await;
        let now = Instant::now();
        lateness_ms = lateness_ms.max(now.saturating_duration_since(due).as_secs_f64() * 1000.0);
        sent.push(now);
        tx.send(Message::Binary(chunk.into())).await?;
    }
    tx.send(Message::Text(
        serde_json::json!({"callEvent": "END", "callId": call_id})
            .to_string()
            .into(),
    ))
    .await?;
    let reason = tokio::time::timeout(Duration::from_secs(120), closed)
        .await
        .ok()
        .and_then(Result::ok)
        .flatten();
    Ok(Streamed {
        sent,
        lateness_ms,
        reason,
    })
}
