//! Accounts of the chart: `/3/accounts[/{Number}]`, scope `bookkeeping`.

use super::codec;
use super::envelope::{Listed, Resource};
use fortsync_domain::money::lenient;
use rust_decimal::Decimal;
use serde::Deserialize;

/// An account (list items and records have the same fields).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "codec::u64_req")]
    pub number: u64,
    #[serde(default, deserialize_with = "codec::text_or_empty")]
    pub description: String,
    #[serde(default, deserialize_with = "codec::flag")]
    pub active: bool,
    #[serde(rename = "VATCode", default, deserialize_with = "codec::text")]
    pub vat_code: Option<String>,
    #[serde(rename = "SRU", default, deserialize_with = "codec::u32_opt")]
    pub sru: Option<u32>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub balance_brought_forward: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::option")]
    pub balance_carried_forward: Option<Decimal>,
    #[serde(default, deserialize_with = "codec::text")]
    pub cost_center: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub cost_center_settings: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub project: Option<String>,
    #[serde(default, deserialize_with = "codec::text")]
    pub project_settings: Option<String>,
    /// Id of the financial year.
    #[serde(default, deserialize_with = "codec::u64_opt")]
    pub year: Option<u64>,
}

impl Resource for Account {
    const KEY: &'static str = "Account";
}

impl Listed for Account {
    const LIST_KEY: &'static str = "Accounts";
}
