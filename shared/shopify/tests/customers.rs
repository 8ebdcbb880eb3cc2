//! Customers through the adapter.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{calls, setup};
use fortsync_app::shop::{CustomerPatch, Shop, ShopError};
use shopify_sim::{SeedCustomer, gid};

fn anna() -> SeedCustomer {
    SeedCustomer {
        email: Some("Anna@Example.se".into()),
        first_name: Some("Anna".into()),
        last_name: Some("Berg".into()),
        phone: Some("+46701234567".into()),
        company: Some("Berg AB".into()),
        address1: Some("Storgatan 1".into()),
        zip: Some("222 22".into()),
        city: Some("Lund".into()),
        country_code: Some("SE".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn pages_by_updated_at_oldest_first() {
    let (sim, shop) = setup().await;
    let t0 = time::macros::datetime!(2026-11-01 00:00 UTC);
    for i in 0..230i64 {
        sim.seed_customer(SeedCustomer {
            email: Some(format!("c{i}@x.se")),
            // Ids ascend while change times descend: the order must follow updatedAt.
            updated_at: Some(t0 + time::Duration::minutes(300 - i)),
            ..Default::default()
        });
    }
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = shop
            .customers_page(Some("2026-11-01T01:00:00Z"), cursor.as_deref())
            .await
            .unwrap();
        all.extend(page.items);
        match page.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    // Change times 01:11 to 05:00, all after 01:00.
    assert_eq!(all.len(), 230);
    assert!(all.windows(2).all(|w| w[0].updated_at <= w[1].updated_at));
    assert_eq!(all[0].email, "c229@x.se");
    assert_eq!(calls(&sim, "FortsyncCustomersPage"), 3);
    let page = shop
        .customers_page(Some("2026-11-01T04:59:00Z"), None)
        .await
        .unwrap();
    let emails: Vec<&str> = page.items.iter().map(|c| c.email.as_str()).collect();
    assert_eq!(emails, vec!["c1@x.se", "c0@x.se"]);
}

#[tokio::test]
async fn finds_by_email_case_insensitively_and_maps_fields() {
    let (sim, shop) = setup().await;
    let seeded = sim.seed_customer(anna());
    let c = shop
        .find_customer_by_email(" anna@EXAMPLE.se ")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.id, gid("Customer", seeded.id));
    assert_eq!(c.email, "anna@example.se");
    assert_eq!(c.first_name, "Anna");
    assert_eq!(c.last_name, "Berg");
    assert_eq!(c.company.as_deref(), Some("Berg AB"));
    assert_eq!(c.address1.as_deref(), Some("Storgatan 1"));
    assert_eq!(c.zip.as_deref(), Some("222 22"));
    assert_eq!(c.city.as_deref(), Some("Lund"));
    assert_eq!(c.country_code.as_deref(), Some("SE"));
    assert_eq!(c.phone.as_deref(), Some("+46701234567"));
    assert_eq!(
        shop.find_customer_by_email("nobody@example.se")
            .await
            .unwrap(),
        None
    );
    assert_eq!(shop.find_customer_by_email("  ").await.unwrap(), None);
}

#[tokio::test]
async fn creates_with_address_and_refuses_duplicates() {
    let (sim, shop) = setup().await;
    let patch = CustomerPatch {
        email: Some("Ny@Kund.se".into()),
        first_name: Some("Nils".into()),
        last_name: Some("Nyman".into()),
        company: Some("Nyman HB".into()),
        address1: Some("Vägen 2".into()),
        zip: Some("111 11".into()),
        city: Some("Stockholm".into()),
        country_code: Some("se".into()),
        ..Default::default()
    };
    let c = shop.create_customer(&patch).await.unwrap();
    assert_eq!(c.email, "ny@kund.se");
    assert_eq!(c.city.as_deref(), Some("Stockholm"));
    assert_eq!(c.country_code.as_deref(), Some("SE"));
    let stored = sim
        .customer(shopify_sim::parse_gid(&c.id, "Customer").unwrap())
        .unwrap();
    assert_eq!(stored.email.as_deref(), Some("ny@kund.se"));
    assert_eq!(
        stored.default_address().unwrap().company.as_deref(),
        Some("Nyman HB")
    );
    assert_eq!(calls(&sim, "FortsyncCustomerCreate"), 1);
    assert_eq!(calls(&sim, "FortsyncAddressCreate"), 1);
    let err = shop.create_customer(&patch).await.unwrap_err();
    assert!(
        matches!(err, ShopError::Invalid(ref m) if m.contains("already been taken")),
        "{err:?}"
    );
    // Without address fields: one call.
    sim.clear_log();
    shop.create_customer(&CustomerPatch {
        email: Some("b@kund.se".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(sim.request_log().len(), 1);
}

#[tokio::test]
async fn updates_fields_and_clears_with_empty_strings() {
    let (sim, shop) = setup().await;
    let seeded = sim.seed_customer(anna());
    let id = gid("Customer", seeded.id);
    sim.clear_log();
    shop.update_customer(
        &id,
        &CustomerPatch {
            last_name: Some("Holm".into()),
            phone: Some(String::new()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(sim.request_log().len(), 1);
    let c = sim.customer(seeded.id).unwrap();
    assert_eq!(c.last_name.as_deref(), Some("Holm"));
    assert_eq!(c.phone, None);
    // Address only: read the default address id, then update it.
    sim.clear_log();
    shop.update_customer(
        &seeded.id.to_string(),
        &CustomerPatch {
            city: Some("Malmö".into()),
            company: Some(String::new()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(sim.request_log().len(), 2);
    let c = sim.customer(seeded.id).unwrap();
    let a = c.default_address().unwrap();
    assert_eq!(a.city.as_deref(), Some("Malmö"));
    assert_eq!(a.company, None);
    assert_eq!(a.address1.as_deref(), Some("Storgatan 1"));
    assert_eq!(c.addresses.len(), 1);
    // Both: the update returns the address id, no extra read.
    sim.clear_log();
    shop.update_customer(
        &id,
        &CustomerPatch {
            first_name: Some("Ann".into()),
            zip: Some("211 11".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(sim.request_log().len(), 2);
    assert_eq!(
        sim.customer(seeded.id)
            .unwrap()
            .default_address()
            .unwrap()
            .zip
            .as_deref(),
        Some("211 11")
    );
}

#[tokio::test]
async fn adds_an_address_when_the_customer_has_none() {
    let (sim, shop) = setup().await;
    let seeded = sim.seed_customer(SeedCustomer {
        email: Some("x@y.se".into()),
        ..Default::default()
    });
    shop.update_customer(
        &seeded.id.to_string(),
        &CustomerPatch {
            city: Some("Umeå".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let c = sim.customer(seeded.id).unwrap();
    assert_eq!(c.default_address().unwrap().city.as_deref(), Some("Umeå"));
    assert_eq!(calls(&sim, "FortsyncAddressCreate"), 1);
}

#[tokio::test]
async fn unknown_customers_are_not_found() {
    let (_sim, shop) = setup().await;
    let err = shop
        .update_customer(
            "123",
            &CustomerPatch {
                first_name: Some("X".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ShopError::NotFound(_)), "{err:?}");
    let err = shop
        .update_customer(
            "123",
            &CustomerPatch {
                city: Some("X".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ShopError::NotFound(_)), "{err:?}");
    let fields = BTreeMap::from([("balance".to_string(), "10.00".to_string())]);
    let err = shop.set_customer_fields("123", &fields).await.unwrap_err();
    assert!(matches!(err, ShopError::NotFound(_)), "{err:?}");
    let err = shop
        .update_customer("gid://shopify/Order/1", &CustomerPatch::default())
        .await
        .unwrap_err();
    assert!(matches!(err, ShopError::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn sets_and_deletes_customer_metafields() {
    let (sim, shop) = setup().await;
    let seeded = sim.seed_customer(anna());
    let t_before = sim.customer(seeded.id).unwrap().updated_at;
    sim.advance(Duration::from_secs(5));
    let fields = BTreeMap::from([
        ("balance".to_string(), "1250.00".to_string()),
        ("Open invoices".to_string(), "2".to_string()),
        ("overdue".to_string(), "0.00".to_string()),
    ]);
    shop.set_customer_fields(&seeded.id.to_string(), &fields)
        .await
        .unwrap();
    let c = sim.customer(seeded.id).unwrap();
    assert_eq!(c.metafield("fortsync", "balance"), Some("1250.00"));
    assert_eq!(c.metafield("fortsync", "open_invoices"), Some("2"));
    assert_eq!(c.metafield("fortsync", "overdue"), Some("0.00"));
    assert!(c.updated_at > t_before);
    let fields = BTreeMap::from([("overdue".to_string(), String::new())]);
    shop.set_customer_fields(&seeded.id.to_string(), &fields)
        .await
        .unwrap();
    let c = sim.customer(seeded.id).unwrap();
    assert_eq!(c.metafield("fortsync", "overdue"), None);
    assert_eq!(c.metafield("fortsync", "balance"), Some("1250.00"));
    sim.clear_log();
    shop.set_customer_fields(&seeded.id.to_string(), &BTreeMap::new())
        .await
        .unwrap();
    assert!(sim.request_log().is_empty());
}
