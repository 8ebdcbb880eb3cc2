use crate::ports::StoreError;
use crate::sync::store::{SyncCursor, SyncStore};
use async_trait::async_trait;
use fortsync_domain::TenantId;
use fortsync_domain::job::SyncResource;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

type Key = (TenantId, SyncResource);

#[derive(Default)]
struct Tables {
    /// cursor and (lease owner, until)
    cursors: HashMap<Key, (SyncCursor, Option<(String, i64)>)>,
    snapshots: HashMap<(TenantId, SyncResource, String), String>,
}

/// Sync cursors, leases and snapshots in memory, with the store's lease contract.
#[derive(Default)]
pub struct MemorySyncStore {
    tables: Mutex<Tables>,
}

impl MemorySyncStore {
    fn lock(&self) -> Result<MutexGuard<'_, Tables>, StoreError> {
        self.tables
            .lock()
            .map_err(|_| StoreError::Unavailable("sync store lock poisoned".into()))
    }
}

#[async_trait]
impl SyncStore for MemorySyncStore {
    async fn lease(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<SyncCursor>, StoreError> {
        let mut t = self.lock()?;
        let entry = t
            .cursors
            .entry((tenant.clone(), resource))
            .or_insert_with(|| (SyncCursor::default(), None));
        match &entry.1 {
            Some((other, expires)) if other != owner && *expires > now => Ok(None),
            _ => {
                entry.1 = Some((owner.to_owned(), until));
                Ok(Some(entry.0.clone()))
            }
        }
    }

    async fn save(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        owner: &str,
        cursor: &SyncCursor,
        until: i64,
    ) -> Result<(), StoreError> {
        let mut t = self.lock()?;
        match t.cursors.get_mut(&(tenant.clone(), resource)) {
            Some(entry) if entry.1.as_ref().is_some_and(|(o, _)| o == owner) => {
                entry.0 = cursor.clone();
                entry.1 = Some((owner.to_owned(), until));
                Ok(())
            }
            _ => Err(StoreError::Conflict),
        }
    }

    async fn release(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        owner: &str,
        cursor: &SyncCursor,
    ) -> Result<(), StoreError> {
        let mut t = self.lock()?;
        match t.cursors.get_mut(&(tenant.clone(), resource)) {
            Some(entry) if entry.1.as_ref().is_some_and(|(o, _)| o == owner) => {
                entry.0 = cursor.clone();
                entry.1 = None;
                Ok(())
            }
            _ => Err(StoreError::Conflict),
        }
    }

    async fn peek(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
    ) -> Result<Option<SyncCursor>, StoreError> {
        Ok(self
            .lock()?
            .cursors
            .get(&(tenant.clone(), resource))
            .map(|c| c.0.clone()))
    }

    async fn snapshots(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        keys: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        let t = self.lock()?;
        Ok(keys
            .iter()
            .filter_map(|k| {
                t.snapshots
                    .get(&(tenant.clone(), resource, k.clone()))
                    .map(|v| (k.clone(), v.clone()))
            })
            .collect())
    }

    async fn put_snapshots(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        entries: &[(String, String)],
    ) -> Result<(), StoreError> {
        let mut t = self.lock()?;
        for (k, v) in entries {
            t.snapshots
                .insert((tenant.clone(), resource, k.clone()), v.clone());
        }
        Ok(())
    }
}
