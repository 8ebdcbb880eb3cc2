//! Customers of the simulated WooCommerce REST API.

mod common;

use common::setup;
use reqwest::StatusCode;
use serde_json::json;
use time::macros::datetime;

#[tokio::test]
async fn list_filters_by_exact_email_and_role_and_orders_by_id() {
    let env = setup().await;
    env.sim
        .seed_customers(vec![
            json!({"email": "anna@example.se", "first_name": "Anna"}),
            json!({"email": "bo@example.se", "first_name": "Bo"}),
            json!({"email": "boss@example.se", "first_name": "Boss", "role": "shop_manager"}),
        ])
        .unwrap();
    let one = env.get("/customers", &[("email", "BO@example.se")]).await;
    assert_eq!(one.body.as_array().unwrap().len(), 1);
    assert_eq!(one.body[0]["first_name"], "Bo");
    let staff = env.get("/customers", &[("email", "boss@example.se")]).await;
    assert_eq!(staff.body, json!([]), "role defaults to customer");
    let any = env
        .get(
            "/customers",
            &[("email", "boss@example.se"), ("role", "all")],
        )
        .await;
    assert_eq!(any.body.as_array().unwrap().len(), 1);
    let by_id = env
        .get(
            "/customers",
            &[("orderby", "id"), ("order", "desc"), ("per_page", "1")],
        )
        .await;
    assert_eq!(by_id.header("x-wp-total"), Some("2"));
    assert_eq!(by_id.header("x-wp-totalpages"), Some("2"));
    assert_eq!(by_id.body[0]["first_name"], "Bo");
}

#[tokio::test]
async fn modified_after_is_not_a_customer_filter_and_is_ignored() {
    let env = setup().await;
    env.sim
        .seed_customers(vec![
            json!({"email": "old@example.se", "date_modified_gmt": "2020-01-01T00:00:00"}),
            json!({"email": "new@example.se", "date_modified_gmt": "2026-01-01T00:00:00"}),
        ])
        .unwrap();
    let r = env
        .get("/customers", &[("modified_after", "2025-01-01T00:00:00")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.as_array().unwrap().len(), 2);
    assert_eq!(r.body[0]["date_modified_gmt"], "2026-01-01T00:00:00");
}

#[tokio::test]
async fn create_needs_a_free_email_and_answers_201() {
    let env = setup().await;
    let missing = env.post("/customers", &json!({"first_name": "X"})).await;
    assert_eq!(missing.code(), "rest_missing_callback_param");
    let r = env
        .post("/customers", &json!({"email": "kim@example.se", "first_name": "Kim", "billing": {"city": "Umeå", "country": "SE"}}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["username"], "kim");
    assert_eq!(r.body["billing"]["city"], "Umeå");
    assert_eq!(r.body["billing"]["postcode"], "");
    assert_eq!(r.body["role"], "customer");
    let dup = env
        .post("/customers", &json!({"email": "KIM@example.se"}))
        .await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    assert_eq!(dup.code(), "registration-error-email-exists");
    let invalid = env
        .post("/customers", &json!({"email": "not-an-email"}))
        .await;
    assert_eq!(invalid.code(), "registration-error-invalid-email");
}

#[tokio::test]
async fn update_merges_billing_writes_meta_and_moves_date_modified() {
    let env = setup().await;
    env.sim.set_now(datetime!(2026-04-01 08:00 UTC));
    let ids = env
        .sim
        .seed_customers(vec![
            json!({"email": "a@example.se", "billing": {"city": "Lund", "phone": "1"}}),
            json!({"email": "b@example.se"}),
        ])
        .unwrap();
    env.sim.advance(time::Duration::hours(1));
    let path = format!("/customers/{}", ids[0]);
    let r = env
        .put(&path, &json!({"billing": {"city": "Malmö"}, "meta_data": [{"key": "_fortsync_balance", "value": "100.00"}]}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["billing"]["city"], "Malmö");
    assert_eq!(r.body["billing"]["phone"], "1");
    assert_eq!(r.body["date_modified_gmt"], "2026-04-01T09:00:00");
    let again = env
        .put(
            &path,
            &json!({"meta_data": [{"key": "_fortsync_balance", "value": "50.00"}]}),
        )
        .await;
    let meta = again.body["meta_data"].as_array().unwrap();
    assert_eq!(meta.len(), 1, "a key-only item replaces the value");
    assert_eq!(meta[0]["value"], "50.00");
    let taken = env.put(&path, &json!({"email": "b@example.se"})).await;
    assert_eq!(taken.code(), "woocommerce_rest_customer_invalid_email");
    let rename = env.put(&path, &json!({"username": "other"})).await;
    assert_eq!(rename.code(), "woocommerce_rest_customer_invalid_argument");
    let missing = env.get("/customers/9999", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "woocommerce_rest_invalid_id");
}
