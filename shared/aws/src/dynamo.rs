//! The single state table (keys `pk`/`sk`, index `gsi1`, TTL on `expires_at`). Item layout is
//! documented in the README; expiry is always checked in code because TTL deletion is lazy.

use crate::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use fortsync_app::oauth::{OAuthState, OAuthStateStore, TokenLease};
use fortsync_app::{
    ArticleIndex, AuditEntry, AuditLog, CustomerEntry, CustomerIndex, DeliveryLog, OrderStore,
    StoreError, TenantStore,
};
use fortsync_domain::state::{OrderRecord, OrderState};
use fortsync_domain::tenant::Tenant;
use fortsync_domain::{OrderId, TenantId};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

/// Key and index names this adapter writes; a test checks them against `template.yaml`.
pub const HASH_KEY: &str = "pk";
pub const RANGE_KEY: &str = "sk";
pub const GSI1: &str = "gsi1";
pub const GSI1_HASH_KEY: &str = "gsi1pk";
pub const GSI1_RANGE_KEY: &str = "gsi1sk";
pub const TTL_ATTRIBUTE: &str = "expires_at";

#[derive(Clone)]
pub struct DynamoStore {
    pub(crate) client: Client,
    pub(crate) table: String,
}

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(crate) fn tenant_pk(t: &TenantId) -> String {
    format!("TENANT#{t}")
}

pub(crate) fn unavailable<E: std::error::Error>(e: E) -> StoreError {
    StoreError::Unavailable(describe(&e))
}

/// A record as a map of attributes plus the keys.
pub(crate) fn to_item<T: Serialize>(
    value: &T,
    keys: [(&str, AttributeValue); 2],
) -> Result<Item, StoreError> {
    let mut item: Item =
        serde_dynamo::to_item(value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    for (k, v) in keys {
        item.insert(k.to_owned(), v);
    }
    Ok(item)
}

pub(crate) fn from_item<T: DeserializeOwned>(mut item: Item) -> Result<T, StoreError> {
    // Keys only: `expires_at` is also a field of some records (OAuth state).
    for k in [HASH_KEY, RANGE_KEY, GSI1_HASH_KEY, GSI1_RANGE_KEY] {
        item.remove(k);
    }
    serde_dynamo::from_item(item).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn get(&self, pk: String, sk: String) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item)
    }
}

#[async_trait]
impl TenantStore for DynamoStore {
    async fn get_tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        self.get(tenant_pk(id), "META".into())
            .await?
            .map(from_item)
            .transpose()
    }

    async fn put_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let mut item = to_item(
            tenant,
            [("pk", s(tenant_pk(&tenant.id))), ("sk", s("META"))],
        )?;
        // gsi1 lists every tenant (the hourly sync enumerates them).
        item.insert("gsi1pk".into(), s("TENANTS"));
        item.insert("gsi1sk".into(), s(tenant.id.as_str()));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        // The index is eventually consistent: a tenant connected this second joins next hour.
        let items = self.query_gsi1("TENANTS".into(), String::new()).await?;
        items.into_iter().map(from_item).collect()
    }
}

#[async_trait]
impl DeliveryLog for DynamoStore {
    async fn claim(
        &self,
        tenant: &TenantId,
        key: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(tenant_pk(tenant)))
            .item("sk", s(format!("DELIVERY#{key}")))
            .item("expires_at", n(expires_at))
            .item("claimed_at", n(now))
            .condition_expression("attribute_not_exists(pk) OR expires_at < :now")
            .expression_attribute_values(":now", n(now))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn release(&self, tenant: &TenantId, key: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(tenant_pk(tenant)))
            .key("sk", s(format!("DELIVERY#{key}")))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

fn order_item(r: &OrderRecord) -> Result<Item, StoreError> {
    let mut item = to_item(
        r,
        [
            ("pk", s(tenant_pk(&r.tenant))),
            ("sk", s(format!("ORDER#{}", r.order_id))),
        ],
    )?;
    // gsi1 lists a tenant's orders by state (failed orders for the admin, stuck ones for sweeps).
    item.insert("gsi1pk".into(), s(format!("ORDERS#{}", r.tenant)));
    item.insert(
        "gsi1sk".into(),
        s(format!("{}#{}", r.state.as_str(), r.updated_at)),
    );
    Ok(item)
}

#[async_trait]
impl OrderStore for DynamoStore {
    async fn get_order(
        &self,
        tenant: &TenantId,
        id: &OrderId,
    ) -> Result<Option<OrderRecord>, StoreError> {
        self.get(tenant_pk(tenant), format!("ORDER#{id}"))
            .await?
            .map(from_item)
            .transpose()
    }

    async fn insert_order(&self, record: &OrderRecord) -> Result<Option<OrderRecord>, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(order_item(record)?))
            .condition_expression("attribute_not_exists(pk)")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(_) => Ok(None),
            Err(e) => match e.into_service_error() {
                se if se.is_conditional_check_failed_exception() => {
                    let existing = match se {
                        aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(c) => c.item,
                        _ => None,
                    };
                    match existing {
                        Some(item) => from_item(item).map(Some),
                        None => self.get_order(&record.tenant, &record.order_id).await,
                    }
                }
                se => Err(unavailable(se)),
            },
        }
    }

    async fn save_order(&self, record: &mut OrderRecord) -> Result<(), StoreError> {
        let expected = record.version;
        record.version += 1;
        let item = match order_item(record) {
            Ok(i) => i,
            Err(e) => {
                record.version = expected;
                return Err(e);
            }
        };
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("version = :expected")
            .expression_attribute_values(":expected", n(expected))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                record.version = expected;
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception())
                {
                    Err(StoreError::Conflict)
                } else {
                    Err(unavailable(e))
                }
            }
        }
    }

    async fn orders_in_state(
        &self,
        tenant: &TenantId,
        state: OrderState,
    ) -> Result<Vec<OrderRecord>, StoreError> {
        // The index is eventually consistent: callers re-check state on the record they load.
        let items = self
            .query_gsi1(format!("ORDERS#{tenant}"), format!("{}#", state.as_str()))
            .await?;
        items.into_iter().map(from_item).collect()
    }
}

#[async_trait]
impl OAuthStateStore for DynamoStore {
    async fn put_state(&self, state: &OAuthState) -> Result<(), StoreError> {
        let mut item = to_item(
            state,
            [
                ("pk", s(format!("OAUTHSTATE#{}", state.state_hash))),
                ("sk", s("META")),
            ],
        )?;
        item.insert(TTL_ATTRIBUTE.into(), n(state.expires_at));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn take_state(&self, state_hash: &str) -> Result<Option<OAuthState>, StoreError> {
        // A conditional delete returning the old item: exactly one concurrent caller gets it.
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(format!("OAUTHSTATE#{state_hash}")))
            .key("sk", s("META"))
            .condition_expression("attribute_exists(pk)")
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => out.attributes.map(from_item).transpose(),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[async_trait]
impl TokenLease for DynamoStore {
    async fn try_acquire(
        &self,
        tenant: &TenantId,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<u64>, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(tenant_pk(tenant)))
            .key("sk", s("TOKEN"))
            .update_expression("SET lease_owner = :o, lease_until = :u")
            .condition_expression("attribute_not_exists(lease_until) OR lease_until < :now")
            .expression_attribute_values(":o", s(owner))
            .expression_attribute_values(":u", n(until))
            .expression_attribute_values(":now", n(now))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => Ok(Some(
                out.attributes
                    .as_ref()
                    .and_then(|a| a.get("version"))
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            )),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn release(
        &self,
        tenant: &TenantId,
        owner: &str,
        version: Option<u64>,
    ) -> Result<(), StoreError> {
        let req = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(tenant_pk(tenant)))
            .key("sk", s("TOKEN"))
            .condition_expression("lease_owner = :o")
            .expression_attribute_values(":o", s(owner));
        let req = match version {
            Some(v) => req
                .update_expression("REMOVE lease_owner, lease_until SET version = :v")
                .expression_attribute_values(":v", n(v)),
            None => req.update_expression("REMOVE lease_owner, lease_until"),
        };
        match req.send().await {
            Ok(_) => Ok(()),
            // Someone else holds it now (ours expired): nothing to give back.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(unavailable(e)),
        }
    }
}

impl DynamoStore {
    /// Every item of one gsi1 partition whose sort key starts with `prefix`.
    async fn query_gsi1(&self, hash: String, prefix: String) -> Result<Vec<Item>, StoreError> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let query = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(GSI1)
                .expression_attribute_names("#h", GSI1_HASH_KEY)
                .expression_attribute_values(":h", s(hash.clone()))
                .set_exclusive_start_key(start);
            // DynamoDB refuses an empty begins_with value: no prefix, no range condition.
            let query = if prefix.is_empty() {
                query.key_condition_expression("#h = :h")
            } else {
                query
                    .key_condition_expression("#h = :h AND begins_with(#r, :p)")
                    .expression_attribute_names("#r", GSI1_RANGE_KEY)
                    .expression_attribute_values(":p", s(prefix.clone()))
            };
            let page = query.send().await.map_err(unavailable)?;
            out.extend(page.items.unwrap_or_default());
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(out);
            }
        }
    }
}

fn audit_pk(tenant: &TenantId, order: &OrderId) -> String {
    format!("TENANT#{tenant}#ORDER#{order}")
}

#[async_trait]
impl AuditLog for DynamoStore {
    async fn append(
        &self,
        tenant: &TenantId,
        order: &OrderId,
        entries: &[AuditEntry],
    ) -> Result<(), StoreError> {
        let pk = audit_pk(tenant, order);
        // A batch id keeps entries of concurrent attempts at the same instant apart.
        let batch = uuid_fragment();
        for (i, e) in entries.iter().enumerate() {
            let item = to_item(
                e,
                [
                    ("pk", s(pk.clone())),
                    ("sk", s(format!("AUDIT#{}#{batch}#{i:04}", e.at))),
                ],
            )?;
            self.client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .send()
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    async fn list(
        &self,
        tenant: &TenantId,
        order: &OrderId,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :audit)")
                .expression_attribute_values(":pk", s(audit_pk(tenant, order)))
                .expression_attribute_values(":audit", s("AUDIT#"))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            for item in page.items.unwrap_or_default() {
                out.push(from_item(item)?);
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(out);
            }
        }
    }
}

fn uuid_fragment() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{nanos:09}")
}

#[async_trait]
impl ArticleIndex for DynamoStore {
    async fn known_articles(
        &self,
        tenant: &TenantId,
        numbers: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut wanted: Vec<&String> = numbers.iter().collect();
        wanted.sort();
        wanted.dedup();
        let keys = wanted.iter().map(|n| article_key(tenant, n)).collect();
        let found = self.batch_get(keys, Some("sk")).await?;
        Ok(found
            .iter()
            .filter_map(|item| match item.get(RANGE_KEY) {
                Some(AttributeValue::S(sk)) => sk.strip_prefix("ARTICLE#").map(str::to_owned),
                _ => None,
            })
            .collect())
    }

    async fn remember_articles(
        &self,
        tenant: &TenantId,
        numbers: &[String],
    ) -> Result<(), StoreError> {
        let items = numbers.iter().map(|n| article_key(tenant, n)).collect();
        self.batch_put(items).await
    }
}

fn article_key(tenant: &TenantId, number: &str) -> Item {
    HashMap::from([
        (HASH_KEY.to_owned(), s(tenant_pk(tenant))),
        (RANGE_KEY.to_owned(), s(format!("ARTICLE#{number}"))),
    ])
}

#[async_trait]
impl CustomerIndex for DynamoStore {
    async fn get_customer(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<CustomerEntry>, StoreError> {
        self.get(tenant_pk(tenant), format!("CUSTOMER#{key}"))
            .await?
            .map(from_item)
            .transpose()
    }

    async fn put_customer(
        &self,
        tenant: &TenantId,
        key: &str,
        entry: &CustomerEntry,
    ) -> Result<(), StoreError> {
        let item = to_item(
            entry,
            [
                ("pk", s(tenant_pk(tenant))),
                ("sk", s(format!("CUSTOMER#{key}"))),
            ],
        )?;
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
