//! Access tokens per tenant: reused until shortly before expiry, refreshed **single-flight
//! across every Lambda instance**. Inside a process a per-tenant mutex lets one task refresh;
//! across processes a DynamoDB lease does. The lease records the newest token version, so a
//! stale read is recognised instead of spending an old (single-use) refresh token. The rotated
//! token is persisted before the new access token is used; losers re-read the stored token.
//! A dead grant marks the tenant `needs_reconnect` (its orders park, none is lost).

use fortsync_app::oauth::{AuthError, FortnoxAuth, StoredToken, TokenLease};
use fortsync_app::secrets::SecretNames;
use fortsync_app::{AccountingError, Clock, SecretStore, SecretString, TenantStore};
use fortsync_domain::TenantId;
use fortsync_domain::tenant::{AuthMode, Tenant, TenantStatus};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Refresh this long before expiry, so a token never expires mid-job.
const MARGIN_SECS: i64 = 300;
/// A refresh holds the lease at most this long (longer than a token call's timeout).
const LEASE_SECS: i64 = 30;
const POLL: Duration = Duration::from_millis(100);
/// How long a loser waits for the winner's token before giving up (retryable).
const MAX_WAIT: Duration = Duration::from_secs(20);

pub struct TokenManager {
    pub secrets: Arc<dyn SecretStore>,
    pub lease: Arc<dyn TokenLease>,
    pub tenants: Arc<dyn TenantStore>,
    pub auth: Arc<dyn FortnoxAuth>,
    pub names: SecretNames,
    pub clock: Arc<dyn Clock>,
    cache: Mutex<HashMap<TenantId, StoredToken>>,
    refreshing: Mutex<HashMap<TenantId, Arc<tokio::sync::Mutex<()>>>>,
}

impl TokenManager {
    pub fn new(
        secrets: Arc<dyn SecretStore>,
        lease: Arc<dyn TokenLease>,
        tenants: Arc<dyn TenantStore>,
        auth: Arc<dyn FortnoxAuth>,
        names: SecretNames,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            secrets,
            lease,
            tenants,
            auth,
            names,
            clock,
            cache: Mutex::new(HashMap::new()),
            refreshing: Mutex::new(HashMap::new()),
        }
    }

    fn fresh(&self, t: &StoredToken) -> bool {
        t.expires_at > self.clock.now().unix_timestamp() + MARGIN_SECS
    }

    fn cached(&self, tenant: &TenantId) -> Option<StoredToken> {
        let map = self.cache.lock().ok()?;
        map.get(tenant).filter(|t| self.fresh(t)).cloned()
    }

    fn remember(&self, tenant: &TenantId, token: &StoredToken) {
        if let Ok(mut map) = self.cache.lock() {
            map.insert(tenant.clone(), token.clone());
        }
    }

    /// Forget a token Fortnox refused (401): the next call refreshes.
    pub fn invalidate(&self, tenant: &TenantId, access_token: &str) {
        if let Ok(mut map) = self.cache.lock()
            && map
                .get(tenant)
                .is_some_and(|t| t.access_token == access_token)
        {
            if let Some(t) = map.get_mut(tenant) {
                t.expires_at = 0;
            }
        }
    }

    async fn stored(&self, tenant: &TenantId) -> Result<Option<StoredToken>, AccountingError> {
        let secret = self
            .secrets
            .get_secret(&self.names.fortnox_token(tenant))
            .await
            .map_err(|e| AccountingError::retryable(e.to_string()))?;
        match secret {
            None => Ok(None),
            Some(s) => serde_json::from_str(s.expose()).map(Some).map_err(|_| {
                AccountingError::needs_reconnect("the stored Fortnox token is unreadable")
            }),
        }
    }

    /// A valid access token for the tenant.
    pub async fn access_token(&self, tenant: &Tenant) -> Result<String, AccountingError> {
        if tenant.status != TenantStatus::Connected {
            return Err(AccountingError::needs_reconnect(
                "the tenant is not connected to Fortnox",
            ));
        }
        if let Some(t) = self.cached(&tenant.id) {
            return Ok(t.access_token);
        }
        // One task per process goes further; the others wait here and then hit the cache.
        let gate = {
            let mut map = self
                .refreshing
                .lock()
                .map_err(|_| AccountingError::retryable("poisoned"))?;
            map.entry(tenant.id.clone()).or_default().clone()
        };
        let _guard = gate.lock().await;
        if let Some(t) = self.cached(&tenant.id) {
            return Ok(t.access_token);
        }
        let token = self.fresh_token(tenant).await?;
        self.remember(&tenant.id, &token);
        Ok(token.access_token)
    }

    async fn fresh_token(&self, tenant: &Tenant) -> Result<StoredToken, AccountingError> {
        let started = Instant::now();
        let owner = format!("{:032x}", rand::random::<u128>());
        loop {
            let Some(stored) = self.stored(&tenant.id).await? else {
                return Err(AccountingError::needs_reconnect(
                    "no Fortnox token is stored for the tenant",
                ));
            };
            if self.fresh(&stored) {
                return Ok(stored);
            }
            let now = self.clock.now().unix_timestamp();
            let acquired = self
                .lease
                .try_acquire(&tenant.id, &owner, now, now + LEASE_SECS)
                .await
                .map_err(|e| AccountingError::retryable(e.to_string()))?;
            if let Some(newest) = acquired {
                let result = self.refresh_holding_lease(tenant, &owner, newest).await;
                if let Err(e) = &result {
                    let _ = self.lease.release(&tenant.id, &owner, None).await;
                    if e.class == fortsync_domain::ErrorClass::Retryable
                        && started.elapsed() < MAX_WAIT
                    {
                        // e.g. a stale read: look again shortly
                        tokio::time::sleep(POLL).await;
                        continue;
                    }
                }
                return result;
            }
            if started.elapsed() > MAX_WAIT {
                return Err(AccountingError::retryable(
                    "timed out waiting for another instance's token refresh",
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn refresh_holding_lease(
        &self,
        tenant: &Tenant,
        owner: &str,
        newest: u64,
    ) -> Result<StoredToken, AccountingError> {
        // Re-read under the lease: another instance may have refreshed just before we got it.
        let stored = self.stored(&tenant.id).await?.ok_or_else(|| {
            AccountingError::needs_reconnect("no Fortnox token is stored for the tenant")
        })?;
        if self.fresh(&stored) {
            self.lease
                .release(&tenant.id, owner, None)
                .await
                .map_err(|e| AccountingError::retryable(e.to_string()))?;
            return Ok(stored);
        }
        if stored.version < newest {
            // The lease knows a newer token than we read: never spend an old refresh token.
            return Err(AccountingError::retryable("stale token read; retrying"));
        }
        let grant = match tenant.auth_mode {
            AuthMode::Service => {
                let id = tenant.fortnox_tenant_id.ok_or_else(|| {
                    AccountingError::needs_reconnect("service account without a Fortnox tenant id")
                })?;
                self.auth.client_credentials(id).await
            }
            AuthMode::Code => match stored.refresh_token.as_deref() {
                Some(rt) => self.auth.refresh(rt).await,
                None => Err(AuthError::Dead("no refresh token stored".into())),
            },
        };
        let grant = match grant {
            Ok(g) => g,
            Err(AuthError::Dead(why)) => {
                self.mark_needs_reconnect(&tenant.id).await;
                return Err(AccountingError::needs_reconnect(format!(
                    "Fortnox no longer accepts the tenant's authorisation ({why})"
                )));
            }
            Err(AuthError::Transient(why)) => return Err(AccountingError::retryable(why)),
            Err(AuthError::Config(why)) => return Err(AccountingError::permanent(why)),
        };
        let now = self.clock.now().unix_timestamp();
        let token =
            StoredToken::from_grant(grant, now, stored.version + 1, stored.refresh_token.clone());
        let json =
            serde_json::to_string(&token).map_err(|e| AccountingError::permanent(e.to_string()))?;
        // Persist first: the rotated refresh token must survive whatever happens next.
        if let Err(e) = self
            .secrets
            .put_secret(
                &self.names.fortnox_token(&tenant.id),
                &SecretString::new(json),
            )
            .await
        {
            tracing::error!(tenant = %tenant.id, error = %e, "rotated Fortnox token NOT persisted; the tenant may need to reconnect");
            return Err(AccountingError::retryable(e.to_string()));
        }
        if let Err(e) = self
            .lease
            .release(&tenant.id, owner, Some(token.version))
            .await
        {
            tracing::warn!(tenant = %tenant.id, error = %e, "token lease not released; it expires by itself");
        }
        tracing::info!(tenant = %tenant.id, version = token.version, "Fortnox token refreshed");
        Ok(token)
    }

    async fn mark_needs_reconnect(&self, tenant: &TenantId) {
        tracing::error!(tenant = %tenant, alert = "fortnox_reconnect_needed", "Fortnox authorisation is dead: the tenant must reconnect; its orders are parked");
        match self.tenants.get_tenant(tenant).await {
            Ok(Some(mut t)) => {
                t.status = TenantStatus::NeedsReconnect;
                if let Err(e) = self.tenants.put_tenant(&t).await {
                    tracing::error!(tenant = %tenant, error = %e, "could not mark the tenant needs_reconnect");
                }
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(tenant = %tenant, error = %e, "could not read the tenant to mark it")
            }
        }
    }
}
