//! Rules of the mapping engine that fixtures do not show well: limits, errors, the context,
//! determinism, and agreement with the totals of the first slice's `document` module.

use fortsync_domain::TenantId;
use fortsync_domain::document::Rounding;
use fortsync_domain::error::{Classify, ErrorClass};
use fortsync_domain::generic;
use fortsync_domain::mapping::{
    CUSTOMER_PLACEHOLDER, KnownArticles, MapContext, MappingError, Region, RowKind, map_customer,
    map_order,
};
use fortsync_domain::order::{Charge, Order, OrderLine};
use fortsync_domain::settings::{
    DocumentKind, FeeMode, SettingsError, TenantSettings, UnknownSkuPolicy,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::collections::HashSet;

fn tenant() -> TenantId {
    TenantId::parse("acme").unwrap()
}

fn sample() -> Order {
    generic::parse(
        br##"{"id": "1001", "number": "#1001", "created_at": "2026-11-20", "currency": "SEK",
        "prices_include_tax": true,
        "customer": {"email": "anna@example.se", "name": "Anna Svensson"},
        "billing_address": {"line1": "Storgatan 1", "zip": "111 22", "city": "Stockholm", "country": "SE"},
        "lines": [{"sku": "TS-RED-L", "name": "T-shirt", "quantity": 2, "unit_price": "199.00", "vat_rate": 25}],
        "shipping": [{"name": "PostNord", "amount": "49.00", "vat_rate": 25}],
        "total": "447.00"}"##,
    )
    .unwrap()
}

fn line(i: usize) -> OrderLine {
    OrderLine {
        line_id: None,
        sku: None,
        name: format!("Rad {i}"),
        quantity: Decimal::ONE,
        unit_price: dec!(1.00),
        vat_rate: dec!(25),
        discount: Decimal::ZERO,
        gift_card: false,
    }
}

#[test]
fn placeholder_customer_until_the_worker_knows_it() {
    let mut m = map_order(
        &tenant(),
        &sample(),
        &TenantSettings::default(),
        &MapContext::preview(),
    )
    .unwrap();
    assert_eq!(m.document.customer_number, CUSTOMER_PLACEHOLDER);
    m.set_customer_number("17");
    assert_eq!(m.document.customer_number, "17");
    assert!(m.is_exact());
    assert_eq!(m.settings_version, 1);
    assert_eq!(m.kind, DocumentKind::Invoice);
}

#[test]
fn mapping_is_deterministic() {
    let a = map_order(
        &tenant(),
        &sample(),
        &TenantSettings::default(),
        &MapContext::preview(),
    );
    let b = map_order(
        &tenant(),
        &sample(),
        &TenantSettings::default(),
        &MapContext::preview(),
    );
    assert_eq!(a, b);
}

#[test]
fn at_most_500_rows() {
    let mut o = sample();
    o.lines = (0..500).map(line).collect();
    o.shipping.clear();
    o.total = dec!(500.00);
    let m = map_order(
        &tenant(),
        &o,
        &TenantSettings::default(),
        &MapContext::preview(),
    )
    .unwrap();
    assert_eq!(m.document.rows.len(), 500);
    o.shipping.push(Charge {
        name: "PostNord".into(),
        amount: dec!(49),
        vat_rate: dec!(25),
    });
    o.total = dec!(549.00);
    let e = map_order(
        &tenant(),
        &o,
        &TenantSettings::default(),
        &MapContext::preview(),
    )
    .unwrap_err();
    assert_eq!(e, MappingError::TooManyRows(501));
    assert_eq!(e.class(), ErrorClass::Permanent);
}

#[test]
fn invalid_settings_and_dates_are_mapping_errors() {
    let bad = TenantSettings {
        rounding_account: 37,
        ..Default::default()
    };
    let e = map_order(&tenant(), &sample(), &bad, &MapContext::preview()).unwrap_err();
    assert!(matches!(
        e,
        MappingError::Settings(SettingsError::BadAccount { .. })
    ));
    assert!(e.to_string().contains("rounding_account"), "{e}");
    let mut o = sample();
    o.order_date = "2026-13-45".into();
    let e = map_order(
        &tenant(),
        &o,
        &TenantSettings::default(),
        &MapContext::preview(),
    )
    .unwrap_err();
    assert_eq!(e, MappingError::BadDate("2026-13-45".into()));
}

#[test]
fn a_lookup_function_decides_which_articles_exist() {
    let exists = |a: &str| a.starts_with("TS-");
    let ctx = MapContext {
        customer_number: Some("5"),
        articles: KnownArticles::Lookup(&exists),
        rounding: Rounding::None,
    };
    let refuse = TenantSettings {
        unknown_sku: UnknownSkuPolicy::Refuse,
        ..Default::default()
    };
    let m = map_order(&tenant(), &sample(), &refuse, &ctx).unwrap();
    assert_eq!(m.document.rows[0].kind, RowKind::Article);
    assert_eq!(
        m.document.rows[0].article_number.as_deref(),
        Some("TS-RED-L")
    );
    let known: HashSet<String> = HashSet::new();
    let ctx = MapContext {
        articles: KnownArticles::Set(&known),
        ..ctx
    };
    assert!(matches!(
        map_order(&tenant(), &sample(), &refuse, &ctx),
        Err(MappingError::UnknownArticle { .. })
    ));
}

#[test]
fn zero_quantity_lines_are_left_out_and_cancellation_is_noted() {
    let mut o = sample();
    let mut removed = line(9);
    removed.quantity = Decimal::ZERO;
    o.lines.push(removed);
    o.cancelled = true;
    let m = map_order(
        &tenant(),
        &o,
        &TenantSettings::default(),
        &MapContext::preview(),
    )
    .unwrap();
    assert_eq!(m.document.rows.len(), 2);
    assert!(m.warnings.iter().any(|w| w.contains("quantity 0")));
    assert!(m.warnings.iter().any(|w| w.contains("cancelled")));
}

#[test]
fn charges_need_a_known_vat_rate_too() {
    let mut o = sample();
    o.fees.push(Charge {
        name: "Avgift".into(),
        amount: dec!(10),
        vat_rate: dec!(7),
    });
    o.total = dec!(457.00);
    let e = map_order(
        &tenant(),
        &o,
        &TenantSettings::default(),
        &MapContext::preview(),
    )
    .unwrap_err();
    assert!(matches!(e, MappingError::UnknownVatRate { .. }), "{e}");
}

#[test]
fn negative_fees_never_go_in_the_administration_fee_field() {
    let mut o = sample();
    o.fees.push(Charge {
        name: "Rabatt".into(),
        amount: dec!(-20),
        vat_rate: dec!(25),
    });
    o.total = dec!(427.00);
    let s = TenantSettings {
        fees: FeeMode::AdministrationFeeField,
        ..Default::default()
    };
    let m = map_order(&tenant(), &o, &s, &MapContext::preview()).unwrap();
    assert_eq!(m.document.administration_fee, None);
    assert_eq!(m.document.rows[2].kind, RowKind::Fee);
    assert_eq!(m.expected.total, dec!(427.00));
}

#[test]
fn gift_cards_sold_with_vat_are_flagged() {
    let mut o = sample();
    o.lines[0].gift_card = true;
    let m = map_order(
        &tenant(),
        &o,
        &TenantSettings::default(),
        &MapContext::preview(),
    )
    .unwrap();
    assert_eq!(m.document.rows[0].account, 2420);
    assert!(
        m.warnings
            .iter()
            .any(|w| w.contains("multi-purpose voucher"))
    );
    assert!(m.is_exact());
}

#[test]
fn whole_krona_company_with_a_whole_krona_shop_total_is_exact_after_the_row() {
    // Net prices, 3 × 10.01 + 0.38 shipping at 25 %: Fortnox (VAT per rate) 30.41 + 7.60 =
    // 38.01 before its whole-krona round-off; the shop, rounding to kronor too, charged 38.00.
    // The row (−0.01) fixes the öre before the round-off, so Fortnox's total is 38 with no
    // RoundOff left.
    let mut o = sample();
    o.prices_include_tax = false;
    o.lines = (0..3)
        .map(|i| OrderLine {
            unit_price: dec!(10.01),
            ..line(i)
        })
        .collect();
    o.shipping = vec![Charge {
        name: "Brev".into(),
        amount: dec!(0.38),
        vat_rate: dec!(25),
    }];
    o.total = dec!(38.00);
    let ctx = MapContext {
        rounding: Rounding::WholeKrona,
        ..MapContext::preview()
    };
    let m = map_order(&tenant(), &o, &TenantSettings::default(), &ctx).unwrap();
    assert_eq!(m.lines_total, dec!(38.01));
    assert_eq!(m.rounding_row, Some(dec!(-0.01)));
    assert_eq!(m.expected.total, dec!(38));
    assert_eq!(m.expected.round_off, dec!(0));
    assert!(m.is_exact());
}

#[test]
fn regions_follow_country_kind_vat_number_and_charged_vat() {
    let mut o = sample();
    o.billing.country_code = "DK".into();
    let m = map_order(
        &tenant(),
        &o,
        &TenantSettings::default(),
        &MapContext::preview(),
    )
    .unwrap();
    assert_eq!(m.region, Region::EuConsumer);
    assert_eq!(m.document.country.as_deref(), Some("Denmark"));
    assert_eq!(m.customer.country_code, "DK");
}

#[test]
fn the_customer_maps_even_when_the_rows_cannot() {
    let mut o = sample();
    o.lines[0].vat_rate = dec!(7);
    let none = TenantSettings {
        document: DocumentKind::None,
        ..Default::default()
    };
    assert!(map_order(&tenant(), &o, &none, &MapContext::preview()).is_err());
    let (region, customer, _) = map_customer(&o);
    assert_eq!(region, Region::Se);
    assert_eq!(customer.name, "Anna Svensson");
    assert_eq!(customer.country_code, "SE");
    let full = map_order(
        &tenant(),
        &sample(),
        &TenantSettings::default(),
        &MapContext::preview(),
    )
    .unwrap();
    assert_eq!(map_customer(&sample()).1, full.customer);
}
