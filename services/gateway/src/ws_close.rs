//! Closing websockets with a reason the client can read.

use axum::extract::ws::{CloseFrame, Message, WebSocket};

/// Sends a close frame; the reason is cut to the 123 bytes the protocol allows.
pub async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let mut reason = reason.to_string();
    while reason.len() > 123 {
        reason.pop();
    }
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

/// What a failed receive means: only a client that broke a rule gets a close frame.
#[derive(Debug, PartialEq)]
pub enum ReceiveFailure {
    /// Close with this code and reason.
    Rejected(u16, String),
    /// The connection is gone; nothing can be sent.
    Lost(String),
}

/// Tells an oversized or malformed frame (the client's fault, answered with its own close code)
/// from a connection that broke.
pub fn receive_failure(error: axum::Error, limit: usize) -> ReceiveFailure {
    use axum::extract::ws::close_code;
    use tungstenite::Error as WsError;
    let inner = error.into_inner();
    match inner.downcast_ref::<WsError>() {
        Some(WsError::Capacity(e)) => ReceiveFailure::Rejected(
            close_code::SIZE,
            format!("frame rejected: {e} (limit {limit} bytes)"),
        ),
        Some(WsError::Utf8(_)) => {
            ReceiveFailure::Rejected(close_code::INVALID, "text frame is not valid UTF-8".into())
        }
        Some(WsError::Protocol(e)) => ReceiveFailure::Rejected(
            close_code::PROTOCOL,
            format!("websocket protocol error: {e}"),
        ),
        _ => ReceiveFailure::Lost(format!("connection lost: {inner}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tungstenite::error::{CapacityError, Error as WsError, ProtocolError};

    #[test]
    fn only_the_clients_faults_get_a_close_frame() {
        let too_big = axum::Error::new(WsError::Capacity(CapacityError::MessageTooLong {
            size: 10,
            max_size: 5,
        }));
        assert!(
            matches!(receive_failure(too_big, 5), ReceiveFailure::Rejected(1009, r) if r.contains("limit 5 bytes"))
        );
        let bad_text = axum::Error::new(WsError::Utf8("bad".into()));
        assert!(matches!(
            receive_failure(bad_text, 5),
            ReceiveFailure::Rejected(1007, _)
        ));
        let protocol = axum::Error::new(WsError::Protocol(ProtocolError::UnmaskedFrameFromClient));
        assert!(matches!(
            receive_failure(protocol, 5),
            ReceiveFailure::Rejected(1002, _)
        ));
        let reset = axum::Error::new(WsError::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )));
        assert!(
            matches!(receive_failure(reset, 5), ReceiveFailure::Lost(r) if r.starts_with("connection lost"))
        );
    }
}
