//! `/v1/calls/twilio`: Twilio Media Streams (`connected`, `start`, `media`, `stop`), the way most
//! telephony reaches a websocket. Track `inbound` is the customer, `outbound` the agent.
//!
//! Twilio cannot set headers, so the token comes in the URL (`?token=`) or in the stream's
//! `customParameters` (`token`), which only arrive with `start`: auth then happens in here.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use switchboard_audio::{AudioFormat, Encoding};
use switchboard_calls::{CallService, CallSession, CallStart, Outcome, Source};
use switchboard_storage::Role;
use switchboard_transcription::Speaker;

use crate::AppState;
use crate::call_wire::{TwilioEvent, TwilioStart};
use crate::calls_ws::{Stop, audio_stop, check_call_id, refusal};
use crate::error::ApiError;
use crate::ws_close::{ReceiveFailure, close, receive_failure};

/// Twilio sends 20 ms media messages; this is plenty.
const MAX_FRAME_BYTES: usize = 64 * 1024;

/// Checks a URL token before upgrading (so a bad one is a plain 401/403); without one, the
/// token must come in `start`.
pub async fn upgrade(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let Some(calls) = state.calls.clone() else {
        return ApiError::Unavailable(
            "call transcription is not enabled on this server (asr.engine = \"off\")".into(),
        )
        .into_response();
    };
    let url_token = query.get("token").cloned().or_else(|| {
        query
            .get("authorization")
            .and_then(|a| a.strip_prefix("Bearer ").map(str::to_string))
    });
    if let Some(token) = &url_token
        && let Err(e) = authorize(&state, token).await
    {
        return e.into_response();
    }
    let authorized = url_token.is_some();
    ws.max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| run(socket, state, calls, authorized))
}

async fn authorize(state: &AppState, token: &str) -> Result<(), ApiError> {
    match state.store.verify_token(token).await {
        Ok(Some(info)) if info.role.permits(Role::Agent) => Ok(()),
        Ok(Some(info)) => Err(ApiError::Forbidden(format!(
            "streaming calls needs role `agent`; `{}` has role `{}`",
            info.name,
            info.role.as_str()
        ))),
        Ok(None) => Err(ApiError::Unauthorized("unknown or revoked token".into())),
        Err(e) => Err(ApiError::from(e)),
    }
}

/// Which channel each Twilio track feeds.
struct Tracks(Vec<String>);

impl Tracks {
    fn channel(&self, track: &str) -> Option<usize> {
        self.0.iter().position(|t| t == track)
    }
}

async fn run(mut socket: WebSocket, state: AppState, calls: Arc<CallService>, authorized: bool) {
    let (mut session, tracks) = match wait_for_start(&mut socket, &state, &calls, authorized).await
    {
        Ok(started) => started,
        Err(Stop(code, reason)) => {
            tracing::info!(code, %reason, "twilio stream refused");
            close(&mut socket, code, &reason).await;
            return;
        }
    };
    let (outcome, stop) = stream(&mut socket, &state, &mut session, &tracks).await;
    let call_id = session.call_id().to_string();
    if let Err(error) = session.finish(outcome).await {
        tracing::error!(call = %call_id, %error, "could not close the call cleanly");
    }
    if let Some(Stop(code, reason)) = stop {
        close(&mut socket, code, &reason).await;
    }
}

async fn wait_for_start(
    socket: &mut WebSocket,
    state: &AppState,
    calls: &CallService,
    authorized: bool,
) -> Result<(CallSession, Tracks), Stop> {
    loop {
        let text = match socket.recv().await {
            None | Some(Ok(Message::Close(_))) | Some(Err(_)) => {
                return Err(Stop(close_code::NORMAL, "closed before start".into()));
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Binary(_))) => {
                return Err(Stop(
                    close_code::UNSUPPORTED,
                    "binary frames are not part of Twilio Media Streams".into(),
                ));
            }
            Some(Ok(Message::Text(text))) => text,
        };
        match parse(&text)? {
            TwilioEvent::Connected {} | TwilioEvent::Mark {} | TwilioEvent::Dtmf {} => continue,
            TwilioEvent::Media { .. } => {
                return Err(Stop(close_code::POLICY, "media before start".into()));
            }
            TwilioEvent::Stop {} => {
                return Err(Stop(close_code::NORMAL, "stopped before start".into()));
            }
            TwilioEvent::Start { start } => {
                if !authorized {
                    let token = start
                        .custom_parameters
                        .get("token")
                        .map(String::as_str)
                        .unwrap_or_default();
                    if token.is_empty() {
                        return Err(Stop(close_code::POLICY, "no token: put `?token=` in the stream URL or `token` in customParameters".into()));
                    }
                    authorize(state, token)
                        .await
                        .map_err(|e| Stop(close_code::POLICY, e.to_string()))?;
                }
                let (call, tracks) = call_start(start)?;
                let session = calls.start(call).await.map_err(refusal)?;
                return Ok((session, tracks));
            }
        }
    }
}

async fn stream(
    socket: &mut WebSocket,
    state: &AppState,
    session: &mut CallSession,
    tracks: &Tracks,
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
                    Outcome::Incomplete("connection closed without stop".into()),
                    None,
                );
            }
            Some(Err(e)) => match receive_failure(e, MAX_FRAME_BYTES) {
                ReceiveFailure::Rejected(code, reason) => Stop(code, reason),
                ReceiveFailure::Lost(why) => return (Outcome::Incomplete(why), None),
            },
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Binary(_))) => Stop(
                close_code::UNSUPPORTED,
                "binary frames are not part of Twilio Media Streams".into(),
            ),
            Some(Ok(Message::Text(text))) => match parse(&text) {
                Ok(TwilioEvent::Media { media }) => {
                    let Some(channel) = tracks.channel(&media.track) else {
                        let known = tracks.0.join(", ");
                        let stop = Stop(
                            close_code::POLICY,
                            format!(
                                "media for track `{}`, not one of the started tracks ({known})",
                                media.track
                            ),
                        );
                        return (Outcome::Incomplete(stop.1.clone()), Some(stop));
                    };
                    let bytes = match base64::engine::general_purpose::STANDARD
                        .decode(media.payload.as_bytes())
                    {
                        Ok(bytes) => bytes,
                        Err(e) => {
                            let stop = Stop(
                                close_code::INVALID,
                                format!("media payload is not base64: {e}"),
                            );
                            return (Outcome::Incomplete(stop.1.clone()), Some(stop));
                        }
                    };
                    match session.push_track(channel, &bytes).await {
                        Ok(()) => continue,
                        Err(error) => audio_stop(error),
                    }
                }
                Ok(TwilioEvent::Stop {}) => {
                    return (
                        Outcome::Completed,
                        Some(Stop(close_code::NORMAL, "stream stopped".into())),
                    );
                }
                Ok(TwilioEvent::Connected {} | TwilioEvent::Mark {} | TwilioEvent::Dtmf {}) => {
                    continue;
                }
                Ok(TwilioEvent::Start { .. }) => Stop(
                    close_code::POLICY,
                    format!("second start while streaming call `{}`", session.call_id()),
                ),
                Err(stop) => stop,
            },
        };
        return (Outcome::Incomplete(stop.1.clone()), Some(stop));
    }
}

fn parse(text: &str) -> Result<TwilioEvent, Stop> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Stop(close_code::INVALID, format!("text frame is not JSON: {e}")))?;
    match value.get("event").and_then(|v| v.as_str()) {
        Some("connected" | "start" | "media" | "stop" | "mark" | "dtmf") => {
            serde_json::from_value(value).map_err(|e| {
                Stop(
                    close_code::INVALID,
                    format!("malformed Twilio message: {e}"),
                )
            })
        }
        Some(other) => Err(Stop(
            close_code::POLICY,
            format!("unknown Twilio event `{other}`"),
        )),
        None => Err(Stop(
            close_code::POLICY,
            "message has no `event` field".into(),
        )),
    }
}

fn call_start(start: TwilioStart) -> Result<(CallStart, Tracks), Stop> {
    let params = &start.custom_parameters;
    let (encoding, rate) = match &start.media_format {
        Some(f) => (f.encoding.as_str(), f.sample_rate),
        None => ("audio/x-mulaw", 8000),
    };
    // Twilio names encodings by MIME type (`audio/x-mulaw`); the audio crate by codec.
    let codec = encoding.strip_prefix("audio/x-").unwrap_or(encoding);
    let encoding: Encoding = codec
        .parse()
        .map_err(|e: switchboard_audio::AudioError| Stop(close_code::UNSUPPORTED, e.to_string()))?;
    let tracks = if start.tracks.is_empty() {
        vec!["inbound".to_string()]
    } else {
        start.tracks.clone()
    };
    let mut roles = Vec::new();
    for track in &tracks {
        roles.push(match track.as_str() {
            "inbound" => Speaker::Customer,
            "outbound" => Speaker::Agent,
            other => {
                return Err(Stop(
                    close_code::POLICY,
                    format!("unknown track `{other}` (expected inbound or outbound)"),
                ));
            }
        });
    }
    let format = AudioFormat::new(encoding, rate, roles.len() as u16)
        .map_err(|e| Stop(close_code::UNSUPPORTED, e.to_string()))?;
    let call_id = params
        .get("callId")
        .cloned()
        .or(start.call_sid.clone())
        .unwrap_or_else(|| start.stream_sid.clone());
    check_call_id(&call_id)?;
    let call = CallStart {
        call_id,
        source: Source::Twilio,
        from_number: params.get("from").cloned(),
        to_number: params.get("to").cloned(),
        agent_id: params.get("agentId").cloned(),
        queue: params.get("queue").cloned(),
        format,
        roles,
    };
    Ok((call, Tracks(tracks)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_twilio_start_maps_tracks_to_roles() {
        let text = r#"{"event":"start","sequenceNumber":"1","streamSid":"MZ1","start":{"accountSid":"AC1","streamSid":"MZ1","callSid":"CA1","tracks":["inbound","outbound"],"customParameters":{"agentId":"a7"},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}}"#;
        let TwilioEvent::Start { start } = parse(text).ok().unwrap() else {
            panic!("not a start")
        };
        let (call, tracks) = call_start(start).ok().unwrap();
        assert_eq!(call.call_id, "CA1");
        assert_eq!(call.roles, vec![Speaker::Customer, Speaker::Agent]);
        assert_eq!(
            call.format,
            AudioFormat::new(Encoding::Mulaw, 8000, 2).unwrap()
        );
        assert_eq!(tracks.channel("outbound"), Some(1));
        assert_eq!(call.agent_id.as_deref(), Some("a7"));
    }

    #[test]
    fn unknown_events_and_tracks_are_named() {
        assert!(
            parse(r#"{"event":"dance"}"#)
                .err()
                .unwrap()
                .1
                .contains("unknown Twilio event `dance`")
        );
        let text = r#"{"event":"start","start":{"streamSid":"MZ1","tracks":["sideways"]}}"#;
        let TwilioEvent::Start { start } = parse(text).ok().unwrap() else {
            panic!()
        };
        assert!(
            call_start(start)
                .err()
                .unwrap()
                .1
                .contains("unknown track `sideways`")
        );
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn any_text_frame_is_a_message_or_a_reason(text in ".{0,300}") {
                if let Err(Stop(_, reason)) = parse(&text) {
                    prop_assert!(!reason.is_empty());
                }
            }

            #[test]
            fn any_start_becomes_a_call_or_a_reason(
                event in prop_oneof![Just("start".to_string()), Just("media".to_string()), Just("stop".to_string()), Just("dtmf".to_string()), ".{0,10}"],
                tracks in prop::collection::vec(prop_oneof![Just("inbound".to_string()), Just("outbound".to_string()), ".{0,8}"], 0..4),
                encoding in prop_oneof![Just("audio/x-mulaw".to_string()), Just("audio/x-alaw".to_string()), ".{0,12}"],
                rate in any::<u32>(),
                seq in prop_oneof![Just(serde_json::json!("1")), Just(serde_json::json!(-5)), Just(serde_json::json!(null))],
                payload in ".{0,64}",
            ) {
                let frame = serde_json::json!({
                    "event": event, "sequenceNumber": seq, "streamSid": "MZ1",
                    "start": {"streamSid": "MZ1", "callSid": "CA1", "tracks": tracks, "mediaFormat": {"encoding": encoding, "sampleRate": rate, "channels": 1}},
                    "media": {"track": "inbound", "chunk": "1", "timestamp": "20", "payload": payload},
                });
                match parse(&frame.to_string()) {
                    Ok(TwilioEvent::Start { start }) => match call_start(start) {
                        Ok((call, tracks)) => prop_assert_eq!(call.roles.len(), tracks.0.len()),
                        Err(Stop(_, reason)) => prop_assert!(!reason.is_empty()),
                    },
                    Ok(_) => {}
                    Err(Stop(_, reason)) => prop_assert!(!reason.is_empty()),
                }
            }
        }
    }
}
