//! WooCommerce refunds: the summaries inside an order body and the order refund resource
//! (`/wc/v3/orders/{id}/refunds/{refund_id}`).

use super::lines::{Rates, charges, line};
use super::{WireCharge, WireLine, WireTaxRate};
use crate::ids::OrderId;
use crate::money::lenient;
use crate::order::Refund;
use crate::platform::{
    Id, PlatformError, body_value, decode, field, local_date, nullable, order_id, text,
};
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireOrderRefunds {
    id: Option<Id>,
    date_created: Option<String>,
    date_modified: Option<String>,
    #[serde(deserialize_with = "nullable")]
    refunds: Vec<WireRefundSummary>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireRefundSummary {
    id: Option<Id>,
    reason: Option<String>,
    #[serde(deserialize_with = "lenient::option")]
    total: Option<Decimal>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireRefund {
    id: Option<Id>,
    date_created: Option<String>,
    date_created_gmt: Option<String>,
    #[serde(deserialize_with = "lenient::option")]
    amount: Option<Decimal>,
    reason: Option<String>,
    #[serde(deserialize_with = "nullable")]
    line_items: Vec<WireLine>,
    #[serde(deserialize_with = "nullable")]
    shipping_lines: Vec<WireCharge>,
    #[serde(deserialize_with = "nullable")]
    fee_lines: Vec<WireCharge>,
    #[serde(deserialize_with = "nullable")]
    tax_lines: Vec<WireTaxRate>,
}

fn refund_id(name: &str, id: Option<&Id>) -> Result<String, PlatformError> {
    id.map(Id::text)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| field(name, "missing"))
}

/// The refunds an order body lists (`refunds: [{id, reason, total}]`, `total` negative), as
/// amount-only refunds: WooCommerce puts no lines and no date in these summaries, so `lines`
/// and `charges` are empty and `date` is the order's `date_modified` (the `order.updated`
/// webhook that carries a new refund fires when it is made). Fetch the refund resource and
/// use [`parse_refund`] for the lines.
pub fn parse_refunds(order_body: &[u8]) -> Result<Vec<Refund>, PlatformError> {
    let w: WireOrderRefunds = decode(body_value(order_body, "order")?)?;
    let order = order_id("id", w.id.as_ref())?;
    if w.refunds.is_empty() {
        return Ok(Vec::new());
    }
    let when = w.date_modified.as_deref().or(w.date_created.as_deref());
    let date = local_date("date_modified", when)?;
    w.refunds
        .iter()
        .enumerate()
        .map(|(i, r)| {
            Ok(Refund {
                id: refund_id(&format!("refunds[{i}].id"), r.id.as_ref())?,
                order_id: order.clone(),
                date: date.clone(),
                lines: Vec::new(),
                charges: Vec::new(),
                amount: r
                    .total
                    .ok_or_else(|| field(format!("refunds[{i}].total"), "missing"))?
                    .abs(),
                note: text(r.reason.as_deref()),
            })
        })
        .collect()
}

/// Parse an order refund resource of order `order_id`. WooCommerce writes refunds with
/// negative quantities and amounts; the canonical refund has them positive. A line refunded
/// by amount only (quantity 0) becomes quantity 1. `line_id` is the refunded order line
/// (`_refunded_item_id` meta) when stated. `amount` = the refund's `amount`; date =
/// `date_created` (shop-local).
///
/// The resource does not say whether the order's prices include VAT, and WooCommerce's
/// amounts exclude it: this reads the refund as *excluding* VAT. For an order whose prices
/// include VAT use [`parse_refund_on_basis`] so the refund follows the order's basis.
pub fn parse_refund(order_id: &str, body: &[u8]) -> Result<Refund, PlatformError> {
    parse_refund_on_basis(order_id, body, false)
}

/// [`parse_refund`] on the order's VAT basis (its `prices_include_tax`): lines, shipping and
/// fees made gross with their own VAT when prices include it.
pub fn parse_refund_on_basis(
    order_id: &str,
    body: &[u8],
    prices_include_tax: bool,
) -> Result<Refund, PlatformError> {
    let order = OrderId::parse(order_id.trim()).map_err(|e| field("order_id", e.to_string()))?;
    let w: WireRefund = decode(body_value(body, "refund")?)?;
    let rates = Rates::new(&w.tax_lines);
    let incl = prices_include_tax;
    let lines = w
        .line_items
        .iter()
        .enumerate()
        .map(|(i, l)| line(&format!("line_items[{i}]"), l, incl, &rates, true))
        .collect::<Result<Vec<_>, _>>()?;
    let mut refunded = Vec::new();
    for (i, s) in w.shipping_lines.iter().enumerate() {
        let at = format!("shipping_lines[{i}]");
        refunded.extend(charges(&at, "Shipping", s, incl, &rates, true)?);
    }
    for (i, f) in w.fee_lines.iter().enumerate() {
        refunded.extend(charges(
            &format!("fee_lines[{i}]"),
            "Fee",
            f,
            incl,
            &rates,
            true,
        )?);
    }
    refunded.retain(|c| !c.amount.is_zero());
    let when = w.date_created.as_deref().or(w.date_created_gmt.as_deref());
    Ok(Refund {
        id: refund_id("id", w.id.as_ref())?,
        order_id: order,
        date: local_date("date_created", when)?,
        lines,
        charges: refunded,
        amount: w.amount.ok_or_else(|| field("amount", "missing"))?.abs(),
        note: text(w.reason.as_deref()),
    })
}
