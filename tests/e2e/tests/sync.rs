//! The register sync end to end: moto (DynamoDB, SQS, Secrets Manager), the Fortnox simulator
//! and the WooCommerce / Shopify simulators. Changes flow each way per the settings, an unchanged
//! hour costs one Fortnox call per register and no shop write, a crash mid-run redoes its page
//! and writes nothing twice, overlapping runs do the work once.

use fortsync_app::sync::{SyncOutcome, SyncReport, run_sync};
use fortsync_domain::job::SyncResource;
use fortsync_domain::order::Platform;
use fortsync_domain::sync::{Direction, StockDirection, SyncSettings};
use fortsync_domain::tenant::ShopLink;
use fortsync_e2e::moto_env;
use fortsync_local::LocalEnv;
use serde_json::{Value, json};

async fn configure(env: &LocalEnv, link: ShopLink, creds: Value, sync: SyncSettings) {
    fortsync_e2e::link_shop(env, link.platform, &link.base_url, creds).await;
    let mut tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .unwrap()
        .unwrap();
    tenant.shop = Some(link);
    tenant.settings.sync = sync;
    tenant.settings.version += 1;
    tenant.settings.validate().unwrap();
    env.stack.tenants.put_tenant(&tenant).await.unwrap();
}

async fn sync(env: &LocalEnv, resource: SyncResource, full: bool) -> SyncReport {
    let deps = env.stack.worker.sync.clone().unwrap();
    match run_sync(&deps, &env.tenant, resource, full).await {
        Ok(SyncOutcome::Completed(r)) => r,
        other => panic!("sync: {other:?}"),
    }
}

fn article(number: &str, price: &str, vat: u32, stock: u32) -> Value {
    json!({"ArticleNumber": number, "Description": format!("Artikel {number}"), "VAT": vat,
           "StockGoods": true, "QuantityInStock": stock, "SalesPrice": price})
}

fn seed_articles(env: &LocalEnv, articles: Vec<Value>) {
    let prices: Vec<Value> = articles
        .iter()
        .map(|a| json!({"ArticleNumber": a["ArticleNumber"], "PriceList": "A", "FromQuantity": 0, "Price": a["SalesPrice"]}))
        .collect();
    let bare: Vec<Value> = articles
        .into_iter()
        .map(|mut a| {
            a.as_object_mut().unwrap().remove("SalesPrice");
            a
        })
        .collect();
    env.sim.seed("articles", env.fortnox_tenant, bare).unwrap();
    env.sim.seed("prices", env.fortnox_tenant, prices).unwrap();
}

async fn woo(env: &LocalEnv, sync_settings: SyncSettings) -> woo_sim::SimHandle {
    let shop = woo_sim::spawn(woo_sim::SimConfig::default()).await.unwrap();
    configure(
        env,
        ShopLink {
            platform: Platform::Woocommerce,
            base_url: shop.base_url.clone(),
            location_id: None,
        },
        json!({"consumer_key": woo_sim::DEFAULT_KEY, "consumer_secret": woo_sim::DEFAULT_SECRET}),
        sync_settings,
    )
    .await;
    shop
}

fn prices_and_stock_to_shop() -> SyncSettings {
    let mut s = SyncSettings::default();
    s.prices.direction = Direction::FortnoxToShop;
    s.stock.direction = StockDirection::FortnoxToShop;
    s
}

fn woo_product(shop: &woo_sim::SimHandle, sku: &str) -> Value {
    shop.products()
        .into_iter()
        .find(|p| p["sku"] == sku)
        .unwrap_or_else(|| panic!("no product {sku}"))
}

fn shop_writes(shop: &woo_sim::SimHandle) -> usize {
    shop.request_log()
        .iter()
        .filter(|r| r.method != "GET")
        .count()
}

fn fortnox_calls(env: &LocalEnv) -> usize {
    env.sim
        .request_log()
        .iter()
        .filter(|r| r.path.starts_with("/3/"))
        .count()
}

/// A Fortnox change made the way a bookkeeper makes it: through the API.
async fn fortnox_put(env: &LocalEnv, path: &str, body: Value) {
    let token = env.sim.issue_token(
        fortsync_local::CLIENT_ID,
        env.fortnox_tenant,
        &["article", "customer", "price"],
    );
    let resp = reqwest::Client::new()
        .put(format!("{}{path}", env.sim_base))
        .bearer_auth(token.access_token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
}

#[tokio::test(flavor = "multi_thread")]
async fn fortnox_prices_and_stock_reach_woocommerce_and_an_unchanged_hour_costs_one_call() {
    let env = moto_env("sync-woo", |_| {}).await;
    seed_articles(
        &env,
        vec![
            article("TS-1", "100.00", 25, 7),
            article("BOK-1", "40.00", 6, 0),
        ],
    );
    let mut s = prices_and_stock_to_shop();
    s.prices.never_set_price = vec!["BOK-1".into()];
    let shop = woo(&env, s).await;
    shop.seed_products(vec![
        json!({"name": "T-shirt", "sku": "TS-1", "regular_price": "99.00", "manage_stock": true, "stock_quantity": 3}),
        json!({"name": "Bok", "sku": "BOK-1", "regular_price": "10.00", "manage_stock": true, "stock_quantity": 5}),
        json!({"name": "Only in the shop", "sku": "SHOP-ONLY", "regular_price": "50.00"}),
    ])
    .unwrap();

    let first = sync(&env, SyncResource::Articles, false).await;
    println!("first run: {}", first.summary());
    let ts = woo_product(&shop, "TS-1");
    assert_eq!(ts["regular_price"], "125.00", "100 + 25 % VAT");
    assert_eq!(ts["stock_quantity"], 7);
    let bok = woo_product(&shop, "BOK-1");
    assert_eq!(bok["regular_price"], "10.00", "never_set_price is honoured");
    assert_eq!(bok["stock_quantity"], 0, "stock still flows");
    assert_eq!(woo_product(&shop, "SHOP-ONLY")["regular_price"], "50.00");

    // An hour with no changes: one Fortnox call, no shop write.
    let (calls, writes) = (fortnox_calls(&env), shop_writes(&shop));
    let quiet = sync(&env, SyncResource::Articles, false).await;
    let quiet_calls = fortnox_calls(&env) - calls;
    println!(
        "unchanged hour: {quiet_calls} Fortnox call(s), {} shop write(s)",
        shop_writes(&shop) - writes
    );
    assert_eq!(quiet_calls, 1, "{}", quiet.summary());
    assert_eq!(shop_writes(&shop), writes);

    // The bookkeeper raises the price in Fortnox: the shop follows after one run.
    env.sim.advance(std::time::Duration::from_secs(120));
    fortnox_put(&env, "/3/prices/A/TS-1/0", json!({"Price": {"Price": 200}})).await;
    sync(&env, SyncResource::Articles, false).await;
    assert_eq!(woo_product(&shop, "TS-1")["regular_price"], "250.00");
}

#[tokio::test(flavor = "multi_thread")]
async fn shop_prices_reach_fortnox_and_off_directions_are_never_touched() {
    let env = moto_env("sync-woo-up", |_| {}).await;
    seed_articles(&env, vec![article("MUG-1", "80.00", 25, 4)]);
    let mut s = SyncSettings::default();
    s.prices.direction = Direction::ShopToFortnox;
    let shop = woo(&env, s).await;
    shop.seed_products(vec![
        json!({"name": "Mugg", "sku": "MUG-1", "regular_price": "150.00", "manage_stock": true, "stock_quantity": 99}),
    ])
    .unwrap();
    sync(&env, SyncResource::Articles, false).await;
    let prices = env.sim.request_log();
    assert!(
        prices
            .iter()
            .any(|r| r.method == "PUT" && r.path.starts_with("/3/prices"))
    );
    let articles = env.sim.articles(env.fortnox_tenant);
    let mug = articles
        .iter()
        .find(|a| a["ArticleNumber"] == "MUG-1")
        .unwrap();
    assert_eq!(
        mug["SalesPrice"].as_f64(),
        Some(120.0),
        "150 incl. 25 % VAT = 120 net"
    );
    assert_eq!(
        mug["QuantityInStock"].as_f64(),
        Some(4.0),
        "stock is off: untouched"
    );
    assert_eq!(woo_product(&shop, "MUG-1")["stock_quantity"], 99);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_mid_run_redoes_its_page_and_writes_nothing_twice() {
    let env = moto_env("sync-crash", |_| {}).await;
    let n = 1_200;
    seed_articles(
        &env,
        (0..n)
            .map(|i| article(&format!("ART-{i:05}"), "10.00", 25, i % 7))
            .collect(),
    );
    let shop = woo(&env, prices_and_stock_to_shop()).await;
    shop.seed_products(
        (0..n)
            .map(|i| json!({"name": format!("P{i}"), "sku": format!("ART-{i:05}"), "regular_price": "1.00", "manage_stock": true, "stock_quantity": 0}))
            .collect(),
    )
    .unwrap();
    // After 7 batch writes (Fortnox page 1 = 5 batches, then 2 of page 2), the shop fails hard:
    // the run stops inside Fortnox page 2.
    shop.inject_fault(
        woo_sim::Fault::status("POST", "/products/batch", 500)
            .after(7)
            .times(50),
    );
    let deps = env.stack.worker.sync.clone().unwrap();
    let failed = run_sync(&deps, &env.tenant, SyncResource::Articles, false).await;
    assert!(failed.is_err(), "{failed:?}");
    shop.clear_faults();
    let done = sync(&env, SyncResource::Articles, false).await;
    println!("after the crash: {}", done.summary());
    for p in shop.products() {
        assert_eq!(p["regular_price"], "12.50", "{p}");
    }
    // Page 1 (5 batches) was committed and is not read again; page 2 is redone from its start,
    // where the 200 products already written agree with Fortnox and are not written again:
    // 12 successful batches of 100 in all, every product written exactly once.
    let batches = shop
        .request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/products/batch") && r.status < 300)
        .count();
    assert_eq!(batches, 12);
    assert_eq!(done.shop_updates, 500, "{}", done.summary());
    assert_eq!(
        done.fortnox_pages,
        2,
        "the rerun starts at page 2 of 3: {}",
        done.summary()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_overlapping_runs_do_the_work_once() {
    let env = moto_env("sync-overlap", |_| {}).await;
    seed_articles(
        &env,
        (0..600)
            .map(|i| article(&format!("O-{i}"), "8.00", 25, 1))
            .collect(),
    );
    let shop = woo(&env, prices_and_stock_to_shop()).await;
    shop.seed_products(
        (0..600)
            .map(|i| json!({"name": "x", "sku": format!("O-{i}"), "regular_price": "1.00", "manage_stock": true, "stock_quantity": 0}))
            .collect(),
    )
    .unwrap();
    let a = env.stack.worker.sync.clone().unwrap();
    // Another Lambda instance: the same table, its own lease owner id.
    let mut b = (*a).clone();
    b.owner = "another-instance".into();
    let (x, y) = tokio::join!(
        run_sync(&a, &env.tenant, SyncResource::Articles, false),
        run_sync(&b, &env.tenant, SyncResource::Articles, false)
    );
    let outcomes = [x.unwrap(), y.unwrap()];
    assert_eq!(
        outcomes.iter().filter(|o| **o == SyncOutcome::Busy).count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(
        shop.products()
            .iter()
            .filter(|p| p["regular_price"] == "10.00")
            .count(),
        600
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn warehouse_stock_reaches_the_shop_from_the_stock_point() {
    let env = moto_env("sync-lager", |_| {}).await;
    seed_articles(&env, vec![article("LAG-1", "50.00", 25, 3)]);
    env.sim
        .seed(
            "stockbalance",
            env.fortnox_tenant,
            vec![json!({"itemId": "LAG-1", "stockPointCode": "GBG", "inStock": 12, "availableStock": 9.5})],
        )
        .unwrap();
    let mut s = SyncSettings::default();
    s.stock.direction = StockDirection::FortnoxToShop;
    s.stock.source = fortsync_domain::sync::StockSource::Warehouse {
        stock_point: "GBG".into(),
    };
    let shop = woo(&env, s).await;
    shop.seed_products(vec![
        json!({"name": "Lager", "sku": "LAG-1", "regular_price": "1.00", "manage_stock": true, "stock_quantity": 0}),
    ])
    .unwrap();
    sync(&env, SyncResource::Articles, false).await;
    let p = woo_product(&shop, "LAG-1");
    assert_eq!(
        p["stock_quantity"], 9,
        "available at GBG, floored (not the article's 3)"
    );
    assert_eq!(p["regular_price"], "1.00", "prices are off");
}

#[tokio::test(flavor = "multi_thread")]
async fn customer_fields_flow_each_way_and_an_off_field_is_never_touched() {
    let env = moto_env("sync-customers", |_| {}).await;
    env.sim
        .seed(
            "customers",
            env.fortnox_tenant,
            vec![
                json!({"Name": "Karin Berg", "Email": "karin@example.se", "Phone1": "070-111 22 33",
                        "City": "Uppsala", "Address1": "Fortnoxvägen 1", "ZipCode": "75320"}),
            ],
        )
        .unwrap();
    let mut s = SyncSettings::default();
    s.customers.phone = Direction::FortnoxToShop;
    s.customers.city = Direction::ShopToFortnox;
    s.customers.create_in_fortnox = true;
    s.customers.name = Direction::ShopToFortnox;
    let shop = woo(&env, s).await;
    shop.seed_customers(vec![
        json!({"email": "karin@example.se", "first_name": "Karin", "last_name": "Berg",
               "billing": {"phone": "0700000000", "city": "Malmö", "address_1": "Shopgatan 9", "postcode": "21120", "country": "SE"}}),
        json!({"email": "nils@example.se", "first_name": "Nils", "last_name": "Holm",
               "billing": {"city": "Lund", "country": "SE"}}),
    ])
    .unwrap();
    let report = sync(&env, SyncResource::Customers, false).await;
    println!("customers: {}", report.summary());
    let karin = shop
        .customers()
        .into_iter()
        .find(|c| c["email"] == "karin@example.se")
        .unwrap();
    assert_eq!(
        karin["billing"]["phone"], "070-111 22 33",
        "phone: Fortnox → shop"
    );
    assert_eq!(
        karin["billing"]["address_1"], "Shopgatan 9",
        "address is off"
    );
    let fortnox = env.sim.customers(env.fortnox_tenant);
    let k = fortnox
        .iter()
        .find(|c| c["Email"] == "karin@example.se")
        .unwrap();
    assert_eq!(k["City"], "Malmö", "city: shop → Fortnox");
    assert_eq!(k["Address1"], "Fortnoxvägen 1", "address is off");
    let nils = fortnox.iter().find(|c| c["Email"] == "nils@example.se");
    assert!(
        nils.is_some_and(|n| n["Name"] == "Nils Holm"),
        "{fortnox:?}"
    );
    assert_eq!(fortnox.len(), 2, "Karin linked by e-mail, not duplicated");

    // Nothing changed: nothing written.
    let writes = shop_writes(&shop);
    let again = sync(&env, SyncResource::Customers, false).await;
    assert_eq!(shop_writes(&shop), writes, "{}", again.summary());
    assert_eq!(
        again.fortnox_updates + again.fortnox_creates,
        0,
        "{}",
        again.summary()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn shopify_gets_prices_and_stock_at_its_location_through_a_429_storm() {
    let env = moto_env("sync-shopify", |_| {}).await;
    seed_articles(
        &env,
        (0..120)
            .map(|i| article(&format!("SH-{i:03}"), "80.00", 25, i))
            .collect(),
    );
    let shop = shopify_sim::spawn(shopify_sim::SimConfig::default())
        .await
        .unwrap();
    for i in 0..120 {
        shop.seed_product(shopify_sim::SeedProduct::simple(
            &format!("SH-{i:03}"),
            &format!("Produkt {i}"),
            rust_decimal::Decimal::ONE,
            Some(0),
        ));
    }
    shop.inject_fault(shopify_sim::Fault::too_many_requests("*", "0.05").times(3));
    configure(
        &env,
        ShopLink {
            platform: Platform::Shopify,
            base_url: shop.base_url.clone(),
            location_id: None,
        },
        json!({"access_token": shopify_sim::DEFAULT_TOKEN}),
        prices_and_stock_to_shop(),
    )
    .await;
    let report = sync(&env, SyncResource::Articles, false).await;
    println!("shopify: {}", report.summary());
    assert_eq!(report.shop_updates, 120);
    let (_, v) = shop.variant_by_sku("SH-007").unwrap();
    assert_eq!(v.price, rust_decimal::Decimal::new(10000, 2), "{v:?}");
    assert_eq!(
        v.on_hand.values().copied().collect::<Vec<_>>(),
        vec![7],
        "{v:?}"
    );
    println!(
        "shopify calls: {} variant reads, {} bulk price updates, {} inventory sets",
        shop.count("productVariants"),
        shop.count("productVariantsBulkUpdate"),
        shop.count("inventorySetQuantities")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_products_are_created_as_drafts_and_shop_stock_reaches_fortnox() {
    let env = moto_env("sync-create", |_| {}).await;
    seed_articles(
        &env,
        vec![
            article("NEW-1", "40.00", 25, 6),
            article("STK-1", "10.00", 25, 1),
        ],
    );
    env.sim
        .seed(
            "articles",
            env.fortnox_tenant,
            vec![json!({"ArticleNumber": "OLD-1", "Description": "Utgången", "Active": false})],
        )
        .unwrap();
    let mut s = SyncSettings::default();
    s.articles.direction = Direction::FortnoxToShop;
    s.articles.create_missing = true;
    s.prices.direction = Direction::FortnoxToShop;
    s.stock.direction = StockDirection::ShopToFortnox;
    let shop = woo(&env, s).await;
    shop.seed_products(vec![
        json!({"name": "Lagervara", "sku": "STK-1", "regular_price": "12.50", "manage_stock": true, "stock_quantity": 33}),
    ])
    .unwrap();
    let report = sync(&env, SyncResource::Articles, false).await;
    println!("create: {}", report.summary());
    let created = woo_product(&shop, "NEW-1");
    assert_eq!(
        created["status"], "draft",
        "created for the merchant to review"
    );
    assert_eq!(created["regular_price"], "50.00");
    assert!(
        !shop.products().iter().any(|p| p["sku"] == "OLD-1"),
        "inactive articles are not synced"
    );
    let stk = env
        .sim
        .articles(env.fortnox_tenant)
        .into_iter()
        .find(|a| a["ArticleNumber"] == "STK-1")
        .unwrap();
    assert_eq!(
        stk["QuantityInStock"].as_f64(),
        Some(33.0),
        "shop stock → Fortnox"
    );
}
