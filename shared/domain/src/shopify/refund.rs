//! Shopify refunds (`refunds/create` bodies) → the canonical [`Refund`].

use super::lines::tax_rate;
use super::{Cur, MoneySet, WireLine, WireShipping};
use crate::money::{HUNDRED, lenient, ore};
use crate::order::{Charge, OrderLine, Refund};
use crate::platform::{
    Id, PlatformError, body_value, decode, field, local_date, nullable, order_id,
    rate_from_amounts, text,
};
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireRefund {
    id: Option<Id>,
    order_id: Option<Id>,
    created_at: Option<String>,
    processed_at: Option<String>,
    note: Option<String>,
    #[serde(deserialize_with = "nullable")]
    refund_line_items: Vec<WireRefundLine>,
    #[serde(deserialize_with = "nullable")]
    order_adjustments: Vec<WireAdjustment>,
    #[serde(deserialize_with = "nullable")]
    refund_shipping_lines: Vec<WireRefundShipping>,
    #[serde(deserialize_with = "nullable")]
    transactions: Vec<WireTransaction>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireRefundLine {
    line_item_id: Option<Id>,
    #[serde(deserialize_with = "lenient::option")]
    quantity: Option<Decimal>,
    #[serde(deserialize_with = "lenient::option")]
    subtotal: Option<Decimal>,
    subtotal_set: Option<MoneySet>,
    #[serde(deserialize_with = "lenient::option")]
    total_tax: Option<Decimal>,
    total_tax_set: Option<MoneySet>,
    line_item: Option<WireLine>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireAdjustment {
    kind: Option<String>,
    #[serde(deserialize_with = "lenient::option")]
    amount: Option<Decimal>,
    amount_set: Option<MoneySet>,
    #[serde(deserialize_with = "lenient::option")]
    tax_amount: Option<Decimal>,
    tax_amount_set: Option<MoneySet>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireRefundShipping {
    shipping_line: Option<WireShipping>,
    subtotal_amount_set: Option<MoneySet>,
    tax_amount_set: Option<MoneySet>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireTransaction {
    kind: Option<String>,
    status: Option<String>,
    #[serde(deserialize_with = "lenient::option")]
    amount: Option<Decimal>,
}

/// A refunded line with what Shopify says was refunded for it.
struct Parsed {
    line: OrderLine,
    subtotal: Decimal,
    tax: Decimal,
    /// From the line's tax lines; `None` when it has none (derived once the basis is known).
    rate: Option<Decimal>,
}

fn refund_line(i: usize, r: &WireRefundLine, cur: &Cur) -> Result<Parsed, PlatformError> {
    let at = |f: &str| format!("refund_line_items[{i}].{f}");
    let quantity = r.quantity.ok_or_else(|| field(at("quantity"), "missing"))?;
    if quantity <= Decimal::ZERO {
        return Err(field(at("quantity"), "must be positive"));
    }
    let li = r.line_item.as_ref().ok_or_else(|| {
        field(
            at("line_item"),
            "missing: the refunded line's name and VAT are read from it",
        )
    })?;
    let price = cur.required(&at("line_item.price"), li.price, li.price_set.as_ref())?;
    let ordered = li
        .quantity
        .filter(|q| *q > Decimal::ZERO)
        .unwrap_or(quantity);
    let subtotal = match cur.pick(&at("subtotal"), r.subtotal, r.subtotal_set.as_ref())? {
        Some(s) => s,
        None => {
            // Older payloads: the line's price less its discount, pro rata.
            let discount = if li.discount_allocations.is_empty() {
                let set = li.total_discount_set.as_ref();
                let d = cur.pick(&at("line_item.total_discount"), li.total_discount, set)?;
                d.unwrap_or_default()
            } else {
                let name = at("line_item.discount_allocations");
                cur.allocations(&name, &li.discount_allocations)?
            };
            ore(price * quantity - discount * quantity / ordered)
        }
    };
    if subtotal < Decimal::ZERO {
        return Err(field(at("subtotal"), "must not be negative"));
    }
    let tax = match cur.pick(&at("total_tax"), r.total_tax, r.total_tax_set.as_ref())? {
        Some(t) => t,
        None => {
            let mut sum = Decimal::ZERO;
            for (j, t) in li.tax_lines.iter().enumerate() {
                let name = at(&format!("line_item.tax_lines[{j}].price"));
                sum += cur
                    .pick(&name, t.price, t.price_set.as_ref())?
                    .unwrap_or_default();
            }
            ore(sum * quantity / ordered)
        }
    };
    let gift_card = li.gift_card == Some(true);
    let rate = match tax_rate(&at("line_item.tax_lines"), &li.tax_lines, subtotal)? {
        _ if gift_card => Some(Decimal::ZERO),
        None if li.taxable == Some(false) || tax.is_zero() => Some(Decimal::ZERO),
        rate => rate,
    };
    let full = ore(price * quantity);
    let (unit_price, discount) = if price > Decimal::ZERO && subtotal <= full {
        (price, full - subtotal)
    } else {
        (subtotal / quantity, Decimal::ZERO)
    };
    let line = OrderLine {
        line_id: r.line_item_id.as_ref().or(li.id.as_ref()).map(Id::text),
        sku: text(li.sku.as_deref()),
        name: text(li.name.as_deref())
            .or_else(|| text(li.title.as_deref()))
            .ok_or_else(|| field(at("line_item.name"), "missing"))?,
        quantity: quantity.normalize(),
        unit_price,
        vat_rate: rate.unwrap_or_default(),
        discount,
        gift_card,
    };
    Ok(Parsed {
        line,
        subtotal,
        tax,
        rate,
    })
}

/// Whether the refunded amounts include VAT, judged from the taxed lines: prices exclude VAT
/// only when their tax is the rate applied *on top of* the subtotal (to the öre per line).
/// Without taxed lines, or when neither reading fits, prices are taken to include VAT, the
/// Swedish consumer default.
fn infer_prices_include_tax(parsed: &[Parsed]) -> bool {
    let (mut tax, mut on_top, mut n) = (Decimal::ZERO, Decimal::ZERO, 0i64);
    for p in parsed {
        match p.rate {
            Some(r) if r > Decimal::ZERO && !p.tax.is_zero() => {
                tax += p.tax;
                on_top += p.subtotal * r / HUNDRED;
                n += 1;
            }
            _ => {}
        }
    }
    n == 0 || (tax - ore(on_top)).abs() > Decimal::new(n, 2)
}

/// The order a refund body belongs to (read before the stored order gives its VAT basis).
pub fn refund_order_id(body: &[u8]) -> Result<crate::ids::OrderId, PlatformError> {
    let w: WireRefund = decode(body_value(body, "refund")?)?;
    order_id("order_id", w.order_id.as_ref())
}

/// Parse a refund body, judging the order's VAT basis from the refund itself (see
/// [`parse_refund_on_basis`]; call that with the stored order's `prices_include_tax` when it
/// is at hand, as the basis decides how shipping refunds are stated).
///
/// - **Lines**: `refund_line_items[]`: quantity; name, SKU, line id, gift card and VAT rate
///   from the embedded `line_item` (rate from its tax lines, else derived from `total_tax`);
///   `subtotal` (after discounts, on the order's basis) gives `unit_price` = the line's price
///   and `discount` = price × quantity − subtotal. Older payloads without `subtotal` use the
///   line's price less its pro-rata discount.
/// - **Shipping**: `refund_shipping_lines[]` (API 2024-10+; their subtotal is taken to be on the
///   order's basis, like line subtotals) when present, else `order_adjustments` of kind
///   `shipping_refund` (negative `amount` excluding VAT plus `tax_amount`: made positive, VAT
///   added when prices include it). Other adjustments (`refund_discrepancy`: refunded less or
///   more than calculated) become a charge of their own so the refund adds up.
/// - **Amount**: Σ `transactions` of kind `refund` that did not fail (0 when none: nothing
///   was paid back); in the buyer's currency like all amounts (`*_set` presentment money).
/// - **Date**: `processed_at`, else `created_at`, in the offset Shopify wrote.
pub fn parse_refund(body: &[u8]) -> Result<Refund, PlatformError> {
    parse(body, None)
}

/// [`parse_refund`] with the order's VAT basis given (its `taxes_included`).
pub fn parse_refund_on_basis(
    body: &[u8],
    prices_include_tax: bool,
) -> Result<Refund, PlatformError> {
    parse(body, Some(prices_include_tax))
}

fn parse(body: &[u8], basis: Option<bool>) -> Result<Refund, PlatformError> {
    let w: WireRefund = decode(body_value(body, "refund")?)?;
    let id =
        w.id.as_ref()
            .map(Id::text)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| field("id", "missing"))?;
    let order = order_id("order_id", w.order_id.as_ref())?;
    let cur = Cur::presentment_or_plain();
    let parsed = w
        .refund_line_items
        .iter()
        .enumerate()
        .map(|(i, r)| refund_line(i, r, &cur))
        .collect::<Result<Vec<_>, _>>()?;
    let incl = basis.unwrap_or_else(|| infer_prices_include_tax(&parsed));
    let known: Vec<Decimal> = parsed.iter().filter_map(|p| p.rate).collect();
    let lines = parsed
        .into_iter()
        .map(|p| {
            let mut line = p.line;
            if p.rate.is_none() {
                let base = if incl { p.subtotal - p.tax } else { p.subtotal };
                line.vat_rate = rate_from_amounts(p.tax, base, &known);
            }
            line
        })
        .collect();
    let mut charges = Vec::new();
    for (j, s) in w.refund_shipping_lines.iter().enumerate() {
        let at = |f: &str| format!("refund_shipping_lines[{j}].{f}");
        let set = s.subtotal_amount_set.as_ref();
        let amount = cur.required(&at("subtotal_amount"), None, set)?;
        let set = s.tax_amount_set.as_ref();
        let tax = cur.pick(&at("tax_amount"), None, set)?.unwrap_or_default();
        let line = s.shipping_line.as_ref();
        let listed = match line {
            Some(l) => tax_rate(&at("shipping_line.tax_lines"), &l.tax_lines, amount)?,
            None => None,
        };
        let base = if incl { amount - tax } else { amount };
        charges.push(Charge {
            name: line
                .and_then(|l| text(l.title.as_deref()).or_else(|| text(l.code.as_deref())))
                .unwrap_or_else(|| "Shipping".into()),
            amount,
            vat_rate: listed.unwrap_or_else(|| rate_from_amounts(tax, base, &known)),
        });
    }
    for (j, a) in w.order_adjustments.iter().enumerate() {
        let at = |f: &str| format!("order_adjustments[{j}].{f}");
        let kind = text(a.kind.as_deref()).unwrap_or_default();
        if kind == "shipping_refund" && !w.refund_shipping_lines.is_empty() {
            continue; // the same shipping, already read from refund_shipping_lines
        }
        let amount = cur.pick(&at("amount"), a.amount, a.amount_set.as_ref())?;
        let set = a.tax_amount_set.as_ref();
        let tax = cur.pick(&at("tax_amount"), a.tax_amount, set)?;
        let (amount, tax) = (-amount.unwrap_or_default(), -tax.unwrap_or_default());
        if amount.is_zero() && tax.is_zero() {
            continue;
        }
        charges.push(Charge {
            name: match kind.as_str() {
                "shipping_refund" => "Shipping".into(),
                "refund_discrepancy" | "" => "Refund discrepancy".into(),
                other => other.to_owned(),
            },
            amount: if incl { amount + tax } else { amount },
            vat_rate: rate_from_amounts(tax, amount, &known),
        });
    }
    let mut amount = Decimal::ZERO;
    for (j, t) in w.transactions.iter().enumerate() {
        let failed = matches!(t.status.as_deref(), Some("failure" | "error"));
        if t.kind.as_deref() == Some("refund") && !failed {
            let name = format!("transactions[{j}].amount");
            amount += t.amount.ok_or_else(|| field(name, "missing"))?;
        }
    }
    let when = w.processed_at.as_deref().or(w.created_at.as_deref());
    Ok(Refund {
        id,
        order_id: order,
        date: local_date("processed_at", when)?,
        lines,
        charges,
        amount,
        note: text(w.note.as_deref()),
    })
}
