//! Closing websockets with a reason the client can read.

use axum::extract::ws::{CloseFrame, Message, WebSocket};

/// Sends a close frame; the reason is cut to the 123 bytes the protocol allows.
pub async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let mut reason = reason.to_string();
    while reason.len() > 123 {
        reason.pop();
    }
    let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
}
