//! `GET /topics-v1`: Fortnox's WebSocket topics endpoint (`wss://ws.fortnox.se/topics-v1`,
//! `docs/fortnox-api.md` §9). The event log and offsets are in [`crate::events`].
//!
//! # Protocol as simulated
//!
//! Every text message from the client is one JSON command; every command gets exactly one
//! response `{"requestId", "response": <command>, "result": "ok"|"error", …}`, where
//! `requestId` echoes the command's `requestId` (null when absent). Events are sent only after
//! `subscribe-v1`, never before that command's response.
//!
//! | Command | Fields | Response fields |
//! |---|---|---|
//! | `add-tenants-v1` | `clientSecret`, `accessTokens` (with or without `Bearer `), `includeChildTenants` (ignored) | `tenantIds` {token as sent → tenant id}, `invalidTokens` [token as sent] |
//! | `remove-tenants-v1` | `tenantIds` [id] | `tenantIds` [removed ids] |
//! | `list-tenants-v1` | — | `tenantIds` [id] |
//! | `add-topics-v1` | `topics` [{`topic`, `offset`?}] | `invalidTopics` [topic name] |
//! | `subscribe-v1` | — | — |
//!
//! Then events `{"topic","offset","type","tenantId","entityId","timestamp"}` of the added topics
//! whose tenant is added on this connection.
//!
//! # Choices where Fortnox is unverified
//!
//! - A token is valid when the simulator issued it, it has not expired (simulator clock), its
//!   tenant exists and `clientSecret` is the secret of the app the token was issued to. Valid
//!   tokens are added even when others are invalid; the result is then `"error"`.
//! - A tenant stays added after its token expires (the server re-checks nothing).
//! - `remove-tenants-v1` / `list-tenants-v1` shapes are guesses (only the names are known).
//! - An unknown topic or an offset the simulator never issued makes `add-topics-v1` answer
//!   `"error"` with the topic in `invalidTopics`; the valid topics are added. Adding a topic
//!   again moves its cursor.
//! - Unknown commands and non-JSON text get `{"response": <command or null>, "result":
//!   "error", "message": …}`; binary messages are answered the same way.
//! - Pings are answered with pongs (by the WebSocket layer); the server sends no pings.
//! - Each command is logged in the request log as method `WS`, path `/topics-v1/<command>`,
//!   status 200 (ok) or 400 (error), with tenant and client when exactly one tenant was named.
//!   Tokens and secrets are never logged.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::response::Response;
use serde_json::{Map, Value, json};
use tokio::sync::broadcast::error::RecvError;

use crate::events::{
    ConnectionInfo, EventBus, RETENTION_DAYS, Signal, TOPICS, TopicEvent, decode_offset,
};
use crate::log::{LoggedRequest, push};
use crate::state::SimState;

/// Delivered events remembered per connection for injected duplicates.
const HISTORY: usize = 10_000;

pub(crate) async fn upgrade(State(st): State<SimState>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| Connection::new(st).run(socket))
}

struct Connection {
    st: SimState,
    bus: Arc<EventBus>,
    info: ConnectionInfo,
    /// Topic → sequence number of the next event to look at.
    cursors: BTreeMap<String, u64>,
    history: VecDeque<TopicEvent>,
}

/// The outcome of one command.
struct Reply {
    body: Value,
    ok: bool,
    /// (tenant, client) for the log, when exactly one tenant was concerned.
    who: Option<(u64, String)>,
}

impl Reply {
    fn new(command: &str, request_id: Value, ok: bool, extra: Map<String, Value>) -> Self {
        let mut body = Map::new();
        body.insert("requestId".into(), request_id);
        body.insert("response".into(), json!(command));
        body.insert("result".into(), json!(if ok { "ok" } else { "error" }));
        body.extend(extra);
        Reply {
            body: Value::Object(body),
            ok,
            who: None,
        }
    }

    fn error(command: Option<&str>, request_id: Value, message: &str) -> Self {
        let mut r = Reply::new(command.unwrap_or_default(), request_id, false, Map::new());
        if let Value::Object(o) = &mut r.body {
            if command.is_none() {
                o.insert("response".into(), Value::Null);
            }
            o.insert("message".into(), json!(message));
        }
        r
    }
}

fn strip_bearer(token: &str) -> &str {
    let t = token.trim();
    match t.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("bearer ") => t[7..].trim(),
        _ => t,
    }
}

impl Connection {
    fn new(st: SimState) -> Self {
        let bus = st.0.events.clone();
        let id = bus.register();
        Connection {
            st,
            bus,
            info: ConnectionInfo {
                id,
                ..Default::default()
            },
            cursors: BTreeMap::new(),
            history: VecDeque::new(),
        }
    }

    async fn run(mut self, mut socket: WebSocket) {
        let mut signals = self.bus.listen();
        loop {
            tokio::select! {
                msg = socket.recv() => {
                    let text = match msg {
                        Some(Ok(Message::Text(t))) => t.as_str().to_string(),
                        Some(Ok(Message::Binary(_))) => String::new(),
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    };
                    let reply = self.command(&text);
                    if send(&mut socket, &reply.body).await.is_err() {
                        break;
                    }
                    if self.deliver(&mut socket).await.is_err() {
                        break;
                    }
                }
                signal = signals.recv() => {
                    let result = match signal {
                        Ok(Signal::Appended) | Err(RecvError::Lagged(_)) => {
                            self.deliver(&mut socket).await
                        }
                        Ok(Signal::Duplicate(n)) => self.duplicate(&mut socket, n).await,
                        Ok(Signal::Drop { graceful }) => {
                            if graceful {
                                let frame = CloseFrame {
                                    code: close_code::RESTART,
                                    reason: "simulator closed the connection".into(),
                                };
                                let _ = socket.send(Message::Close(Some(frame))).await;
                            }
                            // Dropping the socket without a close frame: an abrupt disconnect.
                            break;
                        }
                        Err(RecvError::Closed) => break,
                    };
                    if result.is_err() {
                        break;
                    }
                }
            }
        }
    }

    fn publish(&self) {
        self.bus.update(self.info.clone());
    }

    /// Handles one command and logs it.
    fn command(&mut self, text: &str) -> Reply {
        let parsed: Option<Map<String, Value>> = serde_json::from_str(text).ok();
        let reply = match parsed {
            None => Reply::error(None, Value::Null, "Invalid JSON command."),
            Some(cmd) => {
                let request_id = cmd.get("requestId").cloned().unwrap_or(Value::Null);
                match cmd.get("command").and_then(Value::as_str) {
                    Some("add-tenants-v1") => self.add_tenants(&cmd, request_id),
                    Some("remove-tenants-v1") => self.remove_tenants(&cmd, request_id),
                    Some("list-tenants-v1") => {
                        let ids: Vec<u64> = self.info.tenant_ids.iter().copied().collect();
                        let mut extra = Map::new();
                        extra.insert("tenantIds".into(), json!(ids));
                        Reply::new("list-tenants-v1", request_id, true, extra)
                    }
                    Some("add-topics-v1") => self.add_topics(&cmd, request_id),
                    Some("subscribe-v1") => {
                        self.info.subscribed = true;
                        Reply::new("subscribe-v1", request_id, true, Map::new())
                    }
                    Some(other) => Reply::error(Some(other), request_id, "Unknown command."),
                    None => Reply::error(None, request_id, "Missing command."),
                }
            }
        };
        self.publish();
        let command = reply
            .body
            .get("response")
            .and_then(Value::as_str)
            .unwrap_or("invalid")
            .to_string();
        let path = format!("/topics-v1/{command}");
        push(
            &self.st,
            LoggedRequest {
                method: "WS".into(),
                route: path.clone(),
                path,
                query: String::new(),
                status: if reply.ok { 200 } else { 400 },
                tenant_id: reply.who.as_ref().map(|w| w.0),
                client_id: reply.who.as_ref().map(|w| w.1.clone()),
                error_code: None,
                at: String::new(),
            },
        );
        reply
    }

    fn add_tenants(&mut self, cmd: &Map<String, Value>, request_id: Value) -> Reply {
        const NAME: &str = "add-tenants-v1";
        let Some(tokens) = cmd.get("accessTokens").and_then(Value::as_array) else {
            return Reply::error(Some(NAME), request_id, "accessTokens is missing.");
        };
        let secret = cmd.get("clientSecret").and_then(Value::as_str);
        let mut tenant_ids = Map::new();
        let mut invalid = Vec::new();
        let mut who = BTreeMap::new();
        {
            let w = self.st.lock();
            let now = w.clock.now();
            for raw in tokens {
                let Some(sent) = raw.as_str() else {
                    invalid.push(raw.clone());
                    continue;
                };
                let valid = w.tokens.access.get(strip_bearer(sent)).filter(|at| {
                    at.expires > now
                        && w.tenants.contains_key(&at.tenant)
                        && secret.is_some_and(|s| {
                            w.apps
                                .get(&at.client_id)
                                .is_some_and(|app| app.client_secret == s)
                        })
                });
                match valid {
                    Some(at) => {
                        tenant_ids.insert(sent.to_string(), json!(at.tenant));
                        who.insert(at.tenant, at.client_id.clone());
                        self.info.tenant_ids.insert(at.tenant);
                    }
                    None => invalid.push(json!(sent)),
                }
            }
        }
        let ok = invalid.is_empty() && !tokens.is_empty();
        let mut extra = Map::new();
        extra.insert("tenantIds".into(), Value::Object(tenant_ids));
        extra.insert("invalidTokens".into(), Value::Array(invalid));
        let mut reply = Reply::new(NAME, request_id, ok, extra);
        if who.len() == 1 {
            reply.who = who.into_iter().next();
        }
        reply
    }

    fn remove_tenants(&mut self, cmd: &Map<String, Value>, request_id: Value) -> Reply {
        const NAME: &str = "remove-tenants-v1";
        let Some(ids) = cmd.get("tenantIds").and_then(Value::as_array) else {
            return Reply::error(Some(NAME), request_id, "tenantIds is missing.");
        };
        let removed: Vec<u64> = ids
            .iter()
            .filter_map(Value::as_u64)
            .filter(|id| self.info.tenant_ids.remove(id))
            .collect();
        let mut extra = Map::new();
        extra.insert("tenantIds".into(), json!(removed));
        Reply::new(NAME, request_id, true, extra)
    }

    fn add_topics(&mut self, cmd: &Map<String, Value>, request_id: Value) -> Reply {
        const NAME: &str = "add-topics-v1";
        let Some(topics) = cmd.get("topics").and_then(Value::as_array) else {
            return Reply::error(Some(NAME), request_id, "topics is missing.");
        };
        let mut invalid = Vec::new();
        for item in topics {
            let name = item.get("topic").and_then(Value::as_str);
            let Some(name) = name.filter(|n| TOPICS.contains(n)) else {
                invalid.push(name.map_or_else(|| item.clone(), |n| json!(n)));
                continue;
            };
            let end = self.bus.next_seq(name);
            let start = match item.get("offset") {
                None | Some(Value::Null) => Some(end),
                Some(Value::String(s)) => decode_offset(s).map(|seq| seq.clamp(1, end)),
                Some(_) => None,
            };
            match start {
                Some(seq) => {
                    self.cursors.insert(name.to_string(), seq);
                    self.info.topics.insert(name.to_string());
                }
                None => invalid.push(json!(name)),
            }
        }
        let ok = invalid.is_empty() && !topics.is_empty();
        let mut extra = Map::new();
        extra.insert("invalidTopics".into(), Value::Array(invalid));
        Reply::new(NAME, request_id, ok, extra)
    }

    /// Sends every event after the cursors that belongs to an added tenant.
    async fn deliver(&mut self, socket: &mut WebSocket) -> Result<(), axum::Error> {
        if !self.info.subscribed {
            return Ok(());
        }
        let cutoff = self.st.now() - time::Duration::days(RETENTION_DAYS);
        let mut batch = Vec::new();
        for (topic, cursor) in self.cursors.iter_mut() {
            let (events, next) = self.bus.read(topic, *cursor, cutoff);
            *cursor = next;
            batch.extend(
                events
                    .into_iter()
                    .filter(|e| self.info.tenant_ids.contains(&e.tenant_id)),
            );
        }
        if batch.is_empty() {
            return Ok(());
        }
        for event in batch {
            send(socket, &json!(event)).await?;
            self.info.delivered += 1;
            if self.history.len() == HISTORY {
                self.history.pop_front();
            }
            self.history.push_back(event);
        }
        self.publish();
        Ok(())
    }

    /// Re-sends the last `n` delivered events, oldest first.
    async fn duplicate(&mut self, socket: &mut WebSocket, n: usize) -> Result<(), axum::Error> {
        let skip = self.history.len().saturating_sub(n);
        let again: Vec<TopicEvent> = self.history.iter().skip(skip).cloned().collect();
        for event in again {
            send(socket, &json!(event)).await?;
            self.info.delivered += 1;
        }
        self.publish();
        Ok(())
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.bus.unregister(self.info.id);
    }
}

async fn send(socket: &mut WebSocket, body: &Value) -> Result<(), axum::Error> {
    socket.send(Message::Text(body.to_string().into())).await
}
