//! `POST /v1/calls/recordings`: a recorded call uploaded as a WAV file, analysed through the
//! live call pipeline and stored as a call; the answer is its report. Uploading the same file
//! again answers with the stored analysis instead of redoing it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_audio::AudioError;
use switchboard_calls::{BatchCall, CallError, RolePolicy, recording_call_id};

use crate::AppState;
use crate::error::ApiError;
use crate::report_wire::CallReportView;

/// Largest upload accepted: four hours of 8 kHz stereo PCM16 fits.
pub const MAX_UPLOAD_BYTES: usize = 256 * 1024 * 1024;
/// Longest recording analysed in one request.
pub const MAX_RECORDING_MS: u64 = 4 * 3600 * 1000;

/// Query of an upload.
#[derive(Debug, Deserialize)]
pub struct UploadParams {
    /// `auto` (default) or one role per channel, comma-separated.
    roles: Option<String>,
    /// The agent who took the call.
    agent: Option<String>,
    /// The queue the call came through.
    queue: Option<String>,
    /// The file's name, shown with the call and in errors (default `upload.wav`).
    name: Option<String>,
}

pub async fn upload(
    State(state): State<AppState>,
    Query(p): Query<UploadParams>,
    body: Bytes,
) -> Result<(StatusCode, Json<CallReportView>), ApiError> {
    let calls = state.calls.clone().ok_or_else(|| {
        ApiError::Unavailable("call transcription is off (asr.engine = \"off\")".into())
    })?;
    let name = p.name.unwrap_or_else(|| "upload.wav".into());
    if body.is_empty() {
        return Err(ApiError::BadRequest(format!(
            "{name}: the upload is empty; send the WAV file as the request body"
        )));
    }
    let roles: RolePolicy = p
        .roles
        .as_deref()
        .unwrap_or("auto")
        .parse()
        .map_err(ApiError::BadRequest)?;
    // Decoding and hashing up to 256 MiB takes seconds: off the threads that serve requests.
    let (decoded, call_id) = {
        let (body, name) = (body.clone(), name.clone());
        tokio::task::spawn_blocking(move || {
            (
                switchboard_audio::decode_wav(&body, &name),
                recording_call_id(&body),
            )
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
    };
    let recording = decoded.map_err(refusal)?;
    if recording.duration_ms() > MAX_RECORDING_MS {
        return Err(ApiError::TooLarge(format!(
            "{name}: {:.0} minutes of audio; at most {} minutes per recording",
            recording.seconds() / 60.0,
            MAX_RECORDING_MS / 60_000
        )));
    }
    if recording.duration_ms() == 0 {
        return Err(ApiError::BadRequest(format!(
            "{name}: the recording holds no audio"
        )));
    }
    let call = BatchCall {
        call_id,
        file_name: name,
        agent_id: p.agent,
        queue: p.queue,
        recording,
        roles,
    };
    let done = calls.analyze(call, &|_, _| {}).await.map_err(|e| match e {
        CallError::Invalid(m) => ApiError::BadRequest(m),
        CallError::Audio(e) => refusal(e),
        CallError::AlreadyStreaming(m) => ApiError::Conflict(m),
        CallError::Asr(e) => ApiError::Unavailable(e.to_string()),
        CallError::Store(e) => e.into(),
    })?;
    let report = switchboard_calls::report(&state.store, &done.summary.call_id)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let status = if done.skipped {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(report.into())))
}

/// A codec we do not read is 415; a file that is not audio or is cut short is 400.
fn refusal(e: AudioError) -> ApiError {
    match e {
        AudioError::UnsupportedFile { .. } => ApiError::UnsupportedMedia(e.to_string()),
        e => ApiError::BadRequest(e.to_string()),
    }
}
