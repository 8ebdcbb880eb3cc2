//! The shop port: what fortsync reads from and writes to a tenant's webshop (the register sync
//! and status write-back). Adapters: Shopify Admin GraphQL (`fortsync-shopify`), WooCommerce
//! REST v3 (`fortsync-woocommerce`); an in-memory twin lives in `memory`.
//!
//! Every adapter handles the shop's rate limit itself (bounded waits on 429 / throttled
//! answers) and reports what is left as [`ShopError::RateLimited`], which is retryable.

use async_trait::async_trait;
use fortsync_domain::error::{Classify, ErrorClass};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// A sellable unit in the shop: a Shopify variant, or a WooCommerce simple product or
/// variation. Matched to Fortnox articles by SKU (= Fortnox `ArticleNumber`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopProduct {
    /// The unit's id: Shopify variant GID (`gid://shopify/ProductVariant/1`), WooCommerce
    /// product or variation id.
    pub id: String,
    /// The parent product's id (the same as `id` for a simple WooCommerce product).
    pub product_id: String,
    pub sku: String,
    pub title: String,
    /// The regular price as the shop stores it (on the shop's VAT basis).
    pub price: Option<Decimal>,
    /// On hand; `None` when the shop does not track stock for this unit.
    pub stock: Option<i64>,
    /// Published / `status = publish` (drafts and archived products are inactive).
    pub active: bool,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

/// One page of a list; `next` is the opaque cursor of the following page (`None` = last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// A change to one existing product unit; `None` fields are left as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProductPatch {
    pub id: String,
    pub price: Option<Decimal>,
    /// Sets the on-hand quantity (Shopify: at the tenant's location; WooCommerce: turns
    /// `manage_stock` on).
    pub stock: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewProduct {
    pub sku: String,
    pub title: String,
    pub price: Option<Decimal>,
    pub stock: Option<i64>,
    /// Created as a draft when false.
    pub active: bool,
}

/// A shop customer, flattened to the fields the register sync knows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ShopCustomer {
    pub id: String,
    /// Lower-cased, trimmed.
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub zip: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country_code: Option<String>,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

/// Fields to change on a customer; `None` = leave as is, `Some("")` = clear.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CustomerPatch {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub zip: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
}

/// What fortsync writes on a shop order when its Fortnox document changes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderAnnotation {
    /// The shop's order id (numeric id; Shopify adapters build the GID).
    pub order_id: String,
    /// A human-readable note line, e.g. "Fortnox invoice 1042 paid 2026-11-20".
    pub note: String,
    /// Shopify tags to add (e.g. `fortnox-paid`); WooCommerce ignores them.
    pub tags: Vec<String>,
    /// Key → value, written as metafields in namespace `fortsync` (Shopify) or `_fortsync_*`
    /// order meta (WooCommerce): invoice number, OCR, status, paid date.
    pub fields: BTreeMap<String, String>,
    /// WooCommerce order status to set (e.g. `completed` when paid); Shopify ignores it.
    pub status: Option<String>,
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ShopError {
    /// Still throttled after the adapter's bounded waits.
    #[error("the shop's rate limit was hit; retry after {retry_after_ms} ms")]
    RateLimited { retry_after_ms: u64 },
    /// 5xx, timeouts, connection errors.
    #[error("the shop is unavailable: {0}")]
    Unavailable(String),
    /// 401/403: the tenant's shop credentials are wrong or lack a scope.
    #[error("the shop refused our credentials: {0}")]
    Unauthorized(String),
    #[error("not found in the shop: {0}")]
    NotFound(String),
    /// 400/422 or GraphQL `userErrors`: the shop refused the data.
    #[error("the shop refused the change: {0}")]
    Invalid(String),
}

impl Classify for ShopError {
    fn class(&self) -> ErrorClass {
        match self {
            ShopError::RateLimited { .. } | ShopError::Unavailable(_) => ErrorClass::Retryable,
            ShopError::Unauthorized(_) | ShopError::NotFound(_) | ShopError::Invalid(_) => {
                ErrorClass::Permanent
            }
        }
    }
}

#[async_trait]
pub trait Shop: Send + Sync {
    /// Products changed at or after `modified_after` (all when `None`), oldest change first
    /// where the shop allows it, one page per call.
    async fn products_page(
        &self,
        modified_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Page<ShopProduct>, ShopError>;
    /// The units with these SKUs (exact match; unknown SKUs are simply absent).
    async fn products_by_sku(&self, skus: &[String]) -> Result<Vec<ShopProduct>, ShopError>;
    /// Apply price and stock changes (batched where the shop allows it).
    async fn update_products(&self, patches: &[ProductPatch]) -> Result<(), ShopError>;
    async fn create_product(&self, new: &NewProduct) -> Result<ShopProduct, ShopError>;

    async fn customers_page(
        &self,
        modified_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Page<ShopCustomer>, ShopError>;
    async fn find_customer_by_email(&self, email: &str) -> Result<Option<ShopCustomer>, ShopError>;
    async fn update_customer(&self, id: &str, patch: &CustomerPatch) -> Result<(), ShopError>;
    async fn create_customer(&self, patch: &CustomerPatch) -> Result<ShopCustomer, ShopError>;
    /// Key → value on the customer (Shopify metafields in namespace `fortsync`, WooCommerce
    /// customer meta `_fortsync_*`): balance, overdue, open invoices.
    async fn set_customer_fields(
        &self,
        id: &str,
        fields: &BTreeMap<String, String>,
    ) -> Result<(), ShopError>;

    /// Note, tags, fields and status on an order (see [`OrderAnnotation`]).
    async fn annotate_order(&self, annotation: &OrderAnnotation) -> Result<(), ShopError>;

    /// The order's refund resources, raw (WooCommerce: `/orders/{id}/refunds`), for refunds its
    /// webhooks announce without lines. Platforms whose refund webhooks carry the lines
    /// (Shopify) have nothing to add: none.
    async fn order_refunds(&self, _order_id: &str) -> Result<Vec<Vec<u8>>, ShopError> {
        Ok(Vec::new())
    }
}

/// The shop of a tenant (its `ShopLink` and the credentials in the secret store).
#[async_trait]
pub trait ShopConnector: Send + Sync {
    async fn shop(
        &self,
        tenant: &fortsync_domain::tenant::Tenant,
    ) -> Result<std::sync::Arc<dyn Shop>, ShopError>;
}
