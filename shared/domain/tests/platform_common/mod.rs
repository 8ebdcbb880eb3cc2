//! Shared by the platform parser tests: fixture loading and the totals check.
#![allow(dead_code)]

use fortsync_domain::money::{ore, vat_of_net};
use fortsync_domain::order::{Order, Refund};
use rust_decimal::Decimal;

/// A file of the shared reference payloads (`/work/shared/reference/webshop/...`).
pub fn reference(path: &str) -> Vec<u8> {
    let full = format!(
        "{}/../../../shared/reference/webshop/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// A fixture of this repository (`tests/fixtures/...`).
pub fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/../../tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// Σ lines − discounts + shipping + fees, plus VAT per line and charge (rounded to the öre,
/// as the shops do) when prices exclude it.
pub fn computed_total(o: &Order) -> Decimal {
    let mut sum = Decimal::ZERO;
    for l in &o.lines {
        let amount = ore(l.unit_price * l.quantity) - l.discount;
        sum += amount;
        if !o.prices_include_tax {
            sum += vat_of_net(amount, l.vat_rate);
        }
    }
    for c in o.shipping.iter().chain(&o.fees) {
        sum += c.amount;
        if !o.prices_include_tax {
            sum += vat_of_net(c.amount, c.vat_rate);
        }
    }
    sum
}

/// The order adds up to the shop's total to the öre.
pub fn assert_adds_up(o: &Order) {
    assert_eq!(
        computed_total(o),
        o.total,
        "order {}: lines, shipping and fees do not add up to the total",
        o.number
    );
}

/// Σ refunded lines and charges (+ VAT when `prices_include_tax` is false).
pub fn refund_total(r: &Refund, prices_include_tax: bool) -> Decimal {
    let mut sum = Decimal::ZERO;
    for l in &r.lines {
        let amount = ore(l.unit_price * l.quantity) - l.discount;
        sum += amount;
        if !prices_include_tax {
            sum += vat_of_net(amount, l.vat_rate);
        }
    }
    for c in &r.charges {
        sum += c.amount;
        if !prices_include_tax {
            sum += vat_of_net(c.amount, c.vat_rate);
        }
    }
    sum
}

pub fn line_rates(o: &Order) -> Vec<Decimal> {
    o.lines.iter().map(|l| l.vat_rate).collect()
}

pub fn shipping_rates(o: &Order) -> Vec<Decimal> {
    o.shipping.iter().map(|c| c.vat_rate).collect()
}
