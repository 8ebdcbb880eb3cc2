//! Secret names and a small TTL cache: Secrets Manager is read once per sandbox per TTL, not
//! per request.

use crate::ports::{SecretError, SecretStore, SecretString};
use fortsync_domain::TenantId;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where each secret lives: `{prefix}/tenants/{tenant}/{webhook|fortnox|callback|shop}` and
/// `{prefix}/app/{fortnox|admin}`. The split lets IAM give each function only its own.
#[derive(Debug, Clone)]
pub struct SecretNames {
    prefix: String,
}

impl SecretNames {
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into().trim_end_matches('/').to_owned(),
        }
    }
    pub fn webhook(&self, t: &TenantId) -> String {
        format!("{}/tenants/{t}/webhook", self.prefix)
    }
    pub fn fortnox_token(&self, t: &TenantId) -> String {
        format!("{}/tenants/{t}/fortnox", self.prefix)
    }
    /// The invoice-status callback's signing secrets (`{"current", "previous"}`).
    pub fn callback(&self, t: &TenantId) -> String {
        format!("{}/tenants/{t}/callback", self.prefix)
    }
    /// The shop's API credentials: `{"access_token": …}` (Shopify) or
    /// `{"consumer_key": …, "consumer_secret": …}` (WooCommerce).
    pub fn shop(&self, t: &TenantId) -> String {
        format!("{}/tenants/{t}/shop", self.prefix)
    }
    pub fn fortnox_app(&self) -> String {
        format!("{}/app/fortnox", self.prefix)
    }
    pub fn admin(&self) -> String {
        format!("{}/app/admin", self.prefix)
    }
}

/// The webhook signing secrets of a tenant: `{"current": "...", "previous": "..."}`. Both are
/// accepted while a shop switches to the new one.
#[derive(Deserialize)]
pub struct WebhookSecrets {
    pub current: String,
    #[serde(default)]
    pub previous: Option<String>,
}

impl WebhookSecrets {
    pub fn keys(&self) -> Vec<&[u8]> {
        std::iter::once(self.current.as_bytes())
            .chain(self.previous.as_deref().map(str::as_bytes))
            .collect()
    }
}

pub struct SecretCache {
    inner: Arc<dyn SecretStore>,
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, Option<SecretString>)>>,
}

impl SecretCache {
    pub fn new(inner: Arc<dyn SecretStore>, ttl: Duration) -> Self {
        Self {
            inner,
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub async fn get(&self, name: &str) -> Result<Option<SecretString>, SecretError> {
        if let Ok(map) = self.entries.lock()
            && let Some((at, v)) = map.get(name)
            && at.elapsed() < self.ttl
        {
            return Ok(v.clone());
        }
        let v = self.inner.get_secret(name).await?;
        if let Ok(mut map) = self.entries.lock() {
            map.insert(name.to_owned(), (Instant::now(), v.clone()));
        }
        Ok(v)
    }

    /// Re-read a secret unless the cached copy is younger than `min_age`: after a signature
    /// failure the secret may just have been rotated, but a flood of forged requests must not
    /// turn into a flood of Secrets Manager reads.
    pub async fn refresh(
        &self,
        name: &str,
        min_age: Duration,
    ) -> Result<Option<SecretString>, SecretError> {
        if let Ok(map) = self.entries.lock()
            && let Some((at, v)) = map.get(name)
            && at.elapsed() < min_age
        {
            return Ok(v.clone());
        }
        if let Ok(mut map) = self.entries.lock() {
            map.remove(name);
        }
        self.get(name).await
    }
}
