//! `WooShop` product operations against the simulator.

mod common;

use std::collections::BTreeSet;

use common::{setup, shop_for, simple, tee};
use fortsync_app::shop::{NewProduct, ProductPatch, Shop, ShopError};
use rust_decimal_macros::dec;
use serde_json::json;
use time::macros::datetime;

#[tokio::test]
async fn products_page_walks_1000_products_in_10_requests() {
    let env = setup().await;
    env.sim
        .seed_products((0..1000).map(simple).collect())
        .unwrap();
    let mut seen = BTreeSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = env
            .shop
            .products_page(None, cursor.as_deref())
            .await
            .unwrap();
        pages += 1;
        assert_eq!(page.items.len(), 100);
        for p in &page.items {
            assert!(seen.insert(p.sku.clone()), "{} twice", p.sku);
        }
        match page.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    assert_eq!(pages, 10);
    assert_eq!(seen.len(), 1000);
    assert!(seen.contains("SKU-0000") && seen.contains("SKU-0999"));
    let log = env.sim.request_log();
    assert_eq!(log.len(), 10, "one request per page of 100");
    assert!(
        log.iter()
            .all(|r| r.param("per_page").as_deref() == Some("100")
                && r.param("orderby").as_deref() == Some("modified")
                && r.param("order").as_deref() == Some("asc"))
    );
}

#[tokio::test]
async fn products_page_lists_variations_not_their_variable_parents() {
    let env = setup().await;
    env.sim
        .seed_products(vec![
            simple(1),
            tee("publish"),
            json!({"name": "Draft hoodie", "type": "variable", "status": "draft",
               "variations": [{"sku": "HOOD-1", "regular_price": "399.00"}]}),
            json!({"name": "Gift set", "type": "grouped", "sku": "GROUP"}),
            json!({"name": "Affiliate", "type": "external", "sku": "EXT", "regular_price": "5.00"}),
        ])
        .unwrap();
    let page = env.shop.products_page(None, None).await.unwrap();
    assert_eq!(page.next, None);
    let skus: Vec<&str> = page.items.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(skus.len(), 5, "{skus:?}");
    for sku in ["SKU-0001", "TEE-S", "TEE-M", "TEE-L", "HOOD-1"] {
        assert!(skus.contains(&sku), "{sku} missing from {skus:?}");
    }
    let m = page.items.iter().find(|p| p.sku == "TEE-M").unwrap();
    let parent = env
        .sim
        .products()
        .into_iter()
        .find(|p| p["name"] == "Tee")
        .unwrap();
    assert_eq!(m.product_id, parent["id"].to_string());
    assert_ne!(m.id, m.product_id);
    assert_eq!(m.title, "Tee - M");
    assert_eq!(m.price, Some(dec!(209.00)));
    assert_eq!(m.stock, Some(2));
    assert!(m.active);
    assert!(m.updated_at.ends_with('Z'));
    let hoodie = page.items.iter().find(|p| p.sku == "HOOD-1").unwrap();
    assert!(
        !hoodie.active,
        "a variation of a draft product is not for sale"
    );
    assert_eq!(hoodie.stock, None);
    let simple = page.items.iter().find(|p| p.sku == "SKU-0001").unwrap();
    assert_eq!(simple.id, simple.product_id);
    // One product list + one variation list per variable product.
    assert_eq!(env.sim.count("GET", "/products"), 3);
}

#[tokio::test]
async fn modified_after_is_inclusive_and_oldest_change_comes_first() {
    let env = setup().await;
    env.sim
        .seed_products(vec![
            json!({"name": "Newer", "sku": "N", "date_modified_gmt": "2026-03-01T12:00:00"}),
            json!({"name": "Before", "sku": "B", "date_modified_gmt": "2026-03-01T09:59:59"}),
            json!({"name": "Exact", "sku": "E", "date_modified_gmt": "2026-03-01T10:00:00"}),
        ])
        .unwrap();
    let page = env
        .shop
        .products_page(Some("2026-03-01T11:00:00+01:00"), None)
        .await
        .unwrap();
    let skus: Vec<&str> = page.items.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(skus, ["E", "N"]);
    assert_eq!(page.items[0].updated_at, "2026-03-01T10:00:00Z");
    let sent = &env.sim.request_log()[0];
    assert_eq!(
        sent.param("modified_after").as_deref(),
        Some("2026-03-01T09:59:59")
    );
    assert_eq!(sent.param("dates_are_gmt").as_deref(), Some("true"));
    let bad = env.shop.products_page(Some("yesterday"), None).await;
    assert!(matches!(bad, Err(ShopError::Invalid(_))));
}

#[tokio::test]
async fn a_changed_variation_shows_up_through_its_parent() {
    let env = setup().await;
    env.sim.set_now(datetime!(2026-03-01 10:00 UTC));
    env.sim
        .seed_products(vec![simple(1), tee("publish")])
        .unwrap();
    let s = env
        .shop
        .products_by_sku(&["TEE-S".to_string()])
        .await
        .unwrap();
    env.sim.advance(time::Duration::hours(1));
    env.shop
        .update_products(&[ProductPatch {
            id: s[0].id.clone(),
            price: Some(dec!(149)),
            stock: None,
        }])
        .await
        .unwrap();
    let page = env
        .shop
        .products_page(Some("2026-03-01T10:30:00Z"), None)
        .await
        .unwrap();
    let skus: BTreeSet<&str> = page.items.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(skus, BTreeSet::from(["TEE-S", "TEE-M", "TEE-L"]));
    let changed = page.items.iter().find(|p| p.sku == "TEE-S").unwrap();
    assert_eq!(changed.price, Some(dec!(149)));
    assert_eq!(changed.updated_at, "2026-03-01T11:00:00Z");
}

#[tokio::test]
async fn products_by_sku_asks_in_batches_and_keeps_exact_matches() {
    let env = setup().await;
    env.sim
        .seed_products((0..120).map(simple).chain([tee("publish")]).collect())
        .unwrap();
    let mut wanted: Vec<String> = (0..108).map(|i| format!("SKU-{i:04}")).collect();
    wanted.push("TEE-L".into());
    wanted.push("sku-0119".into()); // WooCommerce finds SKU-0119 case-insensitively
    wanted.push("NOPE".into());
    let found = env.shop.products_by_sku(&wanted).await.unwrap();
    assert_eq!(found.len(), 109);
    assert!(found.iter().all(|p| p.sku != "SKU-0119"));
    assert_eq!(found[0].sku, "SKU-0000", "in the caller's order");
    let tee_l = found.iter().find(|p| p.sku == "TEE-L").unwrap();
    assert_eq!(tee_l.title, "Tee - L");
    assert!(tee_l.active);
    assert_eq!(tee_l.stock, Some(3));
    // 111 SKUs → 3 `?sku=` requests (50 + 50 + 11), plus one for the variation's parent.
    let log = env.sim.request_log();
    let sku_queries: Vec<usize> = log
        .iter()
        .filter_map(|r| r.param("sku"))
        .map(|q| q.split(',').count())
        .collect();
    assert_eq!(sku_queries, [50, 50, 11]);
    assert_eq!(
        log.iter().filter(|r| r.param("include").is_some()).count(),
        1
    );
    assert_eq!(log.len(), 4);
}

#[tokio::test]
async fn update_products_sends_300_price_changes_in_3_batch_calls() {
    let env = setup().await;
    let ids = env
        .sim
        .seed_products((0..300).map(simple).collect())
        .unwrap();
    let patches: Vec<ProductPatch> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| ProductPatch {
            id: id.to_string(),
            price: Some(dec!(100) + rust_decimal::Decimal::from(i)),
            stock: None,
        })
        .collect();
    // A fresh adapter: nothing known about the ids yet.
    shop_for(&env.sim).update_products(&patches).await.unwrap();
    assert_eq!(env.sim.count("POST", "/products/batch"), 3);
    assert_eq!(
        env.sim.request_log().len(),
        3,
        "no lookups for simple products"
    );
    let p = env.sim.product(ids[299]).unwrap();
    assert_eq!(p["regular_price"], "399");
    assert_eq!(env.sim.product(ids[0]).unwrap()["regular_price"], "100");
}

#[tokio::test]
async fn stock_changes_turn_stock_management_on() {
    let env = setup().await;
    let id = env.sim.seed_products(vec![simple(1)]).unwrap()[0];
    env.shop
        .update_products(&[ProductPatch {
            id: id.to_string(),
            price: None,
            stock: Some(12),
        }])
        .await
        .unwrap();
    let p = env.sim.product(id).unwrap();
    assert_eq!(p["manage_stock"], true);
    assert_eq!(p["stock_quantity"], 12);
    assert_eq!(p["regular_price"], "100.00", "untouched");
}

#[tokio::test]
async fn known_variations_go_straight_to_their_parents_variation_batch() {
    let env = setup().await;
    env.sim
        .seed_products(vec![simple(1), tee("publish")])
        .unwrap();
    let units = env
        .shop
        .products_by_sku(&["SKU-0001".into(), "TEE-S".into(), "TEE-M".into()])
        .await
        .unwrap();
    env.sim.clear_log();
    let patches: Vec<ProductPatch> = units
        .iter()
        .map(|u| ProductPatch {
            id: u.id.clone(),
            price: Some(dec!(50)),
            stock: Some(7),
        })
        .collect();
    env.shop.update_products(&patches).await.unwrap();
    let log = env.sim.request_log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(env.sim.count("POST", "/products/batch"), 1);
    assert_eq!(
        log.iter()
            .filter(|r| r.route.ends_with("/variations/batch"))
            .count(),
        1
    );
    let parent = units[1].product_id.parse::<u64>().unwrap();
    let variations = env.sim.variations(parent);
    let s = variations.iter().find(|v| v["sku"] == "TEE-S").unwrap();
    assert_eq!(
        (s["regular_price"].as_str(), s["stock_quantity"].as_i64()),
        (Some("50"), Some(7))
    );
    let l = variations.iter().find(|v| v["sku"] == "TEE-L").unwrap();
    assert_eq!(l["regular_price"], "219.00", "not patched");
}

#[tokio::test]
async fn an_unknown_variation_id_is_resolved_once_then_patched() {
    let env = setup().await;
    let parent = env.sim.seed_products(vec![tee("publish")]).unwrap()[0];
    let vid = env.sim.variations(parent)[0]["id"].as_u64().unwrap();
    let shop = shop_for(&env.sim);
    shop.update_products(&[ProductPatch {
        id: vid.to_string(),
        price: Some(dec!(1)),
        stock: None,
    }])
    .await
    .unwrap();
    assert_eq!(env.sim.variations(parent)[0]["regular_price"], "1");
    // products/batch refused it, GET /products/{id} told the parent, then the variation batch.
    assert_eq!(env.sim.request_log().len(), 3);
    env.sim.clear_log();
    shop.update_products(&[ProductPatch {
        id: vid.to_string(),
        price: Some(dec!(2)),
        stock: None,
    }])
    .await
    .unwrap();
    assert_eq!(env.sim.request_log().len(), 1, "remembered");
}

#[tokio::test]
async fn missing_ids_are_not_found_and_the_rest_is_still_applied() {
    let env = setup().await;
    let id = env.sim.seed_products(vec![simple(1)]).unwrap()[0];
    let err = env
        .shop
        .update_products(&[
            ProductPatch {
                id: "987654".into(),
                price: Some(dec!(5)),
                stock: None,
            },
            ProductPatch {
                id: id.to_string(),
                price: Some(dec!(5)),
                stock: None,
            },
        ])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ShopError::NotFound(m) if m.contains("987654")),
        "{err:?}"
    );
    assert_eq!(env.sim.product(id).unwrap()["regular_price"], "5");
    let not_numeric = env
        .shop
        .update_products(&[ProductPatch {
            id: "abc".into(),
            price: Some(dec!(1)),
            stock: None,
        }])
        .await;
    assert!(matches!(not_numeric, Err(ShopError::Invalid(_))));
}

#[tokio::test]
async fn a_variable_parent_is_not_a_patchable_unit() {
    let env = setup().await;
    let parent = env.sim.seed_products(vec![tee("publish")]).unwrap()[0];
    env.shop.products_page(None, None).await.unwrap();
    env.sim.clear_log();
    let err = env
        .shop
        .update_products(&[ProductPatch {
            id: parent.to_string(),
            price: Some(dec!(1)),
            stock: None,
        }])
        .await
        .unwrap_err();
    assert!(matches!(err, ShopError::Invalid(_)));
    assert!(env.sim.request_log().is_empty(), "refused before writing");
}

#[tokio::test]
async fn create_product_makes_a_simple_unit_published_or_draft() {
    let env = setup().await;
    let made = env
        .shop
        .create_product(&NewProduct {
            sku: "MUG-1".into(),
            title: "Mug".into(),
            price: Some(dec!(89.50)),
            stock: Some(3),
            active: false,
        })
        .await
        .unwrap();
    assert_eq!(made.sku, "MUG-1");
    assert_eq!(made.price, Some(dec!(89.50)));
    assert_eq!(made.stock, Some(3));
    assert!(!made.active);
    assert_eq!(made.id, made.product_id);
    let stored = env.sim.product(made.id.parse().unwrap()).unwrap();
    assert_eq!(stored["status"], "draft");
    assert_eq!(stored["regular_price"], "89.50");
    let dup = env
        .shop
        .create_product(&NewProduct {
            sku: "mug-1".into(),
            title: "Other".into(),
            price: None,
            stock: None,
            active: true,
        })
        .await;
    assert!(matches!(dup, Err(ShopError::Invalid(m)) if m.contains("product_invalid_sku")));
}
