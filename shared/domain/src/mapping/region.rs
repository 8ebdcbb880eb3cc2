//! The VAT region of a sale and the revenue account per VAT rate × region.

use super::MappingError;
use crate::countries;
use crate::document::VatType;
use crate::money::ore;
use crate::order::{CustomerKind, Order};
use crate::settings::TenantSettings;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Where a sale is taxed, as the accounts and the customer's `VATType` see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    /// Swedish VAT, Swedish revenue accounts (`SEVAT`).
    Se,
    /// Swedish (or OSS) VAT to a buyer in another EU country (`EUVAT`).
    EuConsumer,
    /// No VAT, the buyer (an EU company with a VAT number) accounts for it (`EUREVERSEDVAT`).
    EuReverseCharge,
    /// No VAT, outside the EU (`EXPORT`).
    Export,
}

impl Region {
    pub fn vat_type(self) -> VatType {
        match self {
            Self::Se => VatType::Sevat,
            Self::EuConsumer => VatType::Euvat,
            Self::EuReverseCharge => VatType::Eureversedvat,
            Self::Export => VatType::Export,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Se => "Swedish",
            Self::EuConsumer => "EU consumer",
            Self::EuReverseCharge => "EU reverse-charge",
            Self::Export => "export",
        }
    }

    /// Rows of this region carry no VAT.
    pub fn is_vat_free(self) -> bool {
        matches!(self, Self::EuReverseCharge | Self::Export)
    }
}

/// Whether the shop charged VAT anywhere on the order (a positive rate on a non-zero amount).
fn charges_vat(order: &Order) -> bool {
    let lines = order.lines.iter().any(|l| {
        l.vat_rate > Decimal::ZERO && !(ore(l.quantity * l.unit_price) - l.discount).is_zero()
    });
    let charges = order
        .shipping
        .iter()
        .chain(&order.fees)
        .any(|c| c.vat_rate > Decimal::ZERO && !c.amount.is_zero());
    lines || charges
}

/// The region of an order (see the module rules); explains the unusual cases in `warnings`.
pub(super) fn region_of(order: &Order, warnings: &mut Vec<String>) -> Region {
    let country = order.billing.country_code.trim().to_ascii_uppercase();
    let vat_charged = charges_vat(order);
    if country == "SE" {
        return Region::Se;
    }
    if countries::is_eu(&country) {
        let reverse = order.customer.kind == CustomerKind::Company
            && order
                .customer
                .vat_number
                .as_deref()
                .is_some_and(|v| !v.trim().is_empty());
        return match (reverse, vat_charged) {
            (true, false) => Region::EuReverseCharge,
            (true, true) => {
                warnings.push(format!(
                    "EU company with VAT number in {country} was charged VAT: booked as an EU consumer sale with VAT, not reverse charge"
                ));
                Region::EuConsumer
            }
            (false, _) => Region::EuConsumer,
        };
    }
    if vat_charged {
        warnings.push(format!(
            "VAT was charged on a sale to {country} (outside the EU): booked as a Swedish sale with VAT, not export"
        ));
        Region::Se
    } else {
        Region::Export
    }
}

/// The revenue account for a row at `rate` percent in `region` (`country` = the buyer's ISO
/// code, for OSS accounts).
pub fn revenue_account(
    settings: &TenantSettings,
    region: Region,
    country: &str,
    rate: Decimal,
    item: &str,
) -> Result<u32, MappingError> {
    let unknown = || MappingError::UnknownVatRate {
        rate: rate.normalize(),
        item: item.to_owned(),
        region: region.as_str(),
    };
    match region {
        Region::Se => settings.sales_accounts.for_rate(rate).ok_or_else(unknown),
        Region::EuConsumer => {
            let code = country.trim().to_ascii_uppercase();
            match settings.oss_accounts.get(&code) {
                Some(a) => Ok(*a),
                None => settings
                    .eu_consumer_accounts
                    .for_rate(rate)
                    .ok_or_else(unknown),
            }
        }
        Region::EuReverseCharge => Ok(settings.eu_reverse_charge_account),
        Region::Export => Ok(settings.export_account),
    }
}

/// Whether Fortnox knows the rate for this region without extra set-up: 25/12/6/0, or any
/// rate for an EU consumer in a country with an OSS account.
pub(super) fn rate_known(
    settings: &TenantSettings,
    region: Region,
    country: &str,
    rate: Decimal,
) -> bool {
    settings.sales_accounts.for_rate(rate).is_some()
        || (region == Region::EuConsumer
            && settings
                .oss_accounts
                .contains_key(&country.trim().to_ascii_uppercase()))
}
