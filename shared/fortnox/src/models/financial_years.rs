//! Financial years: `/3/financialyears[/{Id}]` (`?date=YYYY-MM-DD` finds the covering one),
//! scope `bookkeeping`.

use super::codec;
use super::enums::AccountingMethod;
use super::envelope::{Listed, Resource};
use serde::Deserialize;
use time::Date;

/// A financial year (list items and records have the same fields).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FinancialYear {
    #[serde(rename = "@url", default, deserialize_with = "codec::text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "codec::u64_req")]
    pub id: u64,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub from_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::date_opt")]
    pub to_date: Option<Date>,
    #[serde(default, deserialize_with = "codec::text")]
    pub account_chart_type: Option<String>,
    #[serde(default, deserialize_with = "codec::enum_opt")]
    pub accounting_method: Option<AccountingMethod>,
}

impl Resource for FinancialYear {
    const KEY: &'static str = "FinancialYear";
}

impl Listed for FinancialYear {
    const LIST_KEY: &'static str = "FinancialYears";
}

impl FinancialYear {
    /// Whether `date` lies in this year (both ends included).
    pub fn covers(&self, date: Date) -> bool {
        self.from_date.is_some_and(|f| f <= date) && self.to_date.is_some_and(|t| date <= t)
    }
}
