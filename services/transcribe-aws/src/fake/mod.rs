//! A local Amazon Transcribe streaming server for tests: the real wire protocol, scripted answers.
//!
//! It answers `POST /stream-transcription` over HTTP/1.1 like the service does: the request body
//! is an AWS event stream of SigV4-signed envelopes around `AudioEvent` messages (signatures are
//! not checked), the response body an event stream of JSON `TranscriptEvent`s or one exception.
//! It records what the client sent so tests can check headers and audio byte for byte.

mod script;
mod server;
mod wire;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use script::{Exception, Failure, Received, Script, Utterance};

/// A running fake; it stops when dropped.
pub struct FakeTranscribe {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeTranscribe {
    /// Listens on an ephemeral loopback port and answers every start according to `script`.
    pub async fn start(script: Script) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(server::Shared {
            script,
            sessions: Mutex::new(Vec::new()),
        });
        let app = server::router(shared.clone());
        let task = tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                tracing::warn!(%err, "fake Transcribe server stopped");
            }
        });
        Ok(Self { addr, shared, task })
    }

    /// What to put in `TranscribeConfig::endpoint_url`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every start seen so far (throttled ones included), in arrival order.
    pub fn sessions(&self) -> Vec<Received> {
        self.shared
            .sessions
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }
}

impl Drop for FakeTranscribe {
    fn drop(&mut self) {
        self.task.abort();
    }
}
