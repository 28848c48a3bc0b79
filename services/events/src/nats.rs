//! NATS bus for multi-node deployments: an event published on any node reaches the subscribers of
//! every node connected to the same NATS server (or cluster) under the same subject prefix.
//!
//! Plain core NATS publish/subscribe: live events are ephemeral (a supervisor's feed, an agent's
//! sidebar) and what must survive is already stored by its producer, so nothing goes to JetStream.
//! `publish` serialises the event and hands it to a bounded queue drained by one task, so callers
//! never wait on the network; when the queue is full the event is dropped and counted. Each node
//! subscribes once to `<prefix>.>` and rebroadcasts to its local subscribers through the same kind
//! of bounded broadcast [`crate::InProcessBus`] uses. A node's own events reach its subscribers only
//! by that route (never also directly), so every subscriber sees every node's events exactly once,
//! each node's in the order it published them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_nats::{Client, ConnectOptions, ServerAddr, Subscriber};
use futures::StreamExt;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use crate::{Event, EventBus, EventsError, Subscription};

/// Subjects of one deployment's events; nodes that share the prefix share the events.
pub const DEFAULT_SUBJECT_PREFIX: &str = "switchboard.events";

/// Sizes of the buffers that keep publishers and subscribers apart from the network.
#[derive(Debug, Clone, Copy)]
pub struct NatsOptions {
    /// Events a local subscriber may fall behind before it loses the oldest (and is told).
    pub subscriber_capacity: usize,
    /// Serialised events waiting for the network; beyond this new ones are dropped, not waited for.
    pub publish_queue: usize,
    /// How long connecting and confirming the subscription may take before `connect` gives up.
    pub connect_timeout: Duration,
}

impl Default for NatsOptions {
    fn default() -> Self {
        Self {
            subscriber_capacity: 4096,
            publish_queue: 4096,
            connect_timeout: Duration::from_secs(5),
        }
    }
}

/// This node's handle on the shared bus; clones share one connection.
#[derive(Clone)]
pub struct NatsBus {
    inner: Arc<Inner>,
}

struct Inner {
    prefix: String,
    queue: mpsc::Sender<(String, Vec<u8>)>,
    local: broadcast::Sender<Event>,
    dropped: Arc<AtomicU64>,
    receiver: JoinHandle<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Local subscribers then see `Closed`; the publish task sends what is queued and ends.
        self.receiver.abort();
    }
}

impl NatsBus {
    /// Joins the bus at `url` (`nats://host:port` or `tls://host:port`) with default buffer sizes.
    pub async fn connect(url: &str, subject_prefix: &str) -> Result<Self, EventsError> {
        Self::connect_with(url, subject_prefix, NatsOptions::default()).await
    }

    /// Joins the bus; once this returns, every event published afterwards on any node reaches it.
    pub async fn connect_with(
        url: &str,
        subject_prefix: &str,
        options: NatsOptions,
    ) -> Result<Self, EventsError> {
        let shown = redact(url);
        let addr = parse_url(url, &shown)?;
        check_prefix(subject_prefix)?;
        let logged_url = shown.clone();
        let client = ConnectOptions::new()
            .name("switchboard")
            .connection_timeout(options.connect_timeout)
            .event_callback(move |event| {
                log_connection_event(&logged_url, &event);
                std::future::ready(())
            })
            .connect(addr)
            .await
            .map_err(|cause| EventsError::Connect {
                url: shown.clone(),
                cause,
            })?;
        let subject = format!("{subject_prefix}.>");
        let subscriber = subscribe_confirmed(&client, &subject, options.connect_timeout)
            .await
            .map_err(|reason| EventsError::Subscribe {
                url: shown.clone(),
                subject: subject.clone(),
                reason,
            })?;

        let (local, _) = broadcast::channel(options.subscriber_capacity.max(1));
        let dropped = Arc::new(AtomicU64::new(0));
        let receiver = tokio::spawn(rebroadcast(subscriber, local.clone(), dropped.clone()));
        let (queue, pending) = mpsc::channel(options.publish_queue.max(1));
        tokio::spawn(send_queued(client, pending, dropped.clone()));
        tracing::info!(url = %shown, %subject, "joined the NATS event bus");
        let prefix = subject_prefix.to_string();
        Ok(Self {
            inner: Arc::new(Inner {
                prefix,
                queue,
                local,
                dropped,
                receiver,
            }),
        })
    }

    /// Events this node lost since it connected (full queue, failed send, unreadable message):
    /// the same figure as the `switchboard_events_dropped_total` counter, for checks without it.
    pub fn dropped(&self) -> u64 {
        self.inner.dropped.load(Ordering::Relaxed)
    }
}

impl EventBus for NatsBus {
    fn publish(&self, event: Event) {
        let subject = format!("{}.{}", self.inner.prefix, kind(&event));
        let payload = match serde_json::to_vec(&event) {
            Ok(payload) => payload,
            Err(e) => {
                count_drop(&self.inner.dropped, "unserializable");
                tracing::warn!(%subject, error = %e, "could not serialise an event; dropped");
                return;
            }
        };
        if let Err(e) = self.inner.queue.try_send((subject, payload)) {
            let reason = match e {
                mpsc::error::TrySendError::Full(_) => "queue_full",
                mpsc::error::TrySendError::Closed(_) => "closed",
            };
            let n = count_drop(&self.inner.dropped, reason);
            if n == 1 || n.is_multiple_of(1000) {
                tracing::warn!(
                    reason,
                    dropped = n,
                    "NATS event bus cannot keep up; events dropped"
                );
            }
        }
    }

    fn subscribe(&self) -> Subscription {
        Subscription {
            rx: self.inner.local.subscribe(),
        }
    }
}

/// The subject token for an event: the same snake_case name as its JSON `type` tag.
pub(crate) fn kind(event: &Event) -> &'static str {
    match event {
        Event::ChatTurn { .. } => "chat_turn",
        Event::MissedUtterance { .. } => "missed_utterance",
        Event::ChatHandoff { .. } => "chat_handoff",
        Event::ChatVisitorMessage { .. } => "chat_visitor_message",
        Event::ChatAgentMessage { .. } => "chat_agent_message",
        Event::BotPublished { .. } => "bot_published",
        Event::CallStarted { .. } => "call_started",
        Event::CallPartial { .. } => "call_partial",
        Event::CallSegment { .. } => "call_segment",
        Event::CallRuleHit { .. } => "call_rule_hit",
        Event::CallSuggestions { .. } => "call_suggestions",
        Event::CallSuggestionFeedback { .. } => "call_suggestion_feedback",
        Event::CallMissedUtterance { .. } => "call_missed_utterance",
        Event::CallLagging { .. } => "call_lagging",
        Event::CallDegraded { .. } => "call_degraded",
        Event::CallEnded { .. } => "call_ended",
    }
}

/// Subscribes, then proves the server registered it with a round trip on a private inbox (a server
/// handles one connection's commands in order), so nothing published after `connect` slips past.
async fn subscribe_confirmed(
    client: &Client,
    subject: &str,
    timeout: Duration,
) -> Result<Subscriber, String> {
    let subscriber = client
        .subscribe(subject.to_string())
        .await
        .map_err(|e| e.to_string())?;
    let inbox = client.new_inbox();
    let mut probe = client
        .subscribe(inbox.clone())
        .await
        .map_err(|e| e.to_string())?;
    client
        .publish(inbox, Vec::new().into())
        .await
        .map_err(|e| e.to_string())?;
    match tokio::time::timeout(timeout, probe.next()).await {
        Ok(Some(_)) => Ok(subscriber),
        Ok(None) => Err("the connection closed".into()),
        Err(_) => Err(format!("no answer within {timeout:?}")),
    }
}

/// Feeds every event from NATS (this node's own included) to the local subscribers.
async fn rebroadcast(
    mut subscriber: Subscriber,
    local: broadcast::Sender<Event>,
    dropped: Arc<AtomicU64>,
) {
    while let Some(message) = subscriber.next().await {
        match serde_json::from_slice::<Event>(&message.payload) {
            // An error only means nobody on this node is subscribed right now, which is fine.
            Ok(event) => drop(local.send(event)),
            Err(e) => {
                count_drop(&dropped, "unreadable");
                tracing::warn!(subject = %message.subject, error = %e, "ignoring an event this version cannot read");
            }
        }
    }
    tracing::info!("the NATS event subscription ended");
}

/// Sends queued events in order; only this task waits on the network.
async fn send_queued(
    client: Client,
    mut pending: mpsc::Receiver<(String, Vec<u8>)>,
    dropped: Arc<AtomicU64>,
) {
    while let Some((subject, payload)) = pending.recv().await {
        if let Err(e) = client.publish(subject, payload.into()).await {
            count_drop(&dropped, "send_failed");
            tracing::warn!(error = %e, "could not send an event to NATS; dropped");
        }
    }
    // The bus was dropped: what was queued before goes out before the connection closes.
    if let Err(e) = client.flush().await {
        tracing::warn!(error = %e, "could not flush the last events to NATS");
    }
}

fn count_drop(dropped: &AtomicU64, reason: &'static str) -> u64 {
    metrics::counter!("switchboard_events_dropped_total", "bus" => "nats", "reason" => reason)
        .increment(1);
    dropped.fetch_add(1, Ordering::Relaxed) + 1
}

fn log_connection_event(url: &str, event: &async_nats::Event) {
    use async_nats::Event as E;
    match event {
        E::Connected => tracing::info!(url, "NATS event bus connected"),
        E::Closed => tracing::info!(url, "NATS event bus connection closed"),
        E::Disconnected => tracing::warn!(
            url,
            "NATS event bus disconnected; reconnecting (other nodes' events are missed meanwhile)"
        ),
        other => tracing::warn!(url, event = %other, "NATS event bus connection"),
    }
}

fn parse_url(url: &str, shown: &str) -> Result<ServerAddr, EventsError> {
    let invalid = |reason: String| EventsError::InvalidUrl {
        url: shown.to_string(),
        reason,
    };
    let Some((scheme, _)) = url.split_once("://") else {
        return Err(invalid("it has no scheme".into()));
    };
    if scheme != "nats" && scheme != "tls" {
        return Err(invalid(format!("the scheme `{scheme}` is not nats or tls")));
    }
    let addr = url
        .parse::<ServerAddr>()
        .map_err(|e| invalid(e.to_string()))?;
    if addr.host().is_empty() {
        return Err(invalid("it names no host".into()));
    }
    Ok(addr)
}

fn check_prefix(prefix: &str) -> Result<(), EventsError> {
    let invalid = |reason: &str| EventsError::InvalidPrefix {
        prefix: prefix.to_string(),
        reason: reason.into(),
    };
    if prefix.split('.').any(str::is_empty) {
        return Err(invalid(
            "it has an empty token (leading, trailing or doubled `.`)",
        ));
    }
    if prefix.contains(['*', '>']) || prefix.contains(char::is_whitespace) {
        return Err(invalid("it contains a wildcard (`*`, `>`) or whitespace"));
    }
    Ok(())
}

/// The URL as logs and errors may show it: credentials (`user:password@` or `token@`) hidden.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match url[scheme + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
            None => format!("{}***{}", &url[..scheme + 3], &url[at..]),
        },
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests;
