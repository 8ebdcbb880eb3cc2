//! Where and how to reach one tenant's shop: the site URL and the REST API key.

use std::fmt;

/// A consumer secret (`cs_…`). `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ConsumerSecret(String);

impl ConsumerSecret {
    pub fn new(secret: impl Into<String>) -> Self {
        ConsumerSecret(secret.into())
    }
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ConsumerSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConsumerSecret([redacted])")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WooConfigError {
    #[error("the site URL is not a valid URL: {0}")]
    InvalidUrl(String),
    /// WooCommerce takes Basic auth only over HTTPS, and plain HTTP would expose the secret.
    #[error("the site URL must use https (plain http only for localhost): {0}")]
    InsecureUrl(String),
    #[error("the consumer key and secret must not be empty")]
    MissingCredentials,
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// The REST base (`{site}/wp-json/wc/v3`) of a site URL such as `https://shop.example.se` or
/// `https://example.se/shop/` (WordPress in a subfolder).
pub(crate) fn api_base(site_url: &str) -> Result<String, WooConfigError> {
    let parsed =
        url::Url::parse(site_url.trim()).map_err(|e| WooConfigError::InvalidUrl(e.to_string()))?;
    let loopback = matches!(
        parsed.host_str(),
        Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
    );
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(WooConfigError::InsecureUrl(
                parsed.origin().ascii_serialization(),
            ));
        }
    }
    let mut base = parsed;
    base.set_query(None);
    base.set_fragment(None);
    Ok(format!(
        "{}/wp-json/wc/v3",
        base.as_str().trim_end_matches('/')
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_rest_base_from_the_site_url() {
        assert_eq!(
            api_base("https://shop.example.se/").unwrap(),
            "https://shop.example.se/wp-json/wc/v3"
        );
        assert_eq!(
            api_base("https://example.se/butik").unwrap(),
            "https://example.se/butik/wp-json/wc/v3"
        );
        assert_eq!(
            api_base("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080/wp-json/wc/v3"
        );
    }

    #[test]
    fn refuses_plain_http_to_a_real_host() {
        assert!(matches!(
            api_base("http://shop.example.se"),
            Err(WooConfigError::InsecureUrl(_))
        ));
        assert!(matches!(
            api_base("not a url"),
            Err(WooConfigError::InvalidUrl(_))
        ));
    }

    #[test]
    fn secret_is_redacted_in_debug() {
        let s = ConsumerSecret::new("cs_very_secret");
        assert!(!format!("{s:?}").contains("very_secret"));
    }
}
