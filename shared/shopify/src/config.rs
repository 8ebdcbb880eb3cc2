//! Adapter configuration: where the shop is, which API version, the token, the stock location,
//! timeouts and the retry budget.

use std::fmt;
use std::time::Duration;

use thiserror::Error;

/// The Admin API version used by default: the stable release of 2026-10-01, supported until
/// 2027-10. It requires `@idempotent` and `changeFromQuantity` on `inventorySetQuantities`.
pub const DEFAULT_API_VERSION: &str = "2026-10";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error("the shop must be a domain like my-shop.myshopify.com or an http(s) URL: {0:?}")]
    Shop(String),
    #[error("the API version must look like 2026-10 or be \"unstable\": {0:?}")]
    ApiVersion(String),
    #[error("the access token is empty")]
    EmptyToken,
    #[error("the location must be a Location GID or a numeric id: {0:?}")]
    Location(String),
    #[error("the HTTP client could not be built: {0}")]
    Http(String),
}

/// An Admin API access token; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(***)")
    }
}

/// How long and how often the adapter waits for the shop's rate limit and for transient
/// failures before giving up with `RateLimited` / `Unavailable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (throttled, 429, and 5xx/timeouts of calls that are
    /// safe to resend).
    pub max_retries: u32,
    /// First backoff; doubles per retry (with jitter) unless the shop says how long to wait.
    pub base_delay: Duration,
    /// Longest single wait.
    pub max_delay: Duration,
    /// Longest total waiting (throttle pre-waits and backoffs) within one call.
    pub max_total_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            max_total_wait: Duration::from_secs(30),
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct ShopifyConfig {
    /// `https://my-shop.myshopify.com` (or a simulator's `http://127.0.0.1:PORT`), no trailing
    /// slash.
    pub base_url: String,
    pub api_version: String,
    pub access_token: AccessToken,
    /// Location whose on-hand stock the adapter reads and sets (GID or numeric id); `None` =
    /// the shop's first active location, looked up once.
    pub location_id: Option<String>,
    /// Per-request timeout.
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

impl fmt::Debug for ShopifyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShopifyConfig")
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("access_token", &self.access_token)
            .field("location_id", &self.location_id)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl ShopifyConfig {
    /// `shop` is `my-shop`, `my-shop.myshopify.com` or a full `http(s)://` base URL.
    pub fn new(shop: &str, access_token: impl Into<String>) -> Result<Self, ConfigError> {
        let token = access_token.into();
        if token.trim().is_empty() {
            return Err(ConfigError::EmptyToken);
        }
        Ok(ShopifyConfig {
            base_url: base_url(shop)?,
            api_version: DEFAULT_API_VERSION.into(),
            access_token: AccessToken(token),
            location_id: None,
            timeout: Duration::from_secs(20),
            retry: RetryPolicy::default(),
        })
    }

    pub fn with_api_version(mut self, version: &str) -> Result<Self, ConfigError> {
        let ok = version == "unstable"
            || (version.len() == 7
                && version.as_bytes()[4] == b'-'
                && version
                    .chars()
                    .enumerate()
                    .all(|(i, c)| i == 4 || c.is_ascii_digit()));
        if !ok {
            return Err(ConfigError::ApiVersion(version.into()));
        }
        self.api_version = version.into();
        Ok(self)
    }

    pub fn with_location_id(mut self, id: impl Into<String>) -> Self {
        self.location_id = Some(id.into());
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// `{base_url}/admin/api/{api_version}/graphql.json`.
    pub fn graphql_url(&self) -> String {
        format!(
            "{}/admin/api/{}/graphql.json",
            self.base_url, self.api_version
        )
    }
}

fn base_url(shop: &str) -> Result<String, ConfigError> {
    let s = shop.trim().trim_end_matches('/');
    let bad = || ConfigError::Shop(shop.into());
    if s.is_empty() || s.contains(char::is_whitespace) {
        return Err(bad());
    }
    if let Some(rest) = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
    {
        return if rest.is_empty() || rest.contains('/') {
            Err(bad())
        } else {
            Ok(s.to_string())
        };
    }
    let host_ok = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !host_ok {
        return Err(bad());
    }
    if s.contains('.') {
        Ok(format!("https://{s}"))
    } else {
        Ok(format!("https://{s}.myshopify.com"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shop_forms_become_base_urls() {
        let c = ShopifyConfig::new("my-shop", "t").unwrap();
        assert_eq!(
            c.graphql_url(),
            "https://my-shop.myshopify.com/admin/api/2026-10/graphql.json"
        );
        let c = ShopifyConfig::new("my-shop.myshopify.com/", "t").unwrap();
        assert_eq!(c.base_url, "https://my-shop.myshopify.com");
        let c = ShopifyConfig::new("http://127.0.0.1:8080", "t").unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:8080");
        assert!(ShopifyConfig::new("my shop", "t").is_err());
        assert!(ShopifyConfig::new("https://x.com/admin", "t").is_err());
        assert_eq!(
            ShopifyConfig::new("x", " ").unwrap_err(),
            ConfigError::EmptyToken
        );
    }

    #[test]
    fn versions_are_checked_and_token_is_redacted() {
        let c = ShopifyConfig::new("x", "shpat_secret").unwrap();
        assert!(c.clone().with_api_version("2026-07").is_ok());
        assert!(c.clone().with_api_version("unstable").is_ok());
        assert!(c.clone().with_api_version("2026-7").is_err());
        assert!(!format!("{c:?}").contains("shpat_secret"));
    }
}
