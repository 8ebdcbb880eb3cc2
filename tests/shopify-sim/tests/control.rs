//! The HTTP control API.

mod common;

use common::{gql, sim};
use serde_json::{Value, json};

async fn call(method: reqwest::Method, url: String, body: Option<Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, url);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn seed_read_fault_log_clock_throttle_reset() {
    use reqwest::Method;
    let sim = sim().await;
    let base = format!("{}/control", sim.base_url);
    let (s, seeded) = call(
        Method::POST,
        format!("{base}/seed"),
        Some(json!({
            "products": [{"title": "Mugg", "variants": [{"sku": "MUG", "price": "89.00", "on_hand": 4}]}],
            "customers": [{"email": "anna@example.se", "first_name": "Anna", "city": "Lund", "country_code": "SE"}],
            "orders": [{"note": "hello", "tags": ["a"]}],
            "locations": ["Butik"],
        })),
    )
    .await;
    assert_eq!(s, 201);
    let order_id = seeded["orders"][0]["id"].as_u64().unwrap();
    assert_eq!(seeded["products"][0]["variants"][0]["sku"], "MUG");
    let (_, products) = call(Method::GET, format!("{base}/products"), None).await;
    assert_eq!(products[0]["variants"][0]["price"], "89.00");
    let (_, customers) = call(Method::GET, format!("{base}/customers"), None).await;
    assert_eq!(customers[0]["addresses"][0]["city"], "Lund");
    let (s, order) = call(Method::GET, format!("{base}/orders/{order_id}"), None).await;
    assert_eq!(s, 200);
    assert_eq!(order["note"], "hello");
    let (s, _) = call(
        Method::GET,
        format!("{base}/orders/gid://shopify/Order/{order_id}"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = call(Method::GET, format!("{base}/orders/1"), None).await;
    assert_eq!(s, 404);
    let (_, locations) = call(Method::GET, format!("{base}/locations"), None).await;
    assert_eq!(locations.as_array().unwrap().len(), 2);

    let (s, _) = call(
        Method::POST,
        format!("{base}/faults"),
        Some(json!({"operation": "shop", "kind": "status", "status": 500})),
    )
    .await;
    assert_eq!(s, 201);
    let (_, faults) = call(Method::GET, format!("{base}/faults"), None).await;
    assert_eq!(faults.as_array().unwrap().len(), 1);
    assert_eq!(gql(&sim, "{ shop { name } }", json!({})).await.status, 500);
    assert_eq!(gql(&sim, "{ shop { name } }", json!({})).await.status, 200);

    let (_, log) = call(Method::GET, format!("{base}/requests"), None).await;
    let statuses: Vec<u64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![500, 200]);
    assert_eq!(log[1]["root_fields"], json!(["shop"]));
    assert_eq!(log[1]["requested_cost"], 1);
    call(Method::DELETE, format!("{base}/requests"), None).await;
    assert!(sim.request_log().is_empty());

    let (_, clock) = call(
        Method::PUT,
        format!("{base}/clock"),
        Some(json!({"now": "2026-12-24T15:00:00Z", "advance_seconds": 60})),
    )
    .await;
    assert_eq!(clock["now"], "2026-12-24T15:01:00Z");

    let (_, t) = call(
        Method::PUT,
        format!("{base}/throttle"),
        Some(json!({"available": 10})),
    )
    .await;
    assert_eq!(t["currentlyAvailable"], 10);
    let r = gql(
        &sim,
        "{ productVariants(first: 10) { nodes { id } } }",
        json!({}),
    )
    .await;
    assert_eq!(r.error_codes(), vec!["THROTTLED"]);

    let (s, _) = call(Method::POST, format!("{base}/reset"), None).await;
    assert_eq!(s, 200);
    assert!(sim.products().is_empty());
    assert!(sim.orders().is_empty());
    assert_eq!(
        sim.throttle_status(shopify_sim::DEFAULT_TOKEN)
            .currently_available,
        2000.0
    );
}

#[tokio::test]
async fn bad_control_bodies_are_400() {
    let sim = sim().await;
    let (s, body) = call(
        reqwest::Method::POST,
        format!("{}/control/faults", sim.base_url),
        Some(json!({"kind": "status"})),
    )
    .await;
    assert_eq!(s, 400);
    assert!(body["error"].is_string());
}
