//! Types shared by the mapping engine and the Fortnox client: the customer draft, VAT types,
//! the company's rounding, and the one model of the totals Fortnox computes.

use crate::countries;
use crate::money::{krona, ore, vat_of_gross, vat_of_net};
use crate::order::CustomerKind;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VatType {
    Sevat,
    Euvat,
    Eureversedvat,
    Export,
}

impl VatType {
    pub fn as_fortnox(self) -> &'static str {
        match self {
            Self::Sevat => "SEVAT",
            Self::Euvat => "EUVAT",
            Self::Eureversedvat => "EUREVERSEDVAT",
            Self::Export => "EXPORT",
        }
    }
}

/// A Fortnox customer to create when no existing one matches the order's e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDraft {
    pub name: String,
    pub email: String,
    pub address1: String,
    pub address2: Option<String>,
    pub zip_code: String,
    pub city: String,
    pub country_code: String,
    pub company: bool,
    pub organisation_number: Option<String>,
    pub vat_number: Option<String>,
    pub vat_type: VatType,
    pub phone: Option<String>,
}

/// VAT type from the buyer's country and VAT number (Fortnox `VATType`).
pub fn vat_type(country_code: &str, kind: CustomerKind, vat_number: Option<&str>) -> VatType {
    if country_code.eq_ignore_ascii_case("SE") {
        VatType::Sevat
    } else if countries::is_eu(country_code) {
        if kind == CustomerKind::Company && vat_number.is_some() {
            VatType::Eureversedvat
        } else {
            VatType::Euvat
        }
    } else {
        VatType::Export
    }
}

/// Whether the Fortnox company rounds document totals to whole kronor ("öresutjämning").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    #[default]
    None,
    WholeKrona,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub net: Decimal,
    pub vat: Decimal,
    pub round_off: Decimal,
    pub total: Decimal,
}

/// The amounts of one document row (freight and fees enter as one-unit rows in their group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowAmount {
    pub quantity: Decimal,
    pub price: Decimal,
    /// Amount off the row total.
    pub discount: Decimal,
    pub vat: Decimal,
}

/// The totals Fortnox computes for a document's rows. The model (per-row öre rounding, VAT
/// rounded per rate group, optional whole-krona round-off) is what the simulator implements; it
/// is not verified against live Fortnox, which is why the worker always compares with the
/// `Total` Fortnox returns instead of trusting this alone.
pub fn expected_totals(rows: &[RowAmount], vat_included: bool, rounding: Rounding) -> Totals {
    let mut groups: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for r in rows {
        let row_total = ore(r.quantity * r.price) - r.discount;
        *groups.entry(r.vat.normalize()).or_default() += row_total;
    }
    let (mut net, mut vat, mut gross) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for (rate, sum) in groups {
        if vat_included {
            let v = vat_of_gross(sum, rate);
            vat += v;
            net += sum - v;
            gross += sum;
        } else {
            let v = vat_of_net(sum, rate);
            vat += v;
            net += sum;
            gross += sum + v;
        }
    }
    let round_off = match rounding {
        Rounding::None => Decimal::ZERO,
        Rounding::WholeKrona => krona(gross) - gross,
    };
    Totals {
        net,
        vat,
        round_off,
        total: gross + round_off,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn row(quantity: Decimal, price: Decimal, discount: Decimal, vat: Decimal) -> RowAmount {
        RowAmount {
            quantity,
            price,
            discount,
            vat,
        }
    }

    #[test]
    fn totals_with_vat_included_group_vat_per_rate() {
        // 25 %: 2 × 199 + 49 = 447 gross → VAT 89.40; 6 %: 120 − 20 = 100 gross → VAT 5.66.
        let rows = [
            row(dec!(2), dec!(199.00), dec!(0), dec!(25)),
            row(dec!(1), dec!(120.00), dec!(20.00), dec!(6)),
            row(dec!(1), dec!(49.00), dec!(0), dec!(25)),
        ];
        let t = expected_totals(&rows, true, Rounding::None);
        assert_eq!(
            (t.total, t.vat, t.net, t.round_off),
            (dec!(547.00), dec!(95.06), dec!(451.94), dec!(0))
        );
    }

    #[test]
    fn totals_on_net_prices_and_whole_krona_rounding() {
        // 25 %: 199.98 + 49 = 248.98 → VAT 62.245 → 62.25; 6 %: 100 → 6.00.
        let rows = [
            row(dec!(2), dec!(99.99), dec!(0), dec!(25)),
            row(dec!(1), dec!(120.00), dec!(20.00), dec!(6)),
            row(dec!(1), dec!(49.00), dec!(0), dec!(25)),
        ];
        let t = expected_totals(&rows, false, Rounding::WholeKrona);
        assert_eq!(
            (t.vat, t.net, t.round_off, t.total),
            (dec!(68.25), dec!(348.98), dec!(-0.23), dec!(417))
        );
    }

    #[test]
    fn vat_type_follows_country_and_vat_number() {
        assert_eq!(
            vat_type("SE", CustomerKind::Company, Some("SE55")),
            VatType::Sevat
        );
        assert_eq!(
            vat_type("DE", CustomerKind::Company, Some("DE1")),
            VatType::Eureversedvat
        );
        assert_eq!(vat_type("DE", CustomerKind::Private, None), VatType::Euvat);
        assert_eq!(vat_type("NO", CustomerKind::Private, None), VatType::Export);
    }
}
