//! Sync cursors (`pk=TENANT#t`, `sk=SYNC#<resource>`) with a conditional lease, and per-item
//! snapshots (`sk=SNAP#<resource>#<key>`), on the state table.

use crate::dynamo::{DynamoStore, from_item, n, s, tenant_pk, unavailable};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use fortsync_app::StoreError;
use fortsync_app::sync::store::{SyncCursor, SyncStore};
use fortsync_domain::TenantId;
use fortsync_domain::job::SyncResource;
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

fn cursor_key(tenant: &TenantId, resource: SyncResource) -> Item {
    HashMap::from([
        ("pk".to_owned(), s(tenant_pk(tenant))),
        ("sk".to_owned(), s(format!("SYNC#{}", resource.as_str()))),
    ])
}

fn snapshot_key(tenant: &TenantId, resource: SyncResource, key: &str) -> Item {
    HashMap::from([
        ("pk".to_owned(), s(tenant_pk(tenant))),
        (
            "sk".to_owned(),
            s(format!("SNAP#{}#{key}", resource.as_str())),
        ),
    ])
}

fn cursor_json(cursor: &SyncCursor) -> Result<String, StoreError> {
    serde_json::to_string(cursor).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn conditional(e: &aws_sdk_dynamodb::error::SdkError<impl std::error::Error + 'static>) -> bool {
    crate::describe(e).contains("ConditionalCheckFailed")
}

impl DynamoStore {
    async fn write_cursor(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        owner: &str,
        cursor: &SyncCursor,
        lease: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(cursor_key(tenant, resource)))
            .condition_expression("lease_owner = :me")
            .expression_attribute_values(":me", s(owner))
            .expression_attribute_values(":c", s(cursor_json(cursor)?));
        update = match lease {
            Some(until) => update
                .update_expression("SET cursor_json = :c, lease_until = :u")
                .expression_attribute_values(":u", n(until)),
            None => {
                update.update_expression("SET cursor_json = :c REMOVE lease_owner, lease_until")
            }
        };
        match update.send().await {
            Ok(_) => Ok(()),
            Err(e) if conditional(&e) => Err(StoreError::Conflict),
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[async_trait]
impl SyncStore for DynamoStore {
    async fn lease(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<SyncCursor>, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(cursor_key(tenant, resource)))
            .update_expression("SET lease_owner = :me, lease_until = :u")
            .condition_expression(
                "attribute_not_exists(lease_until) OR lease_until <= :now OR lease_owner = :me",
            )
            .expression_attribute_values(":me", s(owner))
            .expression_attribute_values(":u", n(until))
            .expression_attribute_values(":now", n(now))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => {
                let json = out
                    .attributes
                    .and_then(|mut a| a.remove("cursor_json"))
                    .and_then(|v| v.as_s().ok().cloned());
                match json {
                    Some(j) => serde_json::from_str(&j)
                        .map(Some)
                        .map_err(|e| StoreError::Corrupt(e.to_string())),
                    None => Ok(Some(SyncCursor::default())),
                }
            }
            Err(e) if conditional(&e) => Ok(None),
            Err(e) => Err(unavailable(e)),
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
        self.write_cursor(tenant, resource, owner, cursor, Some(until))
            .await
    }

    async fn release(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        owner: &str,
        cursor: &SyncCursor,
    ) -> Result<(), StoreError> {
        self.write_cursor(tenant, resource, owner, cursor, None)
            .await
    }

    async fn peek(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
    ) -> Result<Option<SyncCursor>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(cursor_key(tenant, resource)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        match out
            .item
            .and_then(|mut i| i.remove("cursor_json"))
            .and_then(|v| v.as_s().ok().cloned())
        {
            Some(j) => serde_json::from_str(&j)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(e.to_string())),
            None => Ok(None),
        }
    }

    async fn snapshots(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        keys: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        let mut wanted: Vec<&String> = keys.iter().collect();
        wanted.sort();
        wanted.dedup();
        let prefix = format!("SNAP#{}#", resource.as_str());
        let keys = wanted
            .iter()
            .map(|k| snapshot_key(tenant, resource, k))
            .collect();
        let mut out = HashMap::new();
        for item in self.batch_get(keys, None).await? {
            let key = item
                .get("sk")
                .and_then(|v| v.as_s().ok())
                .and_then(|sk| sk.strip_prefix(&prefix))
                .map(str::to_owned);
            let value: Option<Snapshot> = from_item(item).ok();
            if let (Some(k), Some(v)) = (key, value) {
                out.insert(k, v.data);
            }
        }
        Ok(out)
    }

    async fn put_snapshots(
        &self,
        tenant: &TenantId,
        resource: SyncResource,
        entries: &[(String, String)],
    ) -> Result<(), StoreError> {
        let items = entries
            .iter()
            .map(|(k, v)| {
                let mut item = snapshot_key(tenant, resource, k);
                item.insert("data".into(), s(v.clone()));
                item
            })
            .collect();
        self.batch_put(items).await
    }
}

#[derive(serde::Deserialize)]
struct Snapshot {
    data: String,
}
