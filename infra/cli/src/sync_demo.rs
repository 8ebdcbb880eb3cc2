//! Step 6 of `fortsync demo`: a register-sync round between the Fortnox simulator and a
//! WooCommerce simulator. Prices go both ways (the side that changed since the last sync wins),
//! stock from Fortnox, a customer's phone from Fortnox and city from the shop.

use fortsync_app::SecretString;
use fortsync_app::sync::{SyncOutcome, audit_key, run_sync};
use fortsync_domain::job::SyncResource;
use fortsync_domain::order::Platform;
use fortsync_domain::sync::{Direction, StockDirection};
use fortsync_domain::tenant::ShopLink;
use fortsync_local::LocalEnv;
use serde_json::{Value, json};

fn product(shop: &woo_sim::SimHandle, sku: &str) -> Option<Value> {
    shop.products().into_iter().find(|p| p["sku"] == sku)
}

async fn run(env: &LocalEnv, resource: SyncResource) -> Result<String, String> {
    let deps = env
        .stack
        .worker
        .sync
        .clone()
        .ok_or("the register sync is not wired")?;
    match run_sync(&deps, &env.tenant, resource, false).await {
        Ok(SyncOutcome::Completed(r)) => Ok(r.summary()),
        other => Err(format!("{} sync: {other:?}", resource.as_str())),
    }
}

async fn fortnox_put(env: &LocalEnv, path: &str, body: Value) -> Result<(), String> {
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
        .map_err(|e| e.to_string())?;
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(format!("{path}: {}", resp.status()))
    }
}

async fn shop_put(shop: &woo_sim::SimHandle, path: &str, body: Value) -> Result<(), String> {
    let resp = reqwest::Client::new()
        .put(format!("{}{path}", shop.api_url()))
        .basic_auth(woo_sim::DEFAULT_KEY, Some(woo_sim::DEFAULT_SECRET))
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(format!("{path}: {}", resp.status()))
    }
}

pub async fn round(
    env: &LocalEnv,
    problems: &mut Vec<String>,
) -> Result<woo_sim::SimHandle, String> {
    println!("6. Register sync (hourly, or `fortsync sync`) with a WooCommerce shop");
    let shop = woo_sim::spawn(woo_sim::SimConfig::default())
        .await
        .map_err(|e| e.to_string())?;
    let seed = |e: fortnox_sim::SeedError| format!("seed: {e:?}");
    // Seeded an hour ago, as a register that has been in use.
    let now = env.sim.now();
    env.sim.set_now(now - time::Duration::hours(1));
    env.sim
        .seed("articles", env.fortnox_tenant, vec![
            json!({"ArticleNumber": "MUG-BLUE", "Description": "Mugg blå", "VAT": 25, "StockGoods": true, "QuantityInStock": 14}),
            json!({"ArticleNumber": "TEA-100", "Description": "Te 100 g", "VAT": 12, "StockGoods": true, "QuantityInStock": 40}),
        ])
        .map_err(seed)?;
    env.sim
        .seed("prices", env.fortnox_tenant, vec![
            json!({"ArticleNumber": "MUG-BLUE", "PriceList": "A", "FromQuantity": 0, "Price": 100}),
            json!({"ArticleNumber": "TEA-100", "PriceList": "A", "FromQuantity": 0, "Price": 50}),
        ])
        .map_err(seed)?;
    env.sim
        .seed("customers", env.fortnox_tenant, vec![
            json!({"Name": "Karin Berg", "Email": "karin@example.se", "Phone1": "070-111 22 33", "City": "Uppsala"}),
        ])
        .map_err(seed)?;
    env.sim.set_now(now);
    let ids = shop
        .seed_products(vec![
            json!({"name": "Mugg blå", "sku": "MUG-BLUE", "regular_price": "125.00", "manage_stock": true, "stock_quantity": 14}),
            json!({"name": "Te 100 g", "sku": "TEA-100", "regular_price": "56.00", "manage_stock": true, "stock_quantity": 40}),
        ])
        .map_err(|e| format!("{e:?}"))?;
    let customers = shop
        .seed_customers(vec![
            json!({"email": "karin@example.se", "first_name": "Karin", "last_name": "Berg",
            "billing": {"phone": "070-111 22 33", "city": "Uppsala", "country": "SE"}}),
        ])
        .map_err(|e| format!("{e:?}"))?;

    let mut tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no demo tenant")?;
    tenant.shop = Some(ShopLink {
        platform: Platform::Woocommerce,
        base_url: shop.base_url.clone(),
        location_id: None,
    });
    let s = &mut tenant.settings.sync;
    s.prices.direction = Direction::Both;
    s.stock.direction = StockDirection::FortnoxToShop;
    s.customers.phone = Direction::FortnoxToShop;
    s.customers.city = Direction::ShopToFortnox;
    tenant.settings.version += 1;
    tenant.settings.validate().map_err(|e| e.to_string())?;
    env.stack
        .tenants
        .put_tenant(&tenant)
        .await
        .map_err(|e| e.to_string())?;
    let creds =
        json!({"consumer_key": woo_sim::DEFAULT_KEY, "consumer_secret": woo_sim::DEFAULT_SECRET});
    env.stack
        .secrets
        .put_secret(
            &env.stack.names.shop(&env.tenant),
            &SecretString::new(creds.to_string()),
        )
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "   settings: prices both ways, stock Fortnox -> shop, customer phone Fortnox -> shop, city shop -> Fortnox"
    );
    println!(
        "   first run: articles: {}",
        run(env, SyncResource::Articles).await?
    );
    println!(
        "              customers: {}",
        run(env, SyncResource::Customers).await?
    );

    // An hour later: changes on both sides.
    fortnox_put(
        env,
        "/3/prices/A/MUG-BLUE/0",
        json!({"Price": {"Price": 120}}),
    )
    .await?;
    fortnox_put(
        env,
        "/3/articles/MUG-BLUE",
        json!({"Article": {"QuantityInStock": 9}}),
    )
    .await?;
    let karin_number = env
        .sim
        .customers(env.fortnox_tenant)
        .into_iter()
        .find(|c| c["Email"] == "karin@example.se")
        .and_then(|c| c["CustomerNumber"].as_str().map(str::to_owned))
        .ok_or("Karin missing in Fortnox")?;
    fortnox_put(
        env,
        &format!("/3/customers/{karin_number}"),
        json!({"Customer": {"Phone1": "070-999 88 77"}}),
    )
    .await?;
    let tea = ids.get(1).copied().ok_or("seeded ids")?;
    shop_put(
        &shop,
        &format!("/products/{tea}"),
        json!({"regular_price": "61.60"}),
    )
    .await?;
    let karin = customers.first().copied().ok_or("seeded ids")?;
    shop_put(
        &shop,
        &format!("/customers/{karin}"),
        json!({"billing": {"city": "Malmö"}}),
    )
    .await?;
    println!(
        "   changed: Fortnox MUG-BLUE price 100 -> 120 (excl. VAT) and stock 14 -> 9, Karin's phone;"
    );
    println!(
        "            shop TEA-100 price 56.00 -> 61.60 (incl. VAT), Karin's city Uppsala -> Malmö"
    );
    println!(
        "   next run: articles: {}",
        run(env, SyncResource::Articles).await?
    );
    println!(
        "             customers: {}",
        run(env, SyncResource::Customers).await?
    );
    for (resource, label) in [
        (SyncResource::Articles, "articles"),
        (SyncResource::Customers, "customers"),
    ] {
        let Some(key) = audit_key(resource) else {
            continue;
        };
        let trail = env
            .stack
            .audit
            .list(&env.tenant, &key)
            .await
            .map_err(|e| e.to_string())?;
        for e in trail.iter().filter(|e| e.step != "fortnox_call") {
            println!(
                "   audit {label}: {} {} {}",
                e.step,
                e.outcome,
                e.detail.as_deref().unwrap_or("")
            );
        }
    }

    let mug = product(&shop, "MUG-BLUE").ok_or("MUG-BLUE missing")?;
    let fortnox_tea = env
        .sim
        .articles(env.fortnox_tenant)
        .into_iter()
        .find(|a| a["ArticleNumber"] == "TEA-100")
        .ok_or("TEA-100 missing")?;
    let fortnox_karin = env
        .sim
        .customers(env.fortnox_tenant)
        .into_iter()
        .find(|c| c["Email"] == "karin@example.se")
        .ok_or("Karin missing")?;
    let shop_karin = shop
        .customers()
        .into_iter()
        .find(|c| c["email"] == "karin@example.se")
        .ok_or("Karin missing in the shop")?;
    println!(
        "   shop MUG-BLUE {} kr, stock {}; Fortnox TEA-100 {} kr excl. VAT; Fortnox city {}; shop phone {}",
        mug["regular_price"].as_str().unwrap_or("-"),
        mug["stock_quantity"],
        fortnox_tea["SalesPrice"],
        fortnox_karin["City"].as_str().unwrap_or("-"),
        shop_karin["billing"]["phone"].as_str().unwrap_or("-"),
    );
    let checks = [
        (
            mug["regular_price"] == "150.00",
            "MUG-BLUE's new price did not reach the shop",
        ),
        (
            mug["stock_quantity"] == 9,
            "MUG-BLUE's stock did not reach the shop",
        ),
        (
            fortnox_tea["SalesPrice"].as_f64() == Some(55.0),
            "TEA-100's shop price did not reach Fortnox",
        ),
        (
            fortnox_karin["City"] == "Malmö",
            "the shop's city did not reach Fortnox",
        ),
        (
            shop_karin["billing"]["phone"] == "070-999 88 77",
            "Fortnox's phone did not reach the shop",
        ),
    ];
    for (ok, what) in checks {
        if !ok {
            problems.push(what.to_owned());
        }
    }
    println!();
    Ok(shop)
}
