//! `WooShop` order write-back and refund reads against the simulator.

mod common;

use std::collections::BTreeMap;

use common::{fixture, setup};
use fortsync_app::shop::{OrderAnnotation, Shop, ShopError};
use fortsync_domain::woocommerce::{parse_order, parse_refund_on_basis};
use rust_decimal_macros::dec;
use serde_json::json;

fn paid(order_id: &str) -> OrderAnnotation {
    OrderAnnotation {
        order_id: order_id.into(),
        note: "Fortnox invoice 1042 paid 2026-11-20".into(),
        tags: vec!["fortnox-paid".into()],
        fields: BTreeMap::from([
            ("invoice_number".to_string(), "1042".to_string()),
            ("status".to_string(), "paid".to_string()),
        ]),
        status: Some("completed".into()),
    }
}

#[tokio::test]
async fn annotate_order_adds_the_note_and_writes_meta_and_status_in_one_put() {
    let env = setup().await;
    env.sim
        .seed_orders(vec![json!({"id": 700, "status": "processing"})])
        .unwrap();
    env.shop.annotate_order(&paid("700")).await.unwrap();
    let order = env.sim.order(700).unwrap();
    assert_eq!(order["status"], "completed");
    let meta: BTreeMap<&str, &str> = order["meta_data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["key"].as_str().unwrap(), m["value"].as_str().unwrap()))
        .collect();
    assert_eq!(
        meta,
        BTreeMap::from([
            ("_fortsync_invoice_number", "1042"),
            ("_fortsync_status", "paid")
        ])
    );
    let notes: Vec<String> = env
        .sim
        .order_notes(700)
        .iter()
        .map(|n| n["note"].as_str().unwrap().to_string())
        .collect();
    assert!(notes.contains(&"Fortnox invoice 1042 paid 2026-11-20".to_string()));
    assert!(notes.contains(&"Order status changed from Processing to Completed.".to_string()));
    assert_eq!(env.sim.count("PUT", "/orders/700"), 1);
    assert_eq!(env.sim.count("POST", "/orders/700/notes"), 1);
}

#[tokio::test]
async fn annotating_twice_writes_nothing_the_second_time() {
    let env = setup().await;
    env.sim
        .seed_orders(vec![json!({"id": 701, "status": "processing"})])
        .unwrap();
    env.shop.annotate_order(&paid("701")).await.unwrap();
    let modified = env.sim.order(701).unwrap()["date_modified_gmt"].clone();
    env.sim.clear_log();
    env.sim.advance(time::Duration::minutes(5));
    env.shop.annotate_order(&paid("701")).await.unwrap();
    let log = env.sim.request_log();
    assert!(log.iter().all(|r| r.method == "GET"), "{log:?}");
    assert_eq!(log.len(), 2, "the order and its notes");
    let notes = env.sim.order_notes(701);
    assert_eq!(
        notes
            .iter()
            .filter(|n| n["note"] == "Fortnox invoice 1042 paid 2026-11-20")
            .count(),
        1
    );
    assert_eq!(
        env.sim.order(701).unwrap()["date_modified_gmt"],
        modified,
        "no save, no webhook"
    );
}

#[tokio::test]
async fn only_what_differs_is_written() {
    let env = setup().await;
    env.sim
        .seed_orders(vec![json!({"id": 702, "status": "completed",
            "meta_data": [{"key": "_fortsync_invoice_number", "value": "1042"}]})])
        .unwrap();
    let mut a = paid("702");
    a.note = String::new();
    env.shop.annotate_order(&a).await.unwrap();
    let put = env
        .sim
        .request_log()
        .into_iter()
        .find(|r| r.method == "PUT");
    assert!(put.is_some());
    assert_eq!(
        env.sim.count("POST", "/orders/702/notes"),
        0,
        "no note asked for"
    );
    assert_eq!(env.sim.count("GET", "/orders/702/notes"), 0);
    let order = env.sim.order(702).unwrap();
    assert_eq!(order["meta_data"].as_array().unwrap().len(), 2);
    assert!(
        env.sim.order_notes(702).is_empty(),
        "status was already completed"
    );
}

#[tokio::test]
async fn annotating_a_missing_order_is_not_found() {
    let env = setup().await;
    let err = env.shop.annotate_order(&paid("999")).await.unwrap_err();
    assert!(matches!(err, ShopError::NotFound(_)), "{err:?}");
    assert!(matches!(
        env.shop.annotate_order(&paid("#999")).await,
        Err(ShopError::Invalid(_))
    ));
}

#[tokio::test]
async fn order_refunds_returns_bodies_the_domain_parser_reads() {
    let env = setup().await;
    env.sim
        .seed_orders(vec![fixture("order-mixed-vat-incl.json")])
        .unwrap();
    env.sim
        .seed_refunds(5101, vec![fixture("refund-partial-shipping.json"), json!({"amount": "10.00", "reason": "goodwill", "date_created_gmt": "2026-12-04T08:00:00"})])
        .unwrap();
    let order = parse_order(&env.shop.order_body("5101").await.unwrap()).unwrap();
    let incl = fixture("order-mixed-vat-incl.json")["prices_include_tax"]
        .as_bool()
        .unwrap();
    let bodies = env.shop.order_refunds("5101").await.unwrap();
    assert_eq!(bodies.len(), 2);
    let refunds: Vec<_> = bodies
        .iter()
        .map(|b| parse_refund_on_basis("5101", b, incl).expect("refund parses"))
        .collect();
    assert_eq!(order.id, refunds[0].order_id);
    let sweater = refunds.iter().find(|r| r.id == "5190").unwrap();
    assert_eq!(sweater.amount, dec!(418.10));
    assert_eq!(sweater.lines.len(), 1);
    assert_eq!(sweater.charges.len(), 1);
    let goodwill = refunds.iter().find(|r| r.id != "5190").unwrap();
    assert_eq!(goodwill.amount, dec!(10.00));
    assert!(matches!(
        env.shop.order_refunds("77").await,
        Err(ShopError::NotFound(_))
    ));
}
