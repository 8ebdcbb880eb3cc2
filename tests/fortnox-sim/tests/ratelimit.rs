//! Rate limit: 25 requests per sliding 5 s per (client_id, tenant); the 26th gets 429.

mod common;

use std::time::Duration;

use common::{client, setup};
use reqwest::StatusCode;
use serde_json::Value;

async fn get(http: &reqwest::Client, url: &str, token: &str) -> reqwest::Response {
    http.get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn the_26th_request_in_five_seconds_is_429_and_other_tenants_are_unaffected() {
    let env = setup().await;
    let url = env.url("/3/customers");
    for i in 0..25 {
        assert_eq!(
            get(&env.http, &url, &env.token).await.status(),
            StatusCode::OK,
            "request {}",
            i + 1
        );
    }
    let resp = get(&env.http, &url, &env.token).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().get("retry-after").is_none());
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"message": "Too Many Requests"}));

    // Another tenant has its own budget, even with the same client id.
    let other = env.sim.add_tenant("Annan AB");
    let other_token = env
        .sim
        .issue_token("demo-client", other, &["customer"])
        .access_token;
    assert_eq!(
        get(&env.http, &url, &other_token).await.status(),
        StatusCode::OK
    );
    // A second token of the same tenant and client shares the budget.
    let same = env
        .sim
        .issue_token("demo-client", env.tenant, &["customer"])
        .access_token;
    assert_eq!(
        get(&env.http, &url, &same).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client for the same tenant has its own budget.
    let foreign = env
        .sim
        .issue_token("other-client", env.tenant, &["customer"])
        .access_token;
    assert_eq!(
        get(&env.http, &url, &foreign).await.status(),
        StatusCode::OK
    );

    // 429s are logged and counted.
    let stats = env.sim.stats();
    assert_eq!(stats["rate_limited"], 2);
    assert_eq!(
        env.sim
            .request_log()
            .iter()
            .filter(|r| r.status == 429)
            .count(),
        2
    );
}

#[tokio::test]
async fn rejected_requests_do_not_consume_budget_and_the_window_slides() {
    let env = setup().await;
    let url = env.url("/3/customers");
    for _ in 0..25 {
        assert_eq!(
            get(&env.http, &url, &env.token).await.status(),
            StatusCode::OK
        );
    }
    for _ in 0..5 {
        assert_eq!(
            get(&env.http, &url, &env.token).await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    // Moving the clock past the window frees the whole budget again: the 429s did not count.
    env.sim.advance(Duration::from_secs(5));
    for i in 0..25 {
        assert_eq!(
            get(&env.http, &url, &env.token).await.status(),
            StatusCode::OK,
            "request {}",
            i + 1
        );
    }
    assert_eq!(
        get(&env.http, &url, &env.token).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn real_time_slides_the_window() {
    let env = setup().await;
    let url = env.url("/3/customers");
    for _ in 0..25 {
        get(&env.http, &url, &env.token).await;
    }
    assert_eq!(
        get(&env.http, &url, &env.token).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    tokio::time::sleep(Duration::from_millis(5100)).await;
    assert_eq!(
        get(&env.http, &url, &env.token).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn oauth_and_control_endpoints_are_not_limited() {
    let env = setup().await;
    let http = client();
    for _ in 0..40 {
        let resp = http.get(env.url("/__sim/stats")).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }
    for _ in 0..30 {
        let resp = http
            .post(env.url("/oauth-v1/token"))
            .basic_auth("demo-client", Some("demo-secret"))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "unknown"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        get(&env.http, &env.url("/3/customers"), &env.token)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn warehouse_calls_share_the_budget() {
    let env = setup().await;
    for _ in 0..20 {
        assert_eq!(
            get(&env.http, &env.url("/3/customers"), &env.token)
                .await
                .status(),
            StatusCode::OK
        );
    }
    let stock = env.url("/api/warehouse/status-v1/stockbalance");
    for _ in 0..5 {
        assert_eq!(
            get(&env.http, &stock, &env.token).await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        get(&env.http, &stock, &env.token).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}
