//! Prices: `/3/prices` (all prices, POST creates one), `/3/prices/{PriceList}/{ArticleNumber}`
//! (first tier) and `/…/{FromQuantity}` (quantity tiers), scope `price`.

use super::codec;
use super::envelope::{Listed, Resource};
use fortsync_domain::money::lenient;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// A price of an article in a price list from a quantity on. List items carry
/// `ArticleNumber`, `PriceList`, `FromQuantity` and `Price`; the record adds `Percent` and `Date`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Price {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub article_number: String,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub price_list: String,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    pub from_quantity: Decimal,
    #[serde(default, deserialize_with = "lenient::option")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub percent: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub date: Option<Date>,
}

impl Resource for Price {
    const KEY: &'static str = "Price";
}

impl Listed for Price {
    const LIST_KEY: &'static str = "Prices";
}

/// Body of `POST /3/prices` (article, list and price required) and of the `PUT`s (the key
/// fields come from the path there).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PriceWrite {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_list: Option<String>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub from_quantity: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub price: Option<Decimal>,
    #[serde(
        serialize_with = "codec::number_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub percent: Option<Decimal>,
    #[serde(
        serialize_with = "codec::date_out",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<Date>,
}

impl Resource for PriceWrite {
    const KEY: &'static str = "Price";
}

impl PriceWrite {
    /// The price of `article_number` in `price_list` from quantity 0.
    pub fn new(
        price_list: impl Into<String>,
        article_number: impl Into<String>,
        price: Decimal,
    ) -> Self {
        Self {
            article_number: Some(article_number.into()),
            price_list: Some(price_list.into()),
            price: Some(price),
            ..Self::default()
        }
    }
}
