//! Fault injection, the request log and the control API.

mod common;

use std::time::{Duration, Instant};

use common::setup;
use reqwest::{Method, StatusCode};
use serde_json::json;
use woo_sim::Fault;

#[tokio::test]
async fn a_429_carries_retry_after_and_an_html_body_then_the_route_recovers() {
    let env = setup().await;
    env.sim
        .inject_fault(Fault::rate_limited("GET", "/products", 7).times(2));
    for _ in 0..2 {
        let r = env.get("/products", &[]).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.header("retry-after"), Some("7"));
        assert!(r.text.contains("Too Many Requests"));
        assert!(r.body.is_null(), "not JSON");
    }
    assert_eq!(env.get("/products", &[]).await.status, StatusCode::OK);
    assert_eq!(env.sim.count("GET", "/products"), 3);
    assert_eq!(env.sim.stats()["rate_limited"], 2);
}

#[tokio::test]
async fn faults_match_method_and_path_prefix() {
    let env = setup().await;
    env.sim
        .inject_fault(Fault::status("POST", "/products/batch", 503));
    assert_eq!(env.get("/products", &[]).await.status, StatusCode::OK);
    let r = env.post("/products/batch", &json!({})).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        env.post("/products/batch", &json!({})).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_500_is_wordpress_critical_error_json() {
    let env = setup().await;
    env.sim.inject_fault(Fault::status("*", "/customers", 500));
    let r = env.get("/customers", &[]).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.code(), "internal_server_error");
}

#[tokio::test]
async fn a_delay_slows_the_answer_down() {
    let env = setup().await;
    env.sim.inject_fault(Fault::delay("GET", "/products", 300));
    let started = Instant::now();
    assert_eq!(env.get("/products", &[]).await.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn the_request_log_records_routes_statuses_and_queries() {
    let env = setup().await;
    let id = env.sim.seed_products(vec![json!({"name": "A"})]).unwrap()[0];
    env.get(&format!("/products/{id}"), &[("context", "view")])
        .await;
    env.get("/products/1", &[]).await;
    let log = env.sim.request_log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].route, "/wp-json/wc/v3/products/{id}");
    assert_eq!(log[0].status, 200);
    assert_eq!(log[0].param("context").as_deref(), Some("view"));
    assert_eq!(log[1].status, 404);
    assert_eq!(
        env.sim.stats()["by_route"]["GET /wp-json/wc/v3/products/{id}"],
        2
    );
    env.sim.clear_log();
    assert!(env.sim.request_log().is_empty());
}

#[tokio::test]
async fn the_control_api_seeds_reads_faults_and_resets() {
    let env = setup().await;
    let seeded = env
        .control(
            Method::POST,
            "/seed/products",
            Some(&json!({"records": [{"name": "Mug", "sku": "MUG"}]})),
        )
        .await;
    assert_eq!(seeded.status, StatusCode::CREATED);
    let id = seeded.body["created"][0].as_u64().unwrap();
    let state = env.control(Method::GET, "/state/products", None).await;
    assert_eq!(state.body[0]["id"], id);
    let bad = env
        .control(
            Method::POST,
            "/seed/products",
            Some(&json!({"records": [{"name": "Dup", "sku": "mug"}]})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["detail"]["code"], "product_invalid_sku");

    let fault = env
        .control(
            Method::POST,
            "/faults",
            Some(&json!({"method": "GET", "path": "/products", "status": 429, "retry_after": 3})),
        )
        .await;
    assert_eq!(fault.status, StatusCode::CREATED);
    assert_eq!(
        env.get("/products", &[]).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let requests = env.control(Method::GET, "/requests", None).await;
    assert_eq!(
        requests.body.as_array().unwrap().len(),
        1,
        "control calls are not logged"
    );

    let clock = env
        .control(
            Method::PUT,
            "/clock",
            Some(&json!({"now": "2026-05-01T12:00:00Z"})),
        )
        .await;
    assert_eq!(clock.body["now"], "2026-05-01T12:00:00Z");

    env.control(Method::POST, "/reset", None).await;
    assert!(env.sim.products().is_empty());
    assert!(env.sim.request_log().is_empty());
}
