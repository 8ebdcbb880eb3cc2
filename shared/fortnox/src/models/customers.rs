//! Customers: `/3/customers[/{CustomerNumber}]`, scope `customer`.

use super::codec;
use super::enums::{CustomerType, DeliveryType, VatType};
use super::envelope::{Listed, Resource};
use crate::wire::id_text;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A customer as `GET /3/customers` lists it (thinner than [`Customer`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerListItem {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "id_text")]
    pub customer_number: String,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "codec::text")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub address1: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub address2: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub zip_code: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub organisation_number: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub phone: Option<String>,
}

impl Listed for CustomerListItem {
    const LIST_KEY: &'static str = "Customers";
}

/// `DefaultDeliveryTypes`: how the customer receives each kind of document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DefaultDeliveryTypes {
    #[serde(
        default,
        deserialize_with = "codec::enum_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub invoice: Option<DeliveryType>,
    #[serde(
        default,
        deserialize_with = "codec::enum_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub order: Option<DeliveryType>,
    #[serde(
        default,
        deserialize_with = "codec::enum_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub offer: Option<DeliveryType>,
}

/// A customer as `GET /3/customers/{n}` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Customer {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "id_text")]
    pub customer_number: String,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "codec::flag")]
    pub active: bool,
    #[serde(rename = "Type", default, deserialize_with = "codec::enum_opt")]
    pub kind: Option<CustomerType>,
    #[serde(default, deserialize_with = "codec::text")]
    pub organisation_number: Option<String>,
    #[serde(rename = "VATNumber", default, deserialize_with = "codec::text")]
    pub vat_number: Option<String>,
    #[serde(rename = "VATType", default, deserialize_with = "codec::enum_opt")]
    pub vat_type: Option<VatType>,
    #[serde(default, deserialize_with = "codec::text")]
    pub address1: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub address2: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub zip_code: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub city: Option<String>,
    /// ISO 3166 alpha-2 (writable).
    #[serde(default, deserialize_with = "codec::text")]
    pub country_code: Option<String>,
    /// Country name derived from `CountryCode` (read-only).
    #[serde(default, deserialize_with = "codec::text")]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub phone1: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub phone2: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub fax: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub email_invoice: Option<String>,
    #[serde(rename = "EmailInvoiceCC", default, deserialize_with = "codec::text")]
    pub email_invoice_cc: Option<String>,
    #[serde(rename = "EmailInvoiceBCC", default, deserialize_with = "codec::text")]
    pub email_invoice_bcc: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub email_order: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub email_offer: Option<String>,
    #[serde(rename = "WWW", default, deserialize_with = "codec::text")]
    pub www: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub delivery_name: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub delivery_address1: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub delivery_address2: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub delivery_zip_code: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub delivery_city: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub delivery_country_code: Option<String>,
    /// Read-only, derived from `DeliveryCountryCode`.
    #[serde(default, deserialize_with = "codec::text")]
    pub delivery_country: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub delivery_phone1: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub delivery_phone2: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub visiting_address: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub visiting_zip_code: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub visiting_city: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub visiting_country_code: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub price_list: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub terms_of_payment: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub terms_of_delivery: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub way_of_delivery: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub our_reference: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub your_reference: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub external_reference: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub comments: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub cost_center: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub project: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub sales_account: Option<String>,
    #[serde(
        rename = "ShowPriceVATIncluded",
        default,
        deserialize_with = "codec::flag"
    )]
    pub show_price_vat_included: bool,
    #[serde(default, deserialize_with = "fortsync_domain::money::lenient::option")]
    pub invoice_discount: Option<Decimal>,
    #[serde(rename = "GLN", default, deserialize_with = "codec::text")]
    pub gln: Option<String>,
    #[serde(rename = "GLNDelivery", default, deserialize_with = "codec::text")]
    pub gln_delivery: Option<String>,
    #[serde(default)]
    pub default_delivery_types: Option<DefaultDeliveryTypes>,
}

impl Resource for Customer {
    const KEY: &'static str = "Customer";
}

/// Body of `POST /3/customers` and `PUT /3/customers/{n}`. Only set fields are sent (an update
/// changes only those); the read-only `Country`/`DeliveryCountry` names do not exist here (send
/// the ISO codes). `"API_BLANK"` in a text field clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerWrite {
    /// Auto-assigned when left out on create; ignored on update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_number: Option<String>,
    /// Required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<CustomerType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_number: Option<String>,
    #[serde(rename = "VATNumber", skip_serializing_if = "Option::is_none")]
    pub vat_number: Option<String>,
    #[serde(rename = "VATType", skip_serializing_if = "Option::is_none")]
    pub vat_type: Option<VatType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// ISO 3166 alpha-2, e.g. `SE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_invoice: Option<String>,
    #[serde(rename = "EmailInvoiceCC", skip_serializing_if = "Option::is_none")]
    pub email_invoice_cc: Option<String>,
    #[serde(rename = "EmailInvoiceBCC", skip_serializing_if = "Option::is_none")]
    pub email_invoice_bcc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_order: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_offer: Option<String>,
    #[serde(rename = "WWW", skip_serializing_if = "Option::is_none")]
    pub www: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_address1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_address2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_zip_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_phone1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_phone2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_list: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms_of_payment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms_of_delivery: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub way_of_delivery: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub our_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub your_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sales_account: Option<String>,
    #[serde(
        rename = "ShowPriceVATIncluded",
        skip_serializing_if = "Option::is_none"
    )]
    pub show_price_vat_included: Option<bool>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub invoice_discount: Option<Decimal>,
    #[serde(rename = "GLN", skip_serializing_if = "Option::is_none")]
    pub gln: Option<String>,
    #[serde(rename = "GLNDelivery", skip_serializing_if = "Option::is_none")]
    pub gln_delivery: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_delivery_types: Option<DefaultDeliveryTypes>,
}

impl Resource for CustomerWrite {
    const KEY: &'static str = "Customer";
}

impl CustomerWrite {
    /// A new customer with only its (required) name set.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }
}
