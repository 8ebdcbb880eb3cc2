//! WooCommerce REST v3 adapter of the [`Shop`](fortsync_app::shop::Shop) port:
//! [`WooShop`] talks to one tenant's `/wp-json/wc/v3` with an API key over HTTP Basic.
//!
//! ```no_run
//! # fn demo() -> Result<(), fortsync_woocommerce::WooConfigError> {
//! let shop = fortsync_woocommerce::WooShop::new("https://shop.example.se", "ck_…", "cs_…")?;
//! # Ok(()) }
//! ```
//!
//! # Layout
//! - `products`, `customers`, `orders`: the port's operations, each module documenting the
//!   WooCommerce behaviour it relies on; `port`: the trait impl.
//! - `http`: requests, retries and error mapping; `retry`: the retry policy.
//! - `wire`, `mapping`: WooCommerce JSON and its mapping to the port's types.
//! - `config`: site URL checks and the redacted secret.
//!
//! Behaviour verified against `woo-sim` (this repository's simulator), which follows the REST
//! docs (`woocommerce/woocommerce-rest-api-docs`) and WooCommerce's controllers; where either
//! is silent the assumption is stated in the module that depends on it.

mod config;
mod customers;
mod http;
mod mapping;
mod orders;
mod port;
mod products;
mod retry;
mod wire;

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

pub use config::{ConsumerSecret, WooConfigError};
pub use retry::RetryPolicy;

use http::Api;
use mapping::UnitKind;

/// Items per list page and per batch call: WooCommerce's maximum for both.
pub(crate) const PAGE_SIZE: usize = 100;

/// A tenant's WooCommerce shop.
pub struct WooShop {
    api: Api,
    /// Product id → what it is (simple product or variation of which parent), learnt from
    /// reads, so updates go to the right endpoint without a lookup.
    units: Mutex<HashMap<u64, UnitKind>>,
}

impl fmt::Debug for WooShop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WooShop")
            .field("api_base", &self.api.base)
            .field("consumer_key", &self.api.key)
            .field("consumer_secret", &self.api.secret)
            .finish()
    }
}

impl WooShop {
    /// A shop at `site_url` (the WordPress address, e.g. `https://shop.example.se`; `https`
    /// required except for localhost) with a REST API key, a 20 s timeout and the default
    /// [`RetryPolicy`].
    pub fn new(
        site_url: &str,
        consumer_key: &str,
        consumer_secret: &str,
    ) -> Result<Self, WooConfigError> {
        let base = config::api_base(site_url)?;
        if consumer_key.trim().is_empty() || consumer_secret.trim().is_empty() {
            return Err(WooConfigError::MissingCredentials);
        }
        Ok(WooShop {
            api: Api {
                http: Self::http_client(Duration::from_secs(20))?,
                base,
                key: consumer_key.trim().to_string(),
                secret: ConsumerSecret::new(consumer_secret.trim()),
                retry: RetryPolicy::default(),
            },
            units: Mutex::new(HashMap::new()),
        })
    }

    /// An HTTP client for [`with_http_client`](Self::with_http_client): rustls, `timeout` per
    /// request, connection reuse.
    pub fn http_client(timeout: Duration) -> Result<reqwest::Client, WooConfigError> {
        reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .user_agent(concat!("fortsync/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| WooConfigError::Client(e.to_string()))
    }

    /// Uses `http` (e.g. shared between tenants, or with another timeout).
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.api.http = http;
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.api.retry = retry;
        self
    }

    /// `{site}/wp-json/wc/v3`.
    pub fn api_base(&self) -> &str {
        &self.api.base
    }

    fn remember(&self, id: u64, kind: UnitKind) {
        if let Ok(mut units) = self.units.lock() {
            units.insert(id, kind);
        }
    }

    fn known(&self, id: u64) -> Option<UnitKind> {
        self.units.lock().ok().and_then(|u| u.get(&id).copied())
    }
}

/// Parses a numeric WooCommerce id given as text.
pub(crate) fn numeric_id(id: &str, what: &str) -> Result<u64, fortsync_app::shop::ShopError> {
    id.trim().parse().map_err(|_| {
        fortsync_app::shop::ShopError::Invalid(format!("{what} id must be numeric: {id:?}"))
    })
}

/// A page cursor: the page number as text (`None` = page 1).
pub(crate) fn page_of(cursor: Option<&str>) -> Result<u32, fortsync_app::shop::ShopError> {
    match cursor {
        None => Ok(1),
        Some(c) => c.trim().parse().ok().filter(|p| *p >= 1).ok_or_else(|| {
            fortsync_app::shop::ShopError::Invalid(format!("bad page cursor {c:?}"))
        }),
    }
}
