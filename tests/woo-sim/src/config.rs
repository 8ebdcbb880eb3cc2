//! Simulator configuration: API keys, site timezone and limits.

use serde::{Deserialize, Serialize};
use time::UtcOffset;

/// What a REST API key may do (WooCommerce → Settings → Advanced → REST API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permissions {
    Read,
    Write,
    #[default]
    ReadWrite,
}

impl Permissions {
    pub(crate) fn can_read(self) -> bool {
        matches!(self, Permissions::Read | Permissions::ReadWrite)
    }
    pub(crate) fn can_write(self) -> bool {
        matches!(self, Permissions::Write | Permissions::ReadWrite)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub consumer_key: String,
    pub consumer_secret: String,
    #[serde(default)]
    pub permissions: Permissions,
}

impl ApiKey {
    pub fn new(consumer_key: &str, consumer_secret: &str, permissions: Permissions) -> Self {
        ApiKey {
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
            permissions,
        }
    }
}

/// Configuration of one simulator instance.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub keys: Vec<ApiKey>,
    /// The site's timezone (Settings → General), used for the non-`_gmt` dates. A fixed offset:
    /// the simulator has no DST rules.
    pub site_offset: UtcOffset,
    /// Largest `per_page` (WordPress: 100).
    pub max_per_page: usize,
    /// Most objects in one batch request (WooCommerce: 100, filter `woocommerce_rest_batch_items_limit`).
    pub batch_limit: usize,
}

/// Key and secret of the default read/write key.
pub const DEFAULT_KEY: &str = "ck_fortsync_test";
pub const DEFAULT_SECRET: &str = "cs_fortsync_test";

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            keys: vec![ApiKey::new(
                DEFAULT_KEY,
                DEFAULT_SECRET,
                Permissions::ReadWrite,
            )],
            site_offset: UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC),
            max_per_page: 100,
            batch_limit: 100,
        }
    }
}
