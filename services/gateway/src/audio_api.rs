//! `GET /v1/calls/{id}/audio`: a call's kept audio as a WAV file, for playback beside its
//! transcript; only where recording retention is on and the audio is not past it.

use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::header;
use axum::response::Response;
use futures::StreamExt;
use switchboard_storage::TokenInfo;
use tokio::io::AsyncReadExt;

use crate::AppState;
use crate::calls_api::visible_call;
use crate::error::ApiError;

/// Bytes read from disk per piece of the response.
const PIECE: usize = 64 * 1024;

pub async fn audio(
    State(state): State<AppState>,
    Extension(who): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let call = visible_call(&state, &who, &id).await?;
    let archive = state
        .calls
        .as_ref()
        .and_then(|c| c.archive())
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "no audio is kept for call {id:?}: recording retention is off on this server \
                 (keep_call_audio), so only its transcript is stored"
            ))
        })?;
    let (file, len) = archive
        .read(&id)
        .await
        .map_err(|e| ApiError::Internal(format!("reading call {id:?}'s audio: {e}")))?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "no audio is kept for call {id:?}: it was taken before recording retention was \
                 on, on another node, or is past the retention period"
            ))
        })?;
    let channels = call.channel_roles.len().max(1) as u16;
    let data_len = u32::try_from(len).map_err(|_| {
        ApiError::Internal(format!(
            "call {id:?}'s audio is over 4 GiB, more than WAV holds"
        ))
    })?;
    let head = switchboard_audio::pcm16_wav_header(call.sample_rate, channels, data_len);
    let pieces = futures::stream::unfold(file, |mut file| async move {
        let mut buf = vec![0u8; PIECE];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(axum::body::Bytes::from(buf)), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    let body = futures::stream::once(async move { Ok(axum::body::Bytes::copy_from_slice(&head)) })
        .chain(pieces);
    Response::builder()
        .header(header::CONTENT_TYPE, "audio/wav")
        .header(header::CONTENT_LENGTH, 44 + len)
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(Body::from_stream(body))
        .map_err(|e| ApiError::Internal(e.to_string()))
}
