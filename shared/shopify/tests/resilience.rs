//! Rate limits, transient failures and refused credentials.

mod common;

use std::time::{Duration, Instant};

use common::{calls, config, fast_retry, seed_many, setup, setup_fast_bucket};
use fortsync_app::shop::{Shop, ShopError};
use fortsync_shopify::{ShopifyConfig, ShopifyShop};
use shopify_sim::{AccessToken, DEFAULT_TOKEN, Fault, SimConfig};

#[tokio::test]
async fn a_429_storm_completes_with_bounded_retries() {
    let (sim, shop) = setup().await;
    seed_many(&sim, 3);
    sim.inject_fault(Fault::too_many_requests("productVariants", "0.02").times(3));
    let page = shop.products_page(None, None).await.unwrap();
    assert_eq!(page.items.len(), 3);
    let statuses: Vec<u16> = sim
        .request_log()
        .iter()
        .filter(|r| r.operation_name.as_deref() == Some("FortsyncVariantsPage"))
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![429, 429, 429, 200]);
}

#[tokio::test]
async fn an_endless_429_storm_ends_in_rate_limited() {
    let (sim, shop) = setup().await;
    sim.inject_fault(Fault::too_many_requests("customers", "0.01").times(1000));
    let err = shop.customers_page(None, None).await.unwrap_err();
    assert!(
        matches!(err, ShopError::RateLimited { retry_after_ms } if retry_after_ms >= 1),
        "{err:?}"
    );
    // First attempt + max_retries (3).
    assert_eq!(calls(&sim, "FortsyncCustomersPage"), 4);
}

#[tokio::test]
async fn a_throttled_storm_completes_and_an_endless_one_is_rate_limited() {
    let (sim, shop) = setup_fast_bucket().await;
    let o = sim.seed_order(shopify_sim::SeedOrder::default());
    sim.inject_fault(Fault::throttled("order").times(2));
    let annotation = fortsync_app::shop::OrderAnnotation {
        order_id: o.id.to_string(),
        note: "Invoiced".into(),
        ..Default::default()
    };
    shop.annotate_order(&annotation).await.unwrap();
    assert_eq!(sim.order(o.id).unwrap().note.as_deref(), Some("Invoiced"));
    let throttled = sim.request_log().iter().filter(|r| r.throttled).count();
    assert_eq!(throttled, 2);

    sim.clear_log();
    sim.inject_fault(Fault::throttled("tagsAdd").times(1000));
    let err = shop
        .annotate_order(&fortsync_app::shop::OrderAnnotation {
            order_id: o.id.to_string(),
            tags: vec!["x".into()],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, ShopError::RateLimited { .. }), "{err:?}");
    assert_eq!(calls(&sim, "FortsyncAnnotateOrder"), 4);
    assert!(sim.order(o.id).unwrap().tags.is_empty());
}

#[tokio::test]
async fn waits_for_the_bucket_instead_of_being_throttled() {
    // A small bucket: 1100 points, 2000 restored per second. Pages cost 502 requested.
    let sim = shopify_sim::spawn(SimConfig {
        bucket_size: 1100.0,
        restore_rate: 2000.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let shop = common::shop(&sim);
    seed_many(&sim, 600);
    let t = Instant::now();
    let mut cursor = None;
    let mut n = 0;
    loop {
        let page = shop.products_page(None, cursor.as_deref()).await.unwrap();
        n += page.items.len();
        match page.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(n, 600);
    let log = sim.request_log();
    assert!(
        log.iter().all(|r| !r.throttled),
        "the adapter waited before each short call"
    );
    assert_eq!(calls(&sim, "FortsyncVariantsPage"), 6);
    // Six full pages (3012 points) through a 1100-point bucket need some restore time.
    assert!(
        t.elapsed() >= Duration::from_millis(400),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn a_wait_beyond_the_budget_is_rate_limited_at_once() {
    let (sim, shop) = setup().await;
    seed_many(&sim, 1);
    shop.products_page(None, None).await.unwrap();
    // Another client drained the bucket; the next answer says so.
    sim.set_available(DEFAULT_TOKEN, 0.0);
    sim.inject_fault(Fault::throttled("productVariants"));
    let t = Instant::now();
    let err = shop.products_page(None, None).await.unwrap_err();
    // 502 points at 100/s is ~5 s, more than the 2 s budget.
    assert!(
        matches!(err, ShopError::RateLimited { retry_after_ms } if retry_after_ms > 1000),
        "{err:?}"
    );
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn server_errors_are_retried_for_reads_and_then_unavailable() {
    let (sim, shop) = setup_fast_bucket().await;
    sim.inject_fault(Fault::status("customers", 502).times(2));
    shop.customers_page(None, None).await.unwrap();
    assert_eq!(calls(&sim, "FortsyncCustomersPage"), 3);
    sim.inject_fault(Fault::status("customers", 503).times(100));
    let err = shop.customers_page(None, None).await.unwrap_err();
    assert!(
        matches!(err, ShopError::Unavailable(ref m) if m.contains("503")),
        "{err:?}"
    );
}

#[tokio::test]
async fn creates_are_not_resent_after_a_server_error() {
    let (sim, shop) = setup().await;
    sim.inject_fault(Fault::status("productSet", 500));
    let err = shop
        .create_product(&fortsync_app::shop::NewProduct {
            sku: "A".into(),
            title: "A".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, ShopError::Unavailable(_)), "{err:?}");
    assert_eq!(calls(&sim, "FortsyncCreateProduct"), 1);
    assert!(sim.products().is_empty());
}

#[tokio::test]
async fn timeouts_are_unavailable() {
    let (sim, _) = setup().await;
    let shop = ShopifyShop::new(config(&sim).with_timeout(Duration::from_millis(100))).unwrap();
    sim.inject_fault(Fault::delay("customers", 400).times(10));
    let err = shop.customers_page(None, None).await.unwrap_err();
    assert!(
        matches!(err, ShopError::Unavailable(ref m) if m.contains("timed out")),
        "{err:?}"
    );
    // Abandoned requests are not logged (the answer was never produced): count the faults used.
    assert_eq!(sim.faults()[0].count, 6, "first attempt + 3 retries");
}

#[tokio::test]
async fn refused_credentials_are_unauthorized_without_retry() {
    let (sim, _) = setup().await;
    let bad = ShopifyShop::new(
        ShopifyConfig::new(&sim.base_url, "shpat_wrong")
            .unwrap()
            .with_retry(fast_retry()),
    )
    .unwrap();
    let err = bad.customers_page(None, None).await.unwrap_err();
    assert!(
        matches!(err, ShopError::Unauthorized(ref m) if m.contains("401")),
        "{err:?}"
    );
    assert_eq!(sim.request_log().len(), 1);

    let retired = ShopifyShop::new(config(&sim).with_api_version("2019-04").unwrap()).unwrap();
    let err = retired.customers_page(None, None).await.unwrap_err();
    assert!(
        matches!(err, ShopError::Unauthorized(ref m) if m.contains("404")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_missing_scope_is_unauthorized() {
    let sim = shopify_sim::spawn(SimConfig {
        access_tokens: vec![AccessToken {
            token: "shpat_products".into(),
            scopes: Some(vec!["write_products".into(), "read_locations".into()]),
        }],
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let shop = ShopifyShop::new(
        ShopifyConfig::new(&sim.base_url, "shpat_products")
            .unwrap()
            .with_retry(fast_retry()),
    )
    .unwrap();
    assert!(shop.products_page(None, None).await.is_ok());
    let err = shop.customers_page(None, None).await.unwrap_err();
    assert!(
        matches!(err, ShopError::Unauthorized(ref m) if m.contains("read_customers")),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_token_stays_out_of_debug_output() {
    let (sim, shop) = setup().await;
    let cfg = config(&sim);
    assert!(!format!("{cfg:?}").contains(DEFAULT_TOKEN));
    assert!(!format!("{shop:?}").contains(DEFAULT_TOKEN));
}
