//! After the document: refunds of an order already in Fortnox, as credit documents.
//!
//! # Refunds
//! Fortnox credits an invoice once (`PUT /3/invoices/{n}/credit`, a full negated copy). So:
//! - the **first** refund of an invoiced order credits the invoice; a partial refund then
//!   rewrites the (unbooked) credit invoice's rows to what was refunded;
//! - **later** refunds become a new invoice with negative quantities, remarks naming the
//!   original, `ExternalInvoiceReference1` = the order's key and `ExternalInvoiceReference2` =
//!   [`refund_reference`], so a retry finds it instead of writing it twice;
//! - an order that only became a Fortnox *order* gets the refunded rows added to it, negated;
//! - document type `none`: nothing to credit.
//!
//! Shipping and fees refunded are always rows on credits (never the `Freight` /
//! `AdministrationFee` fields, which Fortnox turns negative on credit copies: a peer complaint).
//!
//! A refund that names no lines (WooCommerce's order-body summaries) is either the whole order
//! (its amount equals the order's total: the order's own rows) or is spread over the order's
//! VAT rates in proportion to their share of the order, one "Återbetalning" row per rate, so
//! VAT is credited at the rates it was charged. That is recorded as a warning.

use crate::mapping::{MapContext, Mapped, MappingError, map_order};
use crate::money::ore;
use crate::order::{Order, OrderLine, Refund};
use crate::settings::{FeeMode, ShippingMode, TenantSettings};
use crate::{TenantId, charset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundState {
    /// Received, not yet in Fortnox.
    Pending,
    /// A write was started: a retry reads Fortnox before writing again.
    Attempted,
    Done,
    /// Nothing to write (no document to credit, or nothing refunded); see `note`.
    Skipped,
    /// Fortnox refused it permanently; see `note` (a person must act).
    Failed,
}

/// How a refund reached Fortnox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundMethod {
    /// The invoice's one credit invoice (`PUT credit`), rows rewritten when partial.
    CreditInvoice,
    /// A new invoice with negative quantities (the invoice was credited before).
    NegativeInvoice,
    /// Negative rows added to the Fortnox order.
    OrderRows,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRecord {
    pub refund: Refund,
    pub state: RefundState,
    #[serde(default)]
    pub method: Option<RefundMethod>,
    /// The Fortnox document that carries it (credit or negative invoice, or the order).
    #[serde(default)]
    pub document: Option<String>,
    /// The credited total as Fortnox computed it (negative).
    #[serde(default)]
    pub fortnox_total: Option<Decimal>,
    #[serde(default)]
    pub note: Option<String>,
    /// The credit document was bookkept (per settings).
    #[serde(default)]
    pub bookkept: bool,
    /// RFC 3339.
    pub received_at: String,
}

impl RefundRecord {
    pub fn new(refund: Refund, now: &str) -> Self {
        Self {
            refund,
            state: RefundState::Pending,
            method: None,
            document: None,
            fortnox_total: None,
            note: None,
            bookkept: false,
            received_at: now.to_owned(),
        }
    }

    pub fn is_open(&self) -> bool {
        matches!(self.state, RefundState::Pending | RefundState::Attempted)
    }
}

/// `ExternalInvoiceReference2` of a refund's credit document (≤ 80 characters).
pub fn refund_reference(refund_id: &str) -> String {
    charset::truncate(&format!("refund:{refund_id}"), 80)
}

/// The refund as an order of what is given back, for the mapping engine (amounts positive).
/// Returns it with the warnings worth recording.
pub fn refund_order(order: &Order, refund: &Refund) -> (Order, Vec<String>) {
    let mut warnings = Vec::new();
    let mut credit = order.clone();
    credit.discount_codes.clear();
    credit.paid_with_gift_cards = Decimal::ZERO;
    credit.fees.clear();
    credit.cancelled = false;
    credit.note = Some(match refund.note.as_deref().map(str::trim) {
        Some(reason) if !reason.is_empty() => {
            format!(
                "Återbetalning {} av order {}: {reason}",
                refund.id, order.number
            )
        }
        _ => format!("Återbetalning {} av order {}", refund.id, order.number),
    });
    if !refund.lines.is_empty() || !refund.charges.is_empty() {
        credit.lines = refund.lines.clone();
        credit.shipping = refund.charges.clone();
        credit.total = crate::mapping::lines_total(&credit);
        if !refund.amount.is_zero() && refund.amount != credit.total {
            warnings.push(format!(
                "refund {}: {} was paid back but the goods and charges refunded are worth {}; the credit follows the goods",
                refund.id, refund.amount, credit.total
            ));
        }
    } else if refund.amount == order.total {
        // The whole order, as it was billed.
    } else {
        credit.lines = pro_rata(order, refund.amount);
        credit.shipping.clear();
        credit.total = refund.amount;
        warnings.push(format!(
            "refund {} of {} names no lines: credited pro rata over the order's VAT rates",
            refund.id, refund.amount
        ));
    }
    (credit, warnings)
}

/// `amount` (VAT included) spread over the order's VAT rates by their share of the order.
fn pro_rata(order: &Order, amount: Decimal) -> Vec<OrderLine> {
    let gross = |net: Decimal, rate: Decimal| {
        if order.prices_include_tax {
            net
        } else {
            net * (Decimal::ONE_HUNDRED + rate) / Decimal::ONE_HUNDRED
        }
    };
    let mut by_rate: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for l in order.lines.iter().filter(|l| !l.gift_card) {
        let net = ore(l.quantity * l.unit_price) - l.discount;
        *by_rate.entry(l.vat_rate.normalize()).or_default() += gross(net, l.vat_rate);
    }
    for c in order.shipping.iter().chain(&order.fees) {
        *by_rate.entry(c.vat_rate.normalize()).or_default() += gross(c.amount, c.vat_rate);
    }
    by_rate.retain(|_, v| !v.is_zero());
    let whole: Decimal = by_rate.values().sum();
    let rates: Vec<(Decimal, Decimal)> = by_rate.into_iter().collect();
    if whole.is_zero() || rates.is_empty() {
        return vec![refund_line(order, amount, Decimal::ZERO)];
    }
    let mut left = amount;
    let last = rates.len() - 1;
    rates
        .iter()
        .enumerate()
        .map(|(i, (rate, part))| {
            let share = if i == last {
                left
            } else {
                ore(amount * part / whole)
            };
            left -= share;
            refund_line(order, share, *rate)
        })
        .collect()
}

fn refund_line(order: &Order, gross: Decimal, rate: Decimal) -> OrderLine {
    let unit_price = if order.prices_include_tax {
        gross
    } else {
        ore(gross * Decimal::ONE_HUNDRED / (Decimal::ONE_HUNDRED + rate))
    };
    OrderLine {
        line_id: None,
        sku: None,
        name: format!("Återbetalning {}% moms", rate.normalize()),
        quantity: Decimal::ONE,
        unit_price,
        vat_rate: rate,
        discount: Decimal::ZERO,
        gift_card: false,
    }
}

/// The refund mapped to a credit document: rows negated (negative quantities), shipping and
/// fees as rows, `ExternalInvoiceReference2` = [`refund_reference`]. `shop_total` and the
/// expected Fortnox total are negative.
pub fn map_refund(
    tenant: &TenantId,
    order: &Order,
    refund: &Refund,
    settings: &TenantSettings,
    ctx: &MapContext<'_>,
) -> Result<Mapped, MappingError> {
    let (credit, warnings) = refund_order(order, refund);
    let mut rows_only = settings.clone();
    if rows_only.shipping == ShippingMode::FreightField {
        rows_only.shipping = ShippingMode::Row {
            article_number: None,
        };
    }
    if rows_only.fees == FeeMode::AdministrationFeeField {
        rows_only.fees = FeeMode::Row {
            article_number: None,
        };
    }
    let mut mapped = map_order(tenant, &credit, &rows_only, ctx)?;
    mapped.warnings.extend(warnings);
    mapped.document.date_override(&refund.date);
    mapped.document.external_reference2 = Some(refund_reference(&refund.id));
    mapped.negate(ctx.rounding);
    Ok(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generic;
    use crate::mapping::RowKind;
    use rust_decimal_macros::dec;

    fn order(incl: bool) -> Order {
        let body = format!(
            r##"{{"id": 7, "number": "#7", "created_at": "2026-11-20", "currency": "SEK", "prices_include_tax": {incl},
            "customer": {{"email": "a@b.se", "name": "A"}},
            "billing_address": {{"line1": "x", "zip": "1", "city": "y", "country": "SE"}},
            "lines": [{{"sku": "A1", "name": "Tröja", "quantity": 2, "unit_price": 100, "vat_rate": 25}},
                      {{"sku": "B1", "name": "Bok", "quantity": 1, "unit_price": 50, "vat_rate": 6}}],
            "shipping": [{{"name": "Frakt", "amount": 50, "vat_rate": 25}}],
            "total": {}}}"##,
            if incl { "300" } else { "353" }
        );
        generic::parse(body.as_bytes()).unwrap()
    }

    fn refund(lines: Vec<OrderLine>, amount: Decimal) -> Refund {
        Refund {
            id: "r1".into(),
            order_id: crate::OrderId::parse("7").unwrap(),
            date: "2026-11-21".into(),
            lines,
            charges: vec![],
            amount,
            note: Some("trasig".into()),
        }
    }

    fn tenant() -> TenantId {
        TenantId::parse("acme").unwrap()
    }

    #[test]
    fn a_line_refund_credits_that_line_negated_on_the_refund_date() {
        let o = order(true);
        let mut line = o.lines[0].clone();
        line.quantity = dec!(1);
        let r = refund(vec![line], dec!(100));
        let m = map_refund(
            &tenant(),
            &o,
            &r,
            &TenantSettings::default(),
            &MapContext::preview(),
        )
        .unwrap();
        assert_eq!(m.document.rows.len(), 1);
        assert_eq!(m.document.rows[0].quantity, dec!(-1));
        assert_eq!(m.document.rows[0].price, dec!(100));
        assert_eq!(m.document.rows[0].account, 3001);
        assert_eq!(m.shop_total, dec!(-100));
        assert_eq!(m.expected.total, dec!(-100));
        assert!(m.is_exact());
        assert_eq!(m.document.document_date, "2026-11-21");
        assert_eq!(m.document.external_reference2.as_deref(), Some("refund:r1"));
        assert!(m.document.remarks.as_deref().unwrap().contains("trasig"));
    }

    #[test]
    fn an_amount_only_refund_of_the_whole_order_credits_every_row() {
        let o = order(true);
        let m = map_refund(
            &tenant(),
            &o,
            &refund(vec![], dec!(300)),
            &TenantSettings::default(),
            &MapContext::preview(),
        )
        .unwrap();
        assert_eq!(m.document.rows.len(), 3);
        assert_eq!(m.expected.total, dec!(-300));
        assert!(m.is_exact());
        assert!(m.warnings.iter().all(|w| !w.contains("pro rata")));
    }

    #[test]
    fn a_partial_amount_only_refund_is_spread_over_the_vat_rates() {
        for incl in [true, false] {
            let o = order(incl);
            let m = map_refund(
                &tenant(),
                &o,
                &refund(vec![], dec!(106)),
                &TenantSettings::default(),
                &MapContext::preview(),
            )
            .unwrap();
            let vats: Vec<Decimal> = m.document.rows.iter().map(|r| r.vat).collect();
            assert!(
                vats.contains(&dec!(25)) && vats.contains(&dec!(6)),
                "{vats:?}"
            );
            assert_eq!(
                m.expected.total,
                dec!(-106),
                "incl {incl}: {:?}",
                m.document.rows
            );
            assert!(m.warnings.iter().any(|w| w.contains("pro rata")));
        }
    }

    #[test]
    fn refunded_shipping_is_a_row_even_when_settings_use_the_freight_field() {
        let o = order(true);
        let mut r = refund(vec![], dec!(50));
        r.charges = o.shipping.clone();
        let settings = TenantSettings {
            shipping: ShippingMode::FreightField,
            ..TenantSettings::default()
        };
        let m = map_refund(&tenant(), &o, &r, &settings, &MapContext::preview()).unwrap();
        assert_eq!(m.document.freight, None);
        assert_eq!(m.document.rows[0].kind, RowKind::Shipping);
        assert_eq!(m.expected.total, dec!(-50));
    }

    #[test]
    fn paid_back_differing_from_the_goods_is_a_warning() {
        let o = order(true);
        let mut line = o.lines[1].clone();
        line.quantity = dec!(1);
        let (credit, warnings) = refund_order(&o, &refund(vec![line], dec!(40)));
        assert_eq!(credit.total, dec!(50));
        assert_eq!(warnings.len(), 1);
    }
}
