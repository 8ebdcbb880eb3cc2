//! Price lists: `/3/pricelists[/{Code}]`, scope `price`. Every company has list `A`
//! ("Prislista A"), normally pre-selected.

use super::codec;
use super::envelope::{Listed, Resource};
use crate::wire::id_text;
use serde::{Deserialize, Serialize};

/// A price list (list items and records have the same fields).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PriceList {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "id_text")]
    pub code: String,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub description: String,
    #[serde(default, deserialize_with = "codec::text")]
    pub comments: Option<String>,
    /// The default list (its first-tier prices are the articles' `SalesPrice`).
    #[serde(default, deserialize_with = "codec::flag")]
    pub pre_selected: bool,
}

impl Resource for PriceList {
    const KEY: &'static str = "PriceList";
}

impl Listed for PriceList {
    const LIST_KEY: &'static str = "PriceLists";
}

/// Body of `POST /3/pricelists` and `PUT /3/pricelists/{code}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PriceListWrite {
    /// Required on create (≤ 100 characters); ignored on update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Required on create (≤ 50 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_selected: Option<bool>,
}

impl Resource for PriceListWrite {
    const KEY: &'static str = "PriceList";
}
