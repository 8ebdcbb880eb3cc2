//! Client for Fortnox's WebSocket topics (`wss://ws.fortnox.se/topics-v1`,
//! `docs/fortnox-api.md` §9): one connection for every tenant, Kafka-backed topics, minimal
//! events (`{topic, offset, type, tenantId, entityId, timestamp}`) to be followed by a REST GET.
//!
//! ```no_run
//! # async fn demo(token: fortsync_app::SecretString) -> Result<(), fortsync_fortnox::topics::TopicsError> {
//! use fortsync_app::SecretString;
//! use fortsync_fortnox::topics::{FORTNOX_TOPICS_URL, TopicsClient};
//! let mut ws = TopicsClient::connect(FORTNOX_TOPICS_URL, SecretString::new("client-secret")).await?;
//! let _added = ws.add_tenants(&[token]).await?;
//! ws.add_topics(&[("invoices", Some("stored-offset"))]).await?;
//! ws.subscribe().await?;
//! while let Some(_event) = ws.next_event().await? {
//!     // GET the entity, then persist `event.offset` as the topic's resume point.
//! }
//! # Ok(()) }
//! ```
//!
//! # What is assumed about Fortnox (unverified, see the doc)
//!
//! - Commands carry a numeric `requestId`; every command is answered by
//!   `{"requestId", "response": <command>, "result": "ok"|"error", …}`. A response whose
//!   `requestId` is absent or null is matched by its `response` name alone.
//! - `add-tenants-v1` answers `tenantIds` as an object keyed by the token as sent (zenta-ab
//!   fortnox.NET) and `invalidTokens` as the refused tokens. Tokens are sent as `Bearer <jwt>`,
//!   as in Fortnox's example; either form is matched back. A token mentioned in neither list
//!   is reported invalid. Valid tokens count as added even when the result is `"error"`.
//! - `add-topics-v1` answers `invalidTopics`; `remove-tenants-v1` takes and
//!   `list-tenants-v1` answers `tenantIds` as a list of ids (only the command names are known).
//! - Offsets are opaque strings. Whether the server resumes **at** or **after** a given offset
//!   is unknown (the simulator resumes at it, like a Kafka seek), so this client treats an
//!   offset passed to [`TopicsClient::add_topics`] as the **last processed** event of that
//!   topic and never returns the event with that offset: pass the offset of the last event
//!   you finished, and you get exactly the events after it (plus at-least-once duplicates).
//! - Delivery is at-least-once: [`TopicsClient::next_event`] can return an event more than
//!   once; handlers must be idempotent (they re-read the entity over REST anyway).
//! - Pings from the server are answered while reading; [`TopicsClient::ping`] sends one.
//!
//! Tokens and the client secret are never logged or put into errors.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use fortsync_app::SecretString;
use fortsync_domain::error::{Classify, ErrorClass};
use futures::{SinkExt, StreamExt};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value, json};
use thiserror::Error;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Fortnox's production endpoint.
pub const FORTNOX_TOPICS_URL: &str = "wss://ws.fortnox.se/topics-v1";

/// How long a command waits for its response (and `connect` for the handshake) by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Error)]
pub enum TopicsError {
    #[error("invalid WebSocket URL: {0}")]
    InvalidUrl(String),
    /// TCP, TLS or handshake I/O failed.
    #[error("could not connect to the Fortnox topics endpoint: {0}")]
    Connect(String),
    /// The server refused the WebSocket handshake with this HTTP status.
    #[error("the Fortnox topics endpoint refused the connection with HTTP {status}")]
    Rejected { status: u16 },
    /// The connection broke (reset, I/O error, protocol violation).
    #[error("the topics connection failed: {0}")]
    Transport(String),
    /// The connection was closed while a command waited for its response.
    #[error("the topics connection was closed")]
    Closed,
    #[error("no response to {0} in time")]
    Timeout(String),
    /// The server answered `"result": "error"` (for `add-topics-v1`: with these topics).
    #[error("Fortnox refused {command}{}", refused_detail(message, invalid_topics))]
    Refused {
        command: String,
        message: Option<String>,
        invalid_topics: Vec<String>,
    },
    /// A message that is neither a response nor an event, or a malformed one.
    #[error("unexpected message from the topics endpoint: {0}")]
    Protocol(String),
}

fn refused_detail(message: &Option<String>, invalid_topics: &[String]) -> String {
    let mut out = message
        .as_ref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default();
    if !invalid_topics.is_empty() {
        out.push_str(&format!(" (invalid topics: {})", invalid_topics.join(", ")));
    }
    out
}

impl Classify for TopicsError {
    fn class(&self) -> ErrorClass {
        match self {
            TopicsError::Connect(_)
            | TopicsError::Transport(_)
            | TopicsError::Closed
            | TopicsError::Timeout(_) => ErrorClass::Retryable,
            TopicsError::Rejected { status } if *status >= 500 || *status == 429 => {
                ErrorClass::Retryable
            }
            _ => ErrorClass::Permanent,
        }
    }
}

/// One event. `entity_id` is the invoice's `DocumentNumber`, or for `invoicepayment-*` the
/// payment's `Number`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicEvent {
    pub topic: String,
    /// Opaque; persist it per topic to resume (see the module docs).
    pub offset: String,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(rename = "tenantId", deserialize_with = "u64_lenient")]
    pub tenant_id: u64,
    #[serde(rename = "entityId", deserialize_with = "string_lenient")]
    pub entity_id: String,
    /// As sent, e.g. `2017-12-28T14:59:16.500+01:00`.
    pub timestamp: String,
}

/// The event types fortsync reacts to; anything else is [`EventKind::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    InvoiceCreated,
    InvoiceUpdated,
    InvoiceBookkeep,
    InvoiceCancelled,
    InvoicePaymentBookkeep,
    InvoicePaymentDeleted,
    Other,
}

impl TopicEvent {
    pub fn kind(&self) -> EventKind {
        match self.event_type.as_str() {
            "invoice-created-v1" => EventKind::InvoiceCreated,
            "invoice-updated-v1" => EventKind::InvoiceUpdated,
            "invoice-bookkeep-v1" => EventKind::InvoiceBookkeep,
            "invoice-cancelled-v1" => EventKind::InvoiceCancelled,
            "invoicepayment-bookkeep-v1" => EventKind::InvoicePaymentBookkeep,
            "invoicepayment-deleted-v1" => EventKind::InvoicePaymentDeleted,
            _ => EventKind::Other,
        }
    }
}

fn u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| serde::de::Error::custom("tenantId is not a whole number")),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom("tenantId is not a whole number")),
        _ => Err(serde::de::Error::custom("tenantId is not a number")),
    }
}

fn string_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(serde::de::Error::custom("entityId is not a string")),
    }
}

/// Outcome of [`TopicsClient::add_tenants`], by position in the token slice (tokens are
/// secrets and are not echoed back).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddTenantsResult {
    /// Token index → tenant id (`DatabaseNumber`).
    pub tenant_ids: BTreeMap<usize, u64>,
    /// Indices of refused tokens (expired, revoked, other client, wrong client secret).
    pub invalid_tokens: Vec<usize>,
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

enum Incoming {
    Response(Map<String, Value>),
    Event(TopicEvent),
    Closed,
}

pub struct TopicsClient {
    ws: Socket,
    client_secret: SecretString,
    timeout: Duration,
    next_request_id: u64,
    /// Events read while a command waited for its response.
    pending: VecDeque<TopicEvent>,
    /// Topic → offset given to `add_topics` (the last processed event; never returned).
    resume_from: HashMap<String, String>,
    /// Topic → offset of the last event returned.
    last: HashMap<String, String>,
    closed: bool,
}

impl std::fmt::Debug for TopicsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TopicsClient")
            .field("timeout", &self.timeout)
            .field("pending", &self.pending.len())
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

fn ws_error(e: tungstenite::Error, connecting: bool) -> TopicsError {
    use tungstenite::Error as E;
    match e {
        E::Http(resp) => TopicsError::Rejected {
            status: resp.status().as_u16(),
        },
        E::Url(u) => TopicsError::InvalidUrl(u.to_string()),
        E::HttpFormat(h) => TopicsError::InvalidUrl(h.to_string()),
        E::ConnectionClosed | E::AlreadyClosed if !connecting => TopicsError::Closed,
        other if connecting => TopicsError::Connect(other.to_string()),
        other => TopicsError::Transport(other.to_string()),
    }
}

/// `Bearer <token>` with any existing prefix normalised away first.
fn bearer(token: &str) -> String {
    format!("Bearer {}", strip_bearer(token))
}

fn strip_bearer(token: &str) -> &str {
    let t = token.trim();
    match t.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("bearer ") => t[7..].trim(),
        _ => t,
    }
}

fn is_ok(resp: &Map<String, Value>) -> bool {
    resp.get("result").and_then(Value::as_str) == Some("ok")
}

fn refused(command: &str, resp: &Map<String, Value>) -> TopicsError {
    TopicsError::Refused {
        command: command.to_string(),
        message: resp
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_string),
        invalid_topics: strings(resp.get("invalidTopics")),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|x| match x {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn ids(v: Option<&Value>) -> Vec<u64> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| {
            x.as_u64()
                .or_else(|| x.as_str().and_then(|s| s.parse().ok()))
        })
        .collect()
}

impl TopicsClient {
    /// Opens the WebSocket (`ws://` or `wss://`; TLS with the system's root certificates).
    pub async fn connect(url: &str, client_secret: SecretString) -> Result<Self, TopicsError> {
        let (ws, _) = tokio::time::timeout(DEFAULT_TIMEOUT, tokio_tungstenite::connect_async(url))
            .await
            .map_err(|_| TopicsError::Timeout("the WebSocket handshake".into()))?
            .map_err(|e| ws_error(e, true))?;
        tracing::debug!("connected to the Fortnox topics endpoint");
        Ok(TopicsClient {
            ws,
            client_secret,
            timeout: DEFAULT_TIMEOUT,
            next_request_id: 1,
            pending: VecDeque::new(),
            resume_from: HashMap::new(),
            last: HashMap::new(),
            closed: false,
        })
    }

    /// How long commands wait for their response.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Registers tenants by their access tokens. Refused tokens are reported in the result,
    /// not as an error; an error means the command itself failed.
    pub async fn add_tenants(
        &mut self,
        access_tokens: &[SecretString],
    ) -> Result<AddTenantsResult, TopicsError> {
        const NAME: &str = "add-tenants-v1";
        let sent: Vec<String> = access_tokens.iter().map(|t| bearer(t.expose())).collect();
        let mut body = Map::new();
        body.insert("clientSecret".into(), json!(self.client_secret.expose()));
        body.insert("accessTokens".into(), json!(sent));
        let resp = self.command(NAME, body).await?;
        let by_token = match resp.get("tenantIds") {
            Some(Value::Object(m)) => m.clone(),
            // An error without any per-token detail: the command itself failed.
            _ if !is_ok(&resp) && resp.get("invalidTokens").is_none() => {
                return Err(refused(NAME, &resp));
            }
            _ => Map::new(),
        };
        let mut result = AddTenantsResult::default();
        for (i, token) in access_tokens.iter().enumerate() {
            let bare = strip_bearer(token.expose());
            let tenant = by_token
                .iter()
                .find(|(k, _)| strip_bearer(k) == bare)
                .and_then(|(_, v)| {
                    v.as_u64()
                        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                });
            match tenant {
                Some(id) => {
                    result.tenant_ids.insert(i, id);
                }
                None => result.invalid_tokens.push(i),
            }
        }
        tracing::debug!(
            added = result.tenant_ids.len(),
            refused = result.invalid_tokens.len(),
            "added tenants to the topics connection"
        );
        Ok(result)
    }

    /// Removes tenants by id (command shape assumed, see the module docs); returns the ids the
    /// server reports removed.
    pub async fn remove_tenants(&mut self, tenant_ids: &[u64]) -> Result<Vec<u64>, TopicsError> {
        const NAME: &str = "remove-tenants-v1";
        let mut body = Map::new();
        body.insert("tenantIds".into(), json!(tenant_ids));
        let resp = self.command(NAME, body).await?;
        if !is_ok(&resp) {
            return Err(refused(NAME, &resp));
        }
        Ok(ids(resp.get("tenantIds")))
    }

    /// The tenants registered on this connection (response shape assumed).
    pub async fn list_tenants(&mut self) -> Result<Vec<u64>, TopicsError> {
        const NAME: &str = "list-tenants-v1";
        let resp = self.command(NAME, Map::new()).await?;
        if !is_ok(&resp) {
            return Err(refused(NAME, &resp));
        }
        Ok(ids(resp.get("tenantIds")))
    }

    /// Adds topics, each with the offset of the last event already processed (None: only new
    /// events). Any refused topic or offset → [`TopicsError::Refused`] listing them; the
    /// others are added.
    pub async fn add_topics(&mut self, topics: &[(&str, Option<&str>)]) -> Result<(), TopicsError> {
        const NAME: &str = "add-topics-v1";
        let list: Vec<Value> = topics
            .iter()
            .map(|(topic, offset)| match offset {
                Some(o) => json!({"topic": topic, "offset": o}),
                None => json!({"topic": topic}),
            })
            .collect();
        let mut body = Map::new();
        body.insert("topics".into(), Value::Array(list));
        let resp = self.command(NAME, body).await?;
        let invalid = strings(resp.get("invalidTopics"));
        for (topic, offset) in topics {
            if invalid.iter().any(|t| t == topic) {
                continue;
            }
            match offset {
                Some(o) => self.resume_from.insert(topic.to_string(), o.to_string()),
                None => self.resume_from.remove(*topic),
            };
        }
        if !is_ok(&resp) || !invalid.is_empty() {
            return Err(refused(NAME, &resp));
        }
        Ok(())
    }

    /// Starts the event stream.
    pub async fn subscribe(&mut self) -> Result<(), TopicsError> {
        const NAME: &str = "subscribe-v1";
        let resp = self.command(NAME, Map::new()).await?;
        if !is_ok(&resp) {
            return Err(refused(NAME, &resp));
        }
        Ok(())
    }

    /// The next event; `Ok(None)` once the server closed the connection with a close frame.
    /// An abrupt disconnect is [`TopicsError::Transport`] (retryable): reconnect and resume
    /// with [`TopicsClient::last_offset`]. Waits as long as it takes; wrap it in
    /// `tokio::time::timeout` for a deadline (cancel-safe: nothing is lost).
    pub async fn next_event(&mut self) -> Result<Option<TopicEvent>, TopicsError> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                self.last.insert(event.topic.clone(), event.offset.clone());
                return Ok(Some(event));
            }
            if self.closed {
                return Ok(None);
            }
            match self.read().await? {
                Incoming::Event(event) => self.accept(event),
                Incoming::Response(_) => {
                    tracing::debug!("ignored an unsolicited topics response");
                }
                Incoming::Closed => {
                    self.closed = true;
                }
            }
        }
    }

    /// Offset of the last event [`TopicsClient::next_event`] returned for `topic`.
    pub fn last_offset(&self, topic: &str) -> Option<&str> {
        self.last.get(topic).map(String::as_str)
    }

    /// Sends a WebSocket ping (the pong is consumed while reading events).
    pub async fn ping(&mut self) -> Result<(), TopicsError> {
        self.ws
            .send(Message::Ping(Vec::new().into()))
            .await
            .map_err(|e| ws_error(e, false))
    }

    /// Closes the connection with a close frame.
    pub async fn close(mut self) -> Result<(), TopicsError> {
        match self.ws.close(None).await {
            Ok(()) | Err(tungstenite::Error::ConnectionClosed) => Ok(()),
            Err(e) => Err(ws_error(e, false)),
        }
    }

    /// Queues an event unless it is the one the topic was resumed from.
    fn accept(&mut self, event: TopicEvent) {
        if self.resume_from.get(&event.topic) == Some(&event.offset) {
            return;
        }
        self.pending.push_back(event);
    }

    /// Sends a command and waits for its response; events read meanwhile are queued.
    async fn command(
        &mut self,
        name: &str,
        mut body: Map<String, Value>,
    ) -> Result<Map<String, Value>, TopicsError> {
        let request_id = self.next_request_id;
        self.next_request_id += 1;
        body.insert("command".into(), json!(name));
        body.insert("requestId".into(), json!(request_id));
        let text = Value::Object(body).to_string();
        tracing::debug!(command = name, request_id, "topics command");
        let timeout = self.timeout;
        tokio::time::timeout(timeout, async {
            self.ws
                .send(Message::Text(text.into()))
                .await
                .map_err(|e| ws_error(e, false))?;
            loop {
                match self.read().await? {
                    Incoming::Response(resp) => {
                        let same_name = resp.get("response").and_then(Value::as_str) == Some(name);
                        let same_id = match resp.get("requestId") {
                            None | Some(Value::Null) => true,
                            Some(v) => {
                                v.as_u64() == Some(request_id)
                                    || v.as_str() == Some(request_id.to_string().as_str())
                            }
                        };
                        if same_name && same_id {
                            return Ok(resp);
                        }
                        tracing::debug!(command = name, "skipped a response to another command");
                    }
                    Incoming::Event(event) => self.accept(event),
                    Incoming::Closed => {
                        self.closed = true;
                        return Err(TopicsError::Closed);
                    }
                }
            }
        })
        .await
        .map_err(|_| TopicsError::Timeout(name.to_string()))?
    }

    /// Reads the next response, event or close (pings are answered by the WebSocket layer).
    async fn read(&mut self) -> Result<Incoming, TopicsError> {
        loop {
            let msg = match self.ws.next().await {
                None => return Ok(Incoming::Closed),
                Some(Err(e)) => return Err(ws_error(e, false)),
                Some(Ok(m)) => m,
            };
            let text = match msg {
                Message::Text(t) => t,
                Message::Close(_) => return Ok(Incoming::Closed),
                Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => continue,
                Message::Binary(_) => {
                    return Err(TopicsError::Protocol("a binary message".into()));
                }
            };
            let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(text.as_str()) else {
                return Err(TopicsError::Protocol(
                    "a message that is not a JSON object".into(),
                ));
            };
            if obj.contains_key("response") {
                return Ok(Incoming::Response(obj));
            }
            if obj.contains_key("topic") {
                return serde_json::from_value::<TopicEvent>(Value::Object(obj))
                    .map(Incoming::Event)
                    .map_err(|e| TopicsError::Protocol(format!("a malformed event: {e}")));
            }
            tracing::debug!("ignored a topics message that is neither response nor event");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_parse_leniently() {
        let e: TopicEvent = serde_json::from_str(
            r#"{"topic":"invoices","offset":"xDy7J","type":"invoicepayment-bookkeep-v1","tenantId":29302,"entityId":"3817","timestamp":"2017-12-28T14:59:16.500+01:00"}"#,
        )
        .unwrap();
        assert_eq!(e.tenant_id, 29302);
        assert_eq!(e.entity_id, "3817");
        assert_eq!(e.kind(), EventKind::InvoicePaymentBookkeep);
        let e: TopicEvent = serde_json::from_str(
            r#"{"topic":"invoices","offset":"1","type":"x-v9","tenantId":"7","entityId":12,"timestamp":""}"#,
        )
        .unwrap();
        assert_eq!((e.tenant_id, e.entity_id.as_str()), (7, "12"));
        assert_eq!(e.kind(), EventKind::Other);
        assert!(
            serde_json::from_str::<TopicEvent>(
                r#"{"topic":"invoices","offset":"1","type":"x","tenantId":-1,"entityId":"1","timestamp":""}"#
            )
            .is_err()
        );
    }

    #[test]
    fn bearer_prefix_is_normalised() {
        assert_eq!(bearer("abc"), "Bearer abc");
        assert_eq!(bearer("bearer abc"), "Bearer abc");
        assert_eq!(strip_bearer("Bearer abc"), "abc");
        assert_eq!(strip_bearer("abc"), "abc");
    }

    #[test]
    fn classification() {
        assert!(TopicsError::Transport("reset".into()).is_retryable());
        assert!(TopicsError::Closed.is_retryable());
        assert!(TopicsError::Rejected { status: 503 }.is_retryable());
        assert!(!TopicsError::Rejected { status: 404 }.is_retryable());
        let refused = TopicsError::Refused {
            command: "add-topics-v1".into(),
            message: None,
            invalid_topics: vec!["nope".into()],
        };
        assert!(!refused.is_retryable());
        assert!(refused.to_string().contains("nope"));
    }
}
