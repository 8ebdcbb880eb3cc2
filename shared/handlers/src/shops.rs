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
    /// A generic shop's status endpoint (the `ShopLink` URL) signing secret.
    Generic {
        signing_secret: String,
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
            (Platform::Generic, ShopCredentials::Generic { signing_secret }) => Arc::new(
                GenericShop::new(&link.base_url, &signing_secret, self.timeout)?,
            ),
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

/// A generic shop (no register API): status changes go to the tenant's own endpoint as a
/// signed POST (the callback contract in reverse: `X-Fortsync-Timestamp`, `X-Fortsync-Event-Id`,
/// `X-Fortsync-Signature` over `"{timestamp}.{body}"` with the tenant's signing secret).
pub struct GenericShop {
    http: reqwest::Client,
    url: String,
    secret: String,
}

impl GenericShop {
    pub fn new(url: &str, secret: &str, timeout: Duration) -> Result<Self, ShopError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| ShopError::Unavailable(e.to_string()))?;
        Ok(Self {
            http,
            url: url.to_owned(),
            secret: secret.to_owned(),
        })
    }

    fn no_registers() -> ShopError {
        ShopError::Invalid(
            "a generic shop has no register API; only status updates are sent".into(),
        )
    }
}

#[async_trait]
impl Shop for GenericShop {
    async fn products_page(
        &self,
        _: Option<&str>,
        _: Option<&str>,
    ) -> Result<fortsync_app::shop::Page<fortsync_app::shop::ShopProduct>, ShopError> {
        Err(Self::no_registers())
    }
    async fn products_by_sku(
        &self,
        _: &[String],
    ) -> Result<Vec<fortsync_app::shop::ShopProduct>, ShopError> {
        Err(Self::no_registers())
    }
    async fn update_products(
        &self,
        _: &[fortsync_app::shop::ProductPatch],
    ) -> Result<(), ShopError> {
        Err(Self::no_registers())
    }
    async fn create_product(
        &self,
        _: &fortsync_app::shop::NewProduct,
    ) -> Result<fortsync_app::shop::ShopProduct, ShopError> {
        Err(Self::no_registers())
    }
    async fn customers_page(
        &self,
        _: Option<&str>,
        _: Option<&str>,
    ) -> Result<fortsync_app::shop::Page<fortsync_app::shop::ShopCustomer>, ShopError> {
        Err(Self::no_registers())
    }
    async fn find_customer_by_email(
        &self,
        _: &str,
    ) -> Result<Option<fortsync_app::shop::ShopCustomer>, ShopError> {
        Err(Self::no_registers())
    }
    async fn update_customer(
        &self,
        _: &str,
        _: &fortsync_app::shop::CustomerPatch,
    ) -> Result<(), ShopError> {
        Err(Self::no_registers())
    }
    async fn create_customer(
        &self,
        _: &fortsync_app::shop::CustomerPatch,
    ) -> Result<fortsync_app::shop::ShopCustomer, ShopError> {
        Err(Self::no_registers())
    }
    async fn set_customer_fields(
        &self,
        _: &str,
        _: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), ShopError> {
        Err(Self::no_registers())
    }

    async fn annotate_order(
        &self,
        annotation: &fortsync_app::shop::OrderAnnotation,
    ) -> Result<(), ShopError> {
        let body = serde_json::to_vec(annotation).map_err(|e| ShopError::Invalid(e.to_string()))?;
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let signature = fortsync_app::callback::sign(self.secret.as_bytes(), timestamp, &body);
        let event = format!(
            "status:{}:{}",
            annotation.order_id,
            hex_digest(&String::from_utf8_lossy(&body))
        );
        let resp = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header(
                fortsync_app::callback::TIMESTAMP_HEADER,
                timestamp.to_string(),
            )
            .header(fortsync_app::callback::EVENT_HEADER, event)
            .header(fortsync_app::callback::SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .map_err(|e| ShopError::Unavailable(e.to_string()))?;
        let status = resp.status().as_u16();
        match status {
            200..=299 => Ok(()),
            401 | 403 => Err(ShopError::Unauthorized(format!(
                "the shop's endpoint answered {status}"
            ))),
            429 => Err(ShopError::RateLimited {
                retry_after_ms: 60_000,
            }),
            400..=499 => Err(ShopError::Invalid(format!(
                "the shop's endpoint answered {status}"
            ))),
            _ => Err(ShopError::Unavailable(format!(
                "the shop's endpoint answered {status}"
            ))),
        }
    }
}
