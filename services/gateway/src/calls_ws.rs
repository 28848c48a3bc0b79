//! `/v1/calls/ingest`: call audio from Amazon Live Call Analytics' websocket client (or anything
//! that speaks its protocol): a START text frame, binary audio chunks, an END text frame.
//!
//! Anything malformed closes the stream with a precise reason; what was transcribed up to then is
//! kept and the call is marked incomplete (a reconnect with the same callId appends to it).

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade, close_code};
use axum::response::{IntoResponse, Response};
use switchboard_audio::{AudioError, AudioFormat, Encoding};
use switchboard_calls::{CallError, CallService, CallSession, CallStart, Outcome, Source};
use switchboard_transcription::Speaker;

use crate::AppState;
use crate::call_wire::{LcaEvent, LcaStart};
use crate::error::ApiError;
use crate::ws_close::{ReceiveFailure, close, receive_failure};

/// Largest frame accepted: one second of 16 kHz stereo PCM plus a WAV header, with room to spare.
const MAX_FRAME_BYTES: usize = 128 * 1024;

/// Upgrades when calls are enabled on this server.
pub async fn upgrade(State(state): State<AppState>, ws: WebSocketUpgrade) -> Response {
    let Some(calls) = state.calls.clone() else {
        return ApiError::Unavailable(
            "call transcription is not enabled on this server (asr.engine = \"off\")".into(),
        )
        .into_response();
    };
    ws.max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| run(socket, state, calls))
}

/// A reason to close the stream: websocket close code and the text sent with it.
pub(crate) struct Stop(pub u16, pub String);

async fn run(mut socket: WebSocket, state: AppState, calls: std::sync::Arc<CallService>) {
    let mut session = match wait_for_start(&mut socket, &calls).await {
        Ok(session) => session,
        Err(Stop(code, reason)) => {
            tracing::info!(code, %reason, "call ingest refused");
            close(&mut socket, code, &reason).await;
            return;
        }
    };
    let (outcome, stop) = stream(&mut socket, &state, &mut session).await;
    let call_id = session.call_id().to_string();
    match session.finish(outcome).await {
        Ok(summary) => {
            tracing::debug!(call = %call_id, segments = summary.segments, "ingest finished")
        }
        Err(error) => tracing::error!(call = %call_id, %error, "could not close the call cleanly"),
    }
    if let Some(Stop(code, reason)) = stop {
        close(&mut socket, code, &reason).await;
    }
}

async fn wait_for_start(socket: &mut WebSocket, calls: &CallService) -> Result<CallSession, Stop> {
    loop {
        match socket.recv().await {
            None | Some(Ok(Message::Close(_))) | Some(Err(_)) => {
                return Err(Stop(close_code::NORMAL, "closed before START".into()));
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Binary(_))) => {
                return Err(Stop(
                    close_code::POLICY,
                    "audio before START: send {\"callEvent\":\"START\",…} first".into(),
                ));
            }
            Some(Ok(Message::Text(text))) => match parse(&text)? {
                LcaEvent::Start(start) => {
                    return calls.start(call_start(start)?).await.map_err(refusal);
                }
                LcaEvent::End(end) => {
                    return Err(Stop(
                        close_code::POLICY,
                        format!("END for call `{}` before its START", end.call_id),
                    ));
                }
            },
        }
    }
}

/// Streams audio until END, a bad frame, shutdown or a vanished client.
async fn stream(
    socket: &mut WebSocket,
    state: &AppState,
    session: &mut CallSession,
) -> (Outcome, Option<Stop>) {
    loop {
        let frame = tokio::select! {
            _ = state.shutdown.cancelled() => {
                return (Outcome::Incomplete("server shutting down".into()), Some(Stop(close_code::AWAY, "server shutting down".into())));
            }
            frame = socket.recv() => frame,
        };
        let stop = match frame {
            None | Some(Ok(Message::Close(_))) => {
                return (
                    Outcome::Incomplete("connection closed without END".into()),
                    None,
                );
            }
            Some(Err(e)) => match receive_failure(e, MAX_FRAME_BYTES) {
                ReceiveFailure::Rejected(code, reason) => Stop(code, reason),
                ReceiveFailure::Lost(why) => return (Outcome::Incomplete(why), None),
            },
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Binary(bytes))) => match session.push_interleaved(&bytes).await {
                Ok(()) => continue,
                Err(error) => audio_stop(error),
            },
            Some(Ok(Message::Text(text))) => match parse(&text) {
                Ok(LcaEvent::End(end)) if end.call_id == session.call_id() => {
                    return (
                        Outcome::Completed,
                        Some(Stop(close_code::NORMAL, "call ended".into())),
                    );
                }
                Ok(LcaEvent::End(end)) => Stop(
                    close_code::POLICY,
                    format!(
                        "END for call `{}`, but this connection streams `{}`",
                        end.call_id,
                        session.call_id()
                    ),
                ),
                Ok(LcaEvent::Start(start)) => Stop(
                    close_code::POLICY,
                    format!(
                        "second START (call `{}`) while streaming call `{}`",
                        start.call_id,
                        session.call_id()
                    ),
                ),
                Err(stop) => stop,
            },
        };
        return (Outcome::Incomplete(stop.1.clone()), Some(stop));
    }
}

fn parse(text: &str) -> Result<LcaEvent, Stop> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Stop(close_code::INVALID, format!("text frame is not JSON: {e}")))?;
    match value.get("callEvent").and_then(|v| v.as_str()) {
        Some("START" | "END") => serde_json::from_value(value)
            .map_err(|e| Stop(close_code::INVALID, format!("malformed call event: {e}"))),
        Some(other) => Err(Stop(
            close_code::POLICY,
            format!("unknown callEvent `{other}` (expected START or END)"),
        )),
        None => Err(Stop(
            close_code::POLICY,
            "text frame has no `callEvent` (expected START or END)".into(),
        )),
    }
}

fn call_start(start: LcaStart) -> Result<CallStart, Stop> {
    let unsupported = |e: AudioError| Stop(close_code::UNSUPPORTED, e.to_string());
    let encoding: Encoding = start
        .encoding
        .as_deref()
        .unwrap_or("pcm16le")
        .parse()
        .map_err(unsupported)?;
    let channels = start.channels.unwrap_or(2);
    let format = AudioFormat::new(encoding, start.sampling_rate, channels).map_err(unsupported)?;
    let roles = match start.channel_roles {
        Some(roles) => roles
            .iter()
            .map(|r| r.parse::<Speaker>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Stop(close_code::POLICY, e))?,
        None if channels == 1 => vec![Speaker::Customer],
        None => vec![Speaker::Customer, Speaker::Agent],
    };
    check_call_id(&start.call_id)?;
    Ok(CallStart {
        call_id: start.call_id,
        source: Source::Lca,
        from_number: start.from_number,
        to_number: start.to_number,
        agent_id: start.agent_id,
        queue: start.queue,
        format,
        roles,
    })
}

/// Call ids become storage keys and URL path segments: keep them printable and bounded.
pub(crate) fn check_call_id(id: &str) -> Result<(), Stop> {
    if id.is_empty() || id.len() > 200 || id.chars().any(char::is_control) {
        return Err(Stop(
            close_code::POLICY,
            "callId must be 1–200 printable characters".into(),
        ));
    }
    Ok(())
}

/// Close code and reason for a call that could not start.
pub(crate) fn refusal(error: CallError) -> Stop {
    match error {
        CallError::AlreadyStreaming(m) | CallError::Invalid(m) => Stop(close_code::POLICY, m),
        CallError::Audio(e) => Stop(close_code::UNSUPPORTED, e.to_string()),
        CallError::Asr(e) => Stop(close_code::ERROR, e.to_string()),
        CallError::Store(e) => {
            tracing::error!(error = %e, "could not store a call start");
            Stop(
                close_code::ERROR,
                "could not store the call; try again".into(),
            )
        }
    }
}

/// Close code and reason for audio that broke the stream.
pub(crate) fn audio_stop(error: CallError) -> Stop {
    match error {
        CallError::Audio(e @ AudioError::ChunkTooLong { .. }) => {
            Stop(close_code::SIZE, e.to_string())
        }
        CallError::Audio(
            e @ (AudioError::WavMismatch { .. }
            | AudioError::BadWavHeader(_)
            | AudioError::UnsupportedFormat(_)),
        ) => Stop(close_code::UNSUPPORTED, e.to_string()),
        CallError::Audio(e) => Stop(close_code::INVALID, e.to_string()),
        other => refusal(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lca_frames_are_read_as_lca_sends_them() {
        let start = r#"{"callEvent":"START","callId":"c1","fromNumber":"+1555","toNumber":"+1666","agentId":"a7","samplingRate":8000}"#;
        let LcaEvent::Start(s) = parse(start).ok().unwrap() else {
            panic!("not a start")
        };
        let call = call_start(s).ok().unwrap();
        assert_eq!(
            call.format,
            AudioFormat::new(Encoding::Pcm16Le, 8000, 2).unwrap()
        );
        assert_eq!(call.roles, vec![Speaker::Customer, Speaker::Agent]);
        assert!(
            matches!(parse(r#"{"callEvent":"END","callId":"c1"}"#), Ok(LcaEvent::End(e)) if e.call_id == "c1")
        );
    }

    #[test]
    fn bad_frames_get_precise_reasons() {
        let reason = |text: &str| parse(text).err().map(|Stop(code, r)| (code, r)).unwrap();
        assert_eq!(reason("nope").0, close_code::INVALID);
        assert!(
            reason(r#"{"callEvent":"PAUSE"}"#)
                .1
                .contains("unknown callEvent `PAUSE`")
        );
        assert!(
            reason(r#"{"callEvent":"START","callId":"x"}"#)
                .1
                .contains("samplingRate")
        );
        let start = |rate: u32, enc: &str| {
            let json = format!(
                r#"{{"callEvent":"START","callId":"c","samplingRate":{rate},"encoding":"{enc}"}}"#
            );
            let LcaEvent::Start(s) = parse(&json).ok().unwrap() else {
                panic!()
            };
            call_start(s).err().map(|Stop(code, r)| (code, r)).unwrap()
        };
        assert_eq!(
            start(44100, "pcm16le"),
            (
                close_code::UNSUPPORTED,
                "unsupported sample rate 44100 Hz (supported: 8000, 16000)".into()
            )
        );
        assert!(
            start(8000, "opus")
                .1
                .contains("unknown audio encoding `opus`")
        );
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// A START frame whose fields hold anything JSON can.
        fn start_frame() -> impl Strategy<Value = String> {
            let field = prop_oneof![
                Just(serde_json::Value::Null),
                any::<i64>().prop_map(serde_json::Value::from),
                any::<u32>().prop_map(serde_json::Value::from),
                ".{0,80}".prop_map(serde_json::Value::from),
                prop::collection::vec(".{0,12}", 0..4).prop_map(serde_json::Value::from),
            ];
            let names = [
                "callId",
                "samplingRate",
                "encoding",
                "channels",
                "channelRoles",
                "fromNumber",
                "agentId",
            ];
            prop::collection::vec(field, names.len()).prop_map(move |values| {
                let mut frame = serde_json::json!({"callEvent": "START"});
                for (name, value) in names.iter().zip(values) {
                    if !value.is_null() {
                        frame[name] = value;
                    }
                }
                frame.to_string()
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn any_text_frame_is_an_event_or_a_reason(text in ".{0,300}") {
                if let Err(Stop(code, reason)) = parse(&text) {
                    prop_assert!(!reason.is_empty());
                    prop_assert!(code == close_code::INVALID || code == close_code::POLICY);
                }
            }

            #[test]
            fn any_start_becomes_a_call_or_a_reason(frame in start_frame()) {
                match parse(&frame) {
                    Ok(LcaEvent::Start(start)) => match call_start(start) {
                        Ok(call) => prop_assert_eq!(call.roles.len(), usize::from(call.format.channels)),
                        Err(Stop(_, reason)) => prop_assert!(!reason.is_empty()),
                    },
                    Ok(LcaEvent::End(_)) => prop_assert!(false, "a START read as END"),
                    Err(Stop(_, reason)) => prop_assert!(reason.contains("malformed call event"), "{}", reason),
                }
            }
        }
    }
}
