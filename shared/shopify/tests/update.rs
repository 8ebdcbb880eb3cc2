//! `update_products`: batching, tracking, partial failures and idempotent retries.

mod common;

use common::{calls, seed_many, setup, setup_fast_bucket};
use fortsync_app::shop::{ProductPatch, Shop, ShopError};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use shopify_sim::{Fault, Seed, SeedProduct, SeedVariant, SimConfig, gid};

fn price(id: u64, p: Decimal) -> ProductPatch {
    ProductPatch {
        id: gid("ProductVariant", id),
        price: Some(p),
        stock: None,
    }
}

/// Three products with 100 variants each.
fn seed_three_by_hundred(sim: &shopify_sim::SimHandle) -> Vec<shopify_sim::Product> {
    let products = (0..3)
        .map(|p| SeedProduct {
            title: format!("Product {p}"),
            status: Default::default(),
            tags: vec![],
            variants: (0..100)
                .map(|v| SeedVariant {
                    sku: format!("P{p}-V{v:03}"),
                    price: dec!(100),
                    title: Some(format!("V{v}")),
                    tracked: true,
                    on_hand: Some(1),
                })
                .collect(),
            updated_at: None,
        })
        .collect();
    sim.seed(Seed {
        products,
        ..Default::default()
    })
    .products
}

#[tokio::test]
async fn three_hundred_price_changes_on_three_products_take_three_calls() {
    let (sim, shop) = setup().await;
    let products = seed_three_by_hundred(&sim);
    let patches: Vec<ProductPatch> = products
        .iter()
        .flat_map(|p| p.variants.iter())
        .enumerate()
        .map(|(i, v)| price(v.id, Decimal::new(20_000 + i as i64, 2)))
        .collect();
    assert_eq!(patches.len(), 300);
    sim.clear_log();
    shop.update_products(&patches).await.unwrap();
    let log = sim.request_log();
    // Variant lookups (250 + 50) and one document with one bulk update per product.
    assert_eq!(calls(&sim, "FortsyncVariantRefs"), 2);
    assert_eq!(calls(&sim, "FortsyncUpdateProducts"), 1);
    assert_eq!(log.len(), 3, "{log:?}");
    let update = log
        .iter()
        .find(|r| r.operation_name.as_deref() == Some("FortsyncUpdateProducts"))
        .unwrap();
    assert_eq!(update.root_fields, vec!["productVariantsBulkUpdate"; 3]);
    for (i, v) in sim
        .products()
        .iter()
        .flat_map(|p| p.variants.clone())
        .enumerate()
    {
        assert_eq!(v.price, Decimal::new(20_000 + i as i64, 2));
    }
}

#[tokio::test]
async fn after_a_read_updates_need_no_lookup() {
    let (sim, shop) = setup().await;
    seed_three_by_hundred(&sim);
    let skus: Vec<String> = (0..100).map(|v| format!("P1-V{v:03}")).collect();
    let found = shop.products_by_sku(&skus).await.unwrap();
    assert_eq!(found.len(), 100);
    sim.clear_log();
    let patches: Vec<ProductPatch> = found
        .iter()
        .map(|p| ProductPatch {
            id: p.id.clone(),
            price: Some(dec!(55)),
            stock: Some(9),
        })
        .collect();
    shop.update_products(&patches).await.unwrap();
    let log = sim.request_log();
    assert_eq!(log.len(), 1, "prices and stock in one document: {log:?}");
    assert_eq!(
        log[0].root_fields,
        vec!["productVariantsBulkUpdate", "inventorySetQuantities"]
    );
    let loc = sim.primary_location_id();
    let p1 = &sim.products()[1];
    assert!(
        p1.variants
            .iter()
            .all(|v| v.price == dec!(55) && v.on_hand[&loc] == 9)
    );
    assert!(
        sim.products()[0]
            .variants
            .iter()
            .all(|v| v.price == dec!(100))
    );
}

#[tokio::test]
async fn three_hundred_products_with_price_and_stock() {
    // A faster bucket than the standard plan: 300 x 2 writes (3000 points) plus lookups would
    // otherwise wait ~25 s for the standard 100 points/s.
    let sim = shopify_sim::spawn(SimConfig {
        restore_rate: 5000.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let shop = common::shop(&sim);
    let products = seed_many(&sim, 300);
    let patches: Vec<ProductPatch> = products
        .iter()
        .map(|p| ProductPatch {
            id: gid("ProductVariant", p.variants[0].id),
            price: Some(dec!(42)),
            stock: Some(7),
        })
        .collect();
    sim.clear_log();
    shop.update_products(&patches).await.unwrap();
    // 2 lookups + 300 bulk updates and 2 stock sets packed 50 per document (7 documents).
    assert_eq!(calls(&sim, "FortsyncVariantRefs"), 2);
    assert_eq!(calls(&sim, "FortsyncUpdateProducts"), 7);
    assert_eq!(
        sim.count("inventorySetQuantities"),
        1,
        "both stock sets share the last document"
    );
    let loc = sim.primary_location_id();
    assert!(
        sim.products()
            .iter()
            .all(|p| p.variants[0].price == dec!(42) && p.variants[0].on_hand[&loc] == 7)
    );
    assert!(sim.request_log().iter().all(|r| !r.throttled));
}

#[tokio::test]
async fn stock_on_untracked_variant_turns_tracking_on() {
    let (sim, shop) = setup().await;
    let p = sim.seed_product(SeedProduct::simple("U", "Untracked", dec!(5), None));
    assert!(!p.variants[0].tracked);
    shop.update_products(&[ProductPatch {
        id: p.variants[0].id.to_string(),
        price: None,
        stock: Some(4),
    }])
    .await
    .unwrap();
    let v = &sim.product(p.id).unwrap().variants[0];
    assert!(v.tracked);
    assert_eq!(v.on_hand[&sim.primary_location_id()], 4);
    assert_eq!(
        shop.products_by_sku(&["U".into()]).await.unwrap()[0].stock,
        Some(4)
    );
}

#[tokio::test]
async fn unknown_variants_are_reported_after_the_rest_is_written() {
    let (sim, shop) = setup().await;
    let products = seed_many(&sim, 2);
    let err = shop
        .update_products(&[
            price(products[0].variants[0].id, dec!(1)),
            price(1, dec!(2)),
        ])
        .await
        .unwrap_err();
    assert!(
        matches!(err, ShopError::NotFound(ref m) if m.contains("ProductVariant/1")),
        "{err:?}"
    );
    assert_eq!(
        sim.product(products[0].id).unwrap().variants[0].price,
        dec!(1)
    );
}

#[tokio::test]
async fn user_errors_are_invalid_and_other_products_still_change() {
    let (sim, shop) = setup().await;
    let products = seed_many(&sim, 2);
    let err = shop
        .update_products(&[
            price(products[0].variants[0].id, dec!(-1)),
            price(products[1].variants[0].id, dec!(3)),
        ])
        .await
        .unwrap_err();
    assert!(
        matches!(err, ShopError::Invalid(ref m) if m.contains("greater than or equal to 0")),
        "{err:?}"
    );
    assert_eq!(
        sim.product(products[0].id).unwrap().variants[0].price,
        dec!(10.00)
    );
    assert_eq!(
        sim.product(products[1].id).unwrap().variants[0].price,
        dec!(3)
    );
}

#[tokio::test]
async fn a_5xx_retry_resends_the_same_idempotency_key() {
    let (sim, shop) = setup_fast_bucket().await;
    let products = seed_many(&sim, 1);
    let v = products[0].variants[0].id;
    sim.inject_fault(Fault::status("inventorySetQuantities", 503));
    shop.update_products(&[ProductPatch {
        id: gid("ProductVariant", v),
        price: None,
        stock: Some(11),
    }])
    .await
    .unwrap();
    let sets: Vec<_> = sim
        .request_log()
        .into_iter()
        .filter(|r| r.root_fields.iter().any(|f| f == "inventorySetQuantities"))
        .collect();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0].status, 503);
    assert_eq!(sets[1].status, 200);
    let key = |r: &shopify_sim::LoggedRequest| r.variables["v1"].clone();
    assert_eq!(key(&sets[0]), key(&sets[1]));
    assert!(key(&sets[0]).as_str().unwrap().len() >= 32);
    assert_eq!(
        sim.product(products[0].id).unwrap().variants[0].on_hand[&sim.primary_location_id()],
        11
    );
}

#[tokio::test]
async fn empty_patches_cost_nothing() {
    let (sim, shop) = setup().await;
    shop.update_products(&[]).await.unwrap();
    shop.update_products(&[ProductPatch {
        id: "1".into(),
        price: None,
        stock: None,
    }])
    .await
    .unwrap();
    assert!(sim.request_log().is_empty());
}
