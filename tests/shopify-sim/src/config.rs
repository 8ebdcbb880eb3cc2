//! Simulator configuration: access tokens, API versions and the cost bucket.

use serde::{Deserialize, Serialize};

/// The API version the simulator is built around (stable from 2026-10-01; supported until
/// 2027-10). Versions from 2026-04 on demand `@idempotent` and `changeFromQuantity` on
/// `inventorySetQuantities`.
pub const API_VERSION: &str = "2026-10";

/// The token every default simulator accepts (with all scopes).
pub const DEFAULT_TOKEN: &str = "shpat_sim_0000000000000000";

/// An Admin API access token the simulator accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessToken {
    pub token: String,
    /// Granted scopes (`read_products`, `write_orders`, ...); `None` = all.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
}

impl AccessToken {
    pub fn all_scopes(token: &str) -> Self {
        AccessToken {
            token: token.into(),
            scopes: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    pub access_tokens: Vec<AccessToken>,
    /// Versions served; any other `/admin/api/{version}/` gets 404.
    pub api_versions: Vec<String>,
    /// Bucket size in cost points (Shopify standard plan: 2000).
    pub bucket_size: f64,
    /// Points restored per second (Shopify standard plan: 100).
    pub restore_rate: f64,
    /// Largest requested cost of a single query (Shopify: 1000).
    pub max_query_cost: u32,
    pub shop_name: String,
    /// Name of the location created at start (the primary one).
    pub location_name: String,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            access_tokens: vec![AccessToken::all_scopes(DEFAULT_TOKEN)],
            api_versions: ["2026-01", "2026-04", "2026-07", "2026-10"]
                .map(String::from)
                .to_vec(),
            bucket_size: 2000.0,
            restore_rate: 100.0,
            max_query_cost: 1000,
            shop_name: "Sim Shop".into(),
            location_name: "Huvudlager".into(),
        }
    }
}
