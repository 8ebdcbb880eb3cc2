//! Articles: `/3/articles[/{ArticleNumber}]`, scope `article`.
//!
//! `SalesPrice` is read-only (the price in the pre-selected price list; set prices through
//! [`super::prices`]), as are `ReservedQuantity`, `DisposableQuantity`, `StockValue` and
//! `SupplierName`. List items carry numbers as strings (`"QuantityInStock": "-8"`).

use super::codec;
use super::enums::ArticleType;
use super::envelope::{Listed, Resource};
use crate::wire::id_text;
use fortsync_domain::money::lenient;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An article as `GET /3/articles` lists it (thinner than [`Article`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ArticleListItem {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "id_text")]
    pub article_number: String,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub description: String,
    #[serde(default, deserialize_with = "lenient::option")]
    pub disposable_quantity: Option<Decimal>,
    #[serde(rename = "EAN", default, deserialize_with = "codec::text")]
    pub ean: Option<String>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub housework: bool,
    #[serde(default, deserialize_with = "lenient::option")]
    pub purchase_price: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub quantity_in_stock: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub reserved_quantity: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub sales_price: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::text")]
    pub stock_place: Option<String>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub stock_value: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::text")]
    pub unit: Option<String>,
    #[serde(rename = "VAT", default, deserialize_with = "lenient::option")]
    pub vat: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub webshop_article: bool,
}

impl Listed for ArticleListItem {
    const LIST_KEY: &'static str = "Articles";
}

/// An article as `GET /3/articles/{n}` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Article {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "id_text")]
    pub article_number: String,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub description: String,
    #[serde(default, deserialize_with = "codec::flag")]
    pub active: bool,
    #[serde(rename = "Type", default, deserialize_with = "codec::enum_opt")]
    pub kind: Option<ArticleType>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub stock_goods: bool,
    #[serde(default, deserialize_with = "lenient::option")]
    pub quantity_in_stock: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub reserved_quantity: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub disposable_quantity: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub stock_value: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::text")]
    pub stock_place: Option<String>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub stock_warning: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub sales_price: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub purchase_price: Option<Decimal>,
    #[serde(rename = "VAT", default, deserialize_with = "lenient::option")]
    pub vat: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::text")]
    pub unit: Option<String>,
    #[serde(rename = "EAN", default, deserialize_with = "codec::text")]
    pub ean: Option<String>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub webshop_article: bool,
    #[serde(default, deserialize_with = "codec::flag")]
    pub expired: bool,
    #[serde(default, deserialize_with = "codec::flag")]
    pub housework: bool,
    #[serde(default, deserialize_with = "codec::text")]
    pub housework_type: Option<String>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub bulky: bool,
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub sales_account: Option<u32>,
    #[serde(rename = "EUAccount", default, deserialize_with = "codec::u32_opt")]
    pub eu_account: Option<u32>,
    #[serde(rename = "EUVATAccount", default, deserialize_with = "codec::u32_opt")]
    pub eu_vat_account: Option<u32>,
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub export_account: Option<u32>,
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub purchase_account: Option<u32>,
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub construction_account: Option<u32>,
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub stock_account: Option<u32>,
    #[serde(default, deserialize_with = "codec::u32_opt")]
    pub stock_change_account: Option<u32>,
    #[serde(default, deserialize_with = "codec::text")]
    pub manufacturer: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub manufacturer_article_number: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub supplier_number: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub supplier_name: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub note: Option<String>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub weight: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub width: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub height: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub depth: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::text")]
    pub default_stock_point: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub default_stock_location: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub cost_calculation_method: Option<String>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub direct_cost: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub freight_cost: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub other_cost: Option<Decimal>,
}

impl Resource for Article {
    const KEY: &'static str = "Article";
}

/// Body of `POST /3/articles` and `PUT /3/articles/{n}`: writable fields only, set ones sent.
/// `ArticleNumber` is auto-assigned when left out and cannot be changed later (the update call
/// does not send it).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ArticleWrite {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<ArticleType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_goods: Option<bool>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub quantity_in_stock: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_place: Option<String>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub stock_warning: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub purchase_price: Option<Decimal>,
    #[serde(
        rename = "VAT",
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub vat: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(rename = "EAN", skip_serializing_if = "Option::is_none")]
    pub ean: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webshop_article: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub housework: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub housework_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bulky: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sales_account: Option<u32>,
    #[serde(rename = "EUAccount", skip_serializing_if = "Option::is_none")]
    pub eu_account: Option<u32>,
    #[serde(rename = "EUVATAccount", skip_serializing_if = "Option::is_none")]
    pub eu_vat_account: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export_account: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_account: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub construction_account: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_account: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_change_account: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manufacturer_article_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub weight: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub width: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub height: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub depth: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_stock_point: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_stock_location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_calculation_method: Option<String>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub direct_cost: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub freight_cost: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub other_cost: Option<Decimal>,
}

impl Resource for ArticleWrite {
    const KEY: &'static str = "Article";
}

impl ArticleWrite {
    /// A new article with its (required) description and, optionally, its number.
    pub fn new(article_number: Option<String>, description: impl Into<String>) -> Self {
        Self {
            article_number,
            description: Some(description.into()),
            ..Self::default()
        }
    }
}
