//! What differs per shop platform: how deliveries are signed, which events mean "sync this
//! order", how the body parses, and what identifies a delivery for dedupe.

use crate::signature::Encoding;
use fortsync_domain::OrderId;
use fortsync_domain::order::{Order, Platform, Refund};
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

/// Shopify's refund topic: the body is a refund, not an order.
pub const SHOPIFY_REFUND_TOPIC: &str = "refunds/create";

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
    /// A version of the order (with the refunds its body lists, if any).
    Sync {
        order: Box<Order>,
        refunds: Vec<Refund>,
        key: String,
        /// Only acted on when the order is known already (a cancellation, a refund, an edit
        /// or status the tenant does not sync new orders on).
        known_only: bool,
    },
    /// A Shopify refund: parsed once the stored order says its VAT basis.
    ShopifyRefund { order_id: OrderId, key: String },
    /// A valid delivery that needs no work (a topic or status that does not sync).
    Ignore(String),
}

#[derive(Debug)]
pub struct Invalid(pub String);

fn shopify_key(headers: &HeaderMap, body: &[u8]) -> String {
    // The event id is the same for one event sent to several subscriptions; the webhook id stays
    // the same across Shopify's retries of one delivery.
    match (
        header(headers, SHOPIFY_EVENT),
        header(headers, SHOPIFY_WEBHOOK),
    ) {
        (Some(e), _) => format!("shopify:event:{}", safe(e)),
        (None, Some(w)) => format!("shopify:webhook:{}", safe(w)),
        (None, None) => format!("shopify:sha256:{}", body_hash(body)),
    }
}

/// What the delivery asks for under the tenant's triggers (`settings.sync_on`).
pub fn classify(
    platform: Platform,
    headers: &HeaderMap,
    body: &[u8],
    sync_on: &SyncTriggers,
) -> Result<Intent, Invalid> {
    let invalid = |e: &dyn std::fmt::Display| Invalid(e.to_string());
    match platform {
        Platform::Generic => {
            let (order, refunds) = generic::parse_with_refunds(body).map_err(|e| invalid(&e))?;
            let key = match header(headers, GENERIC_DELIVERY) {
                Some(id) => format!("generic:id:{}", safe(id)),
                None => format!("generic:sha256:{}", body_hash(body)),
            };
            let known_only = order.cancelled;
            Ok(Intent::Sync {
                order: Box::new(order),
                refunds,
                key,
                known_only,
            })
        }
        Platform::Shopify => {
            let topic = header(headers, SHOPIFY_TOPIC).unwrap_or("");
            let key = shopify_key(headers, body);
            if topic == SHOPIFY_REFUND_TOPIC {
                let order_id = shopify::refund_order_id(body).map_err(|e| invalid(&e))?;
                return Ok(Intent::ShopifyRefund { order_id, key });
            }
            let syncs = sync_on.shopify_topics.iter().any(|t| t == topic);
            if !syncs && !SHOPIFY_ORDER_TOPICS.contains(&topic) && topic != "orders/cancelled" {
                return Ok(Intent::Ignore(format!("topic {topic:?} is not handled")));
            }
            let order = shopify::parse_order(body).map_err(|e| invalid(&e))?;
            Ok(Intent::Sync {
                known_only: !syncs || order.cancelled,
                order: Box::new(order),
                refunds: Vec::new(),
                key,
            })
        }
        Platform::Woocommerce => {
            let topic = header(headers, WOO_TOPIC).unwrap_or("");
            if !matches!(topic, "order.created" | "order.updated") {
                return Ok(Intent::Ignore(format!("topic {topic:?} is not handled")));
            }
            let status = woocommerce::status(body).unwrap_or_default();
            let syncs = sync_on
                .woocommerce_statuses
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&status));
            let order = woocommerce::parse_order(body).map_err(|e| invalid(&e))?;
            let refunds = woocommerce::parse_refunds(body).map_err(|e| invalid(&e))?;
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
                known_only: !syncs || order.cancelled,
                order: Box::new(order),
                refunds,
                key,
            })
        }
    }
}
