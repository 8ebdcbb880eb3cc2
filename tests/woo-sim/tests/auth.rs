//! API-key authentication of the simulated WooCommerce REST API.

mod common;

use common::{send, setup};
use reqwest::StatusCode;
use serde_json::json;
use woo_sim::{ApiKey, DEFAULT_KEY, DEFAULT_SECRET, Permissions};

#[tokio::test]
async fn without_credentials_lists_are_refused_with_cannot_view() {
    let env = setup().await;
    let r = send(env.http.get(env.url("/products"))).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "woocommerce_rest_cannot_view");
    assert_eq!(r.body["message"], "Sorry, you cannot list resources.");
    assert_eq!(r.body["data"]["status"], 401);
    let put = send(env.http.put(env.url("/products/5")).json(&json!({}))).await;
    assert_eq!(put.code(), "woocommerce_rest_cannot_edit");
    let batch = send(env.http.post(env.url("/products/batch")).json(&json!({}))).await;
    assert_eq!(batch.code(), "woocommerce_rest_cannot_batch");
}

#[tokio::test]
async fn wrong_key_or_secret_is_an_authentication_error() {
    let env = setup().await;
    let bad_key = send(
        env.http
            .get(env.url("/products"))
            .basic_auth("ck_nope", Some(DEFAULT_SECRET)),
    )
    .await;
    assert_eq!(bad_key.status, StatusCode::UNAUTHORIZED);
    assert_eq!(bad_key.code(), "woocommerce_rest_authentication_error");
    assert_eq!(bad_key.body["message"], "Consumer key is invalid.");
    let bad_secret = send(
        env.http
            .get(env.url("/products"))
            .basic_auth(DEFAULT_KEY, Some("cs_nope")),
    )
    .await;
    assert_eq!(bad_secret.body["message"], "Consumer secret is invalid.");
}

#[tokio::test]
async fn query_string_credentials_work_and_the_secret_is_not_logged() {
    let env = setup().await;
    let r = send(env.http.get(env.url("/products")).query(&[
        ("consumer_key", DEFAULT_KEY),
        ("consumer_secret", DEFAULT_SECRET),
    ]))
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let log = env.sim.request_log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].consumer_key.as_deref(), Some(DEFAULT_KEY));
    assert!(!log[0].query.contains(DEFAULT_SECRET), "{}", log[0].query);
    assert!(log[0].query.contains("consumer_secret=[redacted]"));
}

#[tokio::test]
async fn a_read_only_key_cannot_write() {
    let env = setup().await;
    env.sim
        .add_key(ApiKey::new("ck_ro", "cs_ro", Permissions::Read));
    let read = send(
        env.http
            .get(env.url("/products"))
            .basic_auth("ck_ro", Some("cs_ro")),
    )
    .await;
    assert_eq!(read.status, StatusCode::OK);
    let write = send(
        env.http
            .post(env.url("/products"))
            .basic_auth("ck_ro", Some("cs_ro"))
            .json(&json!({"name": "x"})),
    )
    .await;
    assert_eq!(write.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        write.body["message"],
        "The API key provided does not have write permissions."
    );
    assert!(env.sim.products().is_empty());
}

#[tokio::test]
async fn unknown_routes_are_rest_no_route() {
    let env = setup().await;
    let r = env.get("/coupons", &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "rest_no_route");
    let wrong_method = env
        .call(reqwest::Method::DELETE, "/orders/1/notes", &[], None)
        .await;
    assert_eq!(wrong_method.code(), "rest_no_route");
}
