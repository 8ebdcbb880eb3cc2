//! The whole chain with nothing stubbed: an invoice fortsync wrote is bookkept and paid in the
//! Fortnox simulator → WebSocket event → `fortsync-relay` → signed callback → the
//! `invoice-status` endpoint → the work queue → the worker reads Fortnox → the WooCommerce
//! simulator's order follows, once per change.

mod common;

use common::{Harness, PREFIX, wait_until};
use fortsync_app::SecretString;
use fortsync_app::secrets::SecretNames;
use fortsync_domain::OrderId;
use fortsync_domain::order::Platform;
use fortsync_domain::state::{OrderRecord, OrderState};
use fortsync_domain::tenant::ShopLink;
use fortsync_handlers::wiring::FortnoxEndpoints;
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_invoice_reaches_the_shop_order_through_the_relay() {
    let mut h = Harness::new(&["Kedjan AB"]).await;
    h.use_real_endpoint().await;
    let tenant_id = h.tenants[0].id.clone();

    // A WooCommerce order fortsync synced earlier: its record and its invoice in Fortnox.
    let shop = woo_sim::spawn(woo_sim::SimConfig::default()).await.unwrap();
    let body = include_str!("../../../tests/fixtures/woocommerce/order-mixed-vat-incl.json");
    let raw: Value = serde_json::from_str(body).unwrap();
    shop.seed_orders(vec![raw]).unwrap();
    let order = fortsync_domain::woocommerce::parse_order(body.as_bytes()).unwrap();
    let v = h
        .call(
            0,
            reqwest::Method::POST,
            "/3/invoices",
            Some(json!({"Invoice": {"CustomerNumber": "1",
                "ExternalInvoiceReference1": format!("fortsync:{tenant_id}:5101"),
                "InvoiceRows": [{"Description": "Vara", "DeliveredQuantity": 1, "Price": 80}]}})),
        )
        .await;
    let invoice = v["Invoice"]["DocumentNumber"].as_str().unwrap().to_string();
    let mut rec = OrderRecord::new(tenant_id.clone(), order, "2026-11-20T00:00:00Z");
    rec.customer_number = Some("1".into());
    rec.document_number = Some(invoice.clone());
    rec.advance(OrderState::CustomerReady, "t").unwrap();
    rec.advance(OrderState::DocumentPending, "t").unwrap();
    rec.advance(OrderState::DocumentCreated, "t").unwrap();
    h.ports.orders.insert_order(&rec).await.unwrap();
    let mut tenant = h
        .ports
        .tenants
        .get_tenant(&tenant_id)
        .await
        .unwrap()
        .unwrap();
    tenant.shop = Some(ShopLink {
        platform: Platform::Woocommerce,
        base_url: shop.base_url.clone(),
        location_id: None,
    });
    h.ports.tenants.put_tenant(&tenant).await.unwrap();
    h.ports
        .secrets
        .put_secret(
            &SecretNames::new(PREFIX).shop(&tenant_id),
            &SecretString::new(
                json!({"consumer_key": woo_sim::DEFAULT_KEY, "consumer_secret": woo_sim::DEFAULT_SECRET})
                    .to_string(),
            ),
        )
        .await
        .unwrap();
    let endpoints = FortnoxEndpoints {
        api_base: h.sim.base_url.clone(),
        auth_base: h.sim.base_url.clone(),
        timeout: Duration::from_secs(5),
    };
    let worker = h
        .ports
        .worker(PREFIX, &endpoints, fortsync_fortnox::RetryPolicy::default())
        .unwrap();

    h.start().await;
    h.bookkeep(0, &invoice).await;
    h.pay(0, &invoice).await;
    // The invoice was created before the relay started (that event is not replayed); booking
    // and the payment's bookkeeping are events that end in jobs.
    let offsets = &h.offsets;
    wait_until("the relay delivered the events", || {
        offsets.history().len() >= 2
    })
    .await;
    let mut rounds = 0;
    loop {
        let messages = h.ports.consumer.receive(10).await.unwrap();
        if messages.is_empty() {
            rounds += 1;
            if rounds > 20 || shop.order(5101).is_some_and(|o| o["status"] == "completed") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
        for m in messages {
            let job = serde_json::from_str(&m.body).unwrap();
            fortsync_app::worker::run_job(&worker, &job).await.unwrap();
            h.ports.consumer.delete(&m.receipt).await.unwrap();
        }
    }
    h.stop().await;
    let o = shop.order(5101).unwrap();
    assert_eq!(o["status"], "completed", "{o}");
    let notes: Vec<String> = shop
        .order_notes(5101)
        .into_iter()
        .filter_map(|n| n["note"].as_str().map(str::to_owned))
        .filter(|n| n.starts_with("Fortnox"))
        .collect();
    assert!(
        notes.last().is_some_and(|n| n.contains("paid")),
        "{notes:?}"
    );
    // booked then paid (the created event may find it already booked): never a note twice.
    let mut unique = notes.clone();
    unique.dedup();
    assert_eq!(unique, notes, "{notes:?}");
    let rec = h
        .ports
        .orders
        .get_order(&tenant_id, &OrderId::parse("5101").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        rec.shop_status.map(|s| s.stage.as_str()),
        Some("paid"),
        "the order's record knows what the shop shows"
    );
}
