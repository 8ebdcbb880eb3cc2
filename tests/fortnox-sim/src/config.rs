//! Simulator configuration: registered OAuth apps, consent behaviour and rate limit.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Öre rounding of document totals ("öresutjämning"), a per-tenant company setting in Fortnox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// `RoundOff` is always 0.
    #[default]
    None,
    /// `Total` is rounded to whole kronor (midpoint away from zero); the difference is in `RoundOff`.
    WholeKrona,
}

/// An OAuth client registered in the (simulated) Developer Portal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppConfig {
    pub client_id: String,
    pub client_secret: String,
    /// Redirect URIs that must match exactly.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Redirect URIs accepted by prefix (the default demo app uses this for localhost ports).
    #[serde(default)]
    pub redirect_uri_prefixes: Vec<String>,
    /// Whether `account_type=service` is allowed ("only administrator" in the portal).
    #[serde(default)]
    pub service_account_allowed: bool,
}

impl AppConfig {
    pub(crate) fn redirect_allowed(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|u| u == uri)
            || self
                .redirect_uri_prefixes
                .iter()
                .any(|p| uri.starts_with(p.as_str()))
    }
}

/// Configuration of one simulator instance.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub apps: Vec<AppConfig>,
    /// `true`: `/oauth-v1/auth` redirects at once as if the user approved.
    /// `false`: it shows a small HTML page with approve/deny links.
    pub auto_consent: bool,
    /// Requests allowed per window and per (client_id, tenant).
    pub rate_limit_requests: usize,
    pub rate_limit_window: Duration,
    /// Öre rounding given to tenants created without an explicit setting.
    pub default_rounding: Rounding,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            apps: vec![AppConfig {
                client_id: "demo-client".into(),
                client_secret: "demo-secret".into(),
                redirect_uris: vec![],
                redirect_uri_prefixes: vec!["http://localhost".into(), "http://127.0.0.1".into()],
                service_account_allowed: true,
            }],
            auto_consent: true,
            rate_limit_requests: 25,
            rate_limit_window: Duration::from_secs(5),
            default_rounding: Rounding::None,
        }
    }
}
