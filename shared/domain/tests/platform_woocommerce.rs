//! WooCommerce payloads → canonical orders and refunds: the shared reference payloads and
//! fortsync's own fixtures (`tests/fixtures/woocommerce`).

mod platform_common;

use fortsync_domain::order::{CustomerKind, Order, Platform};
use fortsync_domain::woocommerce::{self, PlatformError};
use platform_common::{
    assert_adds_up, fixture, line_rates, reference, refund_total, shipping_rates,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};

fn order(name: &str) -> Order {
    let o = woocommerce::parse_order(&fixture(&format!("woocommerce/{name}")))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(o.platform, Platform::Woocommerce);
    assert_adds_up(&o);
    o
}

fn edited(name: &str, edit: impl FnOnce(&mut Value)) -> Result<Order, PlatformError> {
    let mut v: Value = serde_json::from_slice(&fixture(&format!("woocommerce/{name}"))).unwrap();
    edit(&mut v);
    woocommerce::parse_order(&serde_json::to_vec(&v).unwrap())
}

fn field_of(e: PlatformError) -> String {
    match e {
        PlatformError::Field { field, .. } => field,
        other => panic!("expected a field error, got {other}"),
    }
}

fn units_and_discounts(o: &Order) -> Vec<(Decimal, Decimal)> {
    o.lines.iter().map(|l| (l.unit_price, l.discount)).collect()
}

#[test]
fn reference_order_parses() {
    let body = reference("woocommerce/order.json");
    assert_eq!(woocommerce::status(&body).as_deref(), Some("processing"));
    let o = woocommerce::parse_order(&body).unwrap();
    assert_eq!(o.id.as_str(), "727");
    assert_eq!(o.number, "727");
    assert_eq!(
        o.order_date, "2017-03-22",
        "date_created, the shop's own date"
    );
    assert_eq!(o.updated_at.as_deref(), Some("2017-03-22T19:28:08Z"));
    assert_eq!((o.currency.as_str(), o.prices_include_tax), ("USD", false));
    assert_eq!(o.customer.email, "john.doe@example.com");
    assert_eq!(o.customer.name, "John Doe");
    assert_eq!(o.customer.kind, CustomerKind::Private);
    assert_eq!(o.customer.phone.as_deref(), Some("(555) 555-5555"));
    assert_eq!(o.billing.country_code, "US");
    assert_eq!(o.billing.zip, "94103");
    assert_eq!(o.lines.len(), 2);
    assert_eq!(o.lines[0].line_id.as_deref(), Some("315"));
    assert_eq!(o.lines[0].sku, None);
    assert_eq!(o.lines[0].quantity, dec!(2));
    assert_eq!(
        o.lines[1].name,
        "Ship Your Idea – Color: Black, Size: M Test"
    );
    assert_eq!(o.lines[1].sku.as_deref(), Some("Bar3"));
    assert_eq!(
        units_and_discounts(&o),
        vec![(dec!(3), dec!(0)), (dec!(12), dec!(0))]
    );
    // WooCommerce 3.0 states no `rate_percent`: the 7.5 % state tax is read from the amounts.
    assert_eq!(line_rates(&o), vec![dec!(7.5), dec!(7.5)]);
    assert_eq!(o.shipping[0].name, "Flat Rate");
    assert_eq!(
        (o.shipping[0].amount, o.shipping[0].vat_rate),
        (dec!(10.00), dec!(0))
    );
    assert_eq!(o.total, dec!(29.35));
    assert_adds_up(&o);
    assert_eq!(o.payment_method.as_deref(), Some("bacs"));
    assert_eq!(o.references.site.as_deref(), Some("rest-api"));
    assert_eq!(o.note, None);
    assert!(!o.cancelled);
}

#[test]
fn reference_order_refund_parses() {
    let r = woocommerce::parse_refund("723", &reference("woocommerce/order_refund.json")).unwrap();
    assert_eq!(r.id, "726");
    assert_eq!(r.order_id.as_str(), "723");
    assert_eq!(r.date, "2017-03-21");
    assert_eq!(r.amount, dec!(10.00));
    assert!(
        r.lines.is_empty() && r.charges.is_empty(),
        "an amount-only refund"
    );
    assert_eq!(r.note, None);
    // The reference order lists no refunds.
    assert!(
        woocommerce::parse_refunds(&reference("woocommerce/order.json"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn mixed_vat_prices_including_vat_with_a_coupon() {
    let o = order("order-mixed-vat-incl.json");
    assert_eq!(o.id.as_str(), "5101");
    assert_eq!(o.number, "5101");
    assert_eq!(o.order_date, "2026-11-20");
    assert!(o.prices_include_tax);
    assert_eq!(line_rates(&o), vec![dec!(25), dec!(12), dec!(6), dec!(0)]);
    // Gross per line with the line's own VAT: subtotal + subtotal_tax, total + total_tax.
    assert_eq!(
        units_and_discounts(&o),
        vec![
            (dec!(399.00), dec!(39.90)),
            (dec!(119.00), dec!(23.80)),
            (dec!(189.00), dec!(18.90)),
            (dec!(90.00), dec!(9.00)),
        ]
    );
    assert_eq!(o.lines[0].name, "Tröja – Grå, L");
    assert_eq!(o.lines[2].sku, None);
    assert_eq!(
        (o.shipping[0].amount, o.shipping[0].vat_rate),
        (dec!(59.00), dec!(25))
    );
    assert_eq!(o.total, dec!(883.40));
    assert_eq!(o.discount_codes, vec!["host10"]);
    assert_eq!(o.customer.email, "erik.lind@exempel.se");
    assert_eq!(o.customer.name, "Erik Lind");
    assert_eq!(o.payment_method.as_deref(), Some("stripe"));
    assert_eq!(o.note.as_deref(), Some("Ring på porttelefonen."));
    assert_eq!(o.references.site.as_deref(), Some("checkout"));
    assert_eq!(o.updated_at.as_deref(), Some("2026-11-20T13:03:15Z"));
    assert_eq!(
        o.shipping_address.as_ref().map(|a| a.line1.as_str()),
        Some("Drottninggatan 5")
    );
}

#[test]
fn company_with_prices_excluding_vat() {
    let o = order("order-company-excl-vat.json");
    assert!(!o.prices_include_tax);
    assert_eq!(o.customer.kind, CustomerKind::Company);
    assert_eq!(o.customer.company.as_deref(), Some("Snickeri Nord AB"));
    assert_eq!(o.customer.name, "Maja Öberg");
    assert_eq!(o.customer.vat_number.as_deref(), Some("SE556677889901"));
    assert_eq!(o.references.buyer_reference.as_deref(), Some("IO-2291"));
    assert_eq!(o.references.site.as_deref(), Some("admin"));
    assert_eq!(line_rates(&o), vec![dec!(25), dec!(25)]);
    assert_eq!(
        (o.lines[0].quantity, o.lines[0].unit_price),
        (dec!(12), dec!(45.60))
    );
    assert_eq!(
        (o.shipping[0].amount, o.shipping[0].vat_rate),
        (dec!(249.00), dec!(25))
    );
    assert_eq!(o.total, dec!(1217.75));
    assert_eq!(o.payment_method.as_deref(), Some("bacs"));
}

#[test]
fn fees_become_charges_with_their_vat() {
    let o = order("order-fees.json");
    let fees: Vec<(&str, Decimal, Decimal)> = o
        .fees
        .iter()
        .map(|f| (f.name.as_str(), f.amount, f.vat_rate))
        .collect();
    assert_eq!(
        fees,
        vec![
            ("Fakturaavgift", dec!(29.00), dec!(25)),
            ("Medlemsrabatt", dec!(-50.00), dec!(25)),
        ]
    );
    assert_eq!(
        (o.shipping[0].amount, o.shipping[0].vat_rate),
        (dec!(0.00), dec!(0))
    );
    assert_eq!(line_rates(&o), vec![dec!(25)]);
    assert_eq!(o.total, dec!(778.00));
    assert_eq!(o.payment_method.as_deref(), Some("kco"));
}

#[test]
fn eu_consumer_with_oss_or_swedish_vat() {
    let o = order("order-de-oss.json");
    assert_eq!(o.billing.country_code, "DE");
    assert_eq!(line_rates(&o), vec![dec!(19)]);
    assert_eq!(shipping_rates(&o), vec![dec!(19)]);
    assert_eq!(o.lines[0].unit_price, dec!(170.41));
    assert_eq!(o.total, dec!(435.07));

    let o = order("order-de-swedish-vat.json");
    assert_eq!(o.billing.country_code, "DE");
    assert_eq!(line_rates(&o), vec![dec!(25)]);
    assert_eq!(shipping_rates(&o), vec![dec!(25)]);
    assert_eq!(o.total, dec!(278.00));
}

#[test]
fn eu_company_with_vat_number_is_reverse_charged() {
    let o = order("order-eu-reverse-charge.json");
    assert_eq!(o.billing.country_code, "FI");
    assert_eq!(o.customer.kind, CustomerKind::Company);
    assert_eq!(o.customer.company.as_deref(), Some("Oy Puutyö Ab"));
    assert_eq!(o.customer.vat_number.as_deref(), Some("FI23456789"));
    assert_eq!(line_rates(&o), vec![dec!(0)]);
    assert_eq!(shipping_rates(&o), vec![dec!(0)]);
    assert_eq!(o.total, dec!(5400.00));
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
fn eur_order_keeps_a_fractional_oss_rate() {
    let o = order("order-eur-fi.json");
    assert_eq!(o.currency, "EUR");
    assert_eq!(o.currency_rate, None);
    assert_eq!(line_rates(&o), vec![dec!(25.5)]);
    assert_eq!(shipping_rates(&o), vec![dec!(25.5)]);
    assert_eq!(o.lines[0].unit_price, dec!(79.95));
    assert_eq!(o.total, dec!(89.90));
}

#[test]
fn zero_total_order_with_a_full_coupon() {
    let o = order("order-zero-total.json");
    assert_eq!(o.total, dec!(0.00));
    assert_eq!(units_and_discounts(&o), vec![(dec!(149.00), dec!(149.00))]);
    assert_eq!(
        line_rates(&o),
        vec![dec!(25)],
        "the rate id survives a zero amount"
    );
    assert_eq!(o.discount_codes, vec!["gratis100"]);
    assert_eq!(o.payment_method, None);
}

#[test]
fn gift_card_sold_and_used() {
    let o = order("order-gift-card-sold.json");
    assert!(o.lines[0].gift_card);
    assert_eq!(o.lines[0].vat_rate, dec!(0));
    assert_eq!(o.lines[0].unit_price, dec!(500.00));
    assert!(!o.lines[1].gift_card);
    assert_eq!(o.lines[1].vat_rate, dec!(12));
    assert_eq!(o.total, dec!(648.00));
    assert_eq!(o.paid_with_gift_cards, dec!(0));

    // WooCommerce deducts the gift card from `total`; the canonical total is the grand total.
    let o = order("order-gift-card-used.json");
    assert_eq!(o.paid_with_gift_cards, dec!(200.00));
    assert_eq!(o.total, dec!(647.00));
    assert_eq!(line_rates(&o), vec![dec!(6), dec!(25)]);
}

#[test]
fn cancelled_order_and_the_status_filter() {
    let body = fixture("woocommerce/order-cancelled.json");
    assert_eq!(woocommerce::status(&body).as_deref(), Some("cancelled"));
    let o = order("order-cancelled.json");
    assert!(o.cancelled);
    assert_eq!(o.total, dec!(298.00));
    // `refunded` is an invoiced order with a refund, not a cancellation.
    let refunded = edited("order-cancelled.json", |v| v["status"] = json!("refunded")).unwrap();
    assert!(!refunded.cancelled);
    assert_eq!(
        woocommerce::status(br#"{"status": " wc-Completed "}"#).as_deref(),
        Some("completed")
    );
    assert_eq!(woocommerce::status(b"webhook_id=17"), None);
    assert_eq!(woocommerce::status(br#"{"id": 1}"#), None);
}

#[test]
fn proportional_shipping_vat_is_split_per_rate() {
    let o = order("order-split-shipping-vat.json");
    assert_eq!(line_rates(&o), vec![dec!(25), dec!(12)]);
    let shipping: Vec<(Decimal, Decimal)> =
        o.shipping.iter().map(|c| (c.amount, c.vat_rate)).collect();
    assert_eq!(
        shipping,
        vec![(dec!(30.00), dec!(25)), (dec!(22.40), dec!(12))]
    );
    assert!(o.shipping.iter().all(|c| c.name == "DHL Service Point"));
    assert_eq!(o.total, dec!(314.40));
}

#[test]
fn partial_refund_with_shipping() {
    let body = fixture("woocommerce/refund-partial-shipping.json");
    // On the order's basis (#5101's prices include VAT).
    let r = woocommerce::parse_refund_on_basis("5101", &body, true).unwrap();
    assert_eq!(r.id, "5190");
    assert_eq!(r.order_id.as_str(), "5101");
    assert_eq!(r.date, "2026-12-03");
    assert_eq!(r.note.as_deref(), Some("Fel storlek, frakten återbetald"));
    assert_eq!(r.lines.len(), 1);
    let l = &r.lines[0];
    assert_eq!(
        l.line_id.as_deref(),
        Some("51011"),
        "the refunded order line"
    );
    assert_eq!(
        (l.quantity, l.unit_price, l.discount),
        (dec!(1), dec!(359.10), dec!(0))
    );
    assert_eq!(
        (l.vat_rate, l.sku.as_deref()),
        (dec!(25), Some("TROJA-GRA-L"))
    );
    assert_eq!(r.charges.len(), 1);
    assert_eq!(r.charges[0].name, "PostNord MyPack Home");
    assert_eq!(
        (r.charges[0].amount, r.charges[0].vat_rate),
        (dec!(59.00), dec!(25))
    );
    assert_eq!(r.amount, dec!(418.10));
    assert_eq!(refund_total(&r, true), r.amount);
    // Without the basis, WooCommerce's own (excluding VAT); it adds up as well.
    let excl = woocommerce::parse_refund("5101", &body).unwrap();
    assert_eq!(excl.lines[0].unit_price, dec!(287.28));
    assert_eq!(excl.charges[0].amount, dec!(47.20));
    assert_eq!(refund_total(&excl, false), excl.amount);
}

#[test]
fn refunds_listed_in_the_order() {
    let body = fixture("woocommerce/order-with-refunds.json");
    assert_eq!(woocommerce::status(&body).as_deref(), Some("completed"));
    let refunds = woocommerce::parse_refunds(&body).unwrap();
    assert_eq!(refunds.len(), 1);
    let r = &refunds[0];
    assert_eq!((r.id.as_str(), r.order_id.as_str()), ("5190", "5101"));
    assert_eq!(r.amount, dec!(418.10));
    assert_eq!(r.date, "2026-12-03");
    assert_eq!(r.note.as_deref(), Some("Fel storlek, frakten återbetald"));
    assert!(r.lines.is_empty() && r.charges.is_empty());
    // The order itself still parses and adds up.
    assert_eq!(order("order-with-refunds.json").total, dec!(883.40));
    assert!(
        woocommerce::parse_refunds(&fixture("woocommerce/order-mixed-vat-incl.json"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn clear_errors_name_the_field() {
    let no_email = edited("order-mixed-vat-incl.json", |v| {
        v["billing"]["email"] = json!(" ")
    });
    assert_eq!(field_of(no_email.unwrap_err()), "billing.email");

    let no_basis = edited("order-mixed-vat-incl.json", |v| {
        v.as_object_mut().unwrap().remove("prices_include_tax");
    });
    assert_eq!(field_of(no_basis.unwrap_err()), "prices_include_tax");

    let no_lines = edited("order-mixed-vat-incl.json", |v| v["line_items"] = json!([]));
    assert_eq!(field_of(no_lines.unwrap_err()), "line_items");

    let bad_total = edited("order-mixed-vat-incl.json", |v| {
        v["line_items"][1]["total"] = json!("12,3,4")
    });
    assert!(matches!(bad_total, Err(PlatformError::Json(_))));

    let no_country = edited("order-mixed-vat-incl.json", |v| {
        v["billing"]["country"] = json!("");
        v["shipping"]["country"] = json!("");
    });
    assert_eq!(field_of(no_country.unwrap_err()), "billing.country");

    let deleted = woocommerce::parse_order(br#"{"id": 5101}"#);
    assert!(deleted.is_err(), "an order.deleted body is not an order");

    let bad_id = woocommerce::parse_refund(
        "no spaces allowed",
        &fixture("woocommerce/refund-partial-shipping.json"),
    );
    assert_eq!(field_of(bad_id.unwrap_err()), "order_id");
    assert!(matches!(
        woocommerce::parse_order(b"not json"),
        Err(PlatformError::Json(_))
    ));
}
