//! Invoices: `/3/invoices[/{DocumentNumber}]`, scope `invoice`; actions `bookkeep`, `cancel`,
//! `credit`, `externalprint` (PUT) and `email` (GET).
//!
//! Unset references (`CreditInvoiceReference`, `OrderReference`, …) are `"0"` in Fortnox and
//! `None` here. `Credit` arrives as the string `"true"`/`"false"`.

use super::codec;
use super::documents::{EmailInformation, Label, RowAccount};
use super::enums::{AccountingMethod, DiscountType, InvoiceType};
use super::envelope::{Listed, Resource};
use crate::wire::id_text;
use fortsync_domain::money::lenient;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// An invoice as `GET /3/invoices` lists it: enough for its status (see [`Invoice::status`]),
/// except crediting (`CreditInvoiceReference` is only on the record).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvoiceListItem {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "id_text")]
    pub document_number: String,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub customer_number: String,
    #[serde(default, deserialize_with = "codec::text")]
    pub customer_name: Option<String>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub invoice_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub due_date: Option<Date>,
    /// Set when fully paid.
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub final_pay_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::enum_opt")]
    pub invoice_type: Option<InvoiceType>,
    #[serde(default, deserialize_with = "codec::text")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub currency_rate: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub currency_unit: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::text")]
    pub external_invoice_reference1: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub external_invoice_reference2: Option<String>,
    #[serde(rename = "OCR", default, deserialize_with = "codec::text")]
    pub ocr: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub cost_center: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub project: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub terms_of_payment: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub way_of_delivery: Option<String>,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub total: Decimal,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub balance: Decimal,
    #[serde(default, deserialize_with = "codec::flag")]
    pub booked: bool,
    #[serde(default, deserialize_with = "codec::flag")]
    pub cancelled: bool,
    #[serde(default, deserialize_with = "codec::flag")]
    pub sent: bool,
    #[serde(default, deserialize_with = "codec::flag")]
    pub nox_finans: bool,
    #[serde(default, deserialize_with = "codec::u64_opt")]
    pub voucher_number: Option<u64>,
    #[serde(default, deserialize_with = "codec::text")]
    pub voucher_series: Option<String>,
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub voucher_year: Option<u32>,
}

impl Listed for InvoiceListItem {
    const LIST_KEY: &'static str = "Invoices";
}

/// A row of an invoice. `DeliveredQuantity` is the billed quantity (a string in Fortnox).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvoiceRow {
    #[serde(default, deserialize_with = "codec::u64_opt")]
    pub row_id: Option<u64>,
    #[serde(default, deserialize_with = "codec::text")]
    pub article_number: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub delivered_quantity: Decimal,
    #[serde(
        rename = "PriceExcludingVAT",
        default,
        deserialize_with = "lenient::or_zero"
    )]
    pub price_excluding_vat: Decimal,
    #[serde(
        rename = "TotalExcludingVAT",
        default,
        deserialize_with = "lenient::or_zero"
    )]
    pub total_excluding_vat: Decimal,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub price: Decimal,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub discount: Decimal,
    #[serde(default, deserialize_with = "codec::enum_opt")]
    pub discount_type: Option<DiscountType>,
    /// VAT rate in percent.
    #[serde(rename = "VAT", default, deserialize_with = "lenient::or_zero")]
    pub vat: Decimal,
    #[serde(rename = "VATCode", default, deserialize_with = "codec::text")]
    pub vat_code: Option<String>,
    /// `None` on text rows without account.
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub account_number: Option<u32>,
    #[serde(default, deserialize_with = "codec::text")]
    pub unit: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub cost_center: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub project: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub stock_point_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub total: Decimal,
    #[serde(default, deserialize_with = "codec::flag")]
    pub house_work: bool,
    #[serde(default, deserialize_with = "codec::text")]
    pub house_work_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub house_work_hours_to_report: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub contribution_value: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub contribution_percent: Option<Decimal>,
}

/// An invoice as `GET /3/invoices/{n}` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Invoice {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "id_text")]
    pub document_number: String,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub invoice_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub due_date: Option<Date>,
    /// Date of the payment that brought `Balance` to 0.
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub final_pay_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub last_remind_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub reminders: Option<u32>,
    #[serde(default, deserialize_with = "codec::enum_opt")]
    pub invoice_type: Option<InvoiceType>,
    /// Amount still to pay.
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub balance: Decimal,
    #[serde(default, deserialize_with = "codec::flag")]
    pub booked: bool,
    /// This invoice is a credit note.
    #[serde(default, deserialize_with = "codec::flag")]
    pub credit: bool,
    /// On an original: its credit note; on a credit note: the original. `None` when Fortnox sends `"0"`.
    #[serde(default, deserialize_with = "codec::reference")]
    pub credit_invoice_reference: Option<String>,
    /// The order this invoice was created from.
    #[serde(default, deserialize_with = "codec::reference")]
    pub order_reference: Option<String>,
    #[serde(default, deserialize_with = "codec::reference")]
    pub contract_reference: Option<String>,
    #[serde(rename = "OCR", default, deserialize_with = "codec::text")]
    pub ocr: Option<String>,
    #[serde(default, deserialize_with = "codec::u64_opt")]
    pub voucher_number: Option<u64>,
    #[serde(default, deserialize_with = "codec::text")]
    pub voucher_series: Option<String>,
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub voucher_year: Option<u32>,
    #[serde(default, deserialize_with = "codec::enum_opt")]
    pub accounting_method: Option<AccountingMethod>,
    #[serde(default, deserialize_with = "codec::text")]
    pub payment_way: Option<String>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub nox_finans: bool,
    #[serde(
        rename = "EUQuarterlyReport",
        default,
        deserialize_with = "codec::flag"
    )]
    pub eu_quarterly_report: bool,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub invoice_period_start: Option<Date>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub invoice_period_end: Option<Date>,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub customer_number: String,
    #[serde(default, deserialize_with = "codec::text")]
    pub customer_name: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub address1: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub address2: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub zip_code: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub city: Option<String>,
    /// Country *name* ("Sverige"), not a code.
    #[serde(default, deserialize_with = "codec::text")]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub phone1: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub phone2: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub organisation_number: Option<String>,
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
    pub delivery_country: Option<String>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub delivery_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::text")]
    pub your_order_number: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub your_reference: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub our_reference: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub external_invoice_reference1: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub external_invoice_reference2: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub currency_rate: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub currency_unit: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::text")]
    pub price_list: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub terms_of_payment: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub terms_of_delivery: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub way_of_delivery: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub cost_center: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub project: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub language: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub remarks: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub comments: Option<String>,
    #[serde(rename = "VATIncluded", default, deserialize_with = "codec::flag")]
    pub vat_included: bool,
    #[serde(default, deserialize_with = "codec::flag")]
    pub cancelled: bool,
    #[serde(default, deserialize_with = "codec::flag")]
    pub sent: bool,
    #[serde(default, deserialize_with = "codec::flag")]
    pub not_completed: bool,
    #[serde(default, deserialize_with = "codec::reference")]
    pub offer_reference: Option<String>,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub freight: Decimal,
    #[serde(rename = "FreightVAT", default, deserialize_with = "lenient::or_zero")]
    pub freight_vat: Decimal,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub administration_fee: Decimal,
    #[serde(
        rename = "AdministrationFeeVAT",
        default,
        deserialize_with = "lenient::or_zero"
    )]
    pub administration_fee_vat: Decimal,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub net: Decimal,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub gross: Decimal,
    #[serde(rename = "TotalVAT", default, deserialize_with = "lenient::or_zero")]
    pub total_vat: Decimal,
    /// Öre rounding ("öresutjämning") included in `Total`.
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub round_off: Decimal,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub total: Decimal,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub total_to_pay: Decimal,
    #[serde(default, deserialize_with = "lenient::option")]
    pub contribution_value: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub contribution_percent: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub house_work: bool,
    #[serde(default, deserialize_with = "codec::text")]
    pub tax_reduction_type: Option<String>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub warehouse_ready: bool,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub outbound_date: Option<Date>,
    #[serde(default)]
    pub email_information: Option<EmailInformation>,
    #[serde(default, deserialize_with = "codec::list")]
    pub labels: Vec<Label>,
    #[serde(default, deserialize_with = "codec::list")]
    pub invoice_rows: Vec<InvoiceRow>,
}

impl Resource for Invoice {
    const KEY: &'static str = "Invoice";
}

/// A row of an invoice on writes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvoiceRowWrite {
    /// On update: keep/update that row. A row without it is new (or matched by position).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The billed quantity.
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub delivered_quantity: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub price: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_type: Option<DiscountType>,
    /// VAT rate in percent (25, 12, 6, 0).
    #[serde(
        rename = "VAT",
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub vat: Option<Decimal>,
    #[serde(rename = "VATCode", skip_serializing_if = "Option::is_none")]
    pub vat_code: Option<String>,
    /// An account, or [`RowAccount::Blank`] for a text-only row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_number: Option<RowAccount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_point_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub house_work: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub house_work_type: Option<String>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub house_work_hours_to_report: Option<Decimal>,
}

/// Body of `POST /3/invoices` and `PUT /3/invoices/{n}`: writable fields only (no totals,
/// `Balance`, `Booked`, references…), set ones sent. `InvoiceRows: None` on update keeps the rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvoiceWrite {
    #[serde(
        serialize_with = "codec::date_out",
        skip_serializing_if = "Option::is_none"
    )]
    pub invoice_date: Option<Date>,
    #[serde(
        serialize_with = "codec::date_out",
        skip_serializing_if = "Option::is_none"
    )]
    pub due_date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_type: Option<InvoiceType>,
    #[serde(rename = "OCR", skip_serializing_if = "Option::is_none")]
    pub ocr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounting_method: Option<AccountingMethod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_way: Option<String>,
    #[serde(rename = "EUQuarterlyReport", skip_serializing_if = "Option::is_none")]
    pub eu_quarterly_report: Option<bool>,
    #[serde(
        serialize_with = "codec::date_out",
        skip_serializing_if = "Option::is_none"
    )]
    pub invoice_period_start: Option<Date>,
    #[serde(
        serialize_with = "codec::date_out",
        skip_serializing_if = "Option::is_none"
    )]
    pub invoice_period_end: Option<Date>,
    /// Required on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Country *name*: "Sverige" or an English name, never a code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone2: Option<String>,
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
    pub delivery_country: Option<String>,
    #[serde(
        serialize_with = "codec::date_out",
        skip_serializing_if = "Option::is_none"
    )]
    pub delivery_date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub your_order_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub your_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub our_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_invoice_reference1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_invoice_reference2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub currency_rate: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub currency_unit: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_list: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms_of_payment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms_of_delivery: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub way_of_delivery: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    #[serde(rename = "VATIncluded", skip_serializing_if = "Option::is_none")]
    pub vat_included: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_completed: Option<bool>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub freight: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub administration_fee: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_reduction_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warehouse_ready: Option<bool>,
    #[serde(
        serialize_with = "codec::date_out",
        skip_serializing_if = "Option::is_none"
    )]
    pub outbound_date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_information: Option<EmailInformation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<Label>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_rows: Option<Vec<InvoiceRowWrite>>,
}

impl Resource for InvoiceWrite {
    const KEY: &'static str = "Invoice";
}

impl InvoiceWrite {
    /// A new invoice for `customer_number` with `rows`.
    pub fn new(customer_number: impl Into<String>, rows: Vec<InvoiceRowWrite>) -> Self {
        Self {
            customer_number: Some(customer_number.into()),
            invoice_rows: Some(rows),
            ..Self::default()
        }
    }
}

/// Status of an invoice for the shop, derived from its flags (docs/fortnox-api.md §8). The flags
/// are not exclusive (a paid invoice is usually also sent and booked); this is the first rule
/// that matches, top-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceStatus {
    Cancelled,
    /// Credited by a credit note (only known from the full record).
    Credited,
    Paid,
    PartlyPaid,
    Booked,
    Sent,
    Created,
}

fn status_of(
    cancelled: bool,
    credited: bool,
    balance: Decimal,
    total: Decimal,
    final_pay_date: Option<Date>,
    booked: bool,
    sent: bool,
) -> InvoiceStatus {
    if cancelled {
        InvoiceStatus::Cancelled
    } else if credited {
        InvoiceStatus::Credited
    } else if balance.is_zero() && final_pay_date.is_some() {
        InvoiceStatus::Paid
    } else if !balance.is_zero() && balance.abs() < total.abs() {
        InvoiceStatus::PartlyPaid
    } else if booked {
        InvoiceStatus::Booked
    } else if sent {
        InvoiceStatus::Sent
    } else {
        InvoiceStatus::Created
    }
}

impl Invoice {
    /// The shop-facing status; `Credited` when this original has a credit note.
    pub fn status(&self) -> InvoiceStatus {
        status_of(
            self.cancelled,
            !self.credit && self.credit_invoice_reference.is_some(),
            self.balance,
            self.total,
            self.final_pay_date,
            self.booked,
            self.sent,
        )
    }
}

impl InvoiceListItem {
    /// The shop-facing status as far as the list item tells (it cannot show `Credited`).
    pub fn status(&self) -> InvoiceStatus {
        status_of(
            self.cancelled,
            false,
            self.balance,
            self.total,
            self.final_pay_date,
            self.booked,
            self.sent,
        )
    }
}
