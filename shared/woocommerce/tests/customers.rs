//! `WooShop` customer operations against the simulator.

mod common;

use std::collections::BTreeMap;

use common::setup;
use fortsync_app::shop::{CustomerPatch, Shop, ShopError};
use serde_json::json;
use time::macros::datetime;

#[tokio::test]
async fn customers_page_reads_everyone_in_id_order_and_filters_changes_itself() {
    let env = setup().await;
    let records = (0..250)
        .map(|i| {
            let modified = if i % 50 == 0 {
                "2026-02-01T12:00:00"
            } else {
                "2025-06-01T12:00:00"
            };
            json!({"email": format!("c{i:03}@example.se"), "date_modified_gmt": modified})
        })
        .collect();
    env.sim.seed_customers(records).unwrap();
    let mut all = Vec::new();
    let mut changed = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = env
            .shop
            .customers_page(None, cursor.as_deref())
            .await
            .unwrap();
        all.extend(page.items);
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    loop {
        let page = env
            .shop
            .customers_page(Some("2026-02-01T12:00:00Z"), cursor.as_deref())
            .await
            .unwrap();
        changed.extend(page.items);
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(all.len(), 250);
    assert_eq!(all[0].email, "c000@example.se");
    let emails: Vec<&str> = changed.iter().map(|c| c.email.as_str()).collect();
    assert_eq!(
        emails,
        [
            "c000@example.se",
            "c050@example.se",
            "c100@example.se",
            "c150@example.se",
            "c200@example.se"
        ]
    );
    assert_eq!(changed[0].updated_at, "2026-02-01T12:00:00Z");
    // 3 pages each time; WooCommerce has no modified_after for customers.
    assert_eq!(env.sim.count("GET", "/customers"), 6);
    assert!(
        env.sim
            .request_log()
            .iter()
            .all(|r| r.param("orderby").as_deref() == Some("id"))
    );
}

#[tokio::test]
async fn find_customer_by_email_is_exact_and_case_insensitive() {
    let env = setup().await;
    env.sim.seed_customers(vec![
        json!({"email": "Anna.Svensson@Example.se", "first_name": "Anna", "last_name": "Svensson",
               "billing": {"company": "Svensson AB", "address_1": "Storgatan 1", "postcode": "111 22",
                           "city": "Stockholm", "country": "se", "phone": "08-123"}}),
        json!({"email": "anna.svensson@example.se.evil", "first_name": "Other"}),
        json!({"email": "staff@example.se", "role": "shop_manager"}),
    ]).unwrap();
    let c = env
        .shop
        .find_customer_by_email(" anna.svensson@example.SE ")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.email, "anna.svensson@example.se");
    assert_eq!(
        (c.first_name.as_str(), c.last_name.as_str()),
        ("Anna", "Svensson")
    );
    assert_eq!(c.company.as_deref(), Some("Svensson AB"));
    assert_eq!(c.zip.as_deref(), Some("111 22"));
    assert_eq!(c.country_code.as_deref(), Some("SE"));
    assert_eq!(c.address2, None);
    assert!(
        env.shop
            .find_customer_by_email("nobody@example.se")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        env.shop
            .find_customer_by_email("staff@example.se")
            .await
            .unwrap()
            .is_some(),
        "any role"
    );
}

#[tokio::test]
async fn update_customer_writes_account_and_billing_fields() {
    let env = setup().await;
    env.sim.set_now(datetime!(2026-04-01 08:00 UTC));
    let id = env
        .sim
        .seed_customers(vec![
            json!({"email": "a@example.se", "billing": {"company": "Old AB", "city": "Lund"}}),
        ])
        .unwrap()[0];
    env.sim.advance(time::Duration::minutes(30));
    let patch = CustomerPatch {
        first_name: Some("Ada".into()),
        company: Some(String::new()),
        zip: Some("222 20".into()),
        country_code: Some("se".into()),
        ..Default::default()
    };
    env.shop
        .update_customer(&id.to_string(), &patch)
        .await
        .unwrap();
    let c = env.sim.customer(id).unwrap();
    assert_eq!(c["first_name"], "Ada");
    assert_eq!(c["billing"]["first_name"], "Ada");
    assert_eq!(c["billing"]["company"], "");
    assert_eq!(c["billing"]["postcode"], "222 20");
    assert_eq!(c["billing"]["country"], "SE");
    assert_eq!(c["billing"]["city"], "Lund", "untouched");
    assert_eq!(c["date_modified_gmt"], "2026-04-01T08:30:00");
    env.sim.clear_log();
    env.shop
        .update_customer(&id.to_string(), &CustomerPatch::default())
        .await
        .unwrap();
    assert!(
        env.sim.request_log().is_empty(),
        "nothing to change, nothing sent"
    );
    let missing = env.shop.update_customer("424242", &patch).await;
    assert!(
        matches!(missing, Err(ShopError::NotFound(_))),
        "{missing:?}"
    );
}

#[tokio::test]
async fn create_customer_returns_the_new_customer() {
    let env = setup().await;
    let patch = CustomerPatch {
        email: Some("New.Buyer@Example.se".into()),
        first_name: Some("New".into()),
        last_name: Some("Buyer".into()),
        city: Some("Umeå".into()),
        ..Default::default()
    };
    let c = env.shop.create_customer(&patch).await.unwrap();
    assert_eq!(c.email, "new.buyer@example.se");
    assert_eq!(c.city.as_deref(), Some("Umeå"));
    assert!(env.sim.customer(c.id.parse().unwrap()).is_some());
    let again = env.shop.create_customer(&patch).await;
    assert!(
        matches!(again, Err(ShopError::Invalid(m)) if m.contains("registration-error-email-exists"))
    );
    env.sim.clear_log();
    let no_email = env.shop.create_customer(&CustomerPatch::default()).await;
    assert!(matches!(no_email, Err(ShopError::Invalid(_))));
    assert!(env.sim.request_log().is_empty());
}

#[tokio::test]
async fn set_customer_fields_writes_fortsync_meta_and_replaces_it() {
    let env = setup().await;
    let id = env
        .sim
        .seed_customers(vec![
            json!({"email": "a@example.se", "meta_data": [{"key": "other", "value": "x"}]}),
        ])
        .unwrap()[0];
    let mut fields = BTreeMap::from([
        ("balance".to_string(), "1250.00".to_string()),
        ("overdue".to_string(), "0.00".to_string()),
    ]);
    env.shop
        .set_customer_fields(&id.to_string(), &fields)
        .await
        .unwrap();
    fields.insert("balance".into(), "0.00".into());
    env.shop
        .set_customer_fields(&id.to_string(), &fields)
        .await
        .unwrap();
    let meta = env.sim.customer(id).unwrap()["meta_data"].clone();
    let pairs: BTreeMap<String, String> = meta
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["key"].as_str().unwrap().to_string(),
                m["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        BTreeMap::from([
            ("_fortsync_balance".to_string(), "0.00".to_string()),
            ("_fortsync_overdue".to_string(), "0.00".to_string()),
            ("other".to_string(), "x".to_string()),
        ])
    );
    assert_eq!(env.sim.count("PUT", "/customers"), 2);
}
