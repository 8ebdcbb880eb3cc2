use crate::oauth::{OAuthState, OAuthStateStore, TokenLease};
use crate::ports::{
    ArticleIndex, AuditEntry, AuditLog, CustomerEntry, CustomerIndex, DeliveryLog, OrderStore,
    StoreError, TenantStore,
};
use async_trait::async_trait;
use fortsync_domain::state::{OrderRecord, OrderState};
use fortsync_domain::tenant::Tenant;
use fortsync_domain::{OrderId, TenantId};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

#[derive(Default)]
struct Tables {
    tenants: HashMap<TenantId, Tenant>,
    deliveries: HashMap<(TenantId, String), i64>,
    orders: HashMap<(TenantId, OrderId), OrderRecord>,
    audit: HashMap<(TenantId, OrderId), Vec<AuditEntry>>,
    oauth_states: HashMap<String, OAuthState>,
    customers: HashMap<(TenantId, String), CustomerEntry>,
    articles: std::collections::HashSet<(TenantId, String)>,
    /// tenant → (lease owner and expiry, last released version)
    token_leases: HashMap<TenantId, (Option<(String, i64)>, u64)>,
}

/// The state table in memory: tenants, delivery claims, order records and audit trails.
#[derive(Default)]
pub struct MemoryStore {
    tables: Mutex<Tables>,
}

impl MemoryStore {
    fn lock(&self) -> Result<MutexGuard<'_, Tables>, StoreError> {
        self.tables
            .lock()
            .map_err(|_| StoreError::Unavailable("poisoned".into()))
    }

    /// Every order record of a tenant (for the demo's summary).
    pub fn orders_of(&self, tenant: &TenantId) -> Vec<OrderRecord> {
        let Ok(t) = self.lock() else {
            return Vec::new();
        };
        let mut v: Vec<_> = t
            .orders
            .iter()
            .filter(|((tt, _), _)| tt == tenant)
            .map(|(_, r)| r.clone())
            .collect();
        v.sort_by(|a, b| {
            a.received_at
                .cmp(&b.received_at)
                .then(a.order_id.cmp(&b.order_id))
        });
        v
    }
}

#[async_trait]
impl TenantStore for MemoryStore {
    async fn get_tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        Ok(self.lock()?.tenants.get(id).cloned())
    }
    async fn put_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        self.lock()?
            .tenants
            .insert(tenant.id.clone(), tenant.clone());
        Ok(())
    }
    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let mut all: Vec<Tenant> = self.lock()?.tenants.values().cloned().collect();
        all.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        Ok(all)
    }
}

#[async_trait]
impl DeliveryLog for MemoryStore {
    async fn claim(
        &self,
        tenant: &TenantId,
        key: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let mut t = self.lock()?;
        let k = (tenant.clone(), key.to_owned());
        match t.deliveries.get(&k) {
            Some(exp) if *exp > now => Ok(false),
            _ => {
                t.deliveries.insert(k, expires_at);
                Ok(true)
            }
        }
    }
    async fn release(&self, tenant: &TenantId, key: &str) -> Result<(), StoreError> {
        self.lock()?
            .deliveries
            .remove(&(tenant.clone(), key.to_owned()));
        Ok(())
    }
}

#[async_trait]
impl OrderStore for MemoryStore {
    async fn get_order(
        &self,
        tenant: &TenantId,
        id: &OrderId,
    ) -> Result<Option<OrderRecord>, StoreError> {
        Ok(self
            .lock()?
            .orders
            .get(&(tenant.clone(), id.clone()))
            .cloned())
    }
    async fn insert_order(&self, record: &OrderRecord) -> Result<Option<OrderRecord>, StoreError> {
        let mut t = self.lock()?;
        let k = (record.tenant.clone(), record.order_id.clone());
        if let Some(existing) = t.orders.get(&k) {
            return Ok(Some(existing.clone()));
        }
        t.orders.insert(k, record.clone());
        Ok(None)
    }
    async fn save_order(&self, record: &mut OrderRecord) -> Result<(), StoreError> {
        let mut t = self.lock()?;
        let k = (record.tenant.clone(), record.order_id.clone());
        match t.orders.get(&k) {
            Some(stored) if stored.version == record.version => {
                record.version += 1;
                t.orders.insert(k, record.clone());
                Ok(())
            }
            _ => Err(StoreError::Conflict),
        }
    }
    async fn orders_in_state(
        &self,
        tenant: &TenantId,
        state: OrderState,
    ) -> Result<Vec<OrderRecord>, StoreError> {
        let t = self.lock()?;
        Ok(t.orders
            .iter()
            .filter(|((tt, _), r)| tt == tenant && r.state == state)
            .map(|(_, r)| r.clone())
            .collect())
    }
}

#[async_trait]
impl OAuthStateStore for MemoryStore {
    async fn put_state(&self, state: &OAuthState) -> Result<(), StoreError> {
        self.lock()?
            .oauth_states
            .insert(state.state_hash.clone(), state.clone());
        Ok(())
    }
    async fn take_state(&self, state_hash: &str) -> Result<Option<OAuthState>, StoreError> {
        Ok(self.lock()?.oauth_states.remove(state_hash))
    }
}

#[async_trait]
impl TokenLease for MemoryStore {
    async fn try_acquire(
        &self,
        tenant: &TenantId,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<u64>, StoreError> {
        let mut t = self.lock()?;
        let entry = t.token_leases.entry(tenant.clone()).or_insert((None, 0));
        match &entry.0 {
            Some((_, held_until)) if *held_until >= now => Ok(None),
            _ => {
                entry.0 = Some((owner.to_owned(), until));
                Ok(Some(entry.1))
            }
        }
    }
    async fn release(
        &self,
        tenant: &TenantId,
        owner: &str,
        version: Option<u64>,
    ) -> Result<(), StoreError> {
        let mut t = self.lock()?;
        if let Some(entry) = t.token_leases.get_mut(tenant)
            && entry.0.as_ref().is_some_and(|(o, _)| o == owner)
        {
            entry.0 = None;
            if let Some(v) = version {
                entry.1 = v;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl AuditLog for MemoryStore {
    async fn append(
        &self,
        tenant: &TenantId,
        order: &OrderId,
        entries: &[AuditEntry],
    ) -> Result<(), StoreError> {
        self.lock()?
            .audit
            .entry((tenant.clone(), order.clone()))
            .or_default()
            .extend_from_slice(entries);
        Ok(())
    }
    async fn list(
        &self,
        tenant: &TenantId,
        order: &OrderId,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(self
            .lock()?
            .audit
            .get(&(tenant.clone(), order.clone()))
            .cloned()
            .unwrap_or_default())
    }
}

#[async_trait]
impl ArticleIndex for MemoryStore {
    async fn known_articles(
        &self,
        tenant: &TenantId,
        numbers: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let t = self.lock()?;
        Ok(numbers
            .iter()
            .filter(|n| t.articles.contains(&(tenant.clone(), (*n).clone())))
            .cloned()
            .collect())
    }
    async fn remember_articles(
        &self,
        tenant: &TenantId,
        numbers: &[String],
    ) -> Result<(), StoreError> {
        let mut t = self.lock()?;
        for n in numbers {
            t.articles.insert((tenant.clone(), n.clone()));
        }
        Ok(())
    }
}

#[async_trait]
impl CustomerIndex for MemoryStore {
    async fn get_customer(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<CustomerEntry>, StoreError> {
        Ok(self
            .lock()?
            .customers
            .get(&(tenant.clone(), key.to_owned()))
            .cloned())
    }
    async fn put_customer(
        &self,
        tenant: &TenantId,
        key: &str,
        entry: &CustomerEntry,
    ) -> Result<(), StoreError> {
        self.lock()?
            .customers
            .insert((tenant.clone(), key.to_owned()), entry.clone());
        Ok(())
    }
}
