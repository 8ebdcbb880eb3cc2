//! Which tenants are registered on the current WebSocket connection, and keeping that in step
//! with the tenant table and the tokens: new tenants are added, disconnected ones removed, and
//! a tenant is re-added when its token changed or it was last added `readd_interval` ago
//! (access tokens live an hour; Fortnox's behaviour on expiry is unverified, so the relay never
//! lets a registered token run out).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use fortsync_app::{SecretString, TenantStore};
use fortsync_domain::TenantId;
use fortsync_domain::error::Classify;
use fortsync_domain::tenant::{Tenant, TenantStatus};
use fortsync_fortnox::TokenManager;
use fortsync_fortnox::topics::TopicsClient;

use crate::error::RelayError;

/// Tokens per `add-tenants-v1` command (Fortnox documents no limit; keep messages small).
const ADD_BATCH: usize = 50;

#[derive(Debug)]
struct Registered {
    /// Fortnox's `DatabaseNumber`, as `add-tenants-v1` answered it.
    fortnox_id: u64,
    token: SecretString,
    added_at: Instant,
}

/// What one [`Registry::sync`] did, for the log.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub added: usize,
    pub readded: usize,
    pub removed: usize,
    pub refused: usize,
    pub without_token: usize,
}

#[derive(Debug, Default)]
pub struct Registry {
    tenants: BTreeMap<TenantId, Registered>,
}

/// A tenant the relay follows: connected and with a known Fortnox tenant id.
fn followed(t: &Tenant) -> bool {
    t.status == TenantStatus::Connected && t.fortnox_tenant_id.is_some()
}

impl Registry {
    pub fn len(&self) -> usize {
        self.tenants.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tenants.is_empty()
    }

    /// Our tenants behind a Fortnox tenant id (usually one; two shops may share a company).
    pub fn recipients(&self, fortnox_id: u64) -> Vec<TenantId> {
        self.tenants
            .iter()
            .filter(|(_, r)| r.fortnox_id == fortnox_id)
            .map(|(t, _)| t.clone())
            .collect()
    }

    /// Brings the connection in step with the tenant table. A tenant store error fails the
    /// sync before anything changed; a WebSocket error fails it (and the session); a token
    /// that cannot be had is logged and tried again next time.
    pub async fn sync(
        &mut self,
        client: &mut TopicsClient,
        store: &dyn TenantStore,
        tokens: &TokenManager,
        readd_interval: Duration,
    ) -> Result<SyncReport, RelayError> {
        let wanted: Vec<Tenant> = store
            .list_tenants()
            .await?
            .into_iter()
            .filter(followed)
            .collect();
        let mut report = SyncReport::default();

        // Gone (disconnected, needs reconnect, deleted): stop their events.
        let keep: BTreeSet<&TenantId> = wanted.iter().map(|t| &t.id).collect();
        let gone: Vec<TenantId> = self
            .tenants
            .keys()
            .filter(|t| !keep.contains(t))
            .cloned()
            .collect();
        if !gone.is_empty() {
            let mut ids = BTreeSet::new();
            for t in &gone {
                if let Some(r) = self.tenants.remove(t) {
                    ids.insert(r.fortnox_id);
                }
            }
            // A Fortnox company still used by another followed tenant stays.
            ids.retain(|id| self.recipients(*id).is_empty());
            if !ids.is_empty() {
                let ids: Vec<u64> = ids.into_iter().collect();
                client.remove_tenants(&ids).await?;
            }
            report.removed = gone.len();
            tracing::info!(removed = gone.len(), "tenants no longer followed");
        }

        // New, renewed or due tokens.
        let mut due: Vec<(Tenant, SecretString)> = Vec::new();
        for tenant in wanted {
            let token = match tokens.access_token(&tenant).await {
                Ok(t) => SecretString::new(t),
                Err(e) => {
                    report.without_token += 1;
                    tracing::warn!(tenant = %tenant.id, class = ?e.class(), error = %e, "no Fortnox access token; the tenant is added later");
                    continue;
                }
            };
            let renew = match self.tenants.get(&tenant.id) {
                None => true,
                Some(r) => r.token != token || r.added_at.elapsed() >= readd_interval,
            };
            if renew {
                due.push((tenant, token));
            }
        }
        let mut retry = Vec::new();
        for batch in due.chunks(ADD_BATCH) {
            let refused = self.add(client, batch, &mut report).await?;
            for (tenant, token) in refused {
                // Maybe revoked or expired early: forget it, and try once with a new one.
                tokens.invalidate(&tenant.id, token.expose());
                match tokens.access_token(&tenant).await {
                    Ok(fresh) if fresh != token.expose() => {
                        retry.push((tenant, SecretString::new(fresh)));
                    }
                    Ok(_) => {
                        tracing::warn!(tenant = %tenant.id, "Fortnox refused the tenant's token on the topics connection");
                    }
                    Err(e) => {
                        tracing::warn!(tenant = %tenant.id, class = ?e.class(), error = %e, "Fortnox refused the tenant's token and no new one could be had");
                    }
                }
            }
        }
        for batch in retry.chunks(ADD_BATCH) {
            for (tenant, _) in self.add(client, batch, &mut report).await? {
                tracing::warn!(tenant = %tenant.id, "Fortnox refused the tenant's renewed token on the topics connection");
            }
        }
        if report != SyncReport::default() {
            tracing::info!(
                followed = self.tenants.len(),
                added = report.added,
                readded = report.readded,
                removed = report.removed,
                refused = report.refused,
                without_token = report.without_token,
                "topics tenants in step"
            );
        }
        Ok(report)
    }

    /// `add-tenants-v1` for one batch; returns the refused ones.
    async fn add(
        &mut self,
        client: &mut TopicsClient,
        batch: &[(Tenant, SecretString)],
        report: &mut SyncReport,
    ) -> Result<Vec<(Tenant, SecretString)>, RelayError> {
        let tokens: Vec<SecretString> = batch.iter().map(|(_, t)| t.clone()).collect();
        let result = client.add_tenants(&tokens).await?;
        let now = Instant::now();
        let mut refused = Vec::new();
        for (i, (tenant, token)) in batch.iter().enumerate() {
            let Some(&fortnox_id) = result.tenant_ids.get(&i) else {
                report.refused += 1;
                refused.push((tenant.clone(), token.clone()));
                continue;
            };
            if tenant.fortnox_tenant_id != Some(fortnox_id) {
                // The token is the authority on whose events these are.
                tracing::warn!(tenant = %tenant.id, expected = ?tenant.fortnox_tenant_id, got = fortnox_id, "the token belongs to another Fortnox tenant than recorded");
            }
            let previous = self.tenants.insert(
                tenant.id.clone(),
                Registered {
                    fortnox_id,
                    token: token.clone(),
                    added_at: now,
                },
            );
            if previous.is_some() {
                report.readded += 1;
            } else {
                report.added += 1;
            }
        }
        Ok(refused)
    }
}
