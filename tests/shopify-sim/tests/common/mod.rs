//! Shared helpers: spawn a simulator and post GraphQL to it.
#![allow(dead_code)]

use serde_json::{Value, json};
use shopify_sim::{DEFAULT_TOKEN, SimConfig, SimHandle};

pub async fn sim() -> SimHandle {
    shopify_sim::spawn(SimConfig::default()).await.unwrap()
}

pub async fn sim_with(config: SimConfig) -> SimHandle {
    shopify_sim::spawn(config).await.unwrap()
}

pub struct Reply {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Value,
}

impl Reply {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }
    pub fn error_codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["extensions"]["code"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn cost(&self) -> &Value {
        &self.body["extensions"]["cost"]
    }
}

pub async fn post_as(sim: &SimHandle, token: Option<&str>, body: Value) -> Reply {
    let mut req = reqwest::Client::new().post(sim.graphql_url()).json(&body);
    if let Some(t) = token {
        req = req.header("X-Shopify-Access-Token", t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = resp.json::<Value>().await.unwrap_or(Value::Null);
    Reply {
        status,
        retry_after,
        body,
    }
}

pub async fn gql(sim: &SimHandle, query: &str, variables: Value) -> Reply {
    post_as(
        sim,
        Some(DEFAULT_TOKEN),
        json!({"query": query, "variables": variables}),
    )
    .await
}

/// Seeds `n` single-variant products with SKUs `SKU-0000`, `SKU-0001`, ...
pub fn seed_many(sim: &SimHandle, n: usize) {
    use rust_decimal::Decimal;
    let products = (0..n)
        .map(|i| {
            shopify_sim::SeedProduct::simple(
                &format!("SKU-{i:04}"),
                &format!("Product {i}"),
                Decimal::new(1000 + i as i64, 2),
                Some(i as i64),
            )
        })
        .collect();
    sim.seed(shopify_sim::Seed {
        products,
        ..Default::default()
    });
}
