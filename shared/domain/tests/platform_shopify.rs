//! Shopify payloads → canonical orders and refunds: the shared reference payloads and
//! fortsync's own fixtures (`tests/fixtures/shopify`).

mod platform_common;

use fortsync_domain::order::{CustomerKind, Order, Platform};
use fortsync_domain::shopify::{self, PlatformError};
use platform_common::{
    assert_adds_up, computed_total, fixture, line_rates, reference, refund_total, shipping_rates,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};

fn order(name: &str) -> Order {
    let o = shopify::parse_order(&fixture(&format!("shopify/{name}")))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(o.platform, Platform::Shopify);
    assert_adds_up(&o);
    o
}

fn edited(name: &str, edit: impl FnOnce(&mut Value)) -> Result<Order, PlatformError> {
    let mut v: Value = serde_json::from_slice(&fixture(&format!("shopify/{name}"))).unwrap();
    edit(&mut v);
    shopify::parse_order(&serde_json::to_vec(&v).unwrap())
}

fn field_of(e: PlatformError) -> String {
    match e {
        PlatformError::Field { field, .. } => field,
        other => panic!("expected a field error, got {other}"),
    }
}

#[test]
fn reference_order_wrapped_in_order_parses() {
    let o = shopify::parse_order(&reference("shopify/order.json")).unwrap();
    assert_eq!(o.id.as_str(), "450789469");
    assert_eq!(o.number, "#1001");
    assert_eq!(o.order_date, "2008-01-10");
    assert_eq!(o.updated_at.as_deref(), Some("2008-01-10T11:00:00-05:00"));
    assert_eq!((o.currency.as_str(), o.prices_include_tax), ("USD", false));
    assert_eq!(o.customer.email, "bob.norman@hostmail.com");
    assert_eq!(o.customer.name, "Bob Norman");
    assert_eq!(o.billing.country_code, "US");
    assert_eq!(o.lines.len(), 3);
    assert_eq!(o.lines[0].line_id.as_deref(), Some("466157049"));
    assert_eq!(o.lines[0].sku.as_deref(), Some("IPOD2008GREEN"));
    // An old payload: only order-level tax lines (6 % state tax) apply to the taxable lines.
    assert_eq!(line_rates(&o), vec![dec!(6); 3]);
    assert_eq!(shipping_rates(&o), vec![dec!(0)]);
    assert_eq!(o.discount_codes, vec!["TENOFF"]);
    assert_eq!(o.payment_method.as_deref(), Some("authorize_net"));
    assert_eq!(o.references.site.as_deref(), Some("web"));
    assert_eq!(o.total, dec!(409.94));
    // The fixture disagrees with itself: three 199.00 lines but `total_line_items_price`
    // 398.00 and a total of 409.94. The shop's total is kept, never the lines fudged; the
    // mapping engine flags the difference.
    assert_eq!(computed_total(&o), dec!(632.82));
}

#[test]
fn reference_orders_list_is_not_an_order() {
    let list = reference("shopify/orders.json");
    let e = shopify::parse_order(&list).unwrap_err();
    assert_eq!(field_of(e), "id");
    // Its one order has no line items (a trimmed or list payload): nothing to invoice.
    let v: Value = serde_json::from_slice(&list).unwrap();
    let one = serde_json::to_vec(&v["orders"][0]).unwrap();
    let e = shopify::parse_order(&one).unwrap_err();
    assert_eq!(
        e.to_string(),
        "field `line_items` is invalid: an order needs at least one line"
    );
}

#[test]
fn reference_refund_parses() {
    let r = shopify::parse_refund(&reference("shopify/refund.json")).unwrap();
    assert_eq!(r.id, "509562969");
    assert_eq!(r.order_id.as_str(), "450789469");
    assert_eq!(r.date, "2016-06-20");
    assert_eq!(r.note.as_deref(), Some("it broke during shipping"));
    assert_eq!(r.lines.len(), 2);
    assert_eq!(r.lines[0].line_id.as_deref(), Some("703073504"));
    assert_eq!(r.lines[0].sku.as_deref(), Some("IPOD2008BLACK"));
    for l in &r.lines {
        assert_eq!(
            (l.quantity, l.unit_price, l.discount),
            (dec!(1), dec!(199.00), dec!(0))
        );
        assert_eq!(l.vat_rate, dec!(6));
    }
    assert!(r.charges.is_empty());
    // What was paid back is the refund transaction, not the lines' value: the fixture refunds
    // less than two lines at 6 % are worth (its own tax lines, 3.98 each, disagree with 6 %).
    assert_eq!(r.amount, dec!(209.00));
    assert_eq!(refund_total(&r, false), dec!(421.88));
}

#[test]
fn mixed_vat_with_a_discount_code_across_lines() {
    let o = order("order-mixed-vat.json");
    assert_eq!(o.id.as_str(), "6512938475201");
    assert_eq!(o.number, "#1101");
    assert_eq!(o.order_date, "2026-11-20");
    assert!(o.prices_include_tax);
    assert_eq!(line_rates(&o), vec![dec!(25), dec!(12), dec!(6), dec!(0)]);
    let discounts: Vec<Decimal> = o.lines.iter().map(|l| l.discount).collect();
    assert_eq!(
        discounts,
        vec![dec!(49.80), dec!(11.90), dec!(18.90), dec!(9.00)]
    );
    assert_eq!(
        (o.lines[0].quantity, o.lines[0].unit_price),
        (dec!(2), dec!(249.00))
    );
    assert_eq!(o.lines[0].line_id.as_deref(), Some("14102938475001"));
    assert_eq!(o.lines[0].name, "T-shirt ekologisk - Svart / M");
    assert_eq!(o.lines[3].sku, None, "an empty SKU is no SKU");
    assert_eq!(o.shipping.len(), 1);
    assert_eq!(o.shipping[0].name, "PostNord MyPack Home");
    assert_eq!(
        (o.shipping[0].amount, o.shipping[0].vat_rate),
        (dec!(59.00), dec!(25))
    );
    assert_eq!(o.total, dec!(865.40));
    assert_eq!(o.discount_codes, vec!["HOST10"]);
    assert_eq!(o.customer.email, "anna.svensson@example.se");
    assert_eq!(o.customer.name, "Anna Svensson");
    assert_eq!(o.customer.kind, CustomerKind::Private);
    assert_eq!(o.customer.phone.as_deref(), Some("+46701234567"));
    assert_eq!(o.billing.zip, "111 22");
    assert_eq!(
        o.shipping_address.as_ref().map(|a| a.city.as_str()),
        Some("Stockholm")
    );
    assert_eq!(o.payment_method.as_deref(), Some("shopify_payments"));
    assert_eq!(o.paid_with_gift_cards, dec!(0));
    assert!(o.note.is_some());
    assert!(!o.cancelled);
}

#[test]
fn company_with_prices_excluding_vat() {
    let o = order("order-company-excl-vat.json");
    assert!(!o.prices_include_tax);
    assert_eq!(o.customer.kind, CustomerKind::Company);
    assert_eq!(o.customer.company.as_deref(), Some("Byggvaror i Norr AB"));
    assert_eq!(o.customer.name, "Lars Nilsson");
    assert_eq!(
        o.customer.organisation_number.as_deref(),
        Some("556677-8899")
    );
    assert_eq!(o.customer.vat_number, None);
    assert_eq!(line_rates(&o), vec![dec!(25), dec!(25)]);
    assert_eq!(
        (o.lines[1].quantity, o.lines[1].unit_price),
        (dec!(3), dec!(79.20))
    );
    assert_eq!(shipping_rates(&o), vec![dec!(25)]);
    assert_eq!(o.total, dec!(2544.75));
    assert_eq!(o.references.buyer_reference.as_deref(), Some("PO-4471"));
    assert_eq!(o.references.created_by.as_deref(), Some("86523452801"));
    assert_eq!(o.references.site.as_deref(), Some("shopify_draft_order"));
}

#[test]
fn eu_consumer_with_oss_or_swedish_vat() {
    let o = order("order-de-oss.json");
    assert_eq!(o.billing.country_code, "DE");
    assert_eq!(line_rates(&o), vec![dec!(19)]);
    assert_eq!(shipping_rates(&o), vec![dec!(19)]);
    assert_eq!(o.total, dec!(457.00));

    let o = order("order-de-swedish-vat.json");
    assert_eq!(o.billing.country_code, "DE");
    assert_eq!(line_rates(&o), vec![dec!(25), dec!(25)]);
    assert_eq!(shipping_rates(&o), vec![dec!(25)]);
    assert_eq!(o.total, dec!(527.00));
    assert_eq!(o.payment_method.as_deref(), Some("paypal"));
}

#[test]
fn eu_company_with_vat_number_is_reverse_charged() {
    let o = order("order-eu-reverse-charge.json");
    assert_eq!(o.billing.country_code, "FI");
    assert_eq!(o.customer.kind, CustomerKind::Company);
    assert_eq!(o.customer.company.as_deref(), Some("Oy Esimerkki Ab"));
    assert_eq!(o.customer.vat_number.as_deref(), Some("FI12345678"));
    assert!(!o.prices_include_tax);
    assert_eq!(line_rates(&o), vec![dec!(0)]);
    assert_eq!(shipping_rates(&o), vec![dec!(0)]);
    assert_eq!(o.total, dec!(790.00));
}

#[test]
fn export_to_norway_has_no_vat() {
    let o = order("order-export-no.json");
    assert_eq!(o.billing.country_code, "NO");
    assert_eq!(line_rates(&o), vec![dec!(0)]);
    assert_eq!(shipping_rates(&o), vec![dec!(0)]);
    assert_eq!(o.total, dec!(868.20));
}

#[test]
fn eur_order_uses_the_buyers_currency() {
    let o = order("order-eur-presentment.json");
    assert_eq!(o.currency, "EUR");
    assert_eq!(
        o.currency_rate, None,
        "a ratio of rounded amounts is not the rate"
    );
    let prices: Vec<Decimal> = o.lines.iter().map(|l| l.unit_price).collect();
    assert_eq!(prices, vec![dec!(79.95), dec!(21.95)]);
    assert_eq!(line_rates(&o), vec![dec!(21), dec!(21)]);
    assert_eq!(
        (o.shipping[0].amount, o.shipping[0].vat_rate),
        (dec!(9.95), dec!(21))
    );
    assert_eq!(o.total, dec!(111.85));
    assert_eq!(o.billing.country_code, "NL");
}

#[test]
fn presentment_amounts_are_never_mixed_with_shop_amounts() {
    let e = edited("order-eur-presentment.json", |v| {
        v["line_items"][0]
            .as_object_mut()
            .unwrap()
            .remove("price_set");
    })
    .unwrap_err();
    assert_eq!(field_of(e), "line_items[0].price_set");
}

#[test]
fn zero_total_order_with_a_full_discount() {
    let o = order("order-zero-total.json");
    assert_eq!(o.total, dec!(0.00));
    assert_eq!(
        (o.lines[0].unit_price, o.lines[0].discount),
        (dec!(149.00), dec!(149.00))
    );
    assert_eq!(
        line_rates(&o),
        vec![dec!(25)],
        "the rate survives a zero amount"
    );
    assert_eq!(
        (o.shipping[0].amount, o.shipping[0].vat_rate),
        (dec!(0.00), dec!(0))
    );
    assert_eq!(o.discount_codes, vec!["GRATIS100"]);
    assert_eq!(o.payment_method, None);
}

#[test]
fn gift_card_sold_carries_no_vat() {
    let o = order("order-gift-card-sold.json");
    assert!(o.lines[0].gift_card);
    assert_eq!(o.lines[0].vat_rate, dec!(0));
    assert!(!o.lines[1].gift_card);
    assert_eq!(o.lines[1].vat_rate, dec!(12));
    assert_eq!(shipping_rates(&o), vec![dec!(25)]);
    assert_eq!(o.total, dec!(767.00));
    assert_eq!(o.paid_with_gift_cards, dec!(0));
}

#[test]
fn order_paid_with_a_gift_card() {
    let o = order("order-gift-card-used.json");
    assert_eq!(o.total, dec!(238.00));
    assert_eq!(o.paid_with_gift_cards, dec!(238.00));
    assert_eq!(o.payment_method.as_deref(), Some("gift_card"));
    assert_eq!(line_rates(&o), vec![dec!(6)]);
    assert_eq!(shipping_rates(&o), vec![dec!(25)]);
    // Split payments: the webhook has no amounts per gateway, so nothing is claimed.
    let o = edited("order-gift-card-used.json", |v| {
        v["payment_gateway_names"] = json!(["gift_card", "shopify_payments"]);
    })
    .unwrap();
    assert_eq!(o.paid_with_gift_cards, dec!(0));
    assert_eq!(o.payment_method.as_deref(), Some("shopify_payments"));
}

#[test]
fn cancelled_order() {
    let o = order("order-cancelled.json");
    assert!(o.cancelled);
    assert_eq!(o.updated_at.as_deref(), Some("2026-12-01T08:00:03+01:00"));
    assert_eq!(o.total, dec!(298.00));
    assert_eq!(line_rates(&o), vec![dec!(25)]);
}

#[test]
fn partial_refund_with_shipping_prices_including_vat() {
    let body = fixture("shopify/refund-partial-shipping.json");
    let r = shopify::parse_refund(&body).unwrap();
    assert_eq!(r.id, "9301938475001");
    assert_eq!(r.order_id.as_str(), "6512938475201");
    assert_eq!(r.date, "2026-12-03");
    assert_eq!(r.lines.len(), 1);
    let l = &r.lines[0];
    assert_eq!(l.line_id.as_deref(), Some("14102938475001"));
    assert_eq!(
        (l.quantity, l.unit_price, l.discount),
        (dec!(1), dec!(249.00), dec!(24.90))
    );
    assert_eq!(l.vat_rate, dec!(25));
    assert_eq!(r.charges.len(), 1);
    assert_eq!(r.charges[0].name, "Shipping");
    assert_eq!(
        (r.charges[0].amount, r.charges[0].vat_rate),
        (dec!(59.00), dec!(25))
    );
    assert_eq!(r.amount, dec!(283.10));
    assert_eq!(refund_total(&r, true), r.amount);
    // Told the basis, the same; told the opposite, shipping is stated without its VAT.
    assert_eq!(shopify::parse_refund_on_basis(&body, true).unwrap(), r);
    let excl = shopify::parse_refund_on_basis(&body, false).unwrap();
    assert_eq!(excl.charges[0].amount, dec!(47.20));
}

#[test]
fn refund_with_refund_shipping_lines_counts_the_freight_once() {
    let body = fixture("shopify/refund-shipping-lines.json");
    let r = shopify::parse_refund(&body).unwrap();
    assert_eq!(r, shopify::parse_refund_on_basis(&body, false).unwrap());
    assert_eq!(r.id, "9301938475002");
    assert_eq!(r.order_id.as_str(), "6512938475202");
    assert_eq!(r.lines.len(), 1);
    assert_eq!(
        (r.lines[0].unit_price, r.lines[0].discount),
        (dec!(79.20), dec!(0))
    );
    assert_eq!(r.lines[0].sku.as_deref(), Some("BITS-32"));
    assert_eq!(r.charges.len(), 1);
    assert_eq!(r.charges[0].name, "DHL Freight");
    assert_eq!(
        (r.charges[0].amount, r.charges[0].vat_rate),
        (dec!(199.00), dec!(25))
    );
    assert_eq!(r.amount, dec!(347.75));
    assert_eq!(refund_total(&r, false), r.amount);
}

#[test]
fn bare_and_wrapped_bodies_parse_alike() {
    let bare = fixture("shopify/order-mixed-vat.json");
    let v: Value = serde_json::from_slice(&bare).unwrap();
    let wrapped = serde_json::to_vec(&json!({ "order": v })).unwrap();
    assert_eq!(
        shopify::parse_order(&bare).unwrap(),
        shopify::parse_order(&wrapped).unwrap()
    );
}

#[test]
fn ids_are_kept_exactly_as_64_bit_integers() {
    let o = edited("order-mixed-vat.json", |v| {
        v["id"] = json!(9_007_199_254_740_993_u64);
        v["line_items"][0]["id"] = json!(u64::MAX);
    })
    .unwrap();
    assert_eq!(o.id.as_str(), "9007199254740993");
    assert_eq!(o.lines[0].line_id.as_deref(), Some("18446744073709551615"));
}

#[test]
fn clear_errors_name_the_field() {
    let no_email = edited("order-mixed-vat.json", |v| {
        v["email"] = Value::Null;
        v["contact_email"] = Value::Null;
        v["customer"]["email"] = Value::Null;
    })
    .unwrap_err();
    assert!(
        no_email
            .to_string()
            .contains("matches Fortnox customers by e-mail")
    );
    assert_eq!(field_of(no_email), "email");

    let customer_email_only = edited("order-mixed-vat.json", |v| {
        v["email"] = Value::Null;
        v["contact_email"] = json!("");
    })
    .unwrap();
    assert_eq!(
        customer_email_only.customer.email,
        "anna.svensson@example.se"
    );

    let no_basis = edited("order-mixed-vat.json", |v| {
        v.as_object_mut().unwrap().remove("taxes_included");
    });
    assert_eq!(field_of(no_basis.unwrap_err()), "taxes_included");

    let bad_qty = edited("order-mixed-vat.json", |v| {
        v["line_items"][1]["quantity"] = json!(0)
    });
    assert_eq!(field_of(bad_qty.unwrap_err()), "line_items[1].quantity");

    let bad_country = edited("order-mixed-vat.json", |v| {
        v["billing_address"]["country_code"] = json!("Sweden");
    });
    assert_eq!(
        field_of(bad_country.unwrap_err()),
        "billing_address.country_code"
    );

    let bad_date = edited("order-mixed-vat.json", |v| {
        v["created_at"] = json!("20/11/2026")
    });
    assert_eq!(field_of(bad_date.unwrap_err()), "created_at");

    assert!(matches!(
        shopify::parse_order(b"{\"id\": 1,"),
        Err(PlatformError::Json(_))
    ));
    assert!(matches!(
        shopify::parse_order(b"[]"),
        Err(PlatformError::Json(_))
    ));
}
