//! The Fortnox side of the register sync: articles (with their price in the pre-selected price
//! list and their stock), prices of another price list, warehouse stock balances and customers,
//! read a page at a time (500 per page) with Fortnox's `lastmodified` filter, and the writes the
//! sync needs. Implemented over the Fortnox client (`fortsync_fortnox::registers`).

use crate::ports::{AccountingError, ApiCall};
use async_trait::async_trait;
use fortsync_domain::tenant::Tenant;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One page of a Fortnox list (`page` is 1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterPage<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub total_pages: u32,
}

impl<T> RegisterPage<T> {
    pub fn is_last(&self) -> bool {
        self.page >= self.total_pages
    }
}

/// An active Fortnox article as the article list gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FortnoxArticle {
    pub number: String,
    pub description: String,
    /// `Active` (lists are filtered to active articles; a single read says).
    pub active: bool,
    /// `SalesPrice`: the price in the company's pre-selected price list.
    pub sales_price: Option<Decimal>,
    /// VAT rate in percent.
    pub vat: Option<Decimal>,
    pub quantity_in_stock: Option<Decimal>,
    pub webshop_article: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewFortnoxArticle {
    pub number: String,
    pub description: String,
    pub vat: Option<Decimal>,
    pub sales_account: Option<u32>,
    pub quantity_in_stock: Option<Decimal>,
}

/// A price of an article in a price list (quantity tier 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FortnoxPrice {
    pub article_number: String,
    pub price: Decimal,
}

/// Stock of an article at a stock point (Fortnox Lager).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockBalance {
    pub article_number: String,
    /// Available = in stock − reserved.
    pub available: Decimal,
}

/// A Fortnox customer, flattened to the fields the register sync knows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FortnoxCustomer {
    pub number: String,
    pub email: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub zip: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub organisation_number: Option<String>,
    pub vat_number: Option<String>,
}

/// Fields to change on a Fortnox customer; `None` = leave as is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FortnoxCustomerPatch {
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub zip: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub organisation_number: Option<String>,
    pub vat_number: Option<String>,
}

#[async_trait]
pub trait Registers: Send + Sync {
    /// Active articles modified at or after `since` (Fortnox `lastmodified`, `YYYY-MM-DD HH:MM`
    /// Stockholm time), 500 per page, in a stable order.
    async fn articles(
        &self,
        since: Option<&str>,
        page: u32,
    ) -> Result<RegisterPage<FortnoxArticle>, AccountingError>;
    /// One article by number (`None` when Fortnox has none).
    async fn article(&self, number: &str) -> Result<Option<FortnoxArticle>, AccountingError>;
    async fn create_article(&self, article: &NewFortnoxArticle) -> Result<(), AccountingError>;
    /// Set the on-hand quantity (companies without Fortnox Lager).
    async fn set_article_stock(
        &self,
        number: &str,
        quantity: Decimal,
    ) -> Result<(), AccountingError>;
    /// The company's pre-selected price list code (usually `A`).
    async fn preselected_price_list(&self) -> Result<String, AccountingError>;
    /// Prices of a price list, 500 per page.
    async fn prices(
        &self,
        price_list: &str,
        page: u32,
    ) -> Result<RegisterPage<FortnoxPrice>, AccountingError>;
    /// Create or update the article's price (tier 0) in the list.
    async fn set_price(
        &self,
        price_list: &str,
        article_number: &str,
        price: Decimal,
    ) -> Result<(), AccountingError>;
    /// Stock balances at a stock point (Fortnox Lager), 500 per page.
    async fn stock_balances(
        &self,
        stock_point: &str,
        page: u32,
    ) -> Result<RegisterPage<StockBalance>, AccountingError>;
    /// Customers modified at or after `since`, 500 per page.
    async fn customers(
        &self,
        since: Option<&str>,
        page: u32,
    ) -> Result<RegisterPage<FortnoxCustomer>, AccountingError>;
    /// The customer whose e-mail equals `email` exactly (case-insensitive, over Fortnox's
    /// substring search; the lowest number when several).
    async fn customer_by_email(
        &self,
        email: &str,
    ) -> Result<Option<FortnoxCustomer>, AccountingError>;
    async fn create_customer(
        &self,
        fields: &FortnoxCustomerPatch,
    ) -> Result<String, AccountingError>;
    async fn update_customer(
        &self,
        number: &str,
        patch: &FortnoxCustomerPatch,
    ) -> Result<(), AccountingError>;
    /// Invoices modified at or after `since`: (number, `ExternalInvoiceReference1`), 500 per
    /// page (status polling).
    async fn invoices_changed(
        &self,
        since: Option<&str>,
        page: u32,
    ) -> Result<RegisterPage<(String, Option<String>)>, AccountingError>;
    /// The invoices of payments modified at or after `since`, 500 per page.
    async fn payments_changed(
        &self,
        since: Option<&str>,
        page: u32,
    ) -> Result<RegisterPage<String>, AccountingError>;
    /// Calls made since the last take, for the audit trail and benchmarks.
    fn take_calls(&self) -> Vec<ApiCall>;
}

#[async_trait]
pub trait RegistersConnector: Send + Sync {
    async fn registers(&self, tenant: &Tenant) -> Result<Box<dyn Registers>, AccountingError>;
}
