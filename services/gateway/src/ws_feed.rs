//! The staff feeds' shared loop: bus events to a websocket as JSON, until the client leaves or
//! the server shuts down.

use axum::extract::ws::{Message, WebSocket, close_code};
use serde::Serialize;
use switchboard_events::{Event, Received};

use crate::AppState;
use crate::ws_close::close;

/// Sends each event `pick` turns into a message (it filters too); a feed that fell behind is
/// sent `lagged(events lost)` so the page knows to reload what it shows.
pub(crate) async fn bus_feed<M: Serialize>(
    mut socket: WebSocket,
    state: AppState,
    mut pick: impl FnMut(Event) -> Option<M>,
    lagged: impl Fn(u64) -> M,
) {
    let mut events = state.bus.subscribe();
    loop {
        let received = tokio::select! {
            _ = state.shutdown.cancelled() => {
                close(&mut socket, close_code::AWAY, "server shutting down").await;
                return;
            }
            incoming = socket.recv() => match incoming {
                None | Some(Ok(Message::Close(_))) | Some(Err(_)) => return,
                Some(Ok(_)) => continue,
            },
            received = events.recv() => received,
        };
        let message = match received {
            Received::Event(event) => match pick(event) {
                Some(message) => message,
                None => continue,
            },
            Received::Lagged(n) => lagged(n),
            Received::Closed => return,
        };
        let json = serde_json::to_string(&message).expect("feed messages serialise");
        if socket.send(Message::Text(json.into())).await.is_err() {
            return;
        }
    }
}
