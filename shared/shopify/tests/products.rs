//! Reading and creating products through the adapter.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{calls, seed_many, setup};
use fortsync_app::shop::{NewProduct, Shop};
use rust_decimal_macros::dec;
use shopify_sim::{ProductStatus, SeedProduct, SeedVariant, gid};

#[tokio::test]
async fn pages_through_all_variants_with_mapping() {
    let (sim, shop) = setup().await;
    seed_many(&sim, 230);
    let mut cursor = None;
    let mut all = Vec::new();
    loop {
        let page = shop.products_page(None, cursor.as_deref()).await.unwrap();
        all.extend(page.items);
        match page.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(all.len(), 230);
    assert_eq!(all.iter().map(|p| &p.id).collect::<HashSet<_>>().len(), 230);
    assert_eq!(calls(&sim, "FortsyncVariantsPage"), 3, "100 per page");
    let p = all.iter().find(|p| p.sku == "SKU-0042").unwrap();
    let (pid, v) = sim.variant_by_sku("SKU-0042").unwrap();
    assert_eq!(p.id, gid("ProductVariant", v.id));
    assert_eq!(p.product_id, gid("Product", pid));
    assert_eq!(p.title, "Product 42");
    assert_eq!(p.price, Some(dec!(10.42)));
    assert_eq!(p.stock, Some(42));
    assert!(p.active);
    assert!(p.updated_at.ends_with('Z'));
    // The location was looked up once.
    assert_eq!(calls(&sim, "FortsyncPrimaryLocation"), 1);
}

#[tokio::test]
async fn delta_pages_only_hold_changed_variants() {
    let (sim, shop) = setup().await;
    sim.set_now(time::macros::datetime!(2026-11-01 08:00 UTC));
    seed_many(&sim, 10);
    sim.advance(Duration::from_secs(600));
    let (_, v) = sim.variant_by_sku("SKU-0003").unwrap();
    shop.update_products(&[fortsync_app::shop::ProductPatch {
        id: gid("ProductVariant", v.id),
        price: Some(dec!(77)),
        stock: None,
    }])
    .await
    .unwrap();
    let page = shop
        .products_page(Some("2026-11-01T08:05:00Z"), None)
        .await
        .unwrap();
    assert_eq!(page.next, None);
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].sku, "SKU-0003");
    assert_eq!(page.items[0].price, Some(dec!(77)));
    assert_eq!(page.items[0].updated_at, "2026-11-01T08:10:00Z");
    let log = sim.request_log();
    let q = log
        .iter()
        .rev()
        .find(|r| r.operation_name.as_deref() == Some("FortsyncVariantsPage"))
        .unwrap();
    assert_eq!(
        q.variables["query"],
        r#"updated_at:>="2026-11-01T08:05:00Z""#
    );
}

#[tokio::test]
async fn maps_drafts_untracked_and_multi_variant_titles() {
    let (sim, shop) = setup().await;
    sim.seed_product(SeedProduct {
        title: "Tee".into(),
        status: ProductStatus::Draft,
        tags: vec![],
        variants: vec![
            SeedVariant {
                sku: "TEE-S".into(),
                price: dec!(199),
                title: Some("S".into()),
                tracked: false,
                on_hand: None,
            },
            SeedVariant {
                sku: "TEE-M".into(),
                price: dec!(199),
                title: Some("M".into()),
                tracked: true,
                on_hand: None,
            },
        ],
        updated_at: None,
    });
    let items = shop
        .products_by_sku(&["TEE-S".into(), "TEE-M".into()])
        .await
        .unwrap();
    let s = items.iter().find(|p| p.sku == "TEE-S").unwrap();
    let m = items.iter().find(|p| p.sku == "TEE-M").unwrap();
    assert_eq!(s.title, "Tee - S");
    assert!(!s.active);
    assert_eq!(s.stock, None, "untracked");
    assert_eq!(m.stock, Some(0), "tracked but not stocked at the location");
}

#[tokio::test]
async fn finds_exact_skus_in_chunks() {
    let (sim, shop) = setup().await;
    seed_many(&sim, 130);
    sim.seed_product(SeedProduct::simple(
        "sku-0001",
        "Lower case twin",
        dec!(1),
        None,
    ));
    sim.seed_product(SeedProduct::simple("Q \"1\" X", "Quoted", dec!(1), None));
    let mut wanted: Vec<String> = (0..120).map(|i| format!("SKU-{i:04}")).collect();
    wanted.push("NOPE".into());
    wanted.push("Q \"1\" X".into());
    wanted.push("SKU-0001".into());
    let found = shop.products_by_sku(&wanted).await.unwrap();
    let skus: HashSet<&str> = found.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(found.len(), 121, "120 + quoted; no twin, no unknown");
    assert!(skus.contains("Q \"1\" X"));
    assert!(!skus.contains("sku-0001"));
    // 122 distinct SKUs in chunks of 50.
    assert_eq!(calls(&sim, "FortsyncVariantsPage"), 3);
    assert!(shop.products_by_sku(&[]).await.unwrap().is_empty());
}

#[tokio::test]
async fn creates_active_tracked_and_draft_untracked_products() {
    let (sim, shop) = setup().await;
    let created = shop
        .create_product(&NewProduct {
            sku: "NEW-1".into(),
            title: "Ny mugg".into(),
            price: Some(dec!(129.5)),
            stock: Some(12),
            active: true,
        })
        .await
        .unwrap();
    assert_eq!(created.sku, "NEW-1");
    assert_eq!(created.title, "Ny mugg");
    assert_eq!(created.price, Some(dec!(129.5)));
    assert_eq!(created.stock, Some(12));
    assert!(created.active);
    let (pid, v) = sim.variant_by_sku("NEW-1").unwrap();
    assert_eq!(created.id, gid("ProductVariant", v.id));
    assert_eq!(v.on_hand[&sim.primary_location_id()], 12);
    assert_eq!(sim.product(pid).unwrap().status, ProductStatus::Active);

    let draft = shop
        .create_product(&NewProduct {
            sku: "NEW-2".into(),
            title: "Utkast".into(),
            price: None,
            stock: None,
            active: false,
        })
        .await
        .unwrap();
    assert!(!draft.active);
    assert_eq!(draft.stock, None);
    let (pid, v) = sim.variant_by_sku("NEW-2").unwrap();
    assert!(!v.tracked);
    assert_eq!(sim.product(pid).unwrap().status, ProductStatus::Draft);
    // Blank title: the shop refuses it.
    let err = shop
        .create_product(&NewProduct {
            sku: "X".into(),
            title: " ".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, fortsync_app::shop::ShopError::Invalid(ref m) if m.contains("Title")),
        "{err:?}"
    );
}

#[tokio::test]
async fn uses_the_configured_location() {
    let (sim, _) = setup().await;
    let store = sim.add_location("Butik");
    let products = sim.seed(shopify_sim::Seed {
        products: vec![SeedProduct::simple("A", "A", dec!(1), Some(5))],
        ..Default::default()
    });
    let shop = fortsync_shopify::ShopifyShop::new(
        common::config(&sim).with_location_id(store.id.to_string()),
    )
    .unwrap();
    let items = shop.products_by_sku(&["A".into()]).await.unwrap();
    assert_eq!(items[0].stock, Some(0), "nothing at the store yet");
    shop.update_products(&[fortsync_app::shop::ProductPatch {
        id: items[0].id.clone(),
        price: None,
        stock: Some(3),
    }])
    .await
    .unwrap();
    let v = &sim.product(products.products[0].id).unwrap().variants[0];
    assert_eq!(v.on_hand[&store.id], 3);
    assert_eq!(v.on_hand[&sim.primary_location_id()], 5);
    assert_eq!(calls(&sim, "FortsyncPrimaryLocation"), 0);
}
