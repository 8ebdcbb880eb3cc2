//! Canonical order → Fortnox customer and invoice drafts, and the totals Fortnox will compute
//! for them. The drafts are plain data; the Fortnox client turns them into API bodies.

use crate::charset::{sanitize_text, truncate};
use crate::countries;
use crate::ids::{TenantId, external_reference};
use crate::money::{krona, ore, vat_of_gross, vat_of_net};
use crate::order::{CustomerKind, Order};
use crate::settings::TenantSettings;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRow {
    pub description: String,
    pub quantity: Decimal,
    pub price: Decimal,
    /// Amount off the row total (Fortnox `DiscountType` AMOUNT).
    pub discount: Decimal,
    pub vat: Decimal,
    pub account: u32,
}

/// An invoice to create in Fortnox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDraft {
    pub customer_number: String,
    pub invoice_date: String,
    pub currency: String,
    pub vat_included: bool,
    pub rows: Vec<DocumentRow>,
    pub your_order_number: String,
    pub your_reference: String,
    pub our_reference: Option<String>,
    pub external_reference: String,
    pub remarks: Option<String>,
    pub customer_name: String,
    pub address1: String,
    pub address2: Option<String>,
    pub zip_code: String,
    pub city: String,
    /// Fortnox wants a country *name* on documents; `None` lets Fortnox use the customer's.
    pub country: Option<String>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MappingError {
    #[error(
        "VAT rate {rate}% on '{item}' has no sales account: Fortnox only knows 25, 12, 6 and 0 % by default; create the rate and account in Fortnox and set it in the tenant settings"
    )]
    UnknownVatRate { rate: Decimal, item: String },
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

pub fn customer_draft(order: &Order) -> CustomerDraft {
    let c = &order.customer;
    let b = &order.billing;
    CustomerDraft {
        name: truncate(&sanitize_text(&c.name), 1024),
        email: c.email.clone(),
        address1: truncate(&sanitize_text(&b.line1), 1024),
        address2: b
            .line2
            .as_deref()
            .map(|l| truncate(&sanitize_text(l), 1024)),
        zip_code: truncate(&sanitize_text(&b.zip), 10),
        city: truncate(&sanitize_text(&b.city), 1024),
        country_code: b.country_code.clone(),
        company: c.kind == CustomerKind::Company,
        organisation_number: c.organisation_number.clone(),
        vat_number: c.vat_number.clone(),
        vat_type: vat_type(&b.country_code, c.kind, c.vat_number.as_deref()),
        phone: c
            .phone
            .as_deref()
            .map(|p| truncate(&sanitize_text(p), 1024)),
    }
}

pub fn invoice_draft(
    tenant: &TenantId,
    order: &Order,
    settings: &TenantSettings,
    customer_number: &str,
) -> Result<InvoiceDraft, MappingError> {
    let account = |rate: Decimal, item: &str| {
        settings
            .sales_accounts
            .for_rate(rate)
            .ok_or_else(|| MappingError::UnknownVatRate {
                rate,
                item: item.to_owned(),
            })
    };
    let mut rows = Vec::with_capacity(order.lines.len() + order.shipping.len());
    for l in &order.lines {
        let name = sanitize_text(&l.name);
        let description = match &l.sku {
            Some(sku) => format!("{name} ({})", sanitize_text(sku)),
            None => name,
        };
        rows.push(DocumentRow {
            account: account(l.vat_rate, &l.name)?,
            description: truncate(&description, 255),
            quantity: l.quantity,
            price: l.unit_price,
            discount: l.discount,
            vat: l.vat_rate,
        });
    }
    for s in &order.shipping {
        let account = match settings.shipping_account {
            Some(a) => a,
            None => account(s.vat_rate, &s.name)?,
        };
        rows.push(DocumentRow {
            description: truncate(&format!("Frakt: {}", sanitize_text(&s.name)), 255),
            quantity: Decimal::ONE,
            price: s.amount,
            discount: Decimal::ZERO,
            vat: s.vat_rate,
            account,
        });
    }
    let b = &order.billing;
    Ok(InvoiceDraft {
        customer_number: customer_number.to_owned(),
        invoice_date: order.order_date.clone(),
        currency: order.currency.clone(),
        vat_included: order.prices_include_tax,
        rows,
        your_order_number: truncate(&sanitize_text(&order.number), 30),
        your_reference: truncate(&sanitize_text(&order.customer.name), 50),
        our_reference: settings.our_reference.clone(),
        external_reference: external_reference(tenant, &order.id),
        remarks: order
            .note
            .as_deref()
            .map(|n| truncate(&sanitize_text(n), 1024)),
        customer_name: truncate(&sanitize_text(&order.customer.name), 1024),
        address1: truncate(&sanitize_text(&b.line1), 1024),
        address2: b
            .line2
            .as_deref()
            .map(|l| truncate(&sanitize_text(l), 1024)),
        zip_code: truncate(&sanitize_text(&b.zip), 10),
        city: truncate(&sanitize_text(&b.city), 1024),
        country: countries::document_country_name(&b.country_code).map(str::to_owned),
    })
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

/// The totals Fortnox computes for a draft. The model (per-row öre rounding, VAT rounded per
/// rate group, optional whole-krona round-off) is what the simulator implements; it is not
/// verified against live Fortnox, which is why the worker always compares with the `Total`
/// Fortnox returns instead of trusting this alone.
pub fn expected_totals(draft: &InvoiceDraft, rounding: Rounding) -> Totals {
    let mut groups: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for r in &draft.rows {
        let row_total = ore(r.quantity * r.price) - r.discount;
        *groups.entry(r.vat.normalize()).or_default() += row_total;
    }
    let (mut net, mut vat, mut gross) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for (rate, sum) in groups {
        if draft.vat_included {
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
    use crate::generic;
    use rust_decimal_macros::dec;

    fn sample() -> Order {
        let body = r#"{
            "id": "1001", "created_at": "2026-11-20", "currency": "SEK", "prices_include_tax": true,
            "customer": {"email": "anna@example.se", "name": "Anna 😎 Svensson"},
            "billing_address": {"line1": "Storgatan 1", "zip": "11122", "city": "Stockholm", "country": "SE"},
            "lines": [{"sku": "TS-RED-L", "name": "T-shirt", "quantity": 2, "unit_price": "199.00", "vat_rate": 25},
                      {"name": "Bok", "quantity": 1, "unit_price": "120.00", "vat_rate": 6, "discount": "20.00"}],
            "shipping": [{"name": "PostNord", "amount": "49.00", "vat_rate": 25}],
            "total": "547.00"
        }"#;
        generic::parse(body.as_bytes()).unwrap()
    }

    fn tenant() -> TenantId {
        TenantId::parse("acme").unwrap()
    }

    #[test]
    fn invoice_rows_carry_accounts_per_vat_rate_and_shipping() {
        let d = invoice_draft(&tenant(), &sample(), &TenantSettings::default(), "7").unwrap();
        assert_eq!(d.rows.len(), 3);
        assert_eq!(d.rows[0].description, "T-shirt (TS-RED-L)");
        assert_eq!(
            (d.rows[0].account, d.rows[1].account, d.rows[2].account),
            (3001, 3003, 3001)
        );
        assert_eq!(d.rows[2].description, "Frakt: PostNord");
        assert_eq!(d.external_reference, "fortsync:acme:1001");
        assert_eq!(d.country.as_deref(), Some("Sverige"));
        assert_eq!(d.customer_name, "Anna Svensson");
        assert!(d.vat_included);
    }

    #[test]
    fn shipping_account_setting_overrides_the_sales_account() {
        let s = TenantSettings {
            shipping_account: Some(3990),
            ..Default::default()
        };
        let d = invoice_draft(&tenant(), &sample(), &s, "7").unwrap();
        assert_eq!(d.rows[2].account, 3990);
    }

    #[test]
    fn unknown_vat_rate_is_a_clear_mapping_error() {
        let mut o = sample();
        o.lines[0].vat_rate = dec!(7);
        let e = invoice_draft(&tenant(), &o, &TenantSettings::default(), "7").unwrap_err();
        assert!(e.to_string().contains("VAT rate 7%"));
    }

    #[test]
    fn totals_with_vat_included_match_the_shop_to_the_ore() {
        let d = invoice_draft(&tenant(), &sample(), &TenantSettings::default(), "7").unwrap();
        let t = expected_totals(&d, Rounding::None);
        // 25 %: 398 + 49 = 447 gross → VAT 89.40; 6 %: 100 gross → VAT 5.66.
        assert_eq!(t.total, dec!(547.00));
        assert_eq!(t.vat, dec!(95.06));
        assert_eq!(t.net, dec!(451.94));
        assert_eq!(t.round_off, dec!(0));
    }

    #[test]
    fn totals_on_net_prices_and_whole_krona_rounding() {
        let mut d = invoice_draft(&tenant(), &sample(), &TenantSettings::default(), "7").unwrap();
        d.vat_included = false;
        d.rows[0].price = dec!(99.99);
        // 25 %: 199.98 + 49 = 248.98 → VAT 62.245 → 62.25; 6 %: 100 → 6.00.
        let t = expected_totals(&d, Rounding::WholeKrona);
        assert_eq!(t.vat, dec!(68.25));
        assert_eq!(t.net, dec!(348.98));
        assert_eq!(t.round_off, dec!(-0.23));
        assert_eq!(t.total, dec!(417));
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
