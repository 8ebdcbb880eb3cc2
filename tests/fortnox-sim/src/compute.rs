//! Document totals for orders and invoices. Other crates compute expected totals with the same
//! rules, so they are exact and documented here.
//!
//! All amounts are `Decimal`; `round2` is rounding to 2 decimals with
//! `RoundingStrategy::MidpointAwayFromZero`.
//!
//! 1. Row total = `round2(quantity × price)`, then the discount:
//!    `PERCENT` → `round2(total × (1 − discount/100))`; `AMOUNT` → `total − discount`
//!    (the amount is for the whole row, not per unit).
//! 2. `VATIncluded == false` (rows are net):
//!    rows are grouped by VAT rate; `Freight` and `AdministrationFee` are net amounts in the 25 %
//!    group; `TotalVAT` = Σ over groups of `round2(group net × rate/100)`;
//!    `Net` = Σ row totals + Freight + AdministrationFee; total before rounding = `Net + TotalVAT`;
//!    `Gross` = the total before rounding.
//! 3. `VATIncluded == true` (rows, Freight and AdministrationFee are gross):
//!    per group VAT = `round2(group gross × rate/(100+rate))`; `Gross` = Σ of all of them;
//!    `Net` = `Gross − TotalVAT`; total before rounding = `Gross`.
//! 4. `RoundOff`: tenant rounding `None` → 0; `WholeKrona` → `round0(total) − total`
//!    (midpoint away from zero). `Total` = total + RoundOff; `TotalToPay` = `Total`;
//!    an invoice's `Balance` = `Total` − Σ payments (see `resources::payments`).
//! 5. Informational: `FreightVAT` / `AdministrationFeeVAT` = `round2(amount × 25/100)` (net mode)
//!    or `round2(amount × 25/125)` (gross mode); a row's `TotalExcludingVAT` /
//!    `PriceExcludingVAT` equal `Total` / `Price` in net mode and `round2(x × 100/(100+rate))`
//!    in gross mode.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

pub use crate::config::Rounding;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiscountType {
    #[default]
    Percent,
    Amount,
}

#[derive(Debug, Clone, Default)]
pub struct RowInput {
    pub quantity: Decimal,
    pub price: Decimal,
    pub discount: Decimal,
    pub discount_type: DiscountType,
    /// Percent, e.g. 25.
    pub vat: Decimal,
}

#[derive(Debug, Clone, Default)]
pub struct DocumentInput {
    pub vat_included: bool,
    pub freight: Decimal,
    pub administration_fee: Decimal,
    pub rows: Vec<RowInput>,
    pub rounding: Rounding,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Row totals after discount, in the document's VAT mode.
    pub row_totals: Vec<Decimal>,
    pub net: Decimal,
    pub gross: Decimal,
    pub total_vat: Decimal,
    pub round_off: Decimal,
    pub total: Decimal,
    pub total_to_pay: Decimal,
    pub freight_vat: Decimal,
    pub administration_fee_vat: Decimal,
}

pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

pub fn row_total(row: &RowInput) -> Decimal {
    let total = round2(row.quantity * row.price);
    match row.discount_type {
        DiscountType::Percent => {
            round2(total * (Decimal::ONE - row.discount / Decimal::ONE_HUNDRED))
        }
        DiscountType::Amount => total - row.discount,
    }
}

/// VAT contained in (gross mode) or added to (net mode) `amount` at `rate` percent.
pub fn vat_of(amount: Decimal, rate: Decimal, vat_included: bool) -> Decimal {
    if vat_included {
        round2(amount * rate / (Decimal::ONE_HUNDRED + rate))
    } else {
        round2(amount * rate / Decimal::ONE_HUNDRED)
    }
}

/// Amount without VAT: unchanged in net mode, `round2(x × 100/(100+rate))` in gross mode.
pub fn excluding_vat(amount: Decimal, rate: Decimal, vat_included: bool) -> Decimal {
    if vat_included {
        round2(amount * Decimal::ONE_HUNDRED / (Decimal::ONE_HUNDRED + rate))
    } else {
        amount
    }
}

pub fn compute(doc: &DocumentInput) -> Totals {
    let twenty_five = Decimal::from(25);
    let row_totals: Vec<Decimal> = doc.rows.iter().map(row_total).collect();
    // Group by rate (normalised so 25 and 25.00 share a group).
    let mut groups: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for (row, total) in doc.rows.iter().zip(&row_totals) {
        *groups.entry(row.vat.normalize()).or_default() += *total;
    }
    *groups.entry(twenty_five).or_default() += doc.freight + doc.administration_fee;
    let total_vat: Decimal = groups
        .iter()
        .map(|(rate, sum)| vat_of(*sum, *rate, doc.vat_included))
        .sum();
    let sum: Decimal =
        row_totals.iter().copied().sum::<Decimal>() + doc.freight + doc.administration_fee;
    let (net, gross) = if doc.vat_included {
        (sum - total_vat, sum)
    } else {
        (sum, sum + total_vat)
    };
    let before = gross;
    let round_off = match doc.rounding {
        Rounding::None => Decimal::ZERO,
        Rounding::WholeKrona => {
            before.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero) - before
        }
    };
    let total = before + round_off;
    Totals {
        row_totals,
        net,
        gross,
        total_vat,
        round_off,
        total,
        total_to_pay: total,
        freight_vat: vat_of(doc.freight, twenty_five, doc.vat_included),
        administration_fee_vat: vat_of(doc.administration_fee, twenty_five, doc.vat_included),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn row(q: Decimal, p: Decimal, d: Decimal, t: DiscountType, vat: Decimal) -> RowInput {
        RowInput {
            quantity: q,
            price: p,
            discount: d,
            discount_type: t,
            vat,
        }
    }

    #[test]
    fn net_mode() {
        let doc = DocumentInput {
            vat_included: false,
            freight: dec!(49),
            administration_fee: dec!(0),
            rows: vec![
                row(
                    dec!(2),
                    dec!(99.90),
                    dec!(10),
                    DiscountType::Percent,
                    dec!(25),
                ),
                row(
                    dec!(3),
                    dec!(33.33),
                    dec!(5),
                    DiscountType::Amount,
                    dec!(12),
                ),
                row(
                    dec!(1),
                    dec!(10.01),
                    dec!(0),
                    DiscountType::Percent,
                    dec!(6),
                ),
            ],
            rounding: Rounding::WholeKrona,
        };
        let t = compute(&doc);
        assert_eq!(t.row_totals, vec![dec!(179.82), dec!(94.99), dec!(10.01)]);
        assert_eq!(t.net, dec!(333.82));
        // 25 %: (179.82 + 49) × 0.25 = 57.205 → 57.21; 12 %: 11.3988 → 11.40; 6 %: 0.6006 → 0.60
        assert_eq!(t.total_vat, dec!(69.21));
        assert_eq!(t.round_off, dec!(-0.03));
        assert_eq!(t.total, dec!(403.00));
    }

    #[test]
    fn gross_mode() {
        let doc = DocumentInput {
            vat_included: true,
            freight: dec!(59),
            administration_fee: dec!(0),
            rows: vec![
                row(dec!(1), dec!(125), dec!(0), DiscountType::Percent, dec!(25)),
                row(dec!(2), dec!(56), dec!(10), DiscountType::Percent, dec!(12)),
            ],
            rounding: Rounding::WholeKrona,
        };
        let t = compute(&doc);
        assert_eq!(t.total_vat, dec!(47.60));
        assert_eq!(t.gross, dec!(284.80));
        assert_eq!(t.net, dec!(237.20));
        assert_eq!(t.round_off, dec!(0.20));
        assert_eq!(t.total, dec!(285.00));
    }
}
