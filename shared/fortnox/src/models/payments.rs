//! Invoice payments: `/3/invoicepayments[/{Number}]`, scope `payment`; action `bookkeep` (PUT).
//! A payment reduces the invoice's `Balance` by `Amount` plus its `WriteOffs`.

use super::codec;
use super::envelope::{Listed, Resource};
use crate::wire::id_text;
use fortsync_domain::money::lenient;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// A payment as `GET /3/invoicepayments` lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvoicePaymentListItem {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "id_text")]
    pub number: String,
    #[serde(deserialize_with = "codec::u64_req")]
    pub invoice_number: u64,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub amount: Decimal,
    #[serde(default, deserialize_with = "codec::text")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub currency_rate: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub currency_unit: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub payment_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::text")]
    pub source: Option<String>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub booked: bool,
    #[serde(default, deserialize_with = "codec::flag")]
    pub write_off_exist: bool,
}

impl Listed for InvoicePaymentListItem {
    const LIST_KEY: &'static str = "InvoicePayments";
}

/// A write-off row of a payment (e.g. öre rounding on account 3740).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WriteOff {
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub account_number: Option<u32>,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub amount: Decimal,
    #[serde(default, deserialize_with = "codec::text")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub cost_center: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub project: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub transaction_information: Option<String>,
}

/// A payment as `GET /3/invoicepayments/{n}` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvoicePayment {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "id_text")]
    pub number: String,
    #[serde(deserialize_with = "codec::u64_req")]
    pub invoice_number: u64,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub amount: Decimal,
    #[serde(default, deserialize_with = "lenient::option")]
    pub amount_currency: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::text")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub currency_rate: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub currency_unit: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub payment_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::text")]
    pub mode_of_payment: Option<String>,
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub mode_of_payment_account: Option<u32>,
    #[serde(default, deserialize_with = "codec::text")]
    pub source: Option<String>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub booked: bool,
    #[serde(default, deserialize_with = "codec::u64_opt")]
    pub voucher_number: Option<u64>,
    #[serde(default, deserialize_with = "codec::text")]
    pub voucher_series: Option<String>,
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub voucher_year: Option<u32>,
    #[serde(default, deserialize_with = "codec::text")]
    pub invoice_customer_name: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub invoice_customer_number: Option<String>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub invoice_due_date: Option<Date>,
    #[serde(rename = "InvoiceOCR", default, deserialize_with = "codec::text")]
    pub invoice_ocr: Option<String>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub invoice_total: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::text")]
    pub external_invoice_reference1: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub external_invoice_reference2: Option<String>,
    #[serde(default, deserialize_with = "codec::list")]
    pub write_offs: Vec<WriteOff>,
}

impl Resource for InvoicePayment {
    const KEY: &'static str = "InvoicePayment";
}

/// A write-off row on writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WriteOffWrite {
    pub account_number: u32,
    #[serde(serialize_with = "crate::wire::number")]
    pub amount: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_information: Option<String>,
}

impl WriteOffWrite {
    pub fn new(account_number: u32, amount: Decimal) -> Self {
        Self {
            account_number,
            amount,
            currency: None,
            description: None,
            cost_center: None,
            project: None,
            transaction_information: None,
        }
    }
}

/// Body of `POST /3/invoicepayments` and `PUT /3/invoicepayments/{n}` (unbooked only).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvoicePaymentWrite {
    /// Required on create; cannot be changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<u64>,
    /// Required on create.
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_currency: Option<Decimal>,
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
    /// Not before the invoice date; inside a financial year.
    #[serde(
        serialize_with = "codec::date_out",
        skip_serializing_if = "Option::is_none"
    )]
    pub payment_date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode_of_payment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode_of_payment_account: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_offs: Option<Vec<WriteOffWrite>>,
}

impl Resource for InvoicePaymentWrite {
    const KEY: &'static str = "InvoicePayment";
}

impl InvoicePaymentWrite {
    /// A payment of `amount` on invoice `invoice_number`, paid on `payment_date`.
    pub fn new(invoice_number: u64, amount: Decimal, payment_date: Date) -> Self {
        Self {
            invoice_number: Some(invoice_number),
            amount: Some(amount),
            payment_date: Some(payment_date),
            ..Self::default()
        }
    }
}
