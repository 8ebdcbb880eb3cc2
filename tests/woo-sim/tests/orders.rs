//! Orders, order notes and refunds of the simulated WooCommerce REST API.

mod common;

use common::{fixture, setup};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_seeded_order_is_served_as_given() {
    let env = setup().await;
    let order = fixture("order-mixed-vat-incl.json");
    let ids = env.sim.seed_orders(vec![order.clone()]).unwrap();
    assert_eq!(ids, vec![5101]);
    let r = env.get("/orders/5101", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    for key in [
        "number",
        "currency",
        "prices_include_tax",
        "total",
        "line_items",
        "billing",
        "tax_lines",
    ] {
        assert_eq!(r.body[key], order[key], "{key}");
    }
    assert_eq!(r.body["date_created_gmt"], order["date_created_gmt"]);
    let missing = env.get("/orders/1", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "woocommerce_rest_shop_order_invalid_id");
}

#[tokio::test]
async fn a_status_change_adds_the_system_note_and_sets_dates() {
    let env = setup().await;
    env.sim
        .seed_orders(vec![json!({"id": 700, "status": "processing"})])
        .unwrap();
    let r = env
        .put("/orders/700", &json!({"status": "completed", "meta_data": [{"key": "_fortsync_invoice", "value": "1042"}]}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "completed");
    assert!(r.body["date_completed_gmt"].is_string());
    assert!(r.body["date_paid_gmt"].is_string());
    assert_eq!(r.body["meta_data"][0]["key"], "_fortsync_invoice");
    let notes = env.get("/orders/700/notes", &[]).await;
    assert_eq!(notes.body.as_array().unwrap().len(), 1);
    assert_eq!(
        notes.body[0]["note"],
        "Order status changed from Processing to Completed."
    );
    assert_eq!(notes.body[0]["author"], "system");
    // Setting the same status again adds nothing.
    env.put("/orders/700", &json!({"status": "completed"}))
        .await;
    assert_eq!(env.sim.order_notes(700).len(), 1);
    let bad = env.put("/orders/700", &json!({"status": "paid"})).await;
    assert_eq!(bad.code(), "rest_invalid_param");
}

#[tokio::test]
async fn notes_are_added_and_listed_newest_first() {
    let env = setup().await;
    env.sim.seed_orders(vec![json!({"id": 800})]).unwrap();
    let a = env
        .post("/orders/800/notes", &json!({"note": "first"}))
        .await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(a.body["customer_note"], false);
    env.sim.advance(time::Duration::seconds(2));
    env.post(
        "/orders/800/notes",
        &json!({"note": "to the customer", "customer_note": true}),
    )
    .await;
    let all = env.get("/orders/800/notes", &[]).await;
    let texts: Vec<&str> = all
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["note"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["to the customer", "first"]);
    let internal = env.get("/orders/800/notes", &[("type", "internal")]).await;
    assert_eq!(internal.body.as_array().unwrap().len(), 1);
    let empty = env.post("/orders/800/notes", &json!({"note": " "})).await;
    assert_eq!(empty.code(), "woocommerce_rest_invalid_order_note");
    let missing = env.post("/orders/801/notes", &json!({"note": "x"})).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn refunds_are_listed_fetched_and_summarised_on_the_order() {
    let env = setup().await;
    env.sim
        .seed_orders(vec![fixture("order-mixed-vat-incl.json")])
        .unwrap();
    let refund = fixture("refund-partial-shipping.json");
    let ids = env
        .sim
        .seed_refunds(
            5101,
            vec![refund.clone(), json!({"amount": "10.00", "reason": ""})],
        )
        .unwrap();
    assert_eq!(ids[0], 5190);
    let list = env.get("/orders/5101/refunds", &[]).await;
    assert_eq!(list.header("x-wp-total"), Some("2"));
    let one = env.get("/orders/5101/refunds/5190", &[]).await;
    assert_eq!(one.status, StatusCode::OK);
    for key in [
        "amount",
        "reason",
        "refunded_by",
        "refunded_payment",
        "line_items",
        "shipping_lines",
        "tax_lines",
        "date_created_gmt",
    ] {
        assert_eq!(one.body[key], refund[key], "{key}");
    }
    assert_eq!(one.body["_links"]["up"][0]["href"], env.url("/orders/5101"));
    let order = env.get("/orders/5101", &[]).await;
    let summary = order.body["refunds"].as_array().unwrap();
    assert_eq!(summary.len(), 2);
    assert!(
        summary
            .iter()
            .any(|r| r["id"] == 5190 && r["total"] == "-418.10")
    );
    let wrong = env.get("/orders/5101/refunds/1", &[]).await;
    assert_eq!(
        wrong.code(),
        "woocommerce_rest_shop_order_refund_invalid_id"
    );
}
