//! The shared rate window in the state table: one item per key,
//! `pk = RATE#<key>`, `sk = WINDOW`, holding a counter per time bucket (`b<bucket start ms>`),
//! the newest granted bucket (`latest`) and `expires_at` (TTL; only housekeeping, old buckets
//! are ignored by time).
//!
//! A grant is one conditional `UpdateItem`: `ADD b<current> 1`, provided that
//! `latest <= current`, every earlier bucket of the window still holds the count this
//! process last saw, and the current bucket holds fewer than `limit − sum(earlier)`. The
//! condition carries the whole decision, so the grant is exact however many instances race;
//! concurrent grants in the same bucket do not conflict (the increment is commutative and the
//! bound is re-checked by DynamoDB). The last seen item is cached per key, so the usual grant
//! is a single round trip; a failed condition returns the current item
//! (`ReturnValuesOnConditionCheckFailure`), or it is re-read, and the decision is made again.
//! Buckets that left the window are removed by the same update, so the item stays small.

use crate::describe;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use fortsync_app::StoreError;
use fortsync_app::rate::{Admission, RateLimit, RateWindow, Verdict};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

type Item = HashMap<String, AttributeValue>;

/// Partition key prefix and sort key of the rate items.
pub const PK_PREFIX: &str = "RATE#";
pub const SK: &str = "WINDOW";
const LATEST: &str = "latest";
const BUCKET_PREFIX: char = 'b';
/// Decisions tried per call before answering a short `Wait` (only reached under heavy
/// contention at bucket boundaries).
const ATTEMPTS: usize = 6;

/// What this process last saw of a key's item.
#[derive(Debug, Clone, Default)]
struct Snapshot {
    counts: BTreeMap<i64, u32>,
    latest: Option<i64>,
}

/// [`RateWindow`] on the state table; every instance constructed with the same table and
/// [`RateLimit`] shares one budget per key.
pub struct DynamoRateWindow {
    client: Client,
    table: String,
    limit: RateLimit,
    seen: Mutex<HashMap<String, Snapshot>>,
}

fn number(v: &AttributeValue) -> Option<i64> {
    v.as_n().ok().and_then(|n| n.parse().ok())
}

fn snapshot(item: &Item) -> Result<Snapshot, StoreError> {
    let mut snap = Snapshot::default();
    for (name, value) in item {
        if name == LATEST {
            snap.latest = Some(number(value).ok_or_else(|| corrupt(name))?);
        } else if let Some(start) = name
            .strip_prefix(BUCKET_PREFIX)
            .and_then(|s| s.parse::<i64>().ok())
        {
            let count = number(value)
                .and_then(|c| u32::try_from(c).ok())
                .ok_or_else(|| corrupt(name))?;
            snap.counts.insert(start, count);
        }
    }
    Ok(snap)
}

fn corrupt(attribute: &str) -> StoreError {
    StoreError::Corrupt(format!("rate window attribute {attribute} is not a count"))
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn bucket_attr(start: i64) -> String {
    format!("{BUCKET_PREFIX}{start}")
}

enum Attempt {
    Granted(Option<Item>),
    /// The condition failed; the item as it is now, when DynamoDB returned it.
    Lost(Option<Item>),
}

impl DynamoRateWindow {
    pub fn new(client: Client, table: impl Into<String>, limit: RateLimit) -> Self {
        Self {
            client,
            table: table.into(),
            limit,
            seen: Mutex::new(HashMap::new()),
        }
    }

    fn remembered(&self, key: &str) -> Option<Snapshot> {
        self.seen.lock().ok().and_then(|m| m.get(key).cloned())
    }

    fn remember(&self, key: &str, snap: Snapshot) {
        if let Ok(mut m) = self.seen.lock() {
            m.insert(key.to_owned(), snap);
        }
    }

    async fn read(&self, key: &str) -> Result<Snapshot, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(format!("{PK_PREFIX}{key}")))
            .key("sk", AttributeValue::S(SK.into()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::Unavailable(describe(&e)))?;
        out.item
            .as_ref()
            .map(snapshot)
            .unwrap_or(Ok(Snapshot::default()))
    }

    /// One conditional increment of `bucket`, valid only if the item still matches `seen`.
    async fn grant(
        &self,
        key: &str,
        seen: &Snapshot,
        bucket: i64,
        allowed: u32,
        now_ms: i64,
    ) -> Result<Attempt, StoreError> {
        let b = self.limit.bucket_ms();
        let first = self.limit.first_counted(bucket);
        let expires_at = now_ms.div_euclid(1000)
            + i64::try_from(self.limit.retention().as_secs()).unwrap_or(0)
            + 60;
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(format!("{PK_PREFIX}{key}")))
            .key("sk", AttributeValue::S(SK.into()))
            .expression_attribute_names("#l", LATEST)
            .expression_attribute_names("#c", bucket_attr(bucket))
            .expression_attribute_names("#e", crate::dynamo::TTL_ATTRIBUTE)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":bucket", n(bucket))
            .expression_attribute_values(":allowed", n(allowed))
            .expression_attribute_values(":exp", n(expires_at));
        let mut condition = String::from(
            "(attribute_not_exists(#l) OR #l <= :bucket) \
             AND (attribute_not_exists(#c) OR #c < :allowed)",
        );
        // The earlier buckets of the window must hold exactly what the decision counted.
        let mut start = first;
        let mut i = 0;
        while start < bucket {
            req = req.expression_attribute_names(format!("#p{i}"), bucket_attr(start));
            match seen.counts.get(&start) {
                Some(c) => {
                    condition.push_str(&format!(" AND #p{i} = :p{i}"));
                    req = req.expression_attribute_values(format!(":p{i}"), n(*c));
                }
                None => condition.push_str(&format!(" AND attribute_not_exists(#p{i})")),
            }
            start += b;
            i += 1;
        }
        let mut update = String::from("SET #l = :bucket, #e = :exp ADD #c :one");
        let old: Vec<i64> = seen.counts.range(..first).map(|(s, _)| *s).collect();
        for (i, start) in old.iter().enumerate() {
            update.push_str(if i == 0 { " REMOVE " } else { ", " });
            update.push_str(&format!("#o{i}"));
            req = req.expression_attribute_names(format!("#o{i}"), bucket_attr(*start));
        }
        let result = req
            .condition_expression(condition)
            .update_expression(update)
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => Ok(Attempt::Granted(out.attributes)),
            Err(SdkError::ServiceError(se)) => match se.into_err() {
                UpdateItemError::ConditionalCheckFailedException(c) => Ok(Attempt::Lost(c.item)),
                other => Err(StoreError::Unavailable(describe(&other))),
            },
            Err(e) => Err(StoreError::Unavailable(describe(&e))),
        }
    }
}

#[async_trait]
impl RateWindow for DynamoRateWindow {
    async fn try_acquire(&self, key: &str, now_ms: i64) -> Result<Admission, StoreError> {
        // A remembered item can only under-count (counts in the window only grow), so a
        // `Wait` decided from it is safe and a `Grant` decided from it is checked by the
        // condition.
        let mut seen = match self.remembered(key) {
            Some(s) => s,
            None => self.read(key).await?,
        };
        for _ in 0..ATTEMPTS {
            let (bucket, allowed) = match self.limit.judge(&seen.counts, seen.latest, now_ms)? {
                Verdict::Wait(d) => {
                    self.remember(key, seen);
                    return Ok(Admission::Wait(d));
                }
                Verdict::Grant { bucket, allowed } => (bucket, allowed),
            };
            match self.grant(key, &seen, bucket, allowed, now_ms).await? {
                Attempt::Granted(item) => {
                    let snap = match item {
                        Some(item) => snapshot(&item)?,
                        None => {
                            *seen.counts.entry(bucket).or_default() += 1;
                            seen.latest = Some(bucket);
                            seen
                        }
                    };
                    self.remember(key, snap);
                    return Ok(Admission::Granted);
                }
                Attempt::Lost(Some(item)) => seen = snapshot(&item)?,
                Attempt::Lost(None) => seen = self.read(key).await?,
            }
        }
        self.remember(key, seen);
        Ok(Admission::Wait((self.limit.bucket / 10).clamp(
            Duration::from_millis(1),
            Duration::from_millis(50),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_item_is_read_back_as_counts_and_latest() {
        let mut item = Item::new();
        item.insert("pk".into(), AttributeValue::S("RATE#t".into()));
        item.insert("sk".into(), AttributeValue::S(SK.into()));
        item.insert("expires_at".into(), n(1_700_000_100));
        item.insert(LATEST.into(), n(1_700_000_000_500i64));
        item.insert(bucket_attr(1_700_000_000_000), n(3));
        item.insert(bucket_attr(1_700_000_000_500), n(21));
        let s = snapshot(&item).unwrap();
        assert_eq!(s.latest, Some(1_700_000_000_500));
        assert_eq!(
            s.counts.into_iter().collect::<Vec<_>>(),
            vec![(1_700_000_000_000, 3), (1_700_000_000_500, 21)]
        );
        item.insert(bucket_attr(1), AttributeValue::S("x".into()));
        assert!(snapshot(&item).is_err());
    }
}
