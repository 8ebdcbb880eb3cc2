//! Control API and test instrumentation: faults, request log, stats, seeding, clock, reset.

mod common;

use std::time::{Duration, Instant};

use common::{client, code, setup};
use fortnox_sim::{Fault, SimConfig, TokenResponse, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn fault_status_then_normal_service() {
    let env = setup().await;
    env.sim
        .inject_fault(Fault::status("GET", "/3/customers", 503).times(2));
    for _ in 0..2 {
        let (status, v) = env.get("/3/customers").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(code(&v), 1000003);
    }
    assert_eq!(env.get("/3/customers").await.0, StatusCode::OK);
    // Custom body, and method matching.
    env.sim
        .inject_fault(Fault::status("POST", "/3/invoices", 500).with_body(json!({"oops": true})));
    assert_eq!(
        env.get("/3/invoices").await.0,
        StatusCode::OK,
        "GET does not match a POST fault"
    );
    let (status, v) = env.post("/3/invoices", json!({"Invoice": {}})).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(v, json!({"oops": true}));
    // A 429 fault has the rate-limit body.
    env.sim
        .inject_fault(Fault::status("*", "/oauth-v1/token", 429));
    let resp = env
        .http
        .post(env.url("/oauth-v1/token"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let log = env.sim.request_log();
    assert_eq!(log.iter().filter(|r| r.status == 503).count(), 2);
}

#[tokio::test]
async fn fault_delay() {
    let env = setup().await;
    env.sim
        .inject_fault(Fault::delay("GET", "/3/companyinformation", 300));
    let start = Instant::now();
    let (status, _) = env.get("/3/companyinformation").await;
    assert_eq!(status, StatusCode::OK, "served normally after the delay");
    assert!(start.elapsed() >= Duration::from_millis(300));
    let start = Instant::now();
    env.get("/3/companyinformation").await;
    assert!(
        start.elapsed() < Duration::from_millis(300),
        "only `count` requests are delayed"
    );
}

#[tokio::test]
async fn fault_drops_the_connection() {
    let env = setup().await;
    env.sim
        .inject_fault(Fault::drop_connection("POST", "/3/customers"));
    let err = env
        .http
        .post(env.url("/3/customers"))
        .bearer_auth(&env.token)
        .json(&json!({"Customer": {"Name": "A"}}))
        .send()
        .await
        .expect_err("no response");
    assert!(!err.is_status());
    assert!(
        env.sim.customers(env.tenant).is_empty(),
        "the request was not served"
    );
    let log = env.sim.request_log();
    assert_eq!(log.last().unwrap().status, 0);
    assert_eq!(env.customer("B").await, "1");
}

#[tokio::test]
async fn request_log_and_stats() {
    let env = setup().await;
    let n = env.customer("A").await;
    env.get(&format!("/3/customers/{n}")).await;
    env.get("/3/customers/99").await;
    env.get("/3/customers?limit=5").await;
    env.http.get(env.url("/__sim/stats")).send().await.unwrap();

    assert_eq!(env.sim.count("POST", "/3/customers"), 1);
    assert_eq!(env.sim.count("GET", "/3/customers"), 3);
    assert_eq!(
        env.sim.count("GET", "/__sim"),
        0,
        "control calls are not logged"
    );
    let log = env.sim.request_log();
    let missing = log.iter().find(|r| r.path == "/3/customers/99").unwrap();
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_code, Some(2000204));
    assert_eq!(missing.tenant_id, Some(env.tenant));
    assert_eq!(missing.route, "/3/customers/{number}");
    let listed = log.iter().find(|r| r.query == "limit=5").unwrap();
    assert_eq!(listed.path, "/3/customers");
    assert_eq!(listed.client_id.as_deref(), Some("demo-client"));

    let stats = env.sim.stats();
    assert_eq!(stats["by_route"]["GET /3/customers/{number}"], 2);
    assert_eq!(stats["by_route"]["POST /3/customers"], 1);
    assert_eq!(stats["by_tenant"][env.tenant.to_string()], 4);
    assert_eq!(stats["rate_limited"], 0);
    let http_stats: Value = env
        .http
        .get(env.url("/__sim/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(http_stats, stats);
    let http_log: Vec<Value> = env
        .http
        .get(env.url("/__sim/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(http_log.len(), log.len());
}

#[tokio::test]
async fn http_control_api() {
    let sim = spawn(SimConfig::default()).await.unwrap();
    let http = client();
    let url = |p: &str| format!("{}{}", sim.base_url, p);

    let resp = http.get(url("/")).send().await.unwrap();
    assert!(resp.text().await.unwrap().contains("oauth-v1/auth"));

    let v: Value = http
        .post(url("/__sim/tenants"))
        .json(&json!({"company_name": "Http AB", "organization_number": "556677-8899", "rounding": "whole_krona"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tenant = v["tenant_id"].as_u64().unwrap();
    let tok: TokenResponse = http
        .post(url("/__sim/tokens"))
        .json(&json!({"client_id": "demo-client", "tenant_id": tenant, "scopes": ["customer", "companyinformation", "invoice"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tok.refresh_token.is_some());

    let resp = http
        .post(url("/__sim/seed/customers"))
        .json(&json!({"tenant_id": tenant, "records": [{"Name": "Seedad"}, {"Customer": {"Name": "Inslagen"}}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["created"],
        json!(["1", "2"])
    );
    let resp = http
        .post(url("/__sim/seed/customers"))
        .json(&json!({"tenant_id": tenant, "records": [{"Name": "Ok"}, {"Name": "Fel 😀"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["index"], 1);
    assert_eq!(code(&body), 2000359);

    let v: Value = http
        .get(url("/3/companyinformation"))
        .bearer_auth(&tok.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["CompanyInformation"]["OrganizationNumber"], "556677-8899");

    // Rounding set at creation applies to documents.
    http.post(url("/__sim/seed/invoices"))
        .json(&json!({"tenant_id": tenant, "records": [{"CustomerNumber": "1", "InvoiceRows": [{"Description": "x", "DeliveredQuantity": 1, "Price": 0.4}]}]}))
        .send()
        .await
        .unwrap();
    let invoices: Vec<Value> = http
        .get(url(&format!("/__sim/tenants/{tenant}/invoices")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(invoices[0]["Total"], json!(1.0));

    let v: Value = http
        .put(url("/__sim/clock"))
        .json(&json!({"now": "2026-06-01T08:00:00Z"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["today"], "2026-06-01");
    let v: Value = http
        .put(url("/__sim/clock"))
        .json(&json!({"advance_seconds": 86400}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["now"].as_str().unwrap().starts_with("2026-06-02T08:00"));

    let resp = http
        .post(url("/__sim/faults"))
        .json(&json!({"method": "GET", "path": "/3/customers", "count": 1, "status": 502}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = http
        .get(url("/3/customers"))
        .bearer_auth(&tok.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_GATEWAY);

    let resp = http
        .post(url("/__sim/apps"))
        .json(&json!({"client_id": "shop", "client_secret": "pw", "redirect_uris": ["https://shop.example/cb"], "service_account_allowed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = http
        .post(url("/__sim/consent"))
        .json(&json!({"refuse": false, "tenant_id": tenant}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = http
        .get(url("/oauth-v1/auth?client_id=shop&redirect_uri=https://shop.example/cb&scope=customer&state=s&response_type=code&account_type=service"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let resp = http
        .post(url("/oauth-v1/token"))
        .basic_auth("shop", Some("pw"))
        .header("TenantId", tenant.to_string())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let resp = http.post(url("/__sim/reset")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let tenants: Vec<Value> = http
        .get(url("/__sim/tenants"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tenants.is_empty());
    let resp = http
        .get(url("/3/customers"))
        .bearer_auth(&tok.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::UNAUTHORIZED,
        "tokens are gone after reset"
    );
    assert_eq!(sim.request_log().len(), 1, "the log restarted at reset");
}

#[tokio::test]
async fn rust_handle_reset() {
    let env = setup().await;
    env.customer("A").await;
    env.sim
        .inject_fault(Fault::status("GET", "/", 500).times(10));
    env.sim.reset();
    assert!(env.sim.request_log().is_empty());
    let tenant = env.sim.add_tenant("Ny");
    let token = env
        .sim
        .issue_token("demo-client", tenant, &["customer"])
        .access_token;
    let (status, v) = env
        .call_with(&token, reqwest::Method::GET, "/3/customers", None)
        .await;
    assert_eq!(status, StatusCode::OK, "faults are cleared");
    assert_eq!(v["MetaInformation"]["@TotalResources"], 0);
}

#[tokio::test]
async fn warehouse_stock_balance() {
    let env = setup().await;
    env.sim
        .seed(
            "articles",
            env.tenant,
            vec![
                json!({"ArticleNumber": "A", "Description": "A", "StockGoods": true, "QuantityInStock": 5}),
                json!({"ArticleNumber": "B", "Description": "B"}),
            ],
        )
        .unwrap();
    env.sim
        .seed(
            "stockbalance",
            env.tenant,
            vec![json!({"itemId": "B", "stockPointCode": "STHLM", "inStock": 12, "availableStock": 9})],
        )
        .unwrap();
    let (status, v) = env
        .get("/api/warehouse/status-v1/stockbalance?itemIds=A,B")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        v,
        json!([
            {"itemId": "A", "stockPointCode": "MAIN", "availableStock": 5, "inStock": 5},
            {"itemId": "B", "stockPointCode": "MAIN", "availableStock": 0, "inStock": 0},
            {"itemId": "B", "stockPointCode": "STHLM", "availableStock": 9, "inStock": 12}
        ])
    );
    let (_, v) = env
        .get("/api/warehouse/status-v1/stockbalance?itemIds=B&stockPointCodes=STHLM")
        .await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    // `article` scope is accepted for the warehouse API.
    let t = env
        .sim
        .issue_token("demo-client", env.tenant, &["article"])
        .access_token;
    let (status, _) = env
        .call_with(
            &t,
            reqwest::Method::GET,
            "/api/warehouse/status-v1/stockbalance",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = env.get("/api/warehouse/nothing-v1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&v), 2000762);
}
