//! The invoice-status callback's wire contract, shared by its senders (the `fortsync-relay`,
//! a merchant's own automation) and the `invoice-status` function.
//!
//! `POST /callbacks/{tenant}/invoice-status` with
//! - `X-Fortsync-Timestamp: <unix seconds>`: refused when more than 5 minutes from now;
//! - `X-Fortsync-Event-Id: <unique id>`: a repeat is acknowledged and dropped;
//! - `X-Fortsync-Signature: sha256=<hex HMAC-SHA256 over "{timestamp}.{raw body}">`, keyed with
//!   the tenant's callback secret (`{prefix}/tenants/{t}/callback`, `{"current", "previous"}`).
//!
//! Signing the timestamp with the body makes a captured request useless after 5 minutes and
//! the event id makes it useless within them.

use serde::{Deserialize, Serialize};

pub const TIMESTAMP_HEADER: &str = "x-fortsync-timestamp";
pub const EVENT_HEADER: &str = "x-fortsync-event-id";
pub const SIGNATURE_HEADER: &str = "x-fortsync-signature";
/// How far a callback's timestamp may be from the receiver's clock.
pub const MAX_SKEW_SECS: i64 = 300;

/// The body: which invoice changed (by Fortnox number, or by our external reference), and
/// optionally what happened. A payment event may name only the payment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusNotice {
    /// Fortnox invoice `DocumentNumber`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<String>,
    /// `ExternalInvoiceReference1` (`fortsync:{tenant}:{order}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_reference: Option<String>,
    /// Fortnox invoice payment `Number` (payment events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<String>,
    /// The event type, e.g. `invoice-bookkeep-v1` (informational: the worker reads Fortnox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
}

/// What is signed: `"{timestamp}.{body}"`.
pub fn signing_input(timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut input = format!("{timestamp}.").into_bytes();
    input.extend_from_slice(body);
    input
}

/// The `X-Fortsync-Signature` value for a body sent at `timestamp`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    crate::signature::sign_hex(&signing_input(timestamp, body), secret)
}

/// Whether `header` is a valid signature of the body at `timestamp` under any of `keys`
/// (constant-time comparison), and the timestamp is within [`MAX_SKEW_SECS`] of `now`.
pub fn verify(keys: &[&[u8]], timestamp: i64, now: i64, body: &[u8], header: &str) -> bool {
    (timestamp - now).abs() <= MAX_SKEW_SECS
        && crate::signature::verify(
            &signing_input(timestamp, body),
            header,
            crate::signature::Encoding::Hex,
            keys,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_binds_the_timestamp_and_the_body() {
        let body = br#"{"invoice":"12"}"#;
        let sig = sign(b"k", 1_000, body);
        assert!(verify(&[b"k"], 1_000, 1_100, body, &sig));
        assert!(
            !verify(&[b"k"], 1_001, 1_100, body, &sig),
            "another timestamp"
        );
        assert!(!verify(&[b"k"], 1_000, 1_100, br#"{"invoice":"13"}"#, &sig));
        assert!(!verify(&[b"other"], 1_000, 1_100, body, &sig));
        assert!(!verify(&[b"k"], 1_000, 1_000 + 301, body, &sig), "stale");
        assert!(
            verify(&[b"old", b"k"], 1_000, 1_000, body, &sig),
            "rotation"
        );
    }
}
