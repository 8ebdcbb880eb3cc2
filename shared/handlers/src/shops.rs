//! The `ShopConnector` over the real shop APIs: a tenant's `ShopLink` (platform, URL,
//! location) plus its credentials from the secret store. Adapters are cached per tenant and
//! credential version, so a warm Lambda reuses connections and Shopify's throttle state.

use async_trait::async_trait;
use fortsync_app::secrets::{SecretCache, SecretNames};
use fortsync_app::shop::{Shop, ShopConnector, ShopError};
use fortsync_domain::order::Platform;
use fortsync_domain::tenant::Tenant;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Deserialize)]
#[serde(untagged)]
enum ShopCredentials {
    Shopify {
        access_token: String,
    },
    Woocommerce {
        consumer_key: String,
        consumer_secret: String,
    },
}

pub struct ShopApis {
    pub secrets: Arc<SecretCache>,
    pub names: SecretNames,
    /// Per-request timeout towards the shop.
    pub timeout: Duration,
    cache: Mutex<HashMap<String, Arc<dyn Shop>>>,
}

impl ShopApis {
    pub fn new(secrets: Arc<SecretCache>, names: SecretNames, timeout: Duration) -> Self {
        Self {
            secrets,
            names,
            timeout,
            cache: Mutex::new(HashMap::new()),
        }
    }
}

fn refused(why: impl Into<String>) -> ShopError {
    ShopError::Unauthorized(why.into())
}

#[async_trait]
impl ShopConnector for ShopApis {
    async fn shop(&self, tenant: &Tenant) -> Result<Arc<dyn Shop>, ShopError> {
        let link = tenant
            .shop
            .as_ref()
            .ok_or_else(|| refused("the tenant has no shop connection (settings: shop)"))?;
        let name = self.names.shop(&tenant.id);
        let secret = self
            .secrets
            .get(&name)
            .await
            .map_err(|e| ShopError::Unavailable(e.to_string()))?
            .ok_or_else(|| refused(format!("no shop credentials in the secret store ({name})")))?;
        // The cache key holds a digest of the credentials, never the credentials.
        let key = format!(
            "{}:{}:{}",
            tenant.id,
            link.base_url,
            hex_digest(secret.expose())
        );
        if let Some(shop) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(shop);
        }
        let creds: ShopCredentials = serde_json::from_str(secret.expose())
            .map_err(|_| refused("the shop credentials are not the documented JSON"))?;
        let shop: Arc<dyn Shop> = match (link.platform, creds) {
            (
                Platform::Woocommerce,
                ShopCredentials::Woocommerce {
                    consumer_key,
                    consumer_secret,
                },
            ) => {
                let http = fortsync_woocommerce::WooShop::http_client(self.timeout)
                    .map_err(|e| ShopError::Unavailable(e.to_string()))?;
                Arc::new(
                    fortsync_woocommerce::WooShop::new(
                        &link.base_url,
                        &consumer_key,
                        &consumer_secret,
                    )
                    .map_err(|e| ShopError::Invalid(e.to_string()))?
                    .with_http_client(http),
                )
            }
            (Platform::Shopify, ShopCredentials::Shopify { access_token }) => {
                let mut config = fortsync_shopify::ShopifyConfig::new(&link.base_url, access_token)
                    .map_err(|e| ShopError::Invalid(e.to_string()))?
                    .with_timeout(self.timeout);
                if let Some(location) = &link.location_id {
                    config = config.with_location_id(location.clone());
                }
                Arc::new(
                    fortsync_shopify::ShopifyShop::new(config)
                        .map_err(|e| ShopError::Invalid(e.to_string()))?,
                )
            }
            (Platform::Generic, _) => {
                return Err(ShopError::Invalid(
                    "a generic shop has no API to sync registers with".into(),
                ));
            }
            _ => return Err(refused("the shop credentials do not match the platform")),
        };
        if let Ok(mut c) = self.cache.lock() {
            c.insert(key, shop.clone());
        }
        Ok(shop)
    }
}

fn hex_digest(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(s.as_bytes())[..8])
}
