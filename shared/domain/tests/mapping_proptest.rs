//! Property tests of the mapping engine's money.
//!
//! Random carts: 1–20 lines, quantities 1–10, unit prices 0.01–10 000.00 (two decimals), VAT
//! rates from {25, 12, 6, 0}, a discount per line between 0 and the line amount, 0–2 shipping
//! charges (0–500.00, any of the rates), prices including or excluding VAT, discounts as row
//! discounts or baked into the price. The generator computes the order's `total` itself, in
//! integer öre, with the per-line rules shops use (line = quantity × price − discount; when
//! prices exclude VAT each line and each shipping charge adds its own VAT rounded half away
//! from zero).
//!
//! Asserted, with `rounding: row` and a company without whole-krona rounding:
//! 1. the engine's `lines_total` equals the generator's `total` (same per-line rules);
//! 2. the engine's expected Fortnox totals equal an independent recomputation (integer öre,
//!    per-row rounding, VAT per rate group) of the document it produced;
//! 3. let `pre` = Fortnox's total for the document *without* a rounding row − the shop total:
//!    if `|pre| ≤ 1 kr` the document total equals the shop total to the öre (`difference == 0`)
//!    and the rounding row is exactly `−pre` (none when `pre == 0`), VAT-free, on 3740;
//!    if `|pre| > 1 kr` there is no rounding row and `difference == pre`;
//! 4. with prices including VAT no rounding row is ever needed (`pre == 0`);
//! 5. the same holds when the shop's total is off by up to ±3 kr (inconsistent shop data), which
//!    exercises both branches of 3.

use fortsync_domain::TenantId;
use fortsync_domain::ids::OrderId;
use fortsync_domain::mapping::{MapContext, Mapped, RowKind, map_order};
use fortsync_domain::order::{
    Address, Charge, Customer, CustomerKind, Order, OrderLine, Platform, References,
};
use fortsync_domain::settings::{DiscountMode, TenantSettings};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

const RATES: [i64; 4] = [25, 12, 6, 0];

#[derive(Debug, Clone)]
struct Line {
    quantity: i64,
    price_ore: i64,
    rate: i64,
    discount_ore: i64,
}

#[derive(Debug, Clone)]
struct Cart {
    lines: Vec<Line>,
    shipping: Vec<(i64, i64)>,
    incl: bool,
    in_price: bool,
}

fn line() -> impl Strategy<Value = Line> {
    (1i64..=10, 1i64..=1_000_000, 0usize..4, 0u32..=1000).prop_map(|(q, p, r, d)| {
        let amount = q * p;
        Line {
            quantity: q,
            price_ore: p,
            rate: RATES[r],
            // A discount between 0 and the line amount, often 0.
            discount_ore: if d < 400 {
                0
            } else {
                amount * i64::from(d - 400) / 600
            },
        }
    })
}

fn cart() -> impl Strategy<Value = Cart> {
    (
        prop::collection::vec(line(), 1..=20),
        prop::collection::vec((0i64..=50_000, 0usize..4), 0..=2),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, shipping, incl, in_price)| Cart {
            lines,
            shipping: shipping.into_iter().map(|(a, r)| (a, RATES[r])).collect(),
            incl,
            in_price,
        })
}

/// Half away from zero: `round(n / d)` for integers (d > 0).
fn div_round(n: i64, d: i64) -> i64 {
    let q = (2 * n.abs() + d) / (2 * d);
    if n < 0 { -q } else { q }
}

/// The shop's total in öre with per-line rules.
fn shop_total_ore(c: &Cart) -> i64 {
    let with_vat = |amount: i64, rate: i64| {
        if c.incl {
            amount
        } else {
            amount + div_round(amount * rate, 100)
        }
    };
    let lines: i64 = c
        .lines
        .iter()
        .map(|l| with_vat(l.quantity * l.price_ore - l.discount_ore, l.rate))
        .sum();
    let shipping: i64 = c.shipping.iter().map(|(a, r)| with_vat(*a, *r)).sum();
    lines + shipping
}

fn ore(v: i64) -> Decimal {
    Decimal::new(v, 2)
}

fn order(c: &Cart, total: Decimal) -> Order {
    Order {
        id: OrderId::parse("p-1").unwrap(),
        number: "#1".into(),
        platform: Platform::Generic,
        order_date: "2026-11-20".into(),
        currency: "SEK".into(),
        currency_rate: None,
        prices_include_tax: c.incl,
        customer: Customer {
            email: "anna@example.se".into(),
            name: "Anna Svensson".into(),
            company: None,
            kind: CustomerKind::Private,
            organisation_number: None,
            vat_number: None,
            phone: None,
        },
        billing: Address {
            line1: "Storgatan 1".into(),
            line2: None,
            zip: "111 22".into(),
            city: "Stockholm".into(),
            country_code: "SE".into(),
        },
        shipping_address: None,
        lines: c
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| OrderLine {
                line_id: None,
                sku: Some(format!("SKU-{i}")),
                name: format!("Vara {i}"),
                quantity: Decimal::from(l.quantity),
                unit_price: ore(l.price_ore),
                vat_rate: Decimal::from(l.rate),
                discount: ore(l.discount_ore),
                gift_card: false,
            })
            .collect(),
        shipping: c
            .shipping
            .iter()
            .map(|(a, r)| Charge {
                name: "Frakt".into(),
                amount: ore(*a),
                vat_rate: Decimal::from(*r),
            })
            .collect(),
        fees: Vec::new(),
        discount_codes: Vec::new(),
        payment_method: None,
        paid_with_gift_cards: Decimal::ZERO,
        total,
        note: None,
        references: References::default(),
        cancelled: false,
        updated_at: None,
    }
}

/// Fortnox's total and VAT in öre for the document's rows, rounding rows left out or not.
fn fortnox_ore(m: &Mapped, with_rounding_row: bool) -> (i64, i64) {
    let to_ore = |d: Decimal| -> i64 {
        let scaled = (d * Decimal::ONE_HUNDRED).normalize();
        scaled.to_string().parse::<i64>().unwrap()
    };
    let mut groups: BTreeMap<i64, i64> = BTreeMap::new();
    for r in &m.document.rows {
        if r.kind == RowKind::Rounding && !with_rounding_row {
            continue;
        }
        // Prices have two decimals and quantities are whole: the row amount is exact.
        let amount = to_ore(r.quantity * r.price) - to_ore(r.discount);
        let rate = to_ore(r.vat) / 100;
        *groups.entry(rate).or_default() += amount;
    }
    let mut vat = 0;
    let mut sum = 0;
    for (rate, amount) in groups {
        vat += if m.document.vat_included {
            div_round(amount * rate, 100 + rate)
        } else {
            div_round(amount * rate, 100)
        };
        sum += amount;
    }
    let total = if m.document.vat_included {
        sum
    } else {
        sum + vat
    };
    (total, vat)
}

fn map(c: &Cart, total: Decimal) -> Mapped {
    let settings = TenantSettings {
        discounts: if c.in_price {
            DiscountMode::InPrice
        } else {
            DiscountMode::RowDiscount
        },
        ..Default::default()
    };
    let tenant = TenantId::parse("acme").unwrap();
    map_order(&tenant, &order(c, total), &settings, &MapContext::preview()).unwrap()
}

fn check_settlement(m: &Mapped, shop_ore: i64) -> Result<(), TestCaseError> {
    let (pre, _) = fortnox_ore(m, false);
    let pre = pre - shop_ore;
    if pre.abs() <= 100 {
        prop_assert_eq!(m.difference, Decimal::ZERO, "pre-row difference {}", pre);
        prop_assert_eq!(m.expected.total, ore(shop_ore));
        if pre == 0 {
            prop_assert_eq!(m.rounding_row, None);
        } else {
            prop_assert_eq!(m.rounding_row, Some(ore(-pre)));
            let row = m.document.rows.last().unwrap();
            prop_assert_eq!(row.kind, RowKind::Rounding);
            prop_assert_eq!(row.account, 3740);
            prop_assert!(row.vat.is_zero());
        }
    } else {
        prop_assert_eq!(m.rounding_row, None);
        prop_assert_eq!(m.difference, ore(pre));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn document_total_equals_the_shop_total_to_the_ore(c in cart()) {
        let shop = shop_total_ore(&c);
        let m = map(&c, ore(shop));
        // 1. Same per-line rules, same total.
        prop_assert_eq!(m.lines_total, ore(shop));
        // 2. The engine's Fortnox totals agree with the independent recomputation.
        let (total, vat) = fortnox_ore(&m, true);
        prop_assert_eq!(m.expected.total, ore(total));
        prop_assert_eq!(m.expected.vat, ore(vat));
        // 3. Settled to the öre whenever within 1 kr.
        check_settlement(&m, shop)?;
        // 4. Gross prices never need a rounding row.
        if c.incl {
            prop_assert_eq!(m.rounding_row, None);
            prop_assert_eq!(m.difference, Decimal::ZERO);
        }
        // Every order line is on the document (no summing by default), shipping as rows.
        prop_assert_eq!(
            m.document.rows.iter().filter(|r| r.kind != RowKind::Rounding).count(),
            c.lines.len() + c.shipping.len()
        );
    }

    #[test]
    fn a_shop_total_off_by_up_to_3_kr_is_corrected_within_1_kr_and_reported_beyond(
        c in cart(),
        off in -300i64..=300,
    ) {
        let shop = shop_total_ore(&c) + off;
        let m = map(&c, ore(shop));
        check_settlement(&m, shop)?;
        prop_assert_eq!(m.shop_total, ore(shop));
    }
}
