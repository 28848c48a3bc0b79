//! The HTTP side of the fake: one handler, one task per accepted stream.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use tokio::sync::mpsc;

use super::script::{Received, Script};
use super::wire::{self, Inbound};

/// State every request sees.
pub(super) struct Shared {
    pub(super) script: Script,
    pub(super) sessions: Mutex<Vec<Received>>,
}

pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/stream-transcription", post(start))
        .with_state(shared)
}

async fn start(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> Response {
    let mut received = Received::default();
    for (name, value) in &headers {
        if name.as_str().starts_with("x-amzn-transcribe-") {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            received.headers.insert(name.as_str().to_owned(), value);
        }
    }
    let echoed = received.headers.clone();
    let channels = received.channels().max(1);
    let identify = received.header("enable-channel-identification") == Some("true");
    received.audio = vec![Vec::new(); channels];
    let (index, throttled) = {
        let Ok(mut sessions) = shared.sessions.lock() else {
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "fake state poisoned");
        };
        let throttled = sessions.len() < shared.script.throttle_starts;
        received.throttled = throttled;
        sessions.push(received);
        (sessions.len() - 1, throttled)
    };
    if throttled {
        return throttle_response();
    }
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    tokio::spawn(run_session(shared, index, (channels, identify), body, tx));
    let mut response = Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/vnd.amazon.eventstream")
        .header("x-amzn-request-id", format!("fake-request-{index}"))
        .header(
            "x-amzn-transcribe-session-id",
            format!("fake-session-{index}"),
        );
    for (name, value) in &echoed {
        response = response.header(name.as_str(), value.as_str());
    }
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|frame| (Ok::<_, Infallible>(frame), rx))
    })
    .fuse();
    response
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "bad echoed header"))
}

/// What Transcribe answers when the account is at its concurrent-stream limit.
fn throttle_response() -> Response {
    Response::builder()
        .status(StatusCode::TOO_MANY_REQUESTS)
        .header("content-type", "application/json")
        .header("x-amzn-errortype", "LimitExceededException:http://internal.amazon.com/coral/com.amazonaws.transcribe.streaming/")
        .body(Body::from(r#"{"Message":"You have reached your limit of concurrent streams."}"#))
        .unwrap_or_else(|_| plain(StatusCode::TOO_MANY_REQUESTS, "throttled"))
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response
}

/// Reads the audio, records it, and answers as the script says; dropping `tx` ends the response.
async fn run_session(
    shared: Arc<Shared>,
    index: usize,
    (channels, identify): (usize, bool),
    body: Body,
    tx: mpsc::Sender<Bytes>,
) {
    let script = &shared.script;
    let record = |f: &mut dyn FnMut(&mut Received)| {
        if let Some(session) = shared
            .sessions
            .lock()
            .ok()
            .as_mut()
            .and_then(|s| s.get_mut(index))
        {
            f(session);
        }
    };

    let mut said = vec![false; script.utterances.len()];
    let say = |i: usize| {
        let utterance = &script.utterances[i];
        let channel_id = identify.then(|| format!("ch_{}", utterance.channel));
        let id = format!("fake-result-{index}-{i}");
        [
            wire::transcript_event(vec![wire::result(utterance, &id, true, channel_id.clone())]),
            wire::transcript_event(vec![wire::result(utterance, &id, false, channel_id)]),
        ]
    };
    let mut events = 0usize;
    let mut decoder = MessageFrameDecoder::new();
    let mut buffer = BytesMut::new();
    let mut body = body.into_data_stream();
    'read: while let Some(Ok(data)) = body.next().await {
        buffer.extend_from_slice(&data);
        loop {
            let message = match decoder.decode_frame(&mut buffer) {
                Ok(DecodedFrame::Complete(message)) => message,
                Ok(DecodedFrame::Incomplete) => break,
                Err(err) => {
                    record(&mut |r| {
                        r.faults
                            .push(format!("bad frame after {events} audio events: {err}"))
                    });
                    break 'read;
                }
            };
            let mut signed = 0;
            let inbound = wire::inbound(message, &mut signed);
            record(&mut |r| r.signed_messages += signed);
            match inbound {
                Ok(Inbound::End) => {
                    record(&mut |r| r.end_frame = true);
                    break 'read;
                }
                Ok(Inbound::Audio(pcm)) => {
                    events += 1;
                    record(&mut |r| store_audio(r, &pcm, channels));
                }
                Err(fault) => {
                    record(&mut |r| r.faults.push(fault.clone()));
                    continue;
                }
            }
            if let Some(fail) = script.fail.as_ref().filter(|f| events >= f.after_events) {
                let _ = tx
                    .send(wire::exception(fail.exception, &fail.message))
                    .await;
                return;
            }
            for (i, done) in said.iter_mut().enumerate() {
                if !*done && script.utterances[i].after_events <= events {
                    *done = true;
                    for frame in say(i) {
                        let _ = tx.send(frame).await;
                    }
                }
            }
        }
    }
    // The audio ended: like Transcribe, finish whatever speech is still open.
    for (i, done) in said.iter().enumerate() {
        if !done {
            for frame in say(i) {
                let _ = tx.send(frame).await;
            }
        }
    }
}

fn store_audio(received: &mut Received, pcm: &[u8], channels: usize) {
    received.audio_events += 1;
    received.largest_event_bytes = received.largest_event_bytes.max(pcm.len());
    if !pcm.len().is_multiple_of(2 * channels) {
        received.misaligned_events += 1;
    }
    for (i, sample) in pcm.chunks_exact(2).enumerate() {
        received.audio[i % channels].push(i16::from_le_bytes([sample[0], sample[1]]));
    }
}
