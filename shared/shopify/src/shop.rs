//! [`ShopifyShop`]: the Shop port over the Admin GraphQL API.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;
use fortsync_app::shop::{
    CustomerPatch, NewProduct, OrderAnnotation, Page, ProductPatch, Shop, ShopCustomer, ShopError,
    ShopProduct,
};
use serde_json::json;
use tokio::sync::OnceCell;

use crate::client::{Call, Client};
use crate::config::{ConfigError, ShopifyConfig};
use crate::documents::PRIMARY_LOCATION;
use crate::ids::to_gid;
use crate::wire::{Connection, Id, Variant};

/// Largest number of variant references kept; the cache is emptied beyond it.
const MAX_CACHED_REFS: usize = 100_000;

/// What a stock or price write needs to know about a variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VariantRef {
    pub product_id: String,
    pub inventory_item_id: String,
    pub tracked: bool,
}

pub struct ShopifyShop {
    pub(crate) client: Client,
    configured_location: Option<String>,
    location: OnceCell<String>,
    /// Variant GID → product and inventory item, learned from every variant read, so updates
    /// after a read need no lookup.
    refs: Mutex<HashMap<String, VariantRef>>,
}

impl std::fmt::Debug for ShopifyShop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopifyShop")
            .field("location", &self.location.get())
            .finish_non_exhaustive()
    }
}

impl ShopifyShop {
    pub fn new(config: ShopifyConfig) -> Result<Self, ConfigError> {
        let configured_location = match &config.location_id {
            Some(l) => Some(to_gid("Location", l).map_err(|_| ConfigError::Location(l.clone()))?),
            None => None,
        };
        let client = Client::new(&config).map_err(|e| ConfigError::Http(e.to_string()))?;
        Ok(ShopifyShop {
            client,
            configured_location,
            location: OnceCell::new(),
            refs: Mutex::new(HashMap::new()),
        })
    }

    /// The location stock is read from and written to: the configured one, else the shop's
    /// first active location (looked up once).
    pub async fn location_id(&self) -> Result<String, ShopError> {
        if let Some(l) = &self.configured_location {
            return Ok(l.clone());
        }
        self.location
            .get_or_try_init(|| async {
                let call = Call::new("FortsyncPrimaryLocation", PRIMARY_LOCATION, json!({}), 3);
                let data = self.client.run(&call).await?;
                let conn: Connection<Id> = parse(&data["locations"])?;
                conn.nodes
                    .into_iter()
                    .next()
                    .map(|l| l.id)
                    .ok_or_else(|| ShopError::Invalid("the shop has no active location".into()))
            })
            .await
            .cloned()
    }

    fn refs(&self) -> std::sync::MutexGuard<'_, HashMap<String, VariantRef>> {
        self.refs.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn remember(&self, variants: &[Variant]) {
        let mut refs = self.refs();
        if refs.len() + variants.len() > MAX_CACHED_REFS {
            refs.clear();
        }
        for v in variants {
            refs.insert(
                v.id.clone(),
                VariantRef {
                    product_id: v.product.id.clone(),
                    inventory_item_id: v.inventory_item.id.clone(),
                    tracked: v.inventory_item.tracked,
                },
            );
        }
    }

    pub(crate) fn remember_ref(&self, id: &str, r: VariantRef) {
        self.refs().insert(id.to_string(), r);
    }

    pub(crate) fn cached_ref(&self, id: &str) -> Option<VariantRef> {
        self.refs().get(id).cloned()
    }

    pub(crate) fn forget(&self, ids: &[String]) {
        let mut refs = self.refs();
        for id in ids {
            refs.remove(id);
        }
    }
}

/// Decodes part of an answer; a shape mismatch means the API changed under us.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Result<T, ShopError> {
    serde_json::from_value(v.clone())
        .map_err(|e| ShopError::Invalid(format!("unexpected answer from Shopify: {e}")))
}

#[async_trait]
impl Shop for ShopifyShop {
    async fn products_page(
        &self,
        modified_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Page<ShopProduct>, ShopError> {
        self.products_page_impl(modified_after, cursor).await
    }

    async fn products_by_sku(&self, skus: &[String]) -> Result<Vec<ShopProduct>, ShopError> {
        self.products_by_sku_impl(skus).await
    }

    async fn update_products(&self, patches: &[ProductPatch]) -> Result<(), ShopError> {
        self.update_products_impl(patches).await
    }

    async fn create_product(&self, new: &NewProduct) -> Result<ShopProduct, ShopError> {
        self.create_product_impl(new).await
    }

    async fn customers_page(
        &self,
        modified_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Page<ShopCustomer>, ShopError> {
        self.customers_page_impl(modified_after, cursor).await
    }

    async fn find_customer_by_email(&self, email: &str) -> Result<Option<ShopCustomer>, ShopError> {
        self.find_customer_by_email_impl(email).await
    }

    async fn update_customer(&self, id: &str, patch: &CustomerPatch) -> Result<(), ShopError> {
        self.update_customer_impl(id, patch).await
    }

    async fn create_customer(&self, patch: &CustomerPatch) -> Result<ShopCustomer, ShopError> {
        self.create_customer_impl(patch).await
    }

    async fn set_customer_fields(
        &self,
        id: &str,
        fields: &BTreeMap<String, String>,
    ) -> Result<(), ShopError> {
        self.set_customer_fields_impl(id, fields).await
    }

    async fn annotate_order(&self, annotation: &OrderAnnotation) -> Result<(), ShopError> {
        self.annotate_order_impl(annotation).await
    }
}
