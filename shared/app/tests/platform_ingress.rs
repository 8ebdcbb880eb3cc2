//! Shopify and WooCommerce deliveries through the ingress use case: their signatures, topics,
//! statuses, pings and dedupe keys. Bodies are the reference payloads in ../shared/reference.

use base64::Engine;
use fortsync_app::ingress::{self, Accepted, Delivery, IngressDeps, IngressError};
use fortsync_app::memory::{ManualClock, MemoryQueue, MemorySecrets, MemoryStore};
use fortsync_app::secrets::{SecretCache, SecretNames};
use fortsync_app::*;
use fortsync_domain::TenantId;
use fortsync_domain::tenant::Tenant;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use std::sync::Arc;
use std::time::Duration;

const SECRET: &str = "shop-secret";

fn reference(path: &str) -> Vec<u8> {
    let p = format!(
        "{}/../../../shared/reference/webshop/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn b64_sig(body: &[u8], key: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

async fn deps() -> (IngressDeps, Arc<MemoryQueue>) {
    let store = Arc::new(MemoryStore::default());
    let queue = Arc::new(MemoryQueue::new(Duration::from_secs(30), 5));
    let secrets = Arc::new(MemorySecrets::default());
    let names = SecretNames::new("test");
    let t = TenantId::parse("shop").unwrap();
    secrets
        .put_secret(
            &names.webhook(&t),
            &SecretString::new(format!(r#"{{"current":"{SECRET}"}}"#)),
        )
        .await
        .unwrap();
    store.put_tenant(&Tenant::new(t)).await.unwrap();
    let deps = IngressDeps {
        tenants: store.clone(),
        deliveries: store.clone(),
        orders: store,
        queue: queue.clone(),
        secrets: Arc::new(SecretCache::new(secrets, Duration::from_secs(300))),
        names,
        clock: Arc::new(ManualClock::new(
            time::macros::datetime!(2026-11-20 12:00 UTC),
        )),
        max_body_bytes: 256 * 1024,
    };
    (deps, queue)
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    h
}

async fn send(
    d: &IngressDeps,
    platform: &str,
    h: &HeaderMap,
    body: &[u8],
) -> Result<Accepted, IngressError> {
    ingress::receive_order(
        d,
        Delivery {
            tenant: "shop",
            platform,
            headers: h,
            body,
        },
    )
    .await
}

#[tokio::test]
async fn a_paid_shopify_order_is_queued_once_per_event() {
    let (d, queue) = deps().await;
    let body = reference("shopify/order.json");
    let sig = b64_sig(&body, SECRET);
    let h = headers(&[
        ("x-shopify-hmac-sha256", &sig),
        ("x-shopify-topic", "orders/paid"),
        ("x-shopify-event-id", "ev-1"),
        ("x-shopify-webhook-id", "wh-1"),
    ]);
    assert!(matches!(
        send(&d, "shopify", &h, &body).await.unwrap(),
        Accepted::Queued { .. }
    ));
    assert_eq!(
        send(&d, "shopify", &h, &body).await.unwrap(),
        Accepted::Duplicate
    );
    assert_eq!(queue.len(), 1);
}

#[tokio::test]
async fn shopify_topics_that_do_not_sync_are_answered_without_work() {
    let (d, queue) = deps().await;
    let body = reference("shopify/order.json");
    let sig = b64_sig(&body, SECRET);
    let created = headers(&[
        ("x-shopify-hmac-sha256", &sig),
        ("x-shopify-topic", "orders/create"),
    ]);
    assert!(matches!(
        send(&d, "shopify", &created, &body).await.unwrap(),
        Accepted::Ignored(_)
    ));
    // A refund of an order that never synced has nothing to credit.
    let refund_body = reference("shopify/refund.json");
    let refund = headers(&[
        ("x-shopify-hmac-sha256", &b64_sig(&refund_body, SECRET)),
        ("x-shopify-topic", "refunds/create"),
    ]);
    let got = send(&d, "shopify", &refund, &refund_body).await.unwrap();
    assert!(
        matches!(&got, Accepted::Ignored(why) if why.contains("never synced")),
        "{got:?}"
    );
    assert!(queue.is_empty());
}

#[tokio::test]
async fn shopify_signatures_are_base64_over_the_raw_body() {
    let (d, _) = deps().await;
    let body = reference("shopify/order.json");
    let wrong = b64_sig(&body, "not-the-secret");
    let h = headers(&[
        ("x-shopify-hmac-sha256", &wrong),
        ("x-shopify-topic", "orders/paid"),
    ]);
    assert!(matches!(
        send(&d, "shopify", &h, &body).await,
        Err(IngressError::Unauthorized)
    ));
    let hex_style = headers(&[(
        "x-fortsync-signature",
        &fortsync_app::signature::sign_hex(&body, SECRET.as_bytes()),
    )]);
    assert!(matches!(
        send(&d, "shopify", &hex_style, &body).await,
        Err(IngressError::Unauthorized)
    ));
}

#[tokio::test]
async fn the_woocommerce_creation_ping_is_acknowledged() {
    let (d, queue) = deps().await;
    let h = headers(&[("content-type", "application/x-www-form-urlencoded")]);
    assert_eq!(
        send(&d, "woocommerce", &h, b"webhook_id=17").await.unwrap(),
        Accepted::Ping
    );
    assert!(queue.is_empty());
}

#[tokio::test]
async fn a_woocommerce_order_version_is_processed_once_whatever_the_delivery_id() {
    let (d, queue) = deps().await;
    let raw = reference("woocommerce/order.json");
    let mut order: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    order["status"] = "processing".into();
    let body = serde_json::to_vec(&order).unwrap();
    let sig = b64_sig(&body, SECRET);
    for delivery in ["d-1", "d-2", "d-3"] {
        let h = headers(&[
            ("x-wc-webhook-signature", &sig),
            ("x-wc-webhook-topic", "order.updated"),
            ("x-wc-webhook-delivery-id", delivery),
        ]);
        let got = send(&d, "woocommerce", &h, &body).await.unwrap();
        if delivery == "d-1" {
            assert!(matches!(got, Accepted::Queued { .. }), "{got:?}");
        } else {
            assert_eq!(got, Accepted::Duplicate);
        }
    }
    assert_eq!(queue.len(), 1);

    order["status"] = "on-hold".into();
    let held = serde_json::to_vec(&order).unwrap();
    let h = headers(&[
        ("x-wc-webhook-signature", &b64_sig(&held, SECRET)),
        ("x-wc-webhook-topic", "order.updated"),
    ]);
    // The same version (date_modified) in a status that does not sync: no work.
    let got = send(&d, "woocommerce", &h, &held).await.unwrap();
    assert!(
        matches!(got, Accepted::Duplicate | Accepted::Ignored(_)),
        "{got:?}"
    );
    assert_eq!(queue.len(), 1);
    let h = headers(&[
        ("x-wc-webhook-signature", "AAAA"),
        ("x-wc-webhook-topic", "order.updated"),
    ]);
    assert!(matches!(
        send(&d, "woocommerce", &h, &body).await,
        Err(IngressError::Unauthorized)
    ));
}

#[tokio::test]
async fn a_tenant_chooses_which_topics_and_statuses_sync() {
    let (d, queue) = deps().await;
    let mut tenant = Tenant::new(TenantId::parse("shop").unwrap());
    tenant.settings.sync_on.shopify_topics = vec!["orders/create".into()];
    tenant.settings.sync_on.woocommerce_statuses = vec!["completed".into()];
    tenant.settings.validate().unwrap();
    d.tenants.put_tenant(&tenant).await.unwrap();

    let body = reference("shopify/order.json");
    let sig = b64_sig(&body, SECRET);
    let paid = headers(&[
        ("x-shopify-hmac-sha256", &sig),
        ("x-shopify-topic", "orders/paid"),
    ]);
    assert!(matches!(
        send(&d, "shopify", &paid, &body).await.unwrap(),
        Accepted::Ignored(_)
    ));
    let created = headers(&[
        ("x-shopify-hmac-sha256", &sig),
        ("x-shopify-topic", "orders/create"),
    ]);
    assert!(matches!(
        send(&d, "shopify", &created, &body).await.unwrap(),
        Accepted::Queued { .. }
    ));

    let woo = reference("woocommerce/order.json"); // status "processing"
    let h = headers(&[
        ("x-wc-webhook-signature", &b64_sig(&woo, SECRET)),
        ("x-wc-webhook-topic", "order.updated"),
    ]);
    assert!(matches!(
        send(&d, "woocommerce", &h, &woo).await.unwrap(),
        Accepted::Ignored(_)
    ));
    assert_eq!(queue.len(), 1);

    tenant.settings.sync_on.shopify_topics = vec!["orders/deleted".into()];
    assert!(
        tenant.settings.validate().is_err(),
        "only order topics can be chosen"
    );
}
