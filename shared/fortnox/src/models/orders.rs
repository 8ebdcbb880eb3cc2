//! Orders: `/3/orders[/{DocumentNumber}]`, scope `order`; actions `createinvoice`, `cancel`,
//! `externalprint` (PUT) and `email` (GET). An unset `InvoiceReference` is `"0"` in Fortnox and
//! `None` here.

use super::codec;
use super::documents::{EmailInformation, Label, RowAccount};
use super::enums::DiscountType;
use super::envelope::{Listed, Resource};
use crate::wire::id_text;
use fortsync_domain::money::lenient;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// An order as `GET /3/orders` lists it (thinner than [`Order`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrderListItem {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "id_text")]
    pub document_number: String,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub customer_number: String,
    #[serde(default, deserialize_with = "codec::text")]
    pub customer_name: Option<String>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub order_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub delivery_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::text")]
    pub order_type: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub external_invoice_reference1: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub external_invoice_reference2: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub project: Option<String>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub cancelled: bool,
    #[serde(default, deserialize_with = "codec::flag")]
    pub sent: bool,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub total: Decimal,
}

impl Listed for OrderListItem {
    const LIST_KEY: &'static str = "Orders";
}

/// A row of an order. Quantities arrive as strings (`"2.00"`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrderRow {
    #[serde(default, deserialize_with = "codec::u64_opt")]
    pub row_id: Option<u64>,
    #[serde(default, deserialize_with = "codec::text")]
    pub article_number: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub ordered_quantity: Decimal,
    /// Billed by `createinvoice`.
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub delivered_quantity: Decimal,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub reserved_quantity: Decimal,
    #[serde(default, deserialize_with = "codec::text")]
    pub stock_point_id: Option<String>,
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

/// An order as `GET /3/orders/{n}` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Order {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "id_text")]
    pub document_number: String,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub order_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::text")]
    pub order_type: Option<String>,
    /// The invoice created from this order; `None` until `createinvoice`.
    #[serde(default, deserialize_with = "codec::reference")]
    pub invoice_reference: Option<String>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub copy_remarks: bool,
    #[serde(default, deserialize_with = "codec::text")]
    pub delivery_state: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub stock_point_code: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub stock_point_id: Option<String>,
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
    pub order_rows: Vec<OrderRow>,
}

impl Resource for Order {
    const KEY: &'static str = "Order";
}

/// A row of an order on writes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrderRowWrite {
    /// On update: keep/update that row. A row without it is new (or matched by position).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub ordered_quantity: Option<Decimal>,
    /// Defaults to `OrderedQuantity`.
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub delivered_quantity: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_point_id: Option<String>,
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

/// Body of `POST /3/orders` and `PUT /3/orders/{n}`: writable fields only, set ones sent.
/// `OrderRows: None` on update keeps the rows; on create the client sends `[]` (Fortnox fails
/// without the key).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrderWrite {
    #[serde(
        serialize_with = "codec::date_out",
        skip_serializing_if = "Option::is_none"
    )]
    pub order_date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_remarks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_point_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_point_id: Option<String>,
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
    pub order_rows: Option<Vec<OrderRowWrite>>,
}

impl Resource for OrderWrite {
    const KEY: &'static str = "Order";
}

impl OrderWrite {
    /// A new order for `customer_number` with `rows`.
    pub fn new(customer_number: impl Into<String>, rows: Vec<OrderRowWrite>) -> Self {
        Self {
            customer_number: Some(customer_number.into()),
            order_rows: Some(rows),
            ..Self::default()
        }
    }
}
