//! Currencies: `/3/currencies[/{Code}]`, scope `currency`. The list refuses `lastmodified`
//! (2000588).

use super::codec;
use super::envelope::{Listed, Resource};
use fortsync_domain::money::lenient;
use rust_decimal::Decimal;
use serde::Deserialize;
use time::Date;

/// A currency (list items and records have the same fields).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Currency {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub code: String,
    #[serde(default, deserialize_with = "codec::text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub buy_rate: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub sell_rate: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub unit: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub date: Option<Date>,
    #[serde(default, deserialize_with = "codec::flag")]
    pub is_automatic: bool,
}

impl Resource for Currency {
    const KEY: &'static str = "Currency";
}

impl Listed for Currency {
    const LIST_KEY: &'static str = "Currencies";
}
