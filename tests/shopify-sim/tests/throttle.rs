//! Calculated cost, the leaky bucket, `THROTTLED`, `MAX_COST_EXCEEDED` and injected faults.

mod common;

use std::time::Duration;

use common::{gql, seed_many, sim, sim_with};
use serde_json::json;
use shopify_sim::{DEFAULT_TOKEN, Fault, SimConfig};

const PAGE: &str = "query($n: Int!) { productVariants(first: $n) { nodes { id product { id } } } }";

#[tokio::test]
async fn every_answer_reports_cost_and_refunds_unused_points() {
    let sim = sim().await;
    seed_many(&sim, 3);
    let r = gql(&sim, PAGE, json!({"n": 250})).await;
    let cost = r.cost();
    assert_eq!(cost["requestedQueryCost"], 502);
    assert_eq!(cost["actualQueryCost"], 8, "2 + 3 nodes x 2");
    let status = &cost["throttleStatus"];
    assert_eq!(status["maximumAvailable"], 2000.0);
    assert_eq!(status["restoreRate"], 100.0);
    let left = status["currentlyAvailable"].as_i64().unwrap();
    assert!(
        (1990..=2000).contains(&left),
        "only the actual cost is kept: {left}"
    );
}

#[tokio::test]
async fn exhausted_bucket_answers_throttled_with_200_until_restored() {
    // Restoring 1 point per second keeps the arithmetic exact while the test runs.
    let sim = sim_with(SimConfig {
        restore_rate: 1.0,
        ..SimConfig::default()
    })
    .await;
    seed_many(&sim, 300);
    // 502 points per full page: three fit in 2000, a fourth does not (494 left).
    for _ in 0..3 {
        let r = gql(&sim, PAGE, json!({"n": 250})).await;
        assert!(r.body.get("errors").is_none(), "{}", r.body);
    }
    let r = gql(&sim, PAGE, json!({"n": 250})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["errors"][0]["message"], "Throttled");
    assert_eq!(r.error_codes(), vec!["THROTTLED"]);
    assert_eq!(r.body["extensions"]["cost"]["actualQueryCost"], json!(null));
    assert_eq!(r.body["extensions"]["cost"]["requestedQueryCost"], 502);
    assert!(r.data().is_null());
    let available = r.cost()["throttleStatus"]["currentlyAvailable"]
        .as_i64()
        .unwrap();
    assert!((494..502).contains(&available), "{available}");
    assert!(sim.request_log().last().unwrap().throttled);
    // Ten seconds restore ten points: enough again.
    sim.advance(Duration::from_secs(10));
    let r = gql(&sim, PAGE, json!({"n": 250})).await;
    assert!(r.body.get("errors").is_none(), "{}", r.body);
}

#[tokio::test]
async fn queries_over_the_single_query_limit_are_refused() {
    let sim = sim().await;
    let q = "{ productVariants(first: 250) { nodes { id product { id } inventoryItem { id inventoryLevel(locationId: \"x\") { id } } } } }";
    let r = gql(&sim, q, json!({})).await;
    assert_eq!(r.error_codes(), vec!["MAX_COST_EXCEEDED"]);
    assert_eq!(r.body["errors"][0]["extensions"]["cost"], 1002);
    // Nothing was taken from the bucket.
    assert_eq!(
        sim.throttle_status(DEFAULT_TOKEN).currently_available,
        2000.0
    );
}

#[tokio::test]
async fn buckets_follow_the_configuration_and_tokens() {
    let sim = sim_with(SimConfig {
        bucket_size: 100.0,
        restore_rate: 1.0,
        ..SimConfig::default()
    })
    .await;
    let r = gql(&sim, PAGE, json!({"n": 49})).await;
    assert_eq!(r.cost()["requestedQueryCost"], 100);
    let r = gql(&sim, PAGE, json!({"n": 49})).await;
    assert_eq!(
        r.error_codes(),
        vec!["THROTTLED"],
        "no rows returned refunds 98, but 100 are asked"
    );
    sim.set_available(DEFAULT_TOKEN, 0.0);
    assert!(sim.throttle_status(DEFAULT_TOKEN).currently_available < 1.0);
    assert_eq!(sim.throttle_status("other").currently_available, 100.0);
}

#[tokio::test]
async fn injected_429_carries_retry_after_and_is_consumed() {
    let sim = sim().await;
    sim.inject_fault(Fault::too_many_requests("shop", "2.0").times(2));
    let q = "{ shop { name } }";
    let r = gql(&sim, q, json!({})).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.retry_after.as_deref(), Some("2.0"));
    assert_eq!(gql(&sim, q, json!({})).await.status, 429);
    assert_eq!(gql(&sim, q, json!({})).await.status, 200);
    let log = sim.request_log();
    assert_eq!(
        log.iter()
            .filter(|e| e.fault.as_deref() == Some("status"))
            .count(),
        2
    );
}

#[tokio::test]
async fn injected_faults_match_root_fields() {
    let sim = sim().await;
    sim.inject_fault(Fault::status("customers", 503));
    sim.inject_fault(Fault::throttled("locations"));
    let r = gql(&sim, "{ shop { name } }", json!({})).await;
    assert_eq!(r.status, 200, "other root fields are not affected");
    let r = gql(&sim, "{ customers(first: 1) { nodes { id } } }", json!({})).await;
    assert_eq!(r.status, 503);
    let r = gql(&sim, "{ locations(first: 1) { nodes { id } } }", json!({})).await;
    assert_eq!(r.error_codes(), vec!["THROTTLED"]);
    assert_eq!(r.cost()["throttleStatus"]["currentlyAvailable"], 0);
}

#[tokio::test]
async fn injected_user_error_skips_the_mutation() {
    let sim = sim().await;
    let o = sim.seed_order(shopify_sim::SeedOrder::default());
    sim.inject_fault(Fault::user_error("orderUpdate", "Order is locked"));
    let q = r#"mutation($id: ID!) { orderUpdate(input: {id: $id, note: "n"}) { order { note } userErrors { field message } } }"#;
    let r = gql(&sim, q, json!({"id": shopify_sim::gid("Order", o.id)})).await;
    assert_eq!(
        r.data()["orderUpdate"],
        json!({"order": null, "userErrors": [{"field": null, "message": "Order is locked"}]})
    );
    assert_eq!(sim.order(o.id).unwrap().note, None);
}

#[tokio::test]
async fn injected_delay_slows_the_answer() {
    let sim = sim().await;
    sim.inject_fault(Fault::delay("*", 300));
    let t = std::time::Instant::now();
    let r = gql(&sim, "{ shop { name } }", json!({})).await;
    assert_eq!(r.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
}
