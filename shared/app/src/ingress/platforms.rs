//! What differs per shop platform: how deliveries are signed, which events mean "sync this
//! order", how the body parses, and what identifies a delivery for dedupe.

use crate::signature::Encoding;
use fortsync_domain::order::{Order, Platform};
use fortsync_domain::settings::{SHOPIFY_ORDER_TOPICS, SyncTriggers};
use fortsync_domain::{generic, shopify, woocommerce};
use http::HeaderMap;
use sha2::{Digest, Sha256};

pub const GENERIC_SIGNATURE: &str = "x-fortsync-signature";
pub const GENERIC_DELIVERY: &str = "x-fortsync-delivery-id";
pub const SHOPIFY_SIGNATURE: &str = "x-shopify-hmac-sha256";
pub const SHOPIFY_TOPIC: &str = "x-shopify-topic";
pub const SHOPIFY_EVENT: &str = "x-shopify-event-id";
pub const SHOPIFY_WEBHOOK: &str = "x-shopify-webhook-id";
pub const WOO_SIGNATURE: &str = "x-wc-webhook-signature";
pub const WOO_TOPIC: &str = "x-wc-webhook-topic";
pub const WOO_DELIVERY: &str = "x-wc-webhook-delivery-id";

/// Topics whose handling is not built yet: refused with 501 so the shop keeps them for later
/// rather than having them silently dropped.
const SHOPIFY_PENDING_TOPICS: &[&str] = &["orders/cancelled", "refunds/create"];

pub fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn safe(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(128)
        .collect()
}

fn body_hash(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// Where the signature is and how it is encoded.
pub fn signature(platform: Platform, headers: &HeaderMap) -> Option<(&str, Encoding)> {
    match platform {
        Platform::Generic => header(headers, GENERIC_SIGNATURE).map(|s| (s, Encoding::Hex)),
        Platform::Shopify => header(headers, SHOPIFY_SIGNATURE).map(|s| (s, Encoding::Base64)),
        Platform::Woocommerce => header(headers, WOO_SIGNATURE).map(|s| (s, Encoding::Base64)),
    }
}

/// WooCommerce's creation ping: a form-encoded `webhook_id=N`, sent when a webhook is saved.
pub fn is_woocommerce_ping(headers: &HeaderMap, body: &[u8]) -> bool {
    header(headers, WOO_TOPIC).is_none()
        && std::str::from_utf8(body).is_ok_and(|b| {
            let b = b.trim();
            b.starts_with("webhook_id=")
                && b["webhook_id=".len()..].bytes().all(|c| c.is_ascii_digit())
        })
}

/// What a (verified) delivery asks for.
#[derive(Debug)]
pub enum Intent {
    Sync {
        order: Box<Order>,
        key: String,
    },
    /// A valid delivery that needs no work (a topic or status that does not sync).
    Ignore(String),
    /// A topic fortsync will handle but does not yet.
    NotYet(String),
}

#[derive(Debug)]
pub struct Invalid(pub String);

/// What the delivery asks for under the tenant's triggers (`settings.sync_on`).
pub fn classify(
    platform: Platform,
    headers: &HeaderMap,
    body: &[u8],
    sync_on: &SyncTriggers,
) -> Result<Intent, Invalid> {
    match platform {
        Platform::Generic => {
            let order = generic::parse(body).map_err(|e| Invalid(e.to_string()))?;
            let key = match header(headers, GENERIC_DELIVERY) {
                Some(id) => format!("generic:id:{}", safe(id)),
                None => format!("generic:sha256:{}", body_hash(body)),
            };
            Ok(Intent::Sync {
                order: Box::new(order),
                key,
            })
        }
        Platform::Shopify => {
            let topic = header(headers, SHOPIFY_TOPIC).unwrap_or("");
            if SHOPIFY_PENDING_TOPICS.contains(&topic) {
                return Ok(Intent::NotYet(topic.to_owned()));
            }
            if !sync_on.shopify_topics.iter().any(|t| t == topic) {
                let why = if SHOPIFY_ORDER_TOPICS.contains(&topic) {
                    format!("topic {topic} does not sync orders under this tenant's settings")
                } else {
                    format!("topic {topic:?} is not handled")
                };
                return Ok(Intent::Ignore(why));
            }
            let order = shopify::parse_order(body).map_err(|e| Invalid(e.to_string()))?;
            // The event id is the same for one event sent to several subscriptions; the webhook
            // id stays the same across Shopify's retries of one delivery.
            let key = match (
                header(headers, SHOPIFY_EVENT),
                header(headers, SHOPIFY_WEBHOOK),
            ) {
                (Some(e), _) => format!("shopify:event:{}", safe(e)),
                (None, Some(w)) => format!("shopify:webhook:{}", safe(w)),
                (None, None) => format!("shopify:sha256:{}", body_hash(body)),
            };
            Ok(Intent::Sync {
                order: Box::new(order),
                key,
            })
        }
        Platform::Woocommerce => {
            let topic = header(headers, WOO_TOPIC).unwrap_or("");
            if !matches!(topic, "order.created" | "order.updated") {
                return Ok(Intent::Ignore(format!("topic {topic:?} is not handled")));
            }
            let status = woocommerce::status(body).unwrap_or_default();
            if !sync_on
                .woocommerce_statuses
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&status))
            {
                return Ok(Intent::Ignore(format!(
                    "order status {status:?} does not sync"
                )));
            }
            let order = woocommerce::parse_order(body).map_err(|e| Invalid(e.to_string()))?;
            // WooCommerce sends a new delivery id on every send, so the order's version
            // (id + date_modified) is what makes a repeat recognisable.
            let key = match &order.updated_at {
                Some(v) => format!("woocommerce:{}:{}", order.id, safe(v)),
                None => match header(headers, WOO_DELIVERY) {
                    Some(d) => format!("woocommerce:delivery:{}", safe(d)),
                    None => format!("woocommerce:sha256:{}", body_hash(body)),
                },
            };
            Ok(Intent::Sync {
                order: Box::new(order),
                key,
            })
        }
    }
}
