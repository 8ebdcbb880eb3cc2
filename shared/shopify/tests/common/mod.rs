//! Shared setup: a simulator and an adapter pointed at it.
#![allow(dead_code)]

use std::time::Duration;

use fortsync_shopify::{RetryPolicy, ShopifyConfig, ShopifyShop};
use shopify_sim::{DEFAULT_TOKEN, SimConfig, SimHandle};

/// Short waits so retry tests finish quickly.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        max_total_wait: Duration::from_secs(2),
    }
}

pub fn config(sim: &SimHandle) -> ShopifyConfig {
    ShopifyConfig::new(&sim.base_url, DEFAULT_TOKEN)
        .unwrap()
        .with_retry(fast_retry())
        .with_timeout(Duration::from_secs(5))
}

pub fn shop(sim: &SimHandle) -> ShopifyShop {
    ShopifyShop::new(config(sim)).unwrap()
}

pub async fn setup() -> (SimHandle, ShopifyShop) {
    let sim = shopify_sim::spawn(SimConfig::default()).await.unwrap();
    let shop = shop(&sim);
    (sim, shop)
}

/// A simulator whose bucket refills fast, for tests that inject throttling (an injected
/// `THROTTLED` reports an empty bucket, which the adapter then waits out).
pub async fn setup_fast_bucket() -> (SimHandle, ShopifyShop) {
    let sim = shopify_sim::spawn(SimConfig {
        restore_rate: 100_000.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let shop = shop(&sim);
    (sim, shop)
}

/// Seeds `n` single-variant products `SKU-0000`… with price 10.00 + i öre and stock i.
pub fn seed_many(sim: &SimHandle, n: usize) -> Vec<shopify_sim::Product> {
    let products = (0..n)
        .map(|i| {
            shopify_sim::SeedProduct::simple(
                &format!("SKU-{i:04}"),
                &format!("Product {i}"),
                rust_decimal::Decimal::new(1000 + i as i64, 2),
                Some(i as i64),
            )
        })
        .collect();
    sim.seed(shopify_sim::Seed {
        products,
        ..Default::default()
    })
    .products
}

/// HTTP requests whose operation is `name`.
pub fn calls(sim: &SimHandle, name: &str) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.operation_name.as_deref() == Some(name))
        .count()
}
