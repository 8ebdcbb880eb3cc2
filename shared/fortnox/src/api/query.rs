//! Parameters of a list call.

use time::{Date, PrimitiveDateTime};

use crate::models::codec::format_date;

/// `sortorder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Ascending,
    Descending,
}

impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Ascending => "ascending",
            SortOrder::Descending => "descending",
        }
    }
}

/// Filter, sort and search parameters of a list (`page`, `limit` and `offset` belong to the
/// [`super::Listing`] and are never taken from here). Names are lowercase as Fortnox expects;
/// setting a parameter again replaces it.
///
/// ```
/// use fortsync_fortnox::api::{ListQuery, SortOrder};
/// let q = ListQuery::new()
///     .filter("unpaid")
///     .sort_by("invoicedate")
///     .sort_order(SortOrder::Descending)
///     .param("customernumber", "17");
/// assert_eq!(q.get("filter"), Some("unpaid"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    params: Vec<(String, String)>,
}

/// Parameters the paging owns.
const PAGING: &[&str] = &["page", "limit", "offset"];

impl ListQuery {
    pub fn new() -> Self {
        Self::default()
    }

    /// Any parameter (search fields such as `email`, `externalinvoicereference1`, date ranges…).
    /// The name is lowercased; `page`, `limit` and `offset` are ignored.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into().to_ascii_lowercase();
        if PAGING.contains(&name.as_str()) {
            return self;
        }
        let value = value.into();
        match self.params.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.params.push((name, value)),
        }
        self
    }

    /// `lastmodified=YYYY-MM-DD HH:MM`: records changed at or after that time. Fortnox reads it
    /// as Swedish local time (unverified; the simulator does the same), so pass local time.
    pub fn last_modified(self, at: PrimitiveDateTime) -> Self {
        let v = format!(
            "{} {:02}:{:02}",
            format_date(at.date()),
            at.hour(),
            at.minute()
        );
        self.param("lastmodified", v)
    }

    /// The resource's `filter` (one at a time), e.g. `unpaid`, `active`, `invoicenotcreated`.
    pub fn filter(self, filter: impl Into<String>) -> Self {
        self.param("filter", filter)
    }

    /// `sortby`, e.g. `customernumber`, `invoicedate`.
    pub fn sort_by(self, field: impl Into<String>) -> Self {
        self.param("sortby", field)
    }

    pub fn sort_order(self, order: SortOrder) -> Self {
        self.param("sortorder", order.as_str())
    }

    /// `fromdate=YYYY-MM-DD` (orders, invoices).
    pub fn from_date(self, date: Date) -> Self {
        self.param("fromdate", format_date(date))
    }

    /// `todate=YYYY-MM-DD` (orders, invoices).
    pub fn to_date(self, date: Date) -> Self {
        self.param("todate", format_date(date))
    }

    /// The value of a parameter (name case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All parameters in the order they were first set.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }
}
