//! Use cases and the ports they need. Handlers (Lambda or local) call these; adapters
//! (DynamoDB, SQS, Secrets Manager, Fortnox HTTP) implement the ports; `memory` holds an
//! in-memory twin of every store port for tests and the local demo.
//!
//! # Layout
//! - [`ports`]: the traits, each with its contract; [`oauth`]: those of the connect flow and
//!   the token lifecycle.
//! - [`ingress`]: signed order webhook → dedupe → order record → queue.
//! - [`callback`]: the invoice-status callback's signed wire contract.
//! - [`connect`]: the OAuth connect flow and disconnect.
//! - [`worker`]: one queued job → the order state machine against Fortnox.
//! - [`signature`]: constant-time HMAC-SHA256 verification over the raw body.
//! - [`secrets`]: secret names and a TTL cache in front of the secret store.
//! - [`registers`]: the Fortnox side of the register sync (articles, prices, stock, customers).
//! - [`shop`]: the webshop port (register sync, status write-back).
//! - [`memory`]: in-memory adapters.

pub mod balance;
pub mod callback;
pub mod connect;
pub mod ingress;
pub mod memory;
pub mod oauth;
pub mod ports;
pub mod rate;
pub mod registers;
pub mod secrets;
pub mod shop;
pub mod signature;
pub mod sync;
pub mod worker;

pub use ports::*;

/// RFC 3339 text of a timestamp (UTC), the format used in every record.
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}
