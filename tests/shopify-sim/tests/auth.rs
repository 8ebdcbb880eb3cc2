//! Authentication, API versions, request shape and access scopes.

mod common;

use common::{gql, post_as, sim, sim_with};
use serde_json::json;
use shopify_sim::{AccessToken, SimConfig};

const SHOP: &str = "{ shop { name } }";

#[tokio::test]
async fn missing_or_wrong_token_is_401_and_logged() {
    let sim = sim().await;
    let r = post_as(&sim, None, json!({"query": SHOP})).await;
    assert_eq!(r.status, 401);
    assert!(
        r.body["errors"]
            .as_str()
            .unwrap()
            .contains("Invalid API key")
    );
    let r = post_as(&sim, Some("shpat_wrong"), json!({"query": SHOP})).await;
    assert_eq!(r.status, 401);
    let log = sim.request_log();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|e| e.status == 401));
}

#[tokio::test]
async fn valid_token_gets_data_and_version_header() {
    let sim = sim().await;
    let resp = reqwest::Client::new()
        .post(sim.graphql_url())
        .header("X-Shopify-Access-Token", shopify_sim::DEFAULT_TOKEN)
        .json(&json!({"query": SHOP}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-shopify-api-version"], "2026-10");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["data"], json!({"shop": {"name": "Sim Shop"}}));
}

#[tokio::test]
async fn unknown_version_is_404() {
    let sim = sim().await;
    let resp = reqwest::Client::new()
        .post(format!("{}/admin/api/2019-04/graphql.json", sim.base_url))
        .header("X-Shopify-Access-Token", shopify_sim::DEFAULT_TOKEN)
        .json(&json!({"query": SHOP}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn body_without_query_is_400_and_syntax_error_is_200_with_errors() {
    let sim = sim().await;
    let r = post_as(&sim, Some(shopify_sim::DEFAULT_TOKEN), json!({"nope": 1})).await;
    assert_eq!(r.status, 400);
    let r = gql(&sim, "{ shop { name }", json!({})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.error_codes(), vec!["PARSE_ERROR"]);
    assert!(r.body["errors"][0]["locations"][0]["line"].is_number());
}

#[tokio::test]
async fn missing_scope_is_access_denied_per_field() {
    let config = SimConfig {
        access_tokens: vec![AccessToken {
            token: "shpat_ro".into(),
            scopes: Some(vec!["read_products".into()]),
        }],
        ..SimConfig::default()
    };
    let sim = sim_with(config).await;
    let q = "{ productVariants(first: 1) { nodes { id } } customers(first: 1) { nodes { id } } }";
    let r = post_as(&sim, Some("shpat_ro"), json!({"query": q})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.data()["productVariants"]["nodes"], json!([]));
    assert_eq!(r.data()["customers"], json!(null));
    assert_eq!(r.error_codes(), vec!["ACCESS_DENIED"]);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("read_customers")
    );
}

#[tokio::test]
async fn unknown_fields_and_unused_variables_are_rejected() {
    let sim = sim().await;
    let r = gql(&sim, "{ shop { colour } }", json!({})).await;
    assert_eq!(r.error_codes(), vec!["undefinedField"]);
    let r = gql(&sim, "query($x: Int) { shop { name } }", json!({"x": 1})).await;
    assert_eq!(r.error_codes(), vec!["variableNotUsed"]);
    let r = gql(&sim, "{ nonsense { id } }", json!({})).await;
    assert_eq!(r.error_codes(), vec!["undefinedField"]);
}
