use thiserror::Error;

pub const TABLE: &str = "FORTSYNC_TABLE";
pub const QUEUE_URL: &str = "FORTSYNC_QUEUE_URL";
pub const SECRET_PREFIX: &str = "FORTSYNC_SECRET_PREFIX";
pub const FORTNOX_API_BASE: &str = "FORTNOX_API_BASE";
pub const FORTNOX_AUTH_BASE: &str = "FORTNOX_AUTH_BASE";
pub const MAX_BODY_BYTES: &str = "FORTSYNC_MAX_BODY_BYTES";
pub const PUBLIC_BASE_URL: &str = "FORTSYNC_PUBLIC_BASE_URL";

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("environment variable {0} is invalid")]
    Invalid(&'static str),
}

/// Everything a function reads from its environment, once, at INIT.
#[derive(Debug, Clone)]
pub struct Config {
    pub table: String,
    pub queue_url: String,
    pub secret_prefix: String,
    pub fortnox_api_base: String,
    pub fortnox_auth_base: String,
    pub max_body_bytes: usize,
    /// The API's public base URL when it has a custom domain; otherwise taken from requests.
    pub public_base_url: Option<String>,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let req = |k: &'static str| {
            get(k)
                .filter(|v| !v.trim().is_empty())
                .ok_or(ConfigError::Missing(k))
        };
        let max_body_bytes = match get(MAX_BODY_BYTES) {
            Some(v) => v
                .parse()
                .map_err(|_| ConfigError::Invalid(MAX_BODY_BYTES))?,
            None => 256 * 1024,
        };
        Ok(Self {
            table: req(TABLE)?,
            queue_url: req(QUEUE_URL)?,
            secret_prefix: req(SECRET_PREFIX)?,
            fortnox_api_base: get(FORTNOX_API_BASE)
                .unwrap_or_else(|| "https://api.fortnox.se".into()),
            fortnox_auth_base: get(FORTNOX_AUTH_BASE)
                .unwrap_or_else(|| "https://apps.fortnox.se".into()),
            max_body_bytes,
            public_base_url: get(PUBLIC_BASE_URL).filter(|v| !v.trim().is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_missing_variable() {
        let e = Config::from_lookup(|_| None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "environment variable FORTSYNC_TABLE is not set"
        );
    }

    #[test]
    fn defaults_point_at_live_fortnox() {
        let c = Config::from_lookup(|k| match k {
            TABLE | QUEUE_URL | SECRET_PREFIX => Some("x".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.fortnox_api_base, "https://api.fortnox.se");
        assert_eq!(c.max_body_bytes, 262_144);
    }
}
