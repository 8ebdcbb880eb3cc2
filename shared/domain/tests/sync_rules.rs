//! The register-sync rules as a tenant would configure them: settings JSON in, plans out.

use fortsync_domain::settings::{SettingsError, TenantSettings};
use fortsync_domain::sync::{
    ArticleFacts, ArticleSnapshot, CustomerField as F, CustomerFields, CustomerRules, Direction,
    MatchedBy, ProductFacts, Side, SkipReason, StockDirection, StockSource, SyncSettings,
    find_duplicate, find_duplicate_by, next_watermark, plan_article, plan_customer,
};
use rust_decimal_macros::dec;

fn settings(json: &str) -> TenantSettings {
    let s: TenantSettings = serde_json::from_str(json).unwrap();
    s.validate().unwrap();
    s
}

fn article(number: &str) -> ArticleFacts {
    ArticleFacts {
        article_number: number.into(),
        description: "Mugg".into(),
        active: true,
        vat_rate: dec!(25),
        price: Some(dec!(100)),
        in_stock: Some(dec!(10)),
        available: Some(dec!(10)),
        modified: None,
    }
}

fn product(sku: &str) -> ProductFacts {
    ProductFacts {
        sku: sku.into(),
        title: "Mugg".into(),
        published: true,
        price: Some(dec!(125)),
        stock: Some(10),
        vat_rate: None,
        modified: None,
    }
}

// --- settings -------------------------------------------------------------------------------

#[test]
fn default_settings_leave_sync_out_of_the_json_and_change_nothing() {
    let s = TenantSettings::default();
    let json = serde_json::to_string(&s).unwrap();
    assert!(!json.contains("\"sync\""), "{json}");
    assert_eq!(serde_json::from_str::<TenantSettings>(&json).unwrap(), s);
    assert_eq!(s.sync, SyncSettings::default());
    // Everything off: even wildly different records plan nothing.
    let f = CustomerFields::from([(F::Email, "a@x.se"), (F::City, "Lund")]);
    let sh = CustomerFields::from([(F::Email, "b@x.se"), (F::City, "Umeå")]);
    let plan = plan_customer(Some(&f), Some(&sh), None, None, None, &s.sync.customers);
    assert!(plan.is_noop() && plan.conflicts.is_empty());
    let p = ProductFacts {
        price: Some(dec!(1)),
        stock: Some(99),
        ..product("MUG")
    };
    assert!(plan_article(Some(&article("MUG")), Some(&p), None, &s.sync).is_noop());
}

#[test]
fn sync_settings_round_trip_with_defaults_filled_in() {
    let s = settings(
        r#"{"version":4,"sync":{
            "customers":{"email":"both","city":"shop_to_fortnox","create_in_fortnox":false},
            "prices":{"direction":"fortnox_to_shop","price_list":"B","never_set_price":["GIFT-1"]},
            "stock":{"direction":"fortnox_to_shop","source":{"mode":"warehouse","stock_point":"HUVUD"}}
        }}"#,
    );
    assert_eq!(s.sync.customers.email, Direction::Both);
    assert_eq!(s.sync.customers.phone, Direction::Off);
    assert_eq!(s.sync.prices.price_list.as_deref(), Some("B"));
    assert!(s.sync.prices.shop_prices_include_vat, "default true");
    assert_eq!(s.sync.articles.direction, Direction::Off);
    assert!(!s.sync.articles.create_missing);
    assert_eq!(
        s.sync.stock.source,
        StockSource::Warehouse {
            stock_point: "HUVUD".into()
        }
    );
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["sync"]["prices"]["shop_prices_include_vat"], true);
    assert_eq!(json["sync"]["stock"]["source"]["mode"], "warehouse");
    assert_eq!(json["sync"]["customers"]["zip"], "off");
    let back: TenantSettings = serde_json::from_value(json).unwrap();
    assert_eq!(back, s);
}

#[test]
fn sync_settings_refuse_typos_and_contradictions() {
    for typo in [
        r#"{"sync":{"customer":{}}}"#,
        r#"{"sync":{"customers":{"email":"two_way"}}}"#,
        r#"{"sync":{"customers":{"organisation_number":"both"}}}"#,
        r#"{"sync":{"stock":{"direction":"both"}}}"#,
        r#"{"sync":{"stock":{"source":{"mode":"warehouse"}}}}"#,
    ] {
        assert!(
            serde_json::from_str::<TenantSettings>(typo).is_err(),
            "{typo}"
        );
    }
    let bad_article: TenantSettings =
        serde_json::from_str(r#"{"sync":{"prices":{"never_set_price":["GIFT 1"]}}}"#).unwrap();
    assert_eq!(
        bad_article.validate(),
        Err(SettingsError::BadArticleNumber {
            field: "sync.prices.never_set_price".into(),
            value: "GIFT 1".into()
        })
    );
    let pushed_lager: TenantSettings = serde_json::from_str(
        r#"{"sync":{"stock":{"direction":"shop_to_fortnox",
            "source":{"mode":"warehouse","stock_point":"HUVUD"}}}}"#,
    )
    .unwrap();
    assert!(matches!(
        pushed_lager.validate(),
        Err(SettingsError::BadSync { ref field, .. }) if field == "sync.stock.direction"
    ));
    let nameless: TenantSettings =
        serde_json::from_str(r#"{"sync":{"customers":{"create_in_fortnox":true}}}"#).unwrap();
    assert!(
        nameless
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("sync.customers.create_in_fortnox: needs name")
    );
    let long_list: TenantSettings = serde_json::from_str(&format!(
        r#"{{"sync":{{"prices":{{"price_list":"{}"}}}}}}"#,
        "A".repeat(101)
    ))
    .unwrap();
    assert!(long_list.validate().is_err());
}

// --- customers ------------------------------------------------------------------------------

#[test]
fn a_field_set_to_off_is_never_touched() {
    let rules = CustomerRules {
        email: Direction::Both,
        name: Direction::Both,
        create_in_fortnox: true,
        create_in_shop: true,
        ..Default::default()
    };
    let last = CustomerFields::from([(F::Email, "a@x.se"), (F::Phone, "070-1")]);
    // Phone differs and changed on both sides; it is off, so nothing happens to it.
    let f = CustomerFields::from([(F::Email, "a@x.se"), (F::Phone, "070-2"), (F::Name, "A")]);
    let s = CustomerFields::from([(F::Email, "new@x.se"), (F::Phone, "070-3"), (F::Name, "A")]);
    let plan = plan_customer(Some(&f), Some(&s), Some(&last), None, None, &rules);
    assert_eq!(plan.to_fortnox.get(F::Email), Some("new@x.se"));
    for side in [&plan.to_fortnox, &plan.to_shop] {
        assert!(!side.contains(F::Phone), "{plan:?}");
    }
    assert!(plan.conflicts.iter().all(|c| c.field != F::Phone));
    // Not even when creating.
    let created = plan_customer(None, Some(&s), None, None, None, &rules);
    assert!(created.create_in_fortnox);
    assert_eq!(created.to_fortnox.get(F::Name), Some("A"));
    assert!(!created.to_fortnox.contains(F::Phone));
    let created = plan_customer(Some(&f), None, None, None, None, &rules);
    assert!(created.create_in_shop);
    assert!(!created.to_shop.contains(F::Phone));
}

#[test]
fn a_conflict_goes_to_the_newest_change_and_reports_the_loser() {
    let rules = CustomerRules {
        city: Direction::Both,
        ..Default::default()
    };
    let last = CustomerFields::from([(F::City, "Lund")]);
    let f = CustomerFields::from([(F::City, "Malmö")]);
    let s = CustomerFields::from([(F::City, "Ystad")]);
    // Fortnox 10:30 Stockholm (winter) = 09:30 UTC; shop 09:45 UTC: the shop is newer.
    let plan = plan_customer(
        Some(&f),
        Some(&s),
        Some(&last),
        Some("2026-02-01 10:30"),
        Some("2026-02-01T09:45:00Z"),
        &rules,
    );
    assert_eq!(plan.to_fortnox.get(F::City), Some("Ystad"));
    assert!(plan.to_shop.is_empty());
    assert_eq!(plan.conflicts.len(), 1);
    let c = &plan.conflicts[0];
    assert_eq!(
        (c.field, c.fortnox_value.as_str(), c.shop_value.as_str()),
        (F::City, "Malmö", "Ystad")
    );
    assert_eq!((c.winner, c.loser()), (Side::Shop, Side::Fortnox));
    assert_eq!(plan.snapshot.get(F::City), Some("Ystad"));

    // Fortnox newer (summer: 11:50 Stockholm = 09:50 UTC).
    let plan = plan_customer(
        Some(&f),
        Some(&s),
        Some(&last),
        Some("2026-07-01 11:50"),
        Some("2026-07-01T09:45:00Z"),
        &rules,
    );
    assert_eq!(plan.to_shop.get(F::City), Some("Malmö"));
    assert!(plan.to_fortnox.is_empty());
    assert_eq!(plan.conflicts[0].winner, Side::Fortnox);

    // Unknown times: Fortnox, the bookkeeping record, wins — still reported.
    let plan = plan_customer(Some(&f), Some(&s), Some(&last), None, None, &rules);
    assert_eq!(plan.to_shop.get(F::City), Some("Malmö"));
    assert_eq!(plan.conflicts[0].winner, Side::Fortnox);
}

#[test]
fn one_way_fields_overwrite_the_target_without_conflicts() {
    let rules = CustomerRules {
        phone: Direction::FortnoxToShop,
        zip: Direction::ShopToFortnox,
        ..Default::default()
    };
    let last = CustomerFields::from([(F::Phone, "070-1"), (F::Zip, "111 22")]);
    let f = CustomerFields::from([(F::Phone, "070-1"), (F::Zip, "222 33")]);
    let s = CustomerFields::from([(F::Phone, "070-9"), (F::Zip, "11122")]);
    let plan = plan_customer(Some(&f), Some(&s), Some(&last), None, None, &rules);
    assert_eq!(plan.to_shop.get(F::Phone), Some("070-1"));
    assert_eq!(plan.to_fortnox.get(F::Zip), Some("11122"));
    assert!(plan.conflicts.is_empty());
}

#[test]
fn duplicates_by_email_case_org_number_spelling_and_name_when_allowed() {
    let existing = vec![
        CustomerFields::from([(F::Name, "Anna Svensson"), (F::Email, "anna@example.se")]),
        CustomerFields::from([
            (F::Name, "Ek Bygg AB"),
            (F::OrganisationNumber, "5566778899"),
        ]),
        CustomerFields::from([(F::Name, "Kim Ek")]),
    ];
    let by_email = CustomerFields::from([(F::Email, " Anna@Example.SE ")]);
    assert_eq!(find_duplicate(&by_email, &existing), Some(0));

    for spelling in [
        "556677-8899",
        "5566778899",
        "16556677-8899",
        " 556677 8899 ",
    ] {
        let c = CustomerFields::from([(F::Name, "Ek Bygg"), (F::OrganisationNumber, spelling)]);
        assert_eq!(find_duplicate(&c, &existing), Some(1), "{spelling}");
    }
    let other_org = CustomerFields::from([(F::OrganisationNumber, "556677-8898")]);
    assert_eq!(find_duplicate(&other_org, &existing), None);

    let by_name = CustomerFields::from([(F::Name, "Kim  Ek"), (F::Email, "kim@x.se")]);
    assert_eq!(
        find_duplicate(&by_name, &existing),
        None,
        "names only when allowed"
    );
    let found = find_duplicate_by(&by_name, &existing, true).unwrap();
    assert_eq!((found.index, found.by), (2, MatchedBy::Name));
    let other_case = CustomerFields::from([(F::Name, "kim ek")]);
    assert_eq!(find_duplicate_by(&other_case, &existing, true), None);
}

// --- articles -------------------------------------------------------------------------------

fn article_settings() -> SyncSettings {
    settings(
        r#"{"sync":{
            "articles":{"direction":"both","create_missing":true},
            "prices":{"direction":"both","never_set_price":["GIFT-1"]},
            "stock":{"direction":"fortnox_to_shop"}}}"#,
    )
    .sync
}

#[test]
fn never_set_price_is_honoured_both_ways_and_on_create() {
    let s = article_settings();
    let cheap = ArticleFacts {
        price: Some(dec!(1)),
        ..article("gift-1")
    };
    let plan = plan_article(Some(&cheap), Some(&product("gift-1")), None, &s);
    assert_eq!(plan.to_shop.price, None);
    assert_eq!(plan.to_fortnox.price, None);
    assert!(plan.conflicts.is_empty());
    // The same pair with another article number does sync its price.
    let plan = plan_article(
        Some(&ArticleFacts {
            price: Some(dec!(1)),
            ..article("MUG")
        }),
        Some(&product("MUG")),
        None,
        &s,
    );
    assert!(plan.to_shop.price.is_some() || plan.to_fortnox.price.is_some());

    let created = plan_article(Some(&article("GIFT-1")), None, None, &s)
        .create_in_shop
        .unwrap();
    assert_eq!(created.price, None);
    let created = plan_article(None, Some(&product("GIFT-1")), None, &s)
        .create_in_fortnox
        .unwrap();
    assert_eq!(created.price, None);
}

#[test]
fn inactive_articles_and_unpublished_products_are_skipped() {
    let s = article_settings();
    let inactive = ArticleFacts {
        active: false,
        price: Some(dec!(500)),
        ..article("MUG")
    };
    let plan = plan_article(Some(&inactive), Some(&product("MUG")), None, &s);
    assert_eq!(plan.skip, Some(SkipReason::Inactive));
    assert!(plan.is_noop());
    // Not created in the shop either, though create_missing is on.
    let plan = plan_article(Some(&inactive), None, None, &s);
    assert_eq!(plan.skip, Some(SkipReason::Inactive));
    assert!(plan.create_in_shop.is_none());

    let draft = ProductFacts {
        published: false,
        price: Some(dec!(1)),
        ..product("MUG")
    };
    let plan = plan_article(Some(&article("MUG")), Some(&draft), None, &s);
    assert_eq!(plan.skip, Some(SkipReason::Unpublished));
    assert!(plan.is_noop());
    assert!(
        plan_article(None, Some(&draft), None, &s)
            .create_in_fortnox
            .is_none()
    );
}

#[test]
fn stock_is_floored_and_never_negative() {
    let s = article_settings();
    for (fortnox, shop) in [
        (dec!(2.7), 2),
        (dec!(0.4), 0),
        (dec!(-3), 0),
        (dec!(12), 12),
    ] {
        let f = ArticleFacts {
            in_stock: Some(fortnox),
            available: None,
            ..article("MUG")
        };
        let plan = plan_article(Some(&f), Some(&product("MUG")), None, &s);
        assert_eq!(plan.to_shop.stock, Some(shop), "{fortnox}");
    }
    // Equal after flooring: nothing written.
    let f = ArticleFacts {
        available: Some(dec!(10.9)),
        ..article("MUG")
    };
    assert_eq!(
        plan_article(Some(&f), Some(&product("MUG")), None, &s)
            .to_shop
            .stock,
        None
    );
    // Created products get the floored stock.
    let f = ArticleFacts {
        available: Some(dec!(3.5)),
        ..article("NEW-1")
    };
    let created = plan_article(Some(&f), None, None, &s)
        .create_in_shop
        .unwrap();
    assert_eq!(created.stock, Some(3));
    assert_eq!(created.price, Some(dec!(125.00)));
}

#[test]
fn create_missing_false_never_creates() {
    let mut s = article_settings();
    s.articles.create_missing = false;
    s.stock.direction = StockDirection::ShopToFortnox;
    let plan = plan_article(Some(&article("MUG")), None, None, &s);
    assert_eq!(plan.skip, Some(SkipReason::NoCounterpart));
    assert!(plan.create_in_shop.is_none() && plan.create_in_fortnox.is_none());
    let plan = plan_article(None, Some(&product("MUG")), None, &s);
    assert_eq!(plan.skip, Some(SkipReason::NoCounterpart));
    assert!(plan.is_noop());

    // With create_missing, the direction still decides which side may be created.
    s.articles.create_missing = true;
    s.articles.direction = Direction::FortnoxToShop;
    assert!(
        plan_article(None, Some(&product("MUG")), None, &s)
            .create_in_fortnox
            .is_none()
    );
    assert!(
        plan_article(Some(&article("MUG")), None, None, &s)
            .create_in_shop
            .is_some()
    );
    // A pair synced before and now missing a side was deleted there: not recreated.
    let last = ArticleSnapshot::default();
    assert!(
        plan_article(Some(&article("MUG")), None, Some(&last), &s)
            .create_in_shop
            .is_none()
    );
}

#[test]
fn price_vat_conversion_follows_the_shop_basis() {
    let mut s = article_settings();
    s.prices.direction = Direction::FortnoxToShop;
    let f = ArticleFacts {
        price: Some(dec!(79.99)),
        vat_rate: dec!(12),
        ..article("MUG")
    };
    // 79.99 × 1.12 = 89.5888 → 89.59.
    assert_eq!(
        plan_article(Some(&f), Some(&product("MUG")), None, &s)
            .to_shop
            .price,
        Some(dec!(89.59))
    );
    s.prices.shop_prices_include_vat = false;
    assert_eq!(
        plan_article(Some(&f), Some(&product("MUG")), None, &s)
            .to_shop
            .price,
        Some(dec!(79.99))
    );
}

// --- watermark ------------------------------------------------------------------------------

#[test]
fn watermark_overlaps_by_a_minute_and_never_moves_back() {
    let page = ["2026-03-02 08:15", "2026-03-02T07:20:59Z", "not a time"];
    // 07:20:59 UTC = 08:20:59 Stockholm → 08:20 → 08:19.
    assert_eq!(
        next_watermark(Some("2026-03-01 00:00"), &page).as_deref(),
        Some("2026-03-02 08:19")
    );
    assert_eq!(
        next_watermark(Some("2026-03-03 00:00"), &page).as_deref(),
        Some("2026-03-03 00:00")
    );
    assert_eq!(next_watermark(None, &[]), None);
}
