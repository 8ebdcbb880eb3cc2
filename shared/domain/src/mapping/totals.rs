//! The shop's total, the total Fortnox will compute, and the rounding row between them.

use super::{DocumentDraft, DraftRow, Mapped, RowKind};
use crate::document::{self, Rounding, RowAmount, Totals};
use crate::money::{ore, vat_of_net};
use crate::order::Order;
use crate::settings::{RoundingPolicy, TenantSettings};
use rust_decimal::Decimal;

/// The largest difference a rounding row may correct.
pub const MAX_ROUNDING: Decimal = Decimal::ONE;

/// The order's total recomputed with the per-line rules shops use: a line is
/// `öre(quantity × unit price) − discount`; with prices including VAT the total is the sum of
/// lines, shipping and fees; with prices excluding VAT each line, shipping charge and fee adds
/// its own VAT rounded to the öre (`öre(amount × rate / 100)`). Gift cards sold are lines like
/// any other; gift cards used to pay are not subtracted (a payment, not a discount).
pub fn lines_total(order: &Order) -> Decimal {
    let with_vat = |amount: Decimal, rate: Decimal| {
        if order.prices_include_tax {
            amount
        } else {
            amount + vat_of_net(amount, rate)
        }
    };
    let lines: Decimal = order
        .lines
        .iter()
        .map(|l| with_vat(ore(l.quantity * l.unit_price) - l.discount, l.vat_rate))
        .sum();
    let charges: Decimal = order
        .shipping
        .iter()
        .chain(&order.fees)
        .map(|c| with_vat(c.amount, c.vat_rate))
        .sum();
    lines + charges
}

/// What Fortnox computes for the draft: the one totals model of [`document::expected_totals`]
/// (per-row öre rounding, VAT per rate group, optional whole-krona round-off). `Freight` and
/// `AdministrationFee` enter it as one-unit 25 % rows, which is how the model (and the
/// simulator) treats them: amounts in the 25 % group.
pub fn expected_totals(draft: &DocumentDraft, rounding: Rounding) -> Totals {
    let field = |price: Decimal| RowAmount {
        quantity: Decimal::ONE,
        price,
        discount: Decimal::ZERO,
        vat: Decimal::from(25),
    };
    let rows: Vec<RowAmount> = draft
        .rows
        .iter()
        .map(|r| RowAmount {
            quantity: r.quantity,
            price: r.price,
            discount: r.discount,
            vat: r.vat,
        })
        .chain(draft.freight.map(field))
        .chain(draft.administration_fee.map(field))
        .collect();
    document::expected_totals(&rows, draft.vat_included, rounding)
}

/// Adds the rounding row when the settings allow it, then fixes `expected` and `difference`.
/// The row corrects the difference *before* the company's whole-krona round-off; when the
/// company rounds and the shop's total is not whole kronor, the remaining difference is that
/// round-off, which no row can remove (reported with a warning).
pub(super) fn settle(mapped: &mut Mapped, settings: &TenantSettings, rounding: Rounding) {
    let shop = mapped.shop_total;
    let before_round_off = mapped.expected.total - mapped.expected.round_off;
    let gap = before_round_off - shop;
    if !gap.is_zero() && settings.rounding == RoundingPolicy::Row {
        if gap.abs() <= MAX_ROUNDING {
            mapped.document.rows.push(DraftRow {
                kind: RowKind::Rounding,
                article_number: None,
                description: "Öresavrundning".to_owned(),
                quantity: Decimal::ONE,
                price: -gap,
                discount: Decimal::ZERO,
                vat: Decimal::ZERO,
                account: settings.rounding_account,
            });
            mapped.rounding_row = Some(-gap);
            mapped.expected = expected_totals(&mapped.document, rounding);
        } else {
            mapped.warnings.push(format!(
                "the document would total {before_round_off} but the shop charged {shop}: the difference {gap} is more than 1 kr, so no rounding row was added"
            ));
        }
    }
    mapped.difference = mapped.expected.total - shop;
    if !mapped.difference.is_zero() {
        if rounding == Rounding::WholeKrona && !mapped.expected.round_off.is_zero() {
            mapped.warnings.push(format!(
                "the Fortnox company rounds totals to whole kronor (RoundOff {}): the invoice totals {} while the shop charged {}; turn öresutjämning off in Fortnox or settle the öre on payment",
                mapped.expected.round_off, mapped.expected.total, shop
            ));
        } else {
            mapped.warnings.push(format!(
                "Fortnox will total {} but the shop charged {}: difference {}",
                mapped.expected.total, shop, mapped.difference
            ));
        }
    }
}
