//! Benchmark (prints figures; asserts call counts, never times): the first full sync of 10 000
//! articles to a WooCommerce shop at Fortnox's throttle, then an hour with no changes. Runs on
//! the in-memory state store so the figures are Fortnox's and the shop's, not moto's.

use fortsync_app::sync::{SyncOutcome, run_sync};
use fortsync_domain::job::SyncResource;
use fortsync_domain::order::Platform;
use fortsync_domain::sync::{Direction, StockDirection};
use fortsync_domain::tenant::ShopLink;
use serde_json::json;
use std::time::Instant;

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_articles_first_full_sync_then_an_unchanged_hour() {
    let n = 10_000;
    let env = fortsync_local::start(fortsync_local::Options::new("bench-sync", "secret"))
        .await
        .unwrap();
    // The register was last changed an hour ago (the first sync then finds it settled).
    let now = env.sim.now();
    env.sim.set_now(now - time::Duration::hours(1));
    let articles = (0..n)
        .map(|i| {
            json!({"ArticleNumber": format!("B-{i:05}"), "Description": format!("Artikel {i}"),
                        "VAT": 25, "StockGoods": true, "QuantityInStock": i % 50})
        })
        .collect();
    env.sim
        .seed("articles", env.fortnox_tenant, articles)
        .unwrap();
    let prices = (0..n)
        .map(|i| json!({"ArticleNumber": format!("B-{i:05}"), "PriceList": "A", "FromQuantity": 0, "Price": 100 + i % 7}))
        .collect();
    env.sim.seed("prices", env.fortnox_tenant, prices).unwrap();
    env.sim.set_now(now);
    let shop = woo_sim::spawn(woo_sim::SimConfig::default()).await.unwrap();
    shop.seed_products(
        (0..n)
            .map(|i| {
                json!({"name": format!("P{i}"), "sku": format!("B-{i:05}"), "regular_price": "1.00",
                            "manage_stock": true, "stock_quantity": 0})
            })
            .collect(),
    )
    .unwrap();
    let mut tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .unwrap()
        .unwrap();
    tenant.shop = Some(ShopLink {
        platform: Platform::Woocommerce,
        base_url: shop.base_url.clone(),
        location_id: None,
    });
    tenant.settings.sync.prices.direction = Direction::FortnoxToShop;
    tenant.settings.sync.stock.direction = StockDirection::FortnoxToShop;
    env.stack.tenants.put_tenant(&tenant).await.unwrap();
    let creds =
        json!({"consumer_key": woo_sim::DEFAULT_KEY, "consumer_secret": woo_sim::DEFAULT_SECRET});
    env.stack
        .secrets
        .put_secret(
            &env.stack.names.shop(&env.tenant),
            &fortsync_app::SecretString::new(creds.to_string()),
        )
        .await
        .unwrap();
    let deps = env.stack.worker.sync.clone().unwrap();
    let fortnox_calls = || {
        env.sim
            .request_log()
            .iter()
            .filter(|r| r.path.starts_with("/3/"))
            .count()
    };
    let fortnox_gets = || {
        env.sim
            .request_log()
            .iter()
            .filter(|r| r.path.starts_with("/3/") && r.method == "GET")
            .count()
    };
    let shop_calls = |write: bool| {
        shop.request_log()
            .iter()
            .filter(|r| (r.method != "GET") == write)
            .count()
    };

    let (f0, g0) = (fortnox_calls(), fortnox_gets());
    let started = Instant::now();
    let first = match run_sync(&deps, &env.tenant, SyncResource::Articles, true).await {
        Ok(SyncOutcome::Completed(r)) => r,
        other => panic!("{other:?}"),
    };
    let wall = started.elapsed();
    let (f1, r1, w1) = (fortnox_calls() - f0, shop_calls(false), shop_calls(true));
    let list_calls = fortnox_gets() - g0;
    println!("first full sync of {n} articles: {}", first.summary());
    println!(
        "  Fortnox: {f1} calls ({list_calls} list calls); shop: {r1} reads, {w1} writes; wall time {:.1} s (Fortnox throttle 25 req / 5 s)",
        wall.as_secs_f64()
    );
    assert!(list_calls <= 21, "{list_calls} Fortnox list calls");
    assert_eq!(
        f1, list_calls,
        "no Fortnox writes: prices and stock flow to the shop"
    );
    assert_eq!(first.shop_updates, n);
    assert_eq!(w1, 100, "10 000 changes in batches of 100");

    let started = Instant::now();
    let quiet = match run_sync(&deps, &env.tenant, SyncResource::Articles, false).await {
        Ok(SyncOutcome::Completed(r)) => r,
        other => panic!("{other:?}"),
    };
    let (f2, w2) = (fortnox_calls() - f1 - f0, shop_calls(true) - w1);
    println!(
        "unchanged hour: {f2} Fortnox call(s), {w2} shop write(s), {:.2} s ({})",
        started.elapsed().as_secs_f64(),
        quiet.summary()
    );
    assert_eq!((f2, w2), (1, 0));
}
