//! Rate limits, server errors, timeouts and credentials: `WooShop` against injected faults.

mod common;

use std::time::{Duration, Instant};

use common::{fast_retry, setup, simple};
use fortsync_app::shop::{NewProduct, ProductPatch, Shop, ShopError};
use fortsync_woocommerce::{RetryPolicy, WooConfigError, WooShop};
use rust_decimal_macros::dec;
use woo_sim::{DEFAULT_KEY, DEFAULT_SECRET, Fault};

#[tokio::test]
async fn a_429_storm_with_retry_after_is_waited_out() {
    let env = setup().await;
    env.sim.seed_products(vec![simple(1)]).unwrap();
    env.sim
        .inject_fault(Fault::rate_limited("GET", "/products", 1).times(2));
    let started = Instant::now();
    let page = env.shop.products_page(None, None).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After honoured"
    );
    assert_eq!(env.sim.count("GET", "/products"), 3);
}

#[tokio::test]
async fn a_429_storm_without_retry_after_completes_with_bounded_backoff() {
    let env = setup().await;
    env.sim
        .seed_products((0..300).map(simple).collect())
        .unwrap();
    env.sim
        .inject_fault(Fault::status("POST", "/products/batch", 429).times(3));
    let ids: Vec<u64> = env
        .sim
        .products()
        .iter()
        .map(|p| p["id"].as_u64().unwrap())
        .collect();
    let patches: Vec<ProductPatch> = ids
        .iter()
        .map(|id| ProductPatch {
            id: id.to_string(),
            price: Some(dec!(1)),
            stock: None,
        })
        .collect();
    env.shop.update_products(&patches).await.unwrap();
    // 3 refused + 3 accepted batch calls (3 retries is the policy's limit per call).
    assert_eq!(env.sim.count("POST", "/products/batch"), 6);
    assert_eq!(env.sim.stats()["rate_limited"], 3);
    assert!(env.sim.products().iter().all(|p| p["regular_price"] == "1"));
}

#[tokio::test]
async fn an_endless_429_ends_as_rate_limited_after_the_retry_budget() {
    let env = setup().await;
    env.sim
        .inject_fault(Fault::status("GET", "/customers", 429).times(1000));
    let err = env.shop.customers_page(None, None).await.unwrap_err();
    assert!(
        matches!(err, ShopError::RateLimited { retry_after_ms } if retry_after_ms > 0),
        "{err:?}"
    );
    assert_eq!(
        env.sim.count("GET", "/customers"),
        4,
        "first attempt + 3 retries"
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_handed_back_at_once() {
    let env = setup().await;
    env.sim
        .inject_fault(Fault::rate_limited("GET", "/products", 120).times(10));
    let started = Instant::now();
    let err = env.shop.products_page(None, None).await.unwrap_err();
    assert_eq!(
        err,
        ShopError::RateLimited {
            retry_after_ms: 120_000
        }
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(env.sim.count("GET", "/products"), 1);
}

#[tokio::test]
async fn reads_are_retried_after_5xx_then_reported_unavailable() {
    let env = setup().await;
    env.sim.seed_products(vec![simple(1)]).unwrap();
    env.sim
        .inject_fault(Fault::status("GET", "/products", 502).times(2));
    assert_eq!(
        env.shop
            .products_page(None, None)
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert_eq!(env.sim.count("GET", "/products"), 3);
    env.sim.clear_log();
    env.sim
        .inject_fault(Fault::status("GET", "/products", 500).times(100));
    let err = env.shop.products_page(None, None).await.unwrap_err();
    assert!(matches!(err, ShopError::Unavailable(_)), "{err:?}");
    assert_eq!(env.sim.count("GET", "/products"), 4);
}

#[tokio::test]
async fn creations_are_not_resent_after_a_5xx_but_are_after_a_429() {
    let env = setup().await;
    let new = NewProduct {
        sku: "NEW-1".into(),
        title: "New".into(),
        price: None,
        stock: None,
        active: true,
    };
    env.sim
        .inject_fault(Fault::status("POST", "/products", 503));
    let err = env.shop.create_product(&new).await.unwrap_err();
    assert!(matches!(err, ShopError::Unavailable(_)));
    assert_eq!(env.sim.count("POST", "/products"), 1);
    env.sim
        .inject_fault(Fault::status("POST", "/products", 429));
    env.shop.create_product(&new).await.unwrap();
    assert_eq!(env.sim.count("POST", "/products"), 3);
    assert_eq!(env.sim.products().len(), 1);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_the_read_is_retried() {
    let env = setup().await;
    env.sim.seed_products(vec![simple(1)]).unwrap();
    let shop = WooShop::new(&env.sim.base_url, DEFAULT_KEY, DEFAULT_SECRET)
        .unwrap()
        .with_retry(fast_retry())
        .with_http_client(WooShop::http_client(Duration::from_millis(300)).unwrap());
    env.sim.inject_fault(Fault::delay("GET", "/products", 1500));
    let started = Instant::now();
    let page = shop.products_page(None, None).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "did not wait for the slow answer"
    );
    let never = WooShop::new(&env.sim.base_url, DEFAULT_KEY, DEFAULT_SECRET)
        .unwrap()
        .with_retry(RetryPolicy {
            max_retries: 1,
            ..fast_retry()
        })
        .with_http_client(WooShop::http_client(Duration::from_millis(100)).unwrap());
    env.sim
        .inject_fault(Fault::delay("GET", "/products", 500).times(2));
    assert_eq!(
        never.products_page(None, None).await,
        Err(ShopError::Unavailable("timeout".into()))
    );
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized_without_retries() {
    let env = setup().await;
    let shop = WooShop::new(&env.sim.base_url, DEFAULT_KEY, "cs_wrong")
        .unwrap()
        .with_retry(fast_retry());
    let err = shop.products_by_sku(&["X".into()]).await.unwrap_err();
    assert!(
        matches!(&err, ShopError::Unauthorized(m) if m.contains("Consumer secret is invalid")),
        "{err:?}"
    );
    assert_eq!(env.sim.request_log().len(), 1);
}

#[tokio::test]
async fn the_secret_is_never_logged_or_printed() {
    let env = setup().await;
    env.shop.products_page(None, None).await.unwrap();
    env.shop
        .find_customer_by_email("a@example.se")
        .await
        .unwrap();
    for r in env.sim.request_log() {
        assert!(!r.query.contains(DEFAULT_SECRET), "{r:?}");
        assert_eq!(
            r.consumer_key.as_deref(),
            Some(DEFAULT_KEY),
            "Basic auth used"
        );
    }
    assert!(!format!("{:?}", env.shop).contains(DEFAULT_SECRET));
}

#[test]
fn plain_http_to_a_real_host_and_empty_keys_are_refused() {
    assert!(matches!(
        WooShop::new("http://shop.example.se", "ck", "cs"),
        Err(WooConfigError::InsecureUrl(_))
    ));
    assert_eq!(
        WooShop::new("https://shop.example.se", "ck", " ").unwrap_err(),
        WooConfigError::MissingCredentials
    );
    let shop = WooShop::new("https://shop.example.se/butik/", "ck", "cs").unwrap();
    assert_eq!(
        shop.api_base(),
        "https://shop.example.se/butik/wp-json/wc/v3"
    );
}
