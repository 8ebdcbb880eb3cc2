//! The event log behind the WebSocket topics endpoint (`/topics-v1`, see [`crate::topics`]).
//!
//! Fortnox runs its topics on Kafka: one ordered log per topic, an offset per event, at-least-once
//! delivery, about 14 days of replay (`docs/fortnox-api.md` §9). The simulator keeps one
//! in-memory log per topic for all tenants, like Kafka.
//!
//! # What the simulator emits
//!
//! Only the `invoices` topic is fed by the REST handlers (per the tenant of the token that made
//! the change): `invoice-created-v1` (POST, `createinvoice` on an order, the credit note of
//! `credit`, seeding), `invoice-updated-v1` (PUT, the original of `credit`, and every successful
//! `email` / `externalprint`, whether or not `Sent` changed), `invoice-bookkeep-v1`,
//! `invoice-cancelled-v1`, `invoicepayment-bookkeep-v1` and `invoicepayment-deleted-v1`
//! (entityId = the payment's `Number`). Creating or changing a payment emits nothing (Fortnox
//! lists no such event) and neither does the `Balance` change it causes. Every other topic of
//! [`TOPICS`] is accepted but only carries events added through the control API
//! (`POST /__sim/events`).
//!
//! # Offsets (choices; Fortnox's are opaque, e.g. `"xDy7J"`)
//!
//! - An offset is the event's 1-based sequence number in its topic, in lowercase base 36,
//!   zero-padded to [`OFFSET_WIDTH`] characters, so offsets of one topic sort as strings.
//! - `add-topics-v1` with an offset starts delivery **at** that offset (inclusive, as a Kafka
//!   seek): a consumer that resumes with the offset of the last event it processed receives that
//!   event once more, then everything after it. An offset past the end starts at the next new
//!   event; one older than the retention starts at the oldest retained event. Without an offset
//!   delivery starts with the first event appended after the `add-topics-v1` command.
//! - Retention: events older than [`RETENTION_DAYS`] days (simulator clock) are not replayed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::macros::format_description;
use tokio::sync::broadcast;

/// Topics accepted by `add-topics-v1` (zenta-ab `WebSocketTopic.cs` plus the ones named in
/// other sources; `docs/fortnox-api.md` §9).
pub const TOPICS: &[&str] = &[
    "invoices",
    "customers",
    "orders",
    "offers",
    "articles",
    "currencies",
    "termsofdeliveries",
    "waysofdeliveries",
    "termsofpayments",
    "supplier-invoices",
    "vouchers",
    "projects",
    "suppliers",
    "financial-years",
    "cost-centers",
    "warehouse-stockbalances",
];

/// Days of replay kept (Fortnox: "two weeks").
pub const RETENTION_DAYS: i64 = 14;

/// Characters of an encoded offset.
pub const OFFSET_WIDTH: usize = 10;

/// Event types the REST handlers emit on the `invoices` topic.
pub mod kind {
    pub const INVOICE_CREATED: &str = "invoice-created-v1";
    pub const INVOICE_UPDATED: &str = "invoice-updated-v1";
    pub const INVOICE_BOOKKEEP: &str = "invoice-bookkeep-v1";
    pub const INVOICE_CANCELLED: &str = "invoice-cancelled-v1";
    pub const PAYMENT_BOOKKEEP: &str = "invoicepayment-bookkeep-v1";
    pub const PAYMENT_DELETED: &str = "invoicepayment-deleted-v1";
}

/// One event as sent on the WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicEvent {
    pub topic: String,
    pub offset: String,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(rename = "tenantId")]
    pub tenant_id: u64,
    #[serde(rename = "entityId")]
    pub entity_id: String,
    /// Stockholm local time with milliseconds and offset, e.g. `2026-03-10T11:00:00.000+01:00`.
    pub timestamp: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub seq: u64,
    pub at: OffsetDateTime,
    pub event: TopicEvent,
}

/// What live connections are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// New events were appended: deliver what is after each cursor.
    Appended,
    /// Re-send the last `n` events delivered on the connection (at-least-once duplicates).
    Duplicate(usize),
    /// Close every connection; `graceful` sends a close frame first, otherwise the TCP
    /// connection is simply dropped.
    Drop { graceful: bool },
}

/// What a live connection has registered, for the control API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionInfo {
    pub id: u64,
    pub tenant_ids: BTreeSet<u64>,
    pub topics: BTreeSet<String>,
    pub subscribed: bool,
    /// Events sent on the connection so far (duplicates included).
    pub delivered: u64,
}

pub(crate) struct EventBus {
    log: Mutex<BTreeMap<String, Vec<Stored>>>,
    connections: Mutex<BTreeMap<u64, ConnectionInfo>>,
    next_connection: AtomicU64,
    signals: broadcast::Sender<Signal>,
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventBus")
    }
}

/// `seq` as an offset string.
pub fn encode_offset(seq: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::with_capacity(OFFSET_WIDTH);
    let mut n = seq;
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    while out.len() < OFFSET_WIDTH {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The sequence number of an offset string; None for anything the simulator never issues
/// (empty, not lowercase base 36, longer than [`OFFSET_WIDTH`]).
pub fn decode_offset(s: &str) -> Option<u64> {
    if s.is_empty()
        || s.len() > OFFSET_WIDTH
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    {
        return None;
    }
    u64::from_str_radix(s, 36).ok()
}

/// Fortnox's event timestamp format (Stockholm local time).
pub(crate) fn fmt_timestamp(utc: OffsetDateTime) -> String {
    crate::clock::stockholm(utc)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3][offset_hour sign:mandatory]:[offset_minute]"
        ))
        .unwrap_or_default()
}

impl EventBus {
    pub fn new() -> Self {
        let (signals, _) = broadcast::channel(4096);
        EventBus {
            log: Mutex::new(BTreeMap::new()),
            connections: Mutex::new(BTreeMap::new()),
            next_connection: AtomicU64::new(1),
            signals,
        }
    }

    fn log(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<Stored>>> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn conns(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, ConnectionInfo>> {
        self.connections.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends an event and wakes the live connections.
    pub fn emit(
        &self,
        topic: &str,
        event_type: &str,
        tenant_id: u64,
        entity_id: &str,
        now: OffsetDateTime,
    ) -> TopicEvent {
        let event = {
            let mut log = self.log();
            let events = log.entry(topic.to_string()).or_default();
            let seq = events.len() as u64 + 1;
            let event = TopicEvent {
                topic: topic.to_string(),
                offset: encode_offset(seq),
                event_type: event_type.to_string(),
                tenant_id,
                entity_id: entity_id.to_string(),
                timestamp: fmt_timestamp(now),
            };
            events.push(Stored {
                seq,
                at: now,
                event: event.clone(),
            });
            event
        };
        // No receiver: nobody is connected, nothing to wake.
        let _ = self.signals.send(Signal::Appended);
        event
    }

    /// The sequence number the next event of `topic` gets.
    pub fn next_seq(&self, topic: &str) -> u64 {
        self.log().get(topic).map_or(0, Vec::len) as u64 + 1
    }

    /// Events of `topic` with sequence ≥ `from` and not older than `cutoff`, and the sequence
    /// number to continue from.
    pub fn read(&self, topic: &str, from: u64, cutoff: OffsetDateTime) -> (Vec<TopicEvent>, u64) {
        let log = self.log();
        let Some(events) = log.get(topic) else {
            return (Vec::new(), from);
        };
        let start = usize::try_from(from.saturating_sub(1)).unwrap_or(usize::MAX);
        let out = events
            .iter()
            .skip(start)
            .filter(|s| s.at >= cutoff)
            .map(|s| s.event.clone())
            .collect();
        let next = events.last().map_or(from, |s| (s.seq + 1).max(from));
        (out, next)
    }

    /// Every stored event of `topic` (all topics when None), oldest first per topic.
    pub fn all(&self, topic: Option<&str>) -> Vec<TopicEvent> {
        self.log()
            .iter()
            .filter(|(t, _)| topic.is_none_or(|want| want == t.as_str()))
            .flat_map(|(_, events)| events.iter().map(|s| s.event.clone()))
            .collect()
    }

    pub fn listen(&self) -> broadcast::Receiver<Signal> {
        self.signals.subscribe()
    }

    /// Sends a signal to the live connections; returns how many there are.
    pub fn signal(&self, signal: Signal) -> usize {
        self.signals.send(signal).unwrap_or(0)
    }

    pub fn register(&self) -> u64 {
        let id = self.next_connection.fetch_add(1, Ordering::Relaxed);
        self.conns().insert(
            id,
            ConnectionInfo {
                id,
                ..Default::default()
            },
        );
        id
    }

    pub fn update(&self, info: ConnectionInfo) {
        if let Some(slot) = self.conns().get_mut(&info.id) {
            *slot = info;
        }
    }

    pub fn unregister(&self, id: u64) {
        self.conns().remove(&id);
    }

    pub fn connections(&self) -> Vec<ConnectionInfo> {
        self.conns().values().cloned().collect()
    }

    /// Forgets every event and closes every connection.
    pub fn reset(&self) {
        self.log().clear();
        self.signal(Signal::Drop { graceful: false });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn offsets_round_trip_and_sort() {
        assert_eq!(encode_offset(1), "0000000001");
        assert_eq!(encode_offset(36), "0000000010");
        assert_eq!(decode_offset("0000000010"), Some(36));
        assert_eq!(decode_offset("zz"), Some(36 * 36 - 1));
        assert_eq!(decode_offset(""), None);
        assert_eq!(decode_offset("ABC"), None);
        assert_eq!(decode_offset("0000000000000"), None);
        let mut v: Vec<String> = [1u64, 35, 36, 1000, 99_999].map(encode_offset).to_vec();
        let sorted = v.clone();
        v.sort();
        assert_eq!(v, sorted);
    }

    #[test]
    fn timestamp_is_stockholm_with_millis() {
        assert_eq!(
            fmt_timestamp(datetime!(2026-01-15 12:00:01.5 UTC)),
            "2026-01-15T13:00:01.500+01:00"
        );
        assert_eq!(
            fmt_timestamp(datetime!(2026-07-15 12:00 UTC)),
            "2026-07-15T14:00:00.000+02:00"
        );
    }

    #[test]
    fn read_is_inclusive_and_honours_retention() {
        let bus = EventBus::new();
        let t0 = datetime!(2026-01-01 00:00 UTC);
        for i in 0..3i64 {
            bus.emit(
                "invoices",
                kind::INVOICE_CREATED,
                1,
                &i.to_string(),
                t0 + time::Duration::days(i * 10),
            );
        }
        let (events, next) = bus.read("invoices", 2, t0);
        assert_eq!(
            events
                .iter()
                .map(|e| e.entity_id.as_str())
                .collect::<Vec<_>>(),
            ["1", "2"]
        );
        assert_eq!(next, 4);
        let (events, _) = bus.read("invoices", 1, t0 + time::Duration::days(5));
        assert_eq!(events.len(), 2);
        let (events, next) = bus.read("invoices", 9, t0);
        assert!(events.is_empty());
        assert_eq!(next, 9);
        assert_eq!(bus.next_seq("invoices"), 4);
        assert_eq!(bus.next_seq("orders"), 1);
    }
}
