//! Shared helpers: a simulator plus a `WooShop` pointed at it.
#![allow(dead_code)]

use std::time::Duration;

use fortsync_woocommerce::{RetryPolicy, WooShop};
use serde_json::{Value, json};
use woo_sim::{DEFAULT_KEY, DEFAULT_SECRET, SimConfig, SimHandle, spawn};

pub struct Env {
    pub sim: SimHandle,
    pub shop: WooShop,
}

/// Small waits so retry tests run fast; 3 retries after the first attempt.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
    }
}

pub fn shop_for(sim: &SimHandle) -> WooShop {
    WooShop::new(&sim.base_url, DEFAULT_KEY, DEFAULT_SECRET)
        .expect("shop")
        .with_retry(fast_retry())
        .with_http_client(WooShop::http_client(Duration::from_secs(5)).expect("client"))
}

pub async fn setup() -> Env {
    let sim = spawn(SimConfig::default()).await.expect("spawn simulator");
    let shop = shop_for(&sim);
    Env { sim, shop }
}

pub fn simple(i: usize) -> Value {
    json!({"name": format!("Product {i}"), "sku": format!("SKU-{i:04}"), "regular_price": "100.00"})
}

/// A variable product "Tee" with sizes S, M, L (`TEE-S`… at 199/209/219 kr).
pub fn tee(status: &str) -> Value {
    let variations: Vec<Value> = ["S", "M", "L"]
        .iter()
        .enumerate()
        .map(|(i, size)| {
            json!({
                "sku": format!("TEE-{size}"),
                "regular_price": format!("{}.00", 199 + 10 * i),
                "manage_stock": true,
                "stock_quantity": i + 1,
                "attributes": [{"id": 1, "name": "Size", "option": size}],
            })
        })
        .collect();
    json!({"name": "Tee", "type": "variable", "status": status, "variations": variations})
}

/// A WooCommerce fixture of the repository (`tests/fixtures/woocommerce`).
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/woocommerce/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture JSON")
}
