//! What the relay is told: where to post, where Fortnox is, and how often to do what.

use std::time::Duration;

use fortsync_fortnox::topics::FORTNOX_TOPICS_URL;

/// The topic the relay follows.
pub const INVOICES_TOPIC: &str = "invoices";

/// Exponential backoff: `base`, `2 × base`, … capped at `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    /// The delay before retry number `attempt` (0 = the first retry).
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }
}

#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Where the invoice-status function is: notices go to
    /// `{callback_base_url}/callbacks/{tenant}/invoice-status`.
    pub callback_base_url: String,
    /// Secrets Manager prefix (`{prefix}/app/fortnox`, `{prefix}/tenants/{t}/callback`, …).
    pub secret_prefix: String,
    /// Fortnox's WebSocket endpoint ([`FORTNOX_TOPICS_URL`] by default).
    pub topics_url: String,
    /// The topic followed ([`INVOICES_TOPIC`]).
    pub topic: String,
    /// How often the tenant list is re-read: new tenants are added, disconnected ones removed,
    /// and a token the token manager renewed is re-added.
    pub tenant_poll_interval: Duration,
    /// Every tenant is re-added at least this often (access tokens live an hour).
    pub readd_interval: Duration,
    /// A WebSocket ping this often keeps idle connections (and their NATs) alive and notices a
    /// dead one.
    pub ping_interval: Duration,
    /// Between reconnects after a dropped or failed connection (reset once subscribed).
    pub reconnect: Backoff,
    /// Between attempts to deliver one notice (retried until delivered).
    pub delivery: Backoff,
    /// Every this many failed attempts at one notice, the stall is logged as an error
    /// (`alert = "relay_stalled"`) instead of a warning.
    pub stall_alert_after: u32,
    /// Per callback request.
    pub callback_timeout: Duration,
    /// Per WebSocket command (add-tenants, add-topics, subscribe).
    pub command_timeout: Duration,
    /// How long the callback and app secrets are cached.
    pub secret_ttl: Duration,
}

impl RelayConfig {
    /// Production defaults: re-add every 45 min, look for new tenants every 5 min.
    pub fn new(callback_base_url: impl Into<String>, secret_prefix: impl Into<String>) -> Self {
        Self {
            callback_base_url: callback_base_url.into().trim_end_matches('/').to_string(),
            secret_prefix: secret_prefix.into(),
            topics_url: FORTNOX_TOPICS_URL.to_string(),
            topic: INVOICES_TOPIC.to_string(),
            tenant_poll_interval: Duration::from_secs(5 * 60),
            readd_interval: Duration::from_secs(45 * 60),
            ping_interval: Duration::from_secs(60),
            reconnect: Backoff {
                base: Duration::from_secs(1),
                max: Duration::from_secs(60),
            },
            delivery: Backoff {
                base: Duration::from_millis(500),
                max: Duration::from_secs(30),
            },
            stall_alert_after: 8,
            callback_timeout: Duration::from_secs(10),
            command_timeout: Duration::from_secs(30),
            secret_ttl: Duration::from_secs(5 * 60),
        }
    }

    pub fn with_topics_url(mut self, url: impl Into<String>) -> Self {
        self.topics_url = url.into();
        self
    }

    /// `{callback_base_url}/callbacks/{tenant}/invoice-status`.
    pub fn callback_url(&self, tenant: &fortsync_domain::TenantId) -> String {
        format!(
            "{}/callbacks/{tenant}/invoice-status",
            self.callback_base_url.trim_end_matches('/')
        )
    }
}

/// Environment variable names read by the `fortsync-relay` binary.
pub mod env {
    pub const TABLE: &str = "FORTSYNC_TABLE";
    pub const SECRET_PREFIX: &str = "FORTSYNC_SECRET_PREFIX";
    pub const CALLBACK_BASE_URL: &str = "FORTSYNC_CALLBACK_BASE_URL";
    pub const TOPICS_URL: &str = "FORTNOX_TOPICS_URL";
    pub const API_BASE: &str = "FORTNOX_API_BASE";
    pub const AUTH_BASE: &str = "FORTNOX_AUTH_BASE";
}

/// Everything the binary reads from its environment.
#[derive(Debug, Clone)]
pub struct RelayEnv {
    pub table: String,
    pub config: RelayConfig,
    pub fortnox_api_base: String,
    pub fortnox_auth_base: String,
}

impl RelayEnv {
    pub fn from_env() -> Result<Self, crate::RelayError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, crate::RelayError> {
        let opt = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let req = |k: &str| {
            opt(k).ok_or_else(|| {
                crate::RelayError::Config(format!("environment variable {k} is not set"))
            })
        };
        let mut config = RelayConfig::new(req(env::CALLBACK_BASE_URL)?, req(env::SECRET_PREFIX)?);
        if let Some(url) = opt(env::TOPICS_URL) {
            config.topics_url = url;
        }
        Ok(Self {
            table: req(env::TABLE)?,
            config,
            fortnox_api_base: opt(env::API_BASE).unwrap_or_else(|| "https://api.fortnox.se".into()),
            fortnox_auth_base: opt(env::AUTH_BASE)
                .unwrap_or_else(|| "https://apps.fortnox.se".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let b = Backoff {
            base: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        assert_eq!(b.delay(0), Duration::from_millis(100));
        assert_eq!(b.delay(1), Duration::from_millis(200));
        assert_eq!(b.delay(3), Duration::from_millis(800));
        assert_eq!(b.delay(4), Duration::from_secs(1));
        assert_eq!(b.delay(200), Duration::from_secs(1));
    }

    #[test]
    fn callback_url_has_no_double_slash() {
        let c = RelayConfig::new("https://api.example.se/", "fortsync");
        let t = fortsync_domain::TenantId::parse("acme").unwrap();
        assert_eq!(
            c.callback_url(&t),
            "https://api.example.se/callbacks/acme/invoice-status"
        );
        assert_eq!(c.topics_url, FORTNOX_TOPICS_URL);
    }

    #[test]
    fn environment_defaults_and_missing_names() {
        let e = RelayEnv::from_lookup(|k| match k {
            env::TABLE => Some("fortsync".into()),
            env::SECRET_PREFIX => Some("fortsync/prod".into()),
            env::CALLBACK_BASE_URL => Some("https://api.example.se".into()),
            env::TOPICS_URL => Some(" ".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(e.config.topics_url, FORTNOX_TOPICS_URL);
        assert_eq!(e.fortnox_api_base, "https://api.fortnox.se");
        assert_eq!(e.fortnox_auth_base, "https://apps.fortnox.se");
        assert_eq!(e.config.readd_interval, Duration::from_secs(2700));
        let err = RelayEnv::from_lookup(|k| (k == env::TABLE).then(|| "t".to_string()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("FORTSYNC_CALLBACK_BASE_URL"), "{err}");
    }
}
